import ArgumentParser
import BulwarkCore
import Foundation

enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
    case table, json, sarif, junit, html
}

/// Flags every reporting command shares (CONTRACT.md "Common flags").
struct ReportingOptions: ParsableArguments {
    @Option(help: "Output format: table, json, sarif, junit or html.")
    var format: OutputFormat = .table

    @Option(name: .shortAndLong, help: "Write the report to this file instead of standard output.")
    var output: String?

    @Option(name: .customLong("fail-on"),
            help: "Exit 1 when an unsuppressed finding has at least this severity: critical, high, medium, low, info or none (default: high, or failOn in the configuration).")
    var failOn: String?

    @Option(help: "Configuration file (default: .bulwark.yaml in the current directory, if present).")
    var config: String?

    @Flag(help: "Also list suppressed findings in the table output.")
    var showSuppressed = false

    @Option(help: "Add a compliance summary for one framework: cis-k8s, nist-800-190, nsa-k8s, owasp-k8s, pss-baseline, pss-restricted.")
    var compliance: String?

    func validate() throws {
        if let failOn, FailThreshold(argument: failOn) == nil {
            throw ValidationError("--fail-on must be one of critical, high, medium, low, info, none (got \"\(failOn)\")")
        }
        if let compliance, ControlID.frameworks[compliance] == nil {
            throw ValidationError("--compliance must be one of \(ControlID.frameworks.keys.sorted().joined(separator: ", "))")
        }
    }

    /// The configuration to use; a broken configuration file is a usage error (exit 2).
    func loadConfiguration() throws -> Configuration {
        let path = config ?? (FileManager.default.fileExists(atPath: ".bulwark.yaml") ? ".bulwark.yaml" : nil)
        guard let path else { return Configuration() }
        do {
            return try Configuration.load(file: path)
        } catch {
            Terminal.error("\(error)")
            throw ExitCode(2)
        }
    }

    func threshold(_ configuration: Configuration) -> FailThreshold {
        failOn.flatMap(FailThreshold.init(argument:)) ?? configuration.failOn ?? .severity(.high)
    }

    /// Writes the rendered report to --output or standard output.
    func emit(_ bytes: [UInt8]) throws {
        if let output, output != "-" {
            guard FileManager.default.createFile(atPath: output, contents: Data(bytes)) else {
                Terminal.error("cannot write \(output)")
                throw ExitCode(2)
            }
        } else {
            Terminal.write(bytes)
        }
    }

    /// Colour only for the table on a terminal (and never with NO_COLOR).
    var useColour: Bool {
        output == nil && Terminal.isTerminal && ProcessInfo.processInfo.environment["NO_COLOR"] == nil
    }
}

/// Shared input flags.
struct InputOptions: ParsableArguments {
    @Argument(help: "Files or directories to scan; - reads YAML from standard input.")
    var paths: [String] = []

    @Option(help: "Largest input file to read, in MiB; larger files are reported as errors.")
    var maxFileSize: Int = 32

    func validate() throws {
        if paths.isEmpty { throw ValidationError("give at least one file or directory (or - for standard input)") }
        if maxFileSize <= 0 { throw ValidationError("--max-file-size must be positive") }
    }
}
