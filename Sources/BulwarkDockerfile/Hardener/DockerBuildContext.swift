import Foundation

/// What `bulwark fix dockerfile` reads from the build context besides the Dockerfile: the
/// application's Python sources (for the health route and port) and the `.dockerignore`.
public struct DockerBuildContext: Sendable, Hashable {
    /// The contents of `*.py` in the context directory and its immediate subdirectories, sorted
    /// by path (hidden directories, virtualenvs, caches and `node_modules` skipped).
    public var pythonSources: [String]
    /// The paths those sources came from, relative to the context.
    public var pythonSourcePaths: [String]
    /// The `.dockerignore` contents, nil when the context has none.
    public var dockerignore: String?

    public static let maxSourceFiles = 200
    public static let maxSourceBytes = 1 << 20
    static let skippedDirectories: Set<String> = ["node_modules", "venv", "__pycache__", "site-packages", "build", "dist", "tests", "test"]

    public init(pythonSources: [String] = [], pythonSourcePaths: [String] = [], dockerignore: String? = nil) {
        self.pythonSources = pythonSources
        self.pythonSourcePaths = pythonSourcePaths
        self.dockerignore = dockerignore
    }

    /// Reads a context directory; unreadable files are skipped.
    public static func load(directory: String) -> DockerBuildContext {
        let fileManager = FileManager.default
        let root = URL(fileURLWithPath: directory)
        var paths: [String] = []
        let top = (try? fileManager.contentsOfDirectory(atPath: root.path)) ?? []
        for name in top.sorted() where !name.hasPrefix(".") {
            var isDirectory: ObjCBool = false
            guard fileManager.fileExists(atPath: root.appendingPathComponent(name).path, isDirectory: &isDirectory) else { continue }
            if isDirectory.boolValue {
                guard !skippedDirectories.contains(name) else { continue }
                let inner = (try? fileManager.contentsOfDirectory(atPath: root.appendingPathComponent(name).path)) ?? []
                for file in inner.sorted() where file.hasSuffix(".py") && !file.hasPrefix(".") { paths.append(name + "/" + file) }
            } else if name.hasSuffix(".py") {
                paths.append(name)
            }
        }
        var sources: [String] = []
        var kept: [String] = []
        for path in paths.sorted().prefix(maxSourceFiles) {
            let url = root.appendingPathComponent(path)
            guard let attributes = try? fileManager.attributesOfItem(atPath: url.path),
                let size = attributes[.size] as? NSNumber, size.intValue <= maxSourceBytes,
                let data = fileManager.contents(atPath: url.path)
            else { continue }
            sources.append(String(decoding: data, as: UTF8.self))
            kept.append(path)
        }
        let ignore = fileManager.contents(atPath: root.appendingPathComponent(".dockerignore").path).map { String(decoding: $0, as: UTF8.self) }
        return DockerBuildContext(pythonSources: sources, pythonSourcePaths: kept, dockerignore: ignore)
    }

    /// Options for `DockerfileHardener` with this context's sources and `.dockerignore`.
    public func options(_ base: HardenOptions = HardenOptions()) -> HardenOptions {
        var options = base
        options.appSource = pythonSources
        options.dockerignore = dockerignore
        return options
    }
}
