import BulwarkArtifacts
import BulwarkCore
import BulwarkDockerfile
import BulwarkImage
import BulwarkKubernetes
import Foundation

/// The one scan pipeline of Bulwark, for every domain and every caller (the CLI, tests, the
/// admission webhook):
///
/// ```
/// paths, stdin, in-memory inputs
///   → discovery (walk; non-regular files skipped and named)
///   → exclude.paths of the configuration
///   → claim (each domain judges the name and the first bytes; the strongest claim wins)
///   → each domain scans what it claimed, with the rules the configuration enables
///   → the configuration applied to the findings (exclusions, severities, suppressions)
///   → compliance summary → Report
/// ```
///
/// A domain (`ScanDomain`) is the only place that knows a kind of input; the engine knows none.
/// Nothing here prints or exits: the caller renders the report.
public struct Engine: Sendable {
    /// Every domain Bulwark has, in claim-tie order.
    public static let standard = Engine(domains: [KubernetesDomain(), DockerfileDomain(), ModelDomain(), ImageDomain()])

    public let domains: [any ScanDomain]
    /// Every rule of every domain.
    public let catalog: RuleCatalog

    public init(domains: [any ScanDomain]) {
        self.domains = domains
        catalog = RuleCatalog(domains.flatMap { domain in domain.rules.map { $0.descriptor } })
    }

    /// This engine with `domain` in place of the domain of the same name (a model domain with the
    /// command line's allowances, or one that hashes files for an inventory).
    public func replacing(_ domain: any ScanDomain) -> Engine {
        Engine(domains: domains.map { $0.name == domain.name ? domain : $0 })
    }

    /// The domain named `name`.
    public func domain(_ name: String) -> (any ScanDomain)? {
        domains.first { $0.name == name }
    }

    // MARK: - Scanning

    /// Scans everything the request names and builds the report.
    public func scan(_ request: ScanRequest) -> ScanOutcome {
        var collected = collect(request)
        request.onPhase?("find \(collected.sources.reduce(0) { $0 + $1.count }) inputs")
        let enabled = enabledRules(request)
        var context = ScanContext(enabledRules: enabled, maxFileSize: request.maxFileSize,
                                  evaluationDate: request.evaluationDate, ruleTimings: request.ruleTimings)
        context.onPhase = request.onPhase
        context.configuration = request.configuration
        var findings: [Finding] = []
        var models: [ScannedModel] = []
        var images: [ScannedImage] = []
        for (position, domain) in domains.enumerated() {
            let sources = collected.sources[position]
            let documents = collected.documents[position]
            guard !sources.isEmpty || !documents.isEmpty else { continue }
            let result = domain.scan(sources: sources, documents: documents, context: context)
            // The first domain's findings are taken as they are: appending would copy every finding.
            if findings.isEmpty { findings = result.findings } else { findings += result.findings }
            collected.errors += result.errors
            collected.warnings += result.warnings
            collected.inputs.files += result.files
            collected.inputs.objects += result.objects
            collected.inputs.skippedDocuments += result.skippedDocuments
            collected.inputs.unrecognizedFiles += result.unrecognized
            models += result.models
            images += result.images
            if result.files > 0 { collected.inputs.filesByDomain[domain.name, default: 0] += result.files }
        }
        // Consumed so the configuration edits the one array in place rather than a copy of it.
        let applied = request.configuration.apply(to: consume findings, catalog: catalog)
        request.onPhase?("configuration: \(applied.count) findings")
        let compliance = request.compliance.map {
            self.compliance(applied, framework: $0, scanned: collected.inputs.filesByDomain, configuration: request.configuration)
        }
        let report = Report(findings: consume applied, errors: collected.errors, warnings: collected.warnings, inputs: collected.inputs,
                            compliance: compliance)
        return ScanOutcome(report: report, models: models.sorted { $0.file < $1.file },
                           images: images.sorted { $0.source < $1.source })
    }

    /// The `--compliance` scorecard of findings. Always judged against the standard engine's whole
    /// catalogue, whichever domains this engine runs (`bulwark model scan` runs one): a control of
    /// another domain is not-applicable, not manual. `filesByDomain` (`ReportSummary.filesByDomain`)
    /// says which domains read any input; rules the configuration disables check nothing.
    public func compliance(_ findings: [Finding], framework: String, scanned filesByDomain: [String: Int],
                           configuration: Configuration) -> ComplianceReport {
        ComplianceSummarizer(catalog: Engine.standard.catalog)
            .summarize(findings, framework: framework, scope: complianceScope(scanned: filesByDomain, configuration: configuration))
    }

