/// Absolute container paths.
enum HardenPath {
    /// `base` joined with `path` (an absolute path wins), normalised: no `.`, `..` or trailing slash.
    static func join(_ base: String, _ path: String) -> String {
        let combined = path.hasPrefix("/") ? path : base + "/" + path
        var parts: [Substring] = []
        for part in combined.split(separator: "/") {
            if part == "." || part.isEmpty { continue }
            if part == ".." {
                if !parts.isEmpty { parts.removeLast() }
                continue
            }
            parts.append(part)
        }
        return "/" + parts.joined(separator: "/")
    }

    /// True when `path` is `directory` or inside it.
    static func isInside(_ path: String, _ directory: String) -> Bool {
        directory == "/" || path == directory || path.hasPrefix(directory + "/")
    }
}
