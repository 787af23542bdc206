import BulwarkCore
import Foundation

/// Dockerfiles and Containerfiles as a domain of the engine.
///
/// Claims a file whose content is a Dockerfile (the first instruction after comments and parser
/// directives is FROM, or ARGs then FROM), whatever its name; and a file named like one
/// (`Dockerfile`, `Dockerfile.*`, `*.Dockerfile`, `Containerfile` …) whose content does not say
/// otherwise. Each Dockerfile is scanned with the `.dockerignore` BuildKit would use for it.
public struct DockerfileDomain: ScanDomain {
    public let name = "dockerfile"
    public let ruleDomains = ["dockerfile"]
    public var rules: [any AnyRule] { DockerfileRules.all }

    public init() {}

    public func mayClaim(_ file: DiscoveredFile) -> Bool {
        file.path != "-" && (file.explicit || DockerfileDetector.matchesName(file.path))
    }

    public func claim(_ probe: InputProbe) -> InputClaim? {
        if DockerfileDetector.looksLikeDockerfile(Array(probe.head)) { return .content }
        return DockerfileDetector.matchesName(probe.file.path) ? .name : nil
    }

    public func scan(sources: [SourceInput], documents: [MemoryDocument], context: ScanContext) -> DomainScanResult {
        let scanner = DockerfileScanner(rules: DockerfileRules.all.filter { context.enabledRules.contains($0.id) },
                                        timings: context.ruleTimings)
        let results = sources.parallelMap { source -> DomainScanResult in
            switch source.read(limit: context.maxFileSize) {
            case .failure(let error):
                return DomainScanResult(errors: [error], files: 1)
            case .success(let bytes):
                // UTF-16 and UTF-32 are refused by the parser (BuildKit reads UTF-8 only).
                if case .binary(let offset) = TextEncoding.detect(bytes) {
                    return DomainScanResult(errors: [InputError(file: source.name, line: 1, column: 1,
                                                                message: "binary file (NUL byte at offset \(offset)); not a Dockerfile")], files: 1)
                }
                let dockerfile = DockerfileParser.parse(bytes: bytes, file: source.name)
                let context = DockerfileScanContext.forDockerfile(at: source.name, limit: context.maxFileSize,
                                                                  evaluationDate: context.evaluationDate)
                return DomainScanResult(findings: scanner.scan(dockerfile, context: context), errors: dockerfile.inputErrors, files: 1)
            }
        }
        var merged = DomainScanResult()
        if !sources.isEmpty, let staleness = BaseImageCatalog.staleness(on: context.evaluationDate) {
            merged.warnings.append(InputWarning(file: "base-image end-of-life table", message: "\(staleness)"))
        }
        for result in results { merged.add(result) }
        return merged
    }
}

extension DockerfileScanContext {
    /// The context of the Dockerfile at `path`: the first `.dockerignore` BuildKit would use that
    /// exists and is a readable regular file (standard input has none).
    public static func forDockerfile(at path: String, contextDirectory: String? = nil, limit: ByteLimit = .standard,
                                     evaluationDate: CalendarDate = .today()) -> DockerfileScanContext {
        guard path != "-" else { return DockerfileScanContext(evaluationDate: evaluationDate) }
        for candidate in dockerignoreCandidates(forDockerfileAt: path, contextDirectory: contextDirectory) {
            guard case .success(.regular) = FileKind.of(candidate),
                  case .success(let bytes) = InputFile.read(candidate, limit: limit) else { continue }
            return DockerfileScanContext(dockerignore: String(decoding: bytes, as: UTF8.self), dockerignorePath: candidate,
                                         evaluationDate: evaluationDate)
        }
        return DockerfileScanContext(evaluationDate: evaluationDate)
    }
}
