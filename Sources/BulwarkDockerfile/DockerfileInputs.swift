import BulwarkCore
import Foundation

/// Finds and scans the Dockerfiles among the discovered inputs (`bulwark scan`'s Dockerfile side).
public enum DockerfileInputs {
    /// Whether a discovered file is a Dockerfile: by name (`Dockerfile`, `Dockerfile.*`,
    /// `*.Dockerfile`, `Containerfile` …), or, for a file named on the command line, by content.
    public static func accepts(_ file: DiscoveredFile) -> Bool {
        if file.path == "-" { return false }
        if DockerfileDetector.matchesName(file.path) { return true }
        guard file.explicit, !["yaml", "yml", "json"].contains(file.pathExtension),
              let handle = FileHandle(forReadingAtPath: file.path) else { return false }
        defer { try? handle.close() }
        let head = (try? handle.read(upToCount: 4096)).map { [UInt8]($0) } ?? []
        return DockerfileDetector.looksLikeDockerfile(head)
    }

    /// Scans each Dockerfile with the `.dockerignore` that BuildKit would use for it, on all cores.
    public static func scan(files: [DiscoveredFile], rules: [DockerfileRule] = DockerfileRules.all, maxFileSize: Int)
        -> (findings: [Finding], errors: [InputError]) {
        let scanner = DockerfileScanner(rules: rules)
        let results = files.parallelMap { file -> ([Finding], [InputError]) in
            switch InputDiscovery.read(file, limit: maxFileSize) {
            case .failure(let error):
                return ([], [error])
            case .success(let bytes):
                // UTF-16 and UTF-32 are refused by the parser (BuildKit reads UTF-8 only).
                if case .binary(let offset) = TextEncoding.detect(bytes) {
                    return ([], [InputError(file: file.path, line: 1, column: 1, message: "binary file (NUL byte at offset \(offset)); not a Dockerfile")])
                }
                let dockerfile = DockerfileParser.parse(bytes: bytes, file: file.path)
                let ignorePath = DockerfileScanContext.dockerignoreCandidates(forDockerfileAt: file.path)
                    .first { FileManager.default.fileExists(atPath: $0) }
                let context = DockerfileScanContext(
                    dockerignore: ignorePath.flatMap { try? String(contentsOfFile: $0, encoding: .utf8) }, dockerignorePath: ignorePath)
                return (scanner.scan(dockerfile, context: context), dockerfile.inputErrors)
            }
        }
        return (results.flatMap(\.0), results.flatMap(\.1))
    }
}
