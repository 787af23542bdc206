/// Paths inside a model directory that a signature leaves out, as the reference's
/// `serialization.should_ignore` decides: a file is left out when an ignored path is a prefix of it,
/// component by component (`PurePath.is_relative_to`), so an ignored directory takes its whole tree.
public struct ModelIgnoreList: Sendable, Hashable {
    /// What the reference always ignores unless told not to (`--no-ignore-git-paths`), as it writes
    /// them into the statement (`.git/` becomes `.git` there).
    public static let gitPaths = [".git", ".gitattributes", ".github", ".gitignore"]

    /// Relative paths, normalised: no `.` or empty components.
    public private(set) var paths: Set<String> = []

    public init(_ paths: some Sequence<String> = []) {
        for path in paths { insert(path) }
    }

    /// Adds a path relative to the model directory.
    public mutating func insert(_ path: String) {
        paths.insert(Self.components(path).joined(separator: "/"))
    }

    /// The paths in byte order: the order Bulwark writes `ignore_paths` in. (The reference writes a
    /// Python `frozenset`, whose order changes from run to run with string hashing; verifiers treat
    /// it as a set.)
    public var sorted: [String] { paths.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) } }

    /// Whether `relativePath` (POSIX, relative to the model directory) is left out.
    public func ignores(_ relativePath: String) -> Bool {
        if paths.isEmpty { return false }
        let target = Self.components(relativePath)
        for path in paths {
            let prefix = Self.components(path)
            if prefix.count <= target.count && zip(prefix, target).allSatisfy({ $0 == $1 }) { return true }
        }
        return false
    }

    static func components(_ path: String) -> [Substring] {
        path.split(separator: "/", omittingEmptySubsequences: true).filter { $0 != "." }
    }
}