    /// The scope of `compliance`, for reporters that summarise other frameworks of the same report
    /// (the HTML report's bars): each rule's domain, the domains that read input, the enabled rules.
    public func complianceScope(scanned filesByDomain: [String: Int], configuration: Configuration) -> ComplianceScope {
        let standard = Engine.standard
        var domainOfRule: [String: String] = [:]
        for domain in standard.domains + domains {
            for rule in domain.rules { domainOfRule[rule.id] = domain.name }
        }
        return ComplianceScope(domainOfRule: domainOfRule, scannedDomains: Set(filesByDomain.filter { $0.value > 0 }.keys),
                               enabledRules: standard.selectedRules(configuration: configuration))
    }

    /// The ids of the rules `configuration` enables and `filter` keeps, for `ScanRequest.selectedRules`.
    public func selectedRules(configuration: Configuration, filter: (RuleDescriptor) -> Bool = { _ in true }) -> Set<String> {
        Set(catalog.rules.filter { configuration.enables($0) && filter($0) }.map(\.id))
    }

    /// The ids of the rules that run: those of the requested domains that the configuration
    /// enables and the request's filter keeps (or the request's precomputed selection).
    func enabledRules(_ request: ScanRequest) -> Set<String> {
        if let selected = request.selectedRules { return selected }
        return Set(catalog.rules.lazy.filter { rule in
            request.configuration.enables(rule) && (request.ruleFilter?(rule) ?? true)
        }.map(\.id))
    }

    // MARK: - Collecting inputs

    /// The inputs of a request, sorted by the domain that claimed them, not read yet.
    public struct Collected: Sendable {
        /// Per domain (in `domains` order).
        public var sources: [[SourceInput]]
        public var documents: [[MemoryDocument]]
        public var errors: [InputError] = []
        public var warnings: [InputWarning] = []
        /// Counts so far: skipped, excluded and unrecognised inputs (the domains add what they read).
        public var inputs = InputSummary()
    }

    /// What happened to one discovered file.
    enum Routing: Sendable {
        case domain(Int, SourceInput)
        case unrecognized
        case failed(InputError)
    }

    public func collect(_ request: ScanRequest) -> Collected {
        let active = domains.indices.filter { request.domains?.contains(domains[$0].name) ?? true }
        var collected = Collected(sources: Array(repeating: [], count: domains.count),
                                  documents: Array(repeating: [], count: domains.count))
        // A caller with a precomputed selection checked its configuration when it chose the rules.
        if request.selectedRules == nil { collected.warnings = request.configurationWarnings(catalog: catalog) }
        let discovery = InputDiscovery.files(under: request.paths)
        collected.errors += discovery.errors
        collected.inputs.skipped = discovery.skipped
        var files: [DiscoveredFile] = []
        for file in discovery.files {
            // A file named on the command line is read even when a glob of the configuration matches it.
            if !file.explicit && request.configuration.isExcluded(path: file.path) {
                collected.inputs.excludedFiles += 1
            } else {
                files.append(file)
            }
        }
        let routes = files.parallelMap { route($0, active: active, limit: request.maxFileSize) }
        for route in routes {
            switch route {
            case .domain(let position, let source): collected.sources[position].append(source)
            case .unrecognized: collected.inputs.unrecognizedFiles += 1
            case .failed(let error): collected.errors.append(error)
            }
        }
        for source in request.sources {
            let probe = InputProbe(file: DiscoveredFile(path: source.name, explicit: true),
                                   head: (try? source.read(limit: request.maxFileSize).get())?.prefix(InputProbe.headSize) ?? [])
            if let position = bestClaim(probe, active: active) {
                collected.sources[position].append(source)
            } else {
                collected.errors.append(InputError(file: source.name, message: "not an input any domain of Bulwark reads"))
            }
        }
        for document in request.documents {
            if let position = active.first(where: { domains[$0].claims(document) }) {
                collected.documents[position].append(document)
            } else {
                collected.errors.append(InputError(file: document.name, message: "not an object any domain of Bulwark reads"))
            }
        }
        return collected
    }

