#if canImport(Glibc)
import Glibc
#endif

/// A file found under the scanned paths.
public struct DiscoveredFile: Sendable, Hashable {
    /// The path as it should appear in reports (relative paths stay relative); `-` is standard input.
    public let path: String
    /// Named on the command line (always read) rather than found by walking a directory.
    public let explicit: Bool

    public init(path: String, explicit: Bool) {
        self.path = path
        self.explicit = explicit
    }

    /// The last path component.
    public var fileName: String {
        guard let slash = path.lastIndex(of: "/") else { return path }
        return String(path[path.index(after: slash)...])
    }

    /// The directory part of a path as written (`""` for a bare file name): what the model domain
    /// groups signatures by and the image domain finds OCI layouts by.
    public static func directory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "" }
        return String(path[..<slash])
    }

    /// The extension of the last component, lower-cased (`yaml`), or empty.
    public var pathExtension: String {
        let name = fileName
        guard let dot = name.lastIndex(of: "."), dot != name.startIndex else { return "" }
        return name[name.index(after: dot)...].lowercased()
    }
}

/// Something under the scanned paths that was not read, and why. Reports name every one.
public struct SkippedInput: Codable, Sendable, Hashable, CustomStringConvertible {
    public var path: String
    public var reason: String

    public init(path: String, reason: String) {
        self.path = path
        self.reason = reason
    }

    public var description: String { "\(path): \(reason)" }
}

/// Walks the command-line paths. Directories are walked recursively in sorted order; only regular
/// files found there are candidates. What is not walked or not a regular file is skipped with a
/// reason, so nothing under the paths is left out silently:
/// - version-control, dependency and build folders (`.git`, `node_modules`, `.venv`, SwiftPM's
///   `.build` …), each only when it holds what that tool writes there (`skippedDirectories`), and
///   named once each: a `.buildkite` or a `venv` of manifests is walked;
/// - symbolic links to directories (not followed: loops and escapes from the tree);
/// - FIFOs, sockets and devices, and links to them or to nothing.
/// A path named on the command line that does not exist is an error; a named FIFO or `-` is read.
public enum InputDiscovery {
    /// A kind of folder that is not walked unless named on the command line: what it is, and the
    /// entries one of which must be in it (none: the name alone tells). A folder that only shares
    /// the name (a `.build` of other tools, a `venv` of manifests) is walked.
    public struct SkippedDirectory: Sendable {
        public let reason: String
        public let markers: [String]
    }

    /// Folders that are not walked unless named on the command line, by name.
    public static let skippedDirectories: [String: SkippedDirectory] = [
        ".git": SkippedDirectory(reason: "version control", markers: []),
        ".hg": SkippedDirectory(reason: "version control", markers: ["requires", "store", "00changelog.i"]),
        ".svn": SkippedDirectory(reason: "version control", markers: ["wc.db", "entries"]),
        "node_modules": SkippedDirectory(reason: "installed dependencies", markers: []),
        ".venv": SkippedDirectory(reason: "Python virtualenv", markers: ["pyvenv.cfg"]),
        "venv": SkippedDirectory(reason: "Python virtualenv", markers: ["pyvenv.cfg"]),
        "__pycache__": SkippedDirectory(reason: "Python bytecode cache", markers: []),
        ".terraform": SkippedDirectory(reason: "Terraform providers", markers: ["providers", "modules", "terraform.tfstate", "environment"]),
        ".build": swiftPMBuild,
    ]

    /// SwiftPM's build folder (`.build`, and the scratch folders `.build-*`, `.build_*` named with
    /// `--scratch-path`): one of the entries SwiftPM always writes there.
    public static let swiftPMBuild = SkippedDirectory(
        reason: "SwiftPM build", markers: ["workspace-state.json", "debug.yaml", "release.yaml", "checkouts", "repositories", "artifacts"])

