/// Entry names and link targets of layer tars, normalised against the image root.
enum LayerPath {
    enum Normalized: Equatable {
        /// Relative to the root, no `.`/`..`/empty components.
        case path(String)
        /// The root itself (`./`): nothing to apply.
        case root
        /// Absolute, or climbing with `..`: the reason.
        case traversal(String)
    }

    /// An entry's name: layer tars name files relative to the root (`usr/bin/x`, `./usr/bin/x`);
    /// an absolute name or one with `..` components could write outside the root when extracted by
    /// a naive tool, so it is never applied.
    static func normalize(_ name: String) -> Normalized {
        if name.hasPrefix("/") { return .traversal("an absolute name") }
        var parts: [Substring] = []
        for component in name.split(separator: "/", omittingEmptySubsequences: true) {
            if component == "." { continue }
            if component == ".." { return .traversal("a '..' component") }
            parts.append(component)
        }
        return parts.isEmpty ? .root : .path(parts.joined(separator: "/"))
    }

    /// Where a symbolic link at `path` pointing at `target` lands, relative to the root; nil when
    /// resolving it climbs above the root. An absolute target starts at the image root (the
    /// container's `/`), a relative one at the link's directory.
    static func resolveSymlink(at path: String, target: String) -> String? {
        var parts: [Substring] = target.hasPrefix("/") ? [] : Array(path.split(separator: "/").dropLast())
        for component in target.split(separator: "/", omittingEmptySubsequences: true) {
            if component == "." { continue }
            if component == ".." {
                guard !parts.isEmpty else { return nil }
                parts.removeLast()
                continue
            }
            parts.append(component)
        }
        return parts.joined(separator: "/")
    }

    static func parent(_ path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "" }
        return String(path[..<slash])
    }

    static func base(_ path: String) -> Substring {
        guard let slash = path.lastIndex(of: "/") else { return Substring(path) }
        return path[path.index(after: slash)...]
    }

    static func join(_ directory: String, _ name: some StringProtocol) -> String {
        directory.isEmpty ? String(name) : directory + "/" + name
    }

    /// `path`'s ancestors, nearest last (`a`, `a/b` for `a/b/c`).
    static func ancestors(_ path: String) -> [String] {
        var result: [String] = []
        var index = path.startIndex
        while let slash = path[index...].firstIndex(of: "/") {
            result.append(String(path[..<slash]))
            index = path.index(after: slash)
        }
        return result
    }
}
