import ArgumentParser
import BulwarkCore
import BulwarkReport
import BulwarkVulnDB
import Foundation

struct Database: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "db",
        abstract: "The local vulnerability database: import OSV advisories into it, show what it holds.",
        subcommands: [DatabaseImport.self, DatabaseStatusCommand.self]
    )
}

/// `--db`, shared by the db subcommands.
struct DatabasePathOption: ParsableArguments {
    @Option(name: .customLong("db"), help: ArgumentHelp(
        "The database file (default: \(VulnerabilityDatabase.defaultPath.terminalSafe)).", valueName: "file"))
    var database: String?

    var path: String { database ?? VulnerabilityDatabase.defaultPath }
}

struct DatabaseImport: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Load OSV advisories (JSON or YAML files, directories, per-ecosystem all.zip archives) into the database, incrementally.",
        discussion: """
        Creates the database (and its directory) when missing. A record already stored with the same or a newer \
        modification time is left unchanged, so importing the same sources twice changes nothing. Each malformed \
        file is named with its reason and the import goes on with the rest; the exit status is then 2. Get the data \
        where you have network access, e.g. the per-ecosystem archives of the OSV bucket (PyPI/all.zip, \
        Debian/all.zip, Alpine/all.zip, Ubuntu/all.zip) or the PyPA advisory database, and import it offline.
        """
    )

    @Argument(help: "OSV files, directories or zip archives.")
    var sources: [String] = []

    @OptionGroup var database: DatabasePathOption

    func validate() throws {
        if sources.isEmpty { throw ValidationError("give at least one OSV file, directory or zip archive") }
    }

    func run() async throws {
        let console = Console.current
        let summary: ImportSummary
        do {
            let database = try VulnerabilityDatabase(path: database.path, create: true)
            summary = try database.importSources(sources)
        } catch {
            console.error("\(database.path.terminalSafe): \(error)")
            throw ExitCode(2)
        }
        for failure in summary.failed { console.error(failure.description) }
        let line = "\(database.path): \(summary.added) added, \(summary.updated) updated, \(summary.unchanged) unchanged, "
            + "\(summary.withdrawn) withdrawn, \(summary.failed.count) failed\n"
        let sink = try console.destination(nil)
        sink.write(Array(TerminalText.sanitizedLines(line).utf8))
        try console.commit(sink)
        if !summary.failed.isEmpty { throw ExitCode(2) }
    }
}

struct DatabaseStatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Print the database's ecosystems, record counts and newest modification times."
    )

    @OptionGroup var database: DatabasePathOption

    @Option(help: "table or json.")
    var format: String = "table"

    func validate() throws {
        if format != "table" && format != "json" { throw ValidationError("--format must be table or json (got \(format.terminalSafe))") }
    }

    func run() async throws {
        let console = Console.current
        let status: DatabaseStatus
        do {
            status = try VulnerabilityDatabase(path: database.path, create: false).status()
        } catch {
            console.error("\(database.path.terminalSafe): \(error)")
            throw ExitCode(2)
        }
        let sink = try console.destination(nil)
        sink.write(Array((format == "json" ? status.json(path: database.path) : status.table(path: database.path)).utf8))
        try console.commit(sink)
    }
}

extension DatabaseStatus {
    /// `bulwark db status`: the totals, then one line per ecosystem.
    func table(path: String) -> String {
        var text = "database: \(path)\nschema: \(schemaVersion)\nrecords: \(records) (\(withdrawn) withdrawn)\n"
        text += "newest record: \(newestModified?.description ?? "none")\nlast import: \(importedAt?.description ?? "none")\n"
        guard !ecosystems.isEmpty else { return text }
        let width = max(9, ecosystems.map(\.name.count).max() ?? 0)
        text += "\n" + "ecosystem".padding(toLength: width, withPad: " ", startingAt: 0) + "  records  newest record\n"
        for ecosystem in ecosystems {
            let count = String(ecosystem.records)
            text += ecosystem.name.padding(toLength: width, withPad: " ", startingAt: 0) + "  "
                + String(repeating: " ", count: max(0, 7 - count.count)) + count + "  " + (ecosystem.newestModified?.description ?? "-") + "\n"
        }
        return TerminalText.sanitizedLines(text)
    }

    /// `bulwark db status --format json`.
    func json(path: String) -> String {
        func timestamp(_ value: OSVTimestamp?) -> JSONValue { value.map { .string($0.description) } ?? .null }
        let value: JSONValue = .object([
            ("path", .string(path)), ("schemaVersion", .string(schemaVersion)), ("records", .number(Double(records))),
            ("withdrawn", .number(Double(withdrawn))), ("newestModified", timestamp(newestModified)), ("importedAt", timestamp(importedAt)),
            ("ecosystems", .array(ecosystems.map { ecosystem in
                .object([("name", .string(ecosystem.name)), ("records", .number(Double(ecosystem.records))),
                         ("newestModified", timestamp(ecosystem.newestModified))])
            })),
        ])
        var writer = JSONWriter()
        writer.value(value)
        return String(decoding: writer.bytes, as: UTF8.self) + "\n"
    }
}
