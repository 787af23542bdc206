import BulwarkCore

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

    /// Reads a context directory: regular files only, each at most `maxSourceBytes` (read with
    /// `InputFile`, so a link to a device or a FIFO is never read); unreadable files are skipped.
    public static func load(directory: String) -> DockerBuildContext {
        let root = directory.hasSuffix("/") ? directory : directory + "/"
        var paths: [String] = []
        let top = InputDiscovery.files(under: [directory]).files.map { String($0.path.dropFirst(root.count)) }
        for path in top where !path.split(separator: "/").contains(where: { $0.hasPrefix(".") }) {
            let parts = path.split(separator: "/")
            guard path.hasSuffix(".py"), parts.count <= 2 else { continue }
            if parts.count == 2, skippedDirectories.contains(String(parts[0])) { continue }
            paths.append(path)
        }
        var sources: [String] = []
        var kept: [String] = []
        for path in paths.sorted().prefix(maxSourceFiles) {
            guard case .success(let file) = InputFile.open(root + path, named: false),
                  case .success(let bytes) = file.readAll(limit: ByteLimit(bytes: maxSourceBytes)) else { continue }
            sources.append(String(decoding: bytes, as: UTF8.self))
            kept.append(path)
        }
        var ignore: String?
        if case .success(let file) = InputFile.open(root + ".dockerignore", named: false),
           case .success(let bytes) = file.readAll(limit: ByteLimit(bytes: maxSourceBytes)) {
            ignore = String(decoding: bytes, as: UTF8.self)
        }
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
