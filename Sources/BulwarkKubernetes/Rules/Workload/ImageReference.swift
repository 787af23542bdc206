/// A container image reference split as the container runtimes read it
/// (`[registry/]repository[:tag][@digest]`, distribution/reference's grammar).
///
/// The first path component is a registry host when it contains `.` or `:` or is `localhost`
/// (`localhost:5000/img`, `ghcr.io/org/img`); otherwise the image is on Docker Hub
/// (`nginx`, `library/nginx`). A tag is what follows the last `:` of the last path component, so
/// a registry port is never taken for a tag.
public struct ImageReference: Sendable, Hashable {
    /// The registry host (with port), or nil when none is written (Docker Hub is implied).
    public let registry: String?
    /// The repository path without registry, tag and digest (`library/nginx`, `org/model`).
    public let repository: String
    /// The tag as written, nil when none.
    public let tag: String?
    /// The digest (`sha256:…`) as written, nil when none.
    public let digest: String?

    /// Parses a reference; nil for an empty string.
    public init?(_ text: String) {
        var rest = Substring(text)
        var digest: String?
        if let at = rest.firstIndex(of: "@") {
            let value = rest[rest.index(after: at)...]
            digest = value.isEmpty ? nil : String(value)
            rest = rest[..<at]
        }
        var registry: String?
        if let slash = rest.firstIndex(of: "/") {
            let first = rest[..<slash]
            if first.contains(".") || first.contains(":") || first == "localhost" || first.contains(where: \.isUppercase) {
                registry = String(first)
                rest = rest[rest.index(after: slash)...]
            }
        }
        var tag: String?
        let lastComponent = rest.lastIndex(of: "/").map { rest.index(after: $0) } ?? rest.startIndex
        if let colon = rest[lastComponent...].lastIndex(of: ":") {
            let value = rest[rest.index(after: colon)...]
            tag = value.isEmpty ? nil : String(value)
            rest = rest[..<colon]
        }
        guard !rest.isEmpty else { return nil }
        self.registry = registry
        self.repository = String(rest)
        self.tag = tag
        self.digest = digest
    }

    public var isPinnedByDigest: Bool { digest != nil }

    /// The tag the runtime pulls when none is written and no digest pins the image.
    public var effectiveTag: String? { tag ?? (digest == nil ? "latest" : nil) }

    /// True when the image can change under the same reference because it names `latest`
    /// (explicitly or by omission) and no digest.
    public var usesLatest: Bool { digest == nil && (tag == nil || tag == "latest") }
}
