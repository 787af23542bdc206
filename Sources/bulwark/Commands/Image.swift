import ArgumentParser
import BulwarkArtifacts
import BulwarkCore
import BulwarkEngine
import BulwarkImage
import BulwarkReport
import BulwarkVulnDB
import Foundation

/// `--platform`, `--db`, `--max-db-age`, `--vex`: how images are read and matched.
struct ImageOptions: ParsableArguments {
    @OptionGroup var platform: PlatformOption

    @Option(name: .customLong("db"), help: ArgumentHelp(
        "The vulnerability database (default: \(VulnerabilityDatabase.defaultPath.terminalSafe)); a missing default database is a warning, a missing --db an error.",
        valueName: "file"))
    var database: String?

    @Option(name: .customLong("max-db-age"), help: ArgumentHelp(
        "Warn when the database's newest record is more than this many days older than the evaluation date.", valueName: "days"))
    var maximumDatabaseAge: Int = 7

    @Option(name: .customLong("vex"), help: ArgumentHelp(
        "Apply the statements of an OpenVEX or CycloneDX VEX document (JSON). Repeatable: --vex a.json --vex b.json.", valueName: "file"))
    var vex: [String] = []

    func validate() throws {
        if maximumDatabaseAge < 0 { throw ValidationError("--max-db-age must be 0 or more days (got \(maximumDatabaseAge))") }
    }

    /// The image domain these options describe. An unreadable `--db` or VEX document is an input
    /// error (exit 2) before anything is scanned.
    func domain(policy: PicklePolicy) throws -> ImageDomain {
        let console = Console.current
        var documents: [VEXDocument] = []
        var failed = false
        for path in vex {
            switch InputFile.open(path, named: true).flatMap({ $0.readAll(limit: .standard) }).flatMap({ VEXDocument.parse($0, name: path) }) {
            case .success(let document): documents.append(document)
            case .failure(let error):
                console.error(error.description)
                failed = true
            }
        }
        var database: AdvisoryDatabase?
        var problem: String?
        let path = self.database ?? VulnerabilityDatabase.defaultPath
        if self.database == nil, !FileManager.default.fileExists(atPath: path) {
            problem = "no vulnerability database at \(path) (bulwark db import SOURCE… creates it)"
        } else {
            do {
                let opened = try VulnerabilityDatabase(path: path, create: false)
                let newest = try opened.status().newestModified.flatMap { CalendarDate(String($0.description.prefix(10))) }
                database = AdvisoryDatabase(source: opened, name: path, newestRecord: newest, maximumAge: maximumDatabaseAge)
            } catch {
                console.error("\(path.terminalSafe): \(error)")
                failed = true
            }
        }
        if failed { throw ExitCode(2) }
        return ImageDomain(platform: platform.value, database: database, databaseProblem: problem, vex: documents,
                           policy: policy)
    }
}

struct Image: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Scan container images (OCI layouts, oci-archive and docker save tars) offline: packages against the local vulnerability database, VEX, secrets and models in every layer, the image config.",
        discussion: """
        An image is an OCI image layout directory, an oci-archive tar or a docker save tar (old and new layouts); \
        --platform picks one image of a multi-platform index. Digests of the manifest, config and every layer are \
        verified, and layers are streamed (gzip, zstd or uncompressed) on all cores without being extracted. \
        Packages are read from dpkg, apk and rpm databases, Python distributions (dist-info, egg-info), conda \
        environments and vendored NVIDIA libraries, and matched against the database that bulwark db import \
        builds from OSV data (offline; --max-db-age warns when it is stale). --vex applies OpenVEX or CycloneDX VEX \
        statements: not_affected and fixed findings stay in the report, suppressed with the statement's reason. \
        Files that a later layer deleted are still in the image: secrets in them are reported with the layer that \
        holds them. Model files in layers go through the rules of bulwark model scan. The table ends with the \
        remediation grouped by action; --format json lists it under images[].remediation.
        """
    )

    @OptionGroup var images: ImageInputOptions
    @OptionGroup var imageOptions: ImageOptions
    @OptionGroup var dates: DateOptions
    @OptionGroup var reporting: ReportingOptions
    @OptionGroup var modelPolicy: ModelPolicyOptions

    func run() async throws {
        let clock = PhaseClock()
        let configuration = try reporting.loadConfiguration()
        let baseline = try reporting.loadBaseline()
        let policy = try modelPolicy.policy(commandLine: [:], configuration: configuration)
        let engine = Engine(domains: [try imageOptions.domain(policy: policy)])
        var request = ScanRequest(paths: images.paths, configuration: configuration, configurationFile: reporting.configurationFile,
                                  maxFileSize: images.limits.limit, evaluationDate: dates.date, compliance: reporting.compliance)
        request.onPhase = clock.mark
        let outcome = engine.scan(request)
        let report = baseline.map { $0.apply(to: outcome.report) } ?? outcome.report
        let threshold = reporting.threshold(configuration)
        let extra: [(String, JSONValue)] = reporting.format == .json ? [("images", .array(outcome.images.map(\.jsonSummary)))] : []
        try reporting.emit(report, configuration: configuration, failOn: threshold, extra: extra, images: outcome.images) { sink in
            guard reporting.format == .table else { return }
            for image in outcome.images { image.writeRemediation(to: sink) }
        }
        clock.mark("report")
        let code = report.exitCode(failOn: threshold)
        if code != 0 { throw ExitCode(code) }
    }
}