    /// Decides which domain reads a file. Only the domains that may want it by name are asked; when
    /// one alone may, it gets the file without a probe (it checks the content when it reads it).
    /// Otherwise the first bytes are read and the strongest claim wins. Standard input and pipes are
    /// read here, as they cannot be read twice.
    func route(_ file: DiscoveredFile, active: [Int], limit: ByteLimit) -> Routing {
        let candidates = active.filter { domains[$0].mayClaim(file) }
        if candidates.isEmpty { return .unrecognized }
        if candidates.count == 1 && !file.explicit {
            return .domain(candidates[0], SourceInput(file: file))
        }
        let opened: InputFile
        switch InputFile.open(file.path, named: file.explicit) {
        case .failure(let error): return .failed(error)
        case .success(let input): opened = input
        }
        let head: ArraySlice<UInt8>
        switch opened.head(InputProbe.headSize) {
        case .failure(let error): return .failed(error)
        case .success(let bytes): head = bytes
        }
        guard let position = bestClaim(InputProbe(file: file, head: head), active: candidates) else {
            if file.explicit {
                return .failed(InputError(file: file.path, message: "not an input any domain of Bulwark reads"))
            }
            return .unrecognized
        }
        if opened.kind == .regular { return .domain(position, SourceInput(file: file)) }
        switch opened.readAll(limit: limit) {
        case .failure(let error): return .failed(error)
        case .success(let bytes): return .domain(position, SourceInput(name: file.path, bytes: bytes, explicit: true))
        }
    }

    /// The domain with the strongest claim (the first on a tie).
    func bestClaim(_ probe: InputProbe, active: [Int]) -> Int? {
        var best: (position: Int, claim: InputClaim)?
        for position in active {
            guard let claim = domains[position].claim(probe) else { continue }
            if best == nil || claim > best!.claim { best = (position, claim) }
        }
        return best?.position
    }
}

/// What to scan and how.
public struct ScanRequest: Sendable {
    /// Files and directories; `-` is standard input.
    public var paths: [String]
    /// Inputs handed over in memory (they are claimed like files named on the command line).
    public var sources: [SourceInput] = []
    /// Decoded documents handed over in memory (the admission webhook's objects).
    public var documents: [MemoryDocument] = []
    public var configuration: Configuration
    /// Where the configuration came from, for its warnings (`.bulwark.yaml`).
    public var configurationFile: String?
    public var maxFileSize: ByteLimit
    /// The day end-of-life decisions are made for (`--as-of`; today by default).
    public var evaluationDate: CalendarDate
    /// `--compliance FRAMEWORK`.
    public var compliance: String?
    /// Collects per-rule time when set.
    public var ruleTimings: RuleTimings?
    /// Told when each phase ends (`BULWARK_TIMINGS`).
    public var onPhase: (@Sendable (String) -> Void)?
    /// Only these domains (by name); nil = all.
    public var domains: Set<String>?
    /// Only the rules this keeps; nil = all (the configuration still applies).
    public var ruleFilter: (@Sendable (RuleDescriptor) -> Bool)?
    /// The rule ids to run, already chosen with `Engine.selectedRules(configuration:filter:)`: for
    /// callers that scan many requests with one selection (the admission webhook judges each request
    /// with the same rules), so the catalogue is not filtered again per request. Overrides
    /// `ruleFilter`, and the configuration's warnings are not collected again.
    public var selectedRules: Set<String>?

    public init(paths: [String] = [], sources: [SourceInput] = [], documents: [MemoryDocument] = [],
                configuration: Configuration = Configuration(), configurationFile: String? = nil,
                maxFileSize: ByteLimit = .standard, evaluationDate: CalendarDate = .today(), compliance: String? = nil) {
        self.paths = paths
        self.sources = sources
        self.documents = documents
        self.configuration = configuration
        self.configurationFile = configurationFile
        self.maxFileSize = maxFileSize
        self.evaluationDate = evaluationDate
        self.compliance = compliance
    }

    /// Warnings about the configuration: harmless mistakes, and rule ids no rule answers to.
    func configurationWarnings(catalog: RuleCatalog) -> [InputWarning] {
        configuration.warnings(knownRuleIds: { catalog.rule($0) != nil },
                               allIds: catalog.rules.flatMap { [$0.id] + $0.aliases })
    }
}

/// The result of a scan: the report (what every reporter renders), and the model files read, for
/// the inventory of `--format cyclonedx` (`ReportFormat.Options.models`).
public struct ScanOutcome: Sendable {
    public var report: Report
    /// Sorted by path.
    public var models: [ScannedModel] = []
    /// Images read (the image domain), sorted by source path: the inventory of `bulwark sbom`.
    public var images: [ScannedImage] = []
}
