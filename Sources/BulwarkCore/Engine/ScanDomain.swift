import Foundation

/// How strongly a domain wants an input. The strongest claim wins; on a tie, the domain listed
/// first in the engine.
public enum InputClaim: Int, Sendable, Comparable {
    /// Named on the command line and recognised by no domain: the domain reads it anyway and says
    /// what it found (Kubernetes takes these, as `kubectl apply -f` would).
    case fallback = 0
    /// The name says so and the content does not say otherwise (`Dockerfile`, `deploy.yaml`).
    case name = 1
    /// The content says so, whatever the name (`FROM …` in `build.txt`, `apiVersion:` in a file).
    case content = 2

    public static func < (lhs: InputClaim, rhs: InputClaim) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// What a domain is shown to decide whether it reads a file: its name and its first bytes.
public struct InputProbe: Sendable {
    public static let headSize = 16 * 1024

    public let file: DiscoveredFile
    /// The first `headSize` bytes (fewer when the file is shorter).
    public let head: ArraySlice<UInt8>

    public init(file: DiscoveredFile, head: ArraySlice<UInt8>) {
        self.file = file
        self.head = head
    }
}

/// One input a domain reads, and the name findings will carry. A file is read when the domain asks
/// (`read`), inside its own parallel loop, so a scan of many files never holds all their bytes at once.
public struct SourceInput: Sendable {
    enum Content: Sendable {
        case bytes([UInt8])
        case file
    }

    /// A path as given on the command line, `-` for standard input, or a synthetic name for
    /// input handed over in memory (`admission:Pod/ml/model-server`).
    public let name: String
    /// Named on the command line (or handed over directly) rather than found in a directory.
    public let explicit: Bool
    let content: Content

    /// Input that is already in memory (standard input, a pipe, bytes handed over).
    public init(name: String, bytes: [UInt8], explicit: Bool = true) {
        self.name = name
        self.explicit = explicit
        content = .bytes(bytes)
    }

    /// A regular file, read when the domain asks.
    public init(file: DiscoveredFile) {
        name = file.path
        explicit = file.explicit
        content = .file
    }

    /// The bytes, at most `limit` of them (a larger input is an error naming the limit).
    public func read(limit: ByteLimit) -> Result<[UInt8], InputError> {
        switch content {
        case .bytes(let bytes):
            guard bytes.count <= limit.bytes else {
                return .failure(InputError(file: name, message: "input is larger than the \(limit) limit (raise --max-file-size)"))
            }
            return .success(bytes)
        case .file:
            switch InputFile.open(name, named: explicit) {
            case .failure(let error): return .failure(error)
            case .success(let file): return file.readAll(limit: limit)
            }
        }
    }

    /// The first `count` bytes, for a domain that got the input without a probe and checks its
    /// content before reading it all.
    public func head(_ count: Int) -> Result<ArraySlice<UInt8>, InputError> {
        switch content {
        case .bytes(let bytes):
            return .success(bytes.prefix(count))
        case .file:
            switch InputFile.open(name, named: explicit) {
            case .failure(let error): return .failure(error)
            case .success(let file): return file.head(count)
            }
        }
    }

    /// Whether the input is a file on disk read by path (rather than standard input, a pipe or bytes
    /// handed over): only then do files next to it (a model's `model.sig`) belong to it.
    public var isFileOnDisk: Bool {
        if case .file = content { return true }
        return false
    }

    /// The last path component.
    public var fileName: String { DiscoveredFile(path: name, explicit: explicit).fileName }
}

/// One decoded document handed over in memory, as the admission webhook holds an object.
public struct MemoryDocument: Sendable {
    /// The synthetic source name findings carry as their file.
    public let name: String
    public let root: YAMLNode