    /// Why the folder `name` at `path` is not walked, or nil when it is walked.
    static func skipReason(name: String, path: String) -> String? {
        guard let kind = skippedDirectories[name] ?? (isScratchFolder(name) ? swiftPMBuild : nil) else { return nil }
        if kind.markers.isEmpty { return "\(kind.reason) folder" }
        for marker in kind.markers {
            if case .success = FileKind.ofLink(path + "/" + marker) {
                return "\(kind.reason) folder (holds \(marker))"
            }
        }
        return nil
    }

    public struct Result: Sendable {
        public var files: [DiscoveredFile] = []
        public var skipped: [SkippedInput] = []
        public var errors: [InputError] = []
    }

    public static func files(under paths: [String]) -> Result {
        var result = Result()
        for path in paths {
            if path == "-" {
                result.files.append(DiscoveredFile(path: "-", explicit: true))
                continue
            }
            switch FileKind.of(path) {
            case .failure(let error):
                result.errors.append(InputError(file: path, message: error.code == ENOENT ? "no such file or directory" : "cannot examine: \(error)"))
            case .success(.directory):
                walk(directory: path, into: &result)
            case .success:
                // A named file of any kind: the reader accepts regular files and pipes and names the rest.
                result.files.append(DiscoveredFile(path: path, explicit: true))
            }
        }
        return result
    }

    private static func walk(directory: String, into result: inout Result) {
        guard let stream = opendir(directory) else {
            result.errors.append(InputError(file: directory, message: "cannot read directory: \(Errno(errno))"))
            return
        }
        var entries: [(name: String, type: UInt8)] = []
        while let entry = readdir(stream) {
            let name = withUnsafePointer(to: entry.pointee.d_name) { pointer in
                pointer.withMemoryRebound(to: CChar.self, capacity: Int(NAME_MAX) + 1) { String(cString: $0) }
            }
            if name == "." || name == ".." { continue }
            entries.append((name, entry.pointee.d_type))
        }
        closedir(stream)
        entries.sort { $0.name.utf8.lexicographicallyPrecedes($1.name.utf8) }
        for (name, type) in entries {
            let path = directory.hasSuffix("/") ? directory + name : directory + "/" + name
            var kind: FileKind
            switch Int32(type) {
            case Int32(DT_REG): kind = .regular
            case Int32(DT_DIR): kind = .directory
            default:
                // Unknown types, links and special files: ask the file system.
                switch FileKind.ofLink(path) {
                case .failure(let error):
                    result.skipped.append(SkippedInput(path: path, reason: "cannot examine: \(error)"))
                    continue
                case .success(let found):
                    kind = found
                }
            }
            if kind == .symbolicLink {
                switch FileKind.of(path) {
                case .failure:
                    result.skipped.append(SkippedInput(path: path, reason: "symbolic link to nothing"))
                case .success(.regular):
                    result.files.append(DiscoveredFile(path: path, explicit: false))
                case .success(.directory):
                    result.skipped.append(SkippedInput(path: path, reason: "symbolic link to a directory (not followed; name it to scan it)"))
                case .success(let target):
                    result.skipped.append(SkippedInput(path: path, reason: "symbolic link to a \(target.rawValue) (only regular files are read)"))
                }
                continue
            }
            switch kind {
            case .regular:
                result.files.append(DiscoveredFile(path: path, explicit: false))
            case .directory:
                if let why = skipReason(name: name, path: path) {
                    result.skipped.append(SkippedInput(path: path, reason: "\(why), not walked (name it to scan it)"))
                } else {
                    walk(directory: path, into: &result)
                }
            default:
                result.skipped.append(SkippedInput(path: path, reason: "\(kind.rawValue) (only regular files are read)"))
            }
        }
    }

    /// SwiftPM scratch folders named as its documentation suggests (`.build-linux`, `.build_x`).
    static func isScratchFolder(_ name: String) -> Bool {
        name.hasPrefix(".build-") || name.hasPrefix(".build_")
    }

    /// Offset of the first NUL byte in the first 8 KiB, the usual sign of a binary file.
    public static func binaryOffset(_ bytes: some Collection<UInt8>) -> Int? {
        var offset = 0
        for byte in bytes.prefix(8192) {
            if byte == 0 { return offset }
            offset += 1
        }
        return nil
    }
}
