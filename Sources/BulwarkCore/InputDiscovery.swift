import Foundation

/// A file found under the scanned paths.
public struct DiscoveredFile: Sendable, Hashable {
    /// The path as it should appear in reports (relative paths stay relative).
    public let path: String
    /// Named on the command line (always parsed) rather than found by walking a directory.
    public let explicit: Bool

    public init(path: String, explicit: Bool) {
        self.path = path
        self.explicit = explicit
    }

    public var fileName: String { (path as NSString).lastPathComponent }
    public var pathExtension: String { (path as NSString).pathExtension.lowercased() }
}

/// Walks the command-line paths. Directories are walked recursively in sorted order, skipping
/// VCS and build folders; unreadable paths become errors.
public enum InputDiscovery {
    public static let skippedDirectories: Set<String> = [".git", ".hg", ".svn", "node_modules", ".venv", "venv", "__pycache__", ".terraform"]

    public static func files(under paths: [String]) -> (files: [DiscoveredFile], errors: [InputError]) {
        var files: [DiscoveredFile] = []
        var errors: [InputError] = []
        let manager = FileManager.default
        for path in paths {
            if path == "-" {
                files.append(DiscoveredFile(path: "-", explicit: true))
                continue
            }
            var isDirectory: ObjCBool = false
            guard manager.fileExists(atPath: path, isDirectory: &isDirectory) else {
                errors.append(InputError(file: path, message: "no such file or directory"))
                continue
            }
            guard isDirectory.boolValue else {
                files.append(DiscoveredFile(path: path, explicit: true))
                continue
            }
            walk(directory: path, into: &files, errors: &errors)
        }
        return (files, errors)
    }

    private static func walk(directory: String, into files: inout [DiscoveredFile], errors: inout [InputError]) {
        let manager = FileManager.default
        guard let names = try? manager.contentsOfDirectory(atPath: directory) else {
            errors.append(InputError(file: directory, message: "cannot read directory"))
            return
        }
        for name in names.sorted() {
            let path = directory.hasSuffix("/") ? directory + name : directory + "/" + name
            var isDirectory: ObjCBool = false
            guard manager.fileExists(atPath: path, isDirectory: &isDirectory) else { continue }  // dangling link
            if isDirectory.boolValue {
                if skippedDirectories.contains(name) || name.hasPrefix(".build") { continue }
                // Do not follow symbolic links to directories (loops, escapes from the tree).
                if let type = try? manager.attributesOfItem(atPath: path)[.type] as? FileAttributeType, type == .typeSymbolicLink {
                    continue
                }
                walk(directory: path, into: &files, errors: &errors)
            } else {
                files.append(DiscoveredFile(path: path, explicit: false))
            }
        }
    }

    /// Reads at most `limit` bytes; larger files are an error (never read whole).
    public static func read(_ file: DiscoveredFile, limit: Int) -> Result<[UInt8], InputError> {
        if file.path == "-" {
            var data = [UInt8]()
            let handle = FileHandle.standardInput
            while true {
                let chunk = handle.readData(ofLength: 1 << 16)
                if chunk.isEmpty { break }
                data.append(contentsOf: chunk)
                if data.count > limit {
                    return .failure(InputError(file: "-", message: "standard input is larger than the \(describe(bytes: limit)) limit (raise --max-file-size)"))
                }
            }
            return .success(data)
        }
        guard let handle = FileHandle(forReadingAtPath: file.path) else {
            return .failure(InputError(file: file.path, message: "cannot open file (permission denied?)"))
        }
        defer { try? handle.close() }
        let size = (try? handle.seekToEnd()).map(Int.init) ?? 0
        if size > limit {
            return .failure(InputError(file: file.path, message: "file is \(describe(bytes: size)), larger than the \(describe(bytes: limit)) limit (raise --max-file-size)"))
        }
        do {
            try handle.seek(toOffset: 0)
            let data = try handle.readToEnd() ?? Data()
            if data.count > limit {
                return .failure(InputError(file: file.path, message: "file is larger than the \(describe(bytes: limit)) limit (raise --max-file-size)"))
            }
            return .success([UInt8](data))
        } catch {
            return .failure(InputError(file: file.path, message: "cannot read file: \(error.localizedDescription)"))
        }
    }

    /// Offset of the first NUL byte in the first 8 KiB, the usual sign of a binary file.
    public static func binaryOffset(_ bytes: [UInt8]) -> Int? {
        bytes.prefix(8192).firstIndex(of: 0)
    }

    public static func describe(bytes: Int) -> String {
        if bytes >= 1 << 20 { return String(format: "%.1f MiB", Double(bytes) / Double(1 << 20)) }
        if bytes >= 1 << 10 { return String(format: "%.1f KiB", Double(bytes) / Double(1 << 10)) }
        return "\(bytes) bytes"
    }
}