    public init(name: String, root: YAMLNode) {
        self.name = name
        self.root = root
    }
}

/// What every domain's scan may know besides its inputs.
public struct ScanContext: Sendable {
    /// The rules to run (ids; configuration already applied).
    public var enabledRules: Set<String>
    /// The largest input read.
    public var maxFileSize: ByteLimit
    /// The day end-of-life and expiry decisions are made for (`--as-of`; today by default).
    public var evaluationDate: CalendarDate
    /// Collects the time of each rule when set (`BULWARK_TIMINGS=rules`).
    public var ruleTimings: RuleTimings?
    /// The whole configuration, for a domain's own section (`model.allow` extends the pickle
    /// allowlist); rule selection and suppressions are the engine's, already applied.
    public var configuration = Configuration()
    /// Told when a phase of the domain's scan ends (`kubernetes: load 1000 files, 10000 objects`),
    /// for `BULWARK_TIMINGS`.
    public var onPhase: (@Sendable (String) -> Void)?

    public init(enabledRules: Set<String>, maxFileSize: ByteLimit = .standard, evaluationDate: CalendarDate = .today(),
                ruleTimings: RuleTimings? = nil) {
        self.enabledRules = enabledRules
        self.maxFileSize = maxFileSize
        self.evaluationDate = evaluationDate
        self.ruleTimings = ruleTimings
    }
}

/// What a domain's scan returns. Findings carry the inline suppressions of the input (annotations,
/// comments); the engine applies the configuration afterwards.
public struct DomainScanResult: Sendable {
    public var findings: [Finding] = []
    public var errors: [InputError] = []
    public var warnings: [InputWarning] = []
    /// Inputs read (including those that failed).
    public var files = 0
    /// Objects found in them (Kubernetes objects; 0 for domains without objects).
    public var objects = 0
    /// Documents that were not objects of the domain (a YAML document without `kind`).
    public var skippedDocuments = 0
    /// Inputs handed to the domain that turned out not to be its kind (counted with the
    /// unrecognised files of the summary).
    public var unrecognized = 0
    /// The model files read, for inventories (`--format cyclonedx`); other domains leave it empty.
    public var models: [ScannedModel] = []
    /// Images read (the image domain), for SBOMs.
    public var images: [ScannedImage] = []

    public init(findings: [Finding] = [], errors: [InputError] = [], warnings: [InputWarning] = [], files: Int = 0,
                objects: Int = 0, skippedDocuments: Int = 0, unrecognized: Int = 0) {
        self.unrecognized = unrecognized
        self.findings = findings
        self.errors = errors
        self.warnings = warnings
        self.files = files
        self.objects = objects
        self.skippedDocuments = skippedDocuments
    }
}

extension DomainScanResult {
    /// Adds another result's findings, problems and counts (a domain's per-file results, merged).
    public mutating func add(_ other: DomainScanResult) {
        findings += other.findings
        errors += other.errors
        warnings += other.warnings
        files += other.files
        objects += other.objects
        skippedDocuments += other.skippedDocuments
        unrecognized += other.unrecognized
        models += other.models
        images += other.images
    }
}

/// A kind of input Bulwark scans (Kubernetes manifests, Dockerfiles; model artifacts, images and
/// runtime policies next), plugged into the one engine: the engine walks the paths, reads files
/// safely, offers each to every domain, hands each domain the inputs it claimed, applies the
/// configuration to the findings and builds the report. A domain never does I/O on the inputs
/// itself (it gets their bytes); it may read files that belong to an input's context (a
/// Dockerfile's `.dockerignore`) through `InputFile`.
public protocol ScanDomain: Sendable {
    /// `kubernetes`, `dockerfile`.
    var name: String { get }
    /// The rule-id prefixes of the domain's rules (`k8s`, `pss`, `rbac` …).
    var ruleDomains: [String] { get }
    /// Every rule of the domain (the registry).
    var rules: [any AnyRule] { get }
    /// Whether the domain could want `file` at all, from its name alone: the engine opens only
    /// files that some domain may claim. A content-sniffing domain returns true for every file.
    func mayClaim(_ file: DiscoveredFile) -> Bool
    /// Whether the domain reads the file, judged by its name and first bytes.
    func claim(_ probe: InputProbe) -> InputClaim?
    /// Whether the domain reads a document handed over in memory.
    func claims(_ document: MemoryDocument) -> Bool
    /// Scans the inputs the domain claimed, with the rules of `context`.
    func scan(sources: [SourceInput], documents: [MemoryDocument], context: ScanContext) -> DomainScanResult
}

extension ScanDomain {
    public func claims(_ document: MemoryDocument) -> Bool { false }
}