/// `--platform`, for `bulwark image`, `bulwark sbom` and `bulwark scan`.
struct PlatformOption: ParsableArguments {
    @Option(help: ArgumentHelp("The platform to read from a multi-platform image (OS/ARCH[/VARIANT]).", valueName: "platform"))
    var platform: String = "linux/amd64"

    func validate() throws {
        if ImagePlatform(platform) == nil { throw ValidationError("--platform must be OS/ARCH[/VARIANT], e.g. linux/amd64 (got \(platform.terminalSafe))") }
    }

    /// Valid once `validate` passed.
    var value: ImagePlatform { ImagePlatform(platform) ?? .standard }
}

/// The image paths of `bulwark image` and `bulwark sbom`.
struct ImageInputOptions: ParsableArguments {
    @Argument(help: "OCI image layout directories, oci-archive or docker save tars (or directories holding them).")
    var paths: [String] = []

    @OptionGroup var limits: LimitOptions

    func validate() throws {
        if paths.isEmpty { throw ValidationError("give at least one image (an OCI layout directory, oci-archive or docker save tar)") }
    }
}

struct SBOM: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sbom",
        abstract: "Write the software bill of materials of container images: CycloneDX 1.6 or SPDX 2.3 JSON.",
        discussion: """
        Lists the image, its operating system, every package (dpkg, apk, rpm, Python, conda, vendored NVIDIA \
        libraries) with its purl, licence and the layer that introduced it, and the model files in its layers as \
        machine-learning-model components (CycloneDX) or packages (SPDX). No vulnerability database is needed. \
        Exits 2 when an image could not be read, 0 otherwise.
        """
    )

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case cyclonedx, spdx
    }

    @OptionGroup var images: ImageInputOptions

    @Option(help: "cyclonedx (CycloneDX 1.6 JSON, the default) or spdx (SPDX 2.3 JSON).")
    var format: Format = .cyclonedx

    @Option(name: .shortAndLong, help: "Write the SBOM to this file instead of standard output (replaced atomically).")
    var output: String?

    @OptionGroup var platform: PlatformOption

    func run() async throws {
        let console = Console.current
        // Inventory only: no database, every rule off but the model rules (whose verdicts the ML-BOM carries).
        let engine = Engine(domains: [ImageDomain(platform: platform.value, databaseProblem: "not used by bulwark sbom")])
        var request = ScanRequest(paths: images.paths, maxFileSize: images.limits.limit)
        request.ruleFilter = { $0.id.hasPrefix("model/") }
        let outcome = engine.scan(request)
        for error in outcome.report.errors { console.error(error.description) }
        for warning in outcome.report.warnings where !warning.message.hasPrefix("vulnerabilities not checked") {
            console.warning(warning.description)
        }
        let sink = try console.destination(output)
        let reportFormat: ReportFormat = format == .spdx ? .spdx : .cyclonedx
        reportFormat.write(outcome.report, options: ReportFormat.Options(models: outcome.models, images: outcome.images), to: sink.write)
        try console.commit(sink)
        if !outcome.report.errors.isEmpty { throw ExitCode(2) }
    }
}

extension ScannedImage {
    /// The image's summary in `--format json` (`images[]`): identity, OS, package counts by kind, remediation.
    var jsonSummary: JSONValue {
        var members: [(String, JSONValue)] = [
            ("source", .string(source)),
            ("references", .array(references.map { .string($0) })),
            ("manifestDigest", .string(manifestDigest)),
            ("configDigest", .string(configDigest)),
            ("platform", .string(platform)),
        ]
        if let os { members.append(("os", .string(os.prettyName ?? [os.id, os.versionID].compactMap { $0 }.joined(separator: " ")))) }
        var counts: [String: Int] = [:]
        for package in packages { counts[package.kind.rawValue, default: 0] += 1 }
        members.append(("packages", .object(counts.sorted { $0.key < $1.key }.map { ($0.key, .number(Double($0.value))) })))
        members.append(("models", .number(Double(models.count))))
        members.append(("remediation", .array(remediation.map { step in
            .object([
                ("action", .string(step.action.rawValue)), ("text", .string(step.text)), ("severity", .string(step.severity.rawValue)),
                ("packages", .array(step.packages.map { .string($0) })), ("ids", .array(step.ids.map { .string($0) })),
            ])
        })))
        return .object(members)
    }

    /// The remediation steps, after the table.
    func writeRemediation(to sink: any OutputSink) {
        guard !remediation.isEmpty else { return }
        var text = "\nRemediation for \(references.first ?? source) (\(remediation.count) step\(remediation.count == 1 ? "" : "s")):\n"
        for step in remediation { text += "  [\(step.severity.rawValue)] \(step.text)\n" }
        sink.write(Array(TerminalText.sanitizedLines(text).utf8))
    }
}
