/// A container image reference split as container runtimes read it:
/// `[registry/]repository[:tag][@digest]` (the grammar of distribution/reference).
///
/// Parsing is lenient: anything with a non-empty repository is accepted and split, so rules can
/// still say something about a malformed reference; `problems` lists what the strict grammar
/// rejects (upper-case repository, bad tag or digest, …).
///
/// The first path component is the registry host when it contains `.` or `:`, is `localhost`, or
/// contains an upper-case letter (`localhost:5000/img`, `ghcr.io/org/img`); otherwise the image is on
/// Docker Hub (`nginx` → `docker.io/library/nginx`). The tag is what follows the last `:` of the
/// last path component, so a registry port is never taken for a tag.
public struct ImageReference: Sendable, Hashable, CustomStringConvertible {
    /// The registry host (with port) as written, or nil when none is written (Docker Hub is implied).
    public let registry: String?
    /// The repository path as written, without registry, tag and digest (`nginx`, `org/model`).
    public let repository: String
    /// The tag as written, nil when none.
    public let tag: String?
    /// The digest (`sha256:…`) as written, nil when none.
    public let digest: String?

    /// Docker Hub's canonical registry name.
    public static let dockerHub = "docker.io"

    /// Parses a reference; nil when there is no repository (empty text, `:tag`, `@sha256:…`).
    public init?(_ text: String) {
        guard let parsed = Self.split(text) else { return nil }
        self = parsed
    }

    /// Parses a reference; nil when there is no repository (empty text, `:tag`, `@sha256:…`).
    public static func parse(_ text: String) -> ImageReference? { split(text) }

    public init(registry: String?, repository: String, tag: String?, digest: String?) {
        self.registry = registry
        self.repository = repository
        self.tag = tag
        self.digest = digest
    }

    private static func split(_ text: String) -> ImageReference? {
        // Works on the UTF-8 view: every delimiter is ASCII.
        var rest = Substring(text)
        while let first = rest.utf8.first, ASCII.isSpace(first) { rest = rest.dropFirst() }
        while let last = rest.utf8.last, ASCII.isSpace(last) { rest = rest.dropLast() }
        guard !rest.isEmpty else { return nil }
        var digest: String?
        if let at = rest.utf8.firstIndex(of: UInt8(ascii: "@")) {
            let value = rest[rest.utf8.index(after: at)...]
            digest = value.isEmpty ? nil : String(value)
            rest = rest[..<at]
        }
        var registry: String?
        if let slash = rest.utf8.firstIndex(of: UInt8(ascii: "/")) {
            let first = rest[..<slash]
            let bytes = first.utf8
            if bytes.contains(UInt8(ascii: ".")) || bytes.contains(UInt8(ascii: ":")) || first == "localhost"
                || bytes.contains(where: { $0 >= UInt8(ascii: "A") && $0 <= UInt8(ascii: "Z") })
            {
                registry = String(first)
                rest = rest[rest.utf8.index(after: slash)...]
            }
        }
        var tag: String?
        let lastComponent = rest.utf8.lastIndex(of: UInt8(ascii: "/")).map { rest.utf8.index(after: $0) } ?? rest.startIndex
        if let colon = rest.utf8[lastComponent...].lastIndex(of: UInt8(ascii: ":")) {
            let value = rest[rest.utf8.index(after: colon)...]
            tag = value.isEmpty ? nil : String(value)
            rest = rest[..<colon]
        }
        guard !rest.isEmpty else { return nil }
        return ImageReference(registry: registry, repository: String(rest), tag: tag, digest: digest)
    }

    // MARK: - Normalised views

    /// The registry with Docker Hub made explicit (`docker.io`); `index.docker.io` and
    /// `registry-1.docker.io` are folded into `docker.io` as the Docker CLI does.
    public var domain: String {
        guard let registry else { return Self.dockerHub }
        switch registry.lowercased() {
        case "index.docker.io", "registry-1.docker.io", "docker.io": return Self.dockerHub
        default: return registry
        }
    }

    /// True when the image is pulled from Docker Hub.
    public var isDockerHub: Bool { domain == Self.dockerHub }

    /// The repository path with Docker Hub's `library/` prefix added to single-component names.
    public var path: String {
        if isDockerHub && !repository.contains("/") { return "library/" + repository }
        return repository
    }

    /// `docker.io/library/python`, `ghcr.io/org/image`: registry and path, no tag or digest.
    public var normalizedName: String { domain + "/" + path }

    /// The shortest name that means the same image (`python`, `org/image`, `ghcr.io/org/image`).
    public var familiarName: String {
        if isDockerHub {
            return path.hasPrefix("library/") ? String(path.dropFirst("library/".count)) : path
        }
        return domain + "/" + repository
    }

    /// The last path component (`python` for `docker.io/library/python:3.12`).
    public var name: String {
        repository.lastIndex(of: "/").map { String(repository[repository.index(after: $0)...]) } ?? repository
    }

    /// An official Docker Hub image (`python`, `library/python`, `docker.io/library/python`).
    public var isOfficialImage: Bool { isDockerHub && path.hasPrefix("library/") && !path.dropFirst(8).contains("/") }

    /// `scratch`, the empty base image (no registry, tag or digest).
    public var isScratch: Bool { registry == nil && repository == "scratch" && tag == nil && digest == nil }

    public var isPinnedByDigest: Bool { digest != nil }

    /// The tag the runtime pulls when none is written and no digest pins the image.
    public var effectiveTag: String? { tag ?? (digest == nil ? "latest" : nil) }

    /// True when the image can change under the same reference because it names `latest`
    /// (explicitly or by omission) and no digest.
    public var usesLatest: Bool { digest == nil && (tag == nil || tag == "latest") && !isScratch }

    /// The digest algorithm (`sha256`), when a digest is written.
    public var digestAlgorithm: String? {
        guard let digest, let colon = digest.firstIndex(of: ":") else { return nil }
        return String(digest[..<colon])
    }

    /// The reference as written, normalised only by dropping surrounding whitespace.
    public var description: String {
        var text = registry.map { $0 + "/" } ?? ""
        text += repository
        if let tag { text += ":" + tag }
        if let digest { text += "@" + digest }
        return text
    }

    /// `docker.io/library/python:3.12@sha256:…` with every default written out (`latest` only when
    /// neither tag nor digest is given).
    public var canonical: String {
        var text = normalizedName
        if let tag = tag ?? (digest == nil ? "latest" : nil) { text += ":" + tag }
        if let digest { text += "@" + digest }
        return text
    }

    /// What the strict reference grammar rejects; empty for a valid reference.
    public var problems: [String] {
        var problems: [String] = []
        if let registry, !Self.isValidRegistry(registry) {
            problems.append("registry \"\(registry)\" is not a valid host[:port]")
        }
        if repository.contains(where: { $0.isASCII && $0.isUppercase }) {
            problems.append("repository name \"\(repository)\" must be lowercase")
        }
        for component in repository.lowercased().split(separator: "/", omittingEmptySubsequences: false) where !Self.isValidPathComponent(component) {
            problems.append("repository path component \"\(component)\" is not valid")
            break
        }
        if let tag, !Self.isValidTag(tag) {
            problems.append("tag \"\(tag)\" is not valid (letters, digits, _ . -, at most 128 characters, not starting with . or -)")
        }
        if let digest, !Self.isValidDigest(digest) {
            problems.append("digest \"\(digest)\" is not valid (algorithm:hex, sha256 needs 64 lower-case hex digits)")
        }
        if isDockerHub && path.count > 255 {
            problems.append("repository name is longer than 255 characters")
        }
        return problems
    }

    public var isValid: Bool { problems.isEmpty }

    // MARK: - Grammar pieces

    static func isValidRegistry(_ text: String) -> Bool {
        var host = Substring(text)
        if host.hasPrefix("[") {  // IPv6 literal
            guard let close = host.firstIndex(of: "]") else { return false }
            let inside = host[host.index(after: host.startIndex)..<close]
            guard !inside.isEmpty, inside.allSatisfy({ $0.isHexDigit || $0 == ":" || $0 == "." }) else { return false }
            host = host[host.index(after: close)...]
            if host.isEmpty { return true }
            guard host.first == ":" else { return false }
            let port = host.dropFirst()
            return !port.isEmpty && port.allSatisfy(ASCII.isDigit)
        }
        if let colon = host.lastIndex(of: ":") {
            let port = host[host.index(after: colon)...]
            guard !port.isEmpty, port.allSatisfy(ASCII.isDigit) else { return false }
            host = host[..<colon]
        }
        guard !host.isEmpty else { return false }
        for label in host.split(separator: ".", omittingEmptySubsequences: false) {
            guard let first = label.first, let last = label.last,
                first.isASCIILetterOrDigit, last.isASCIILetterOrDigit,
                label.allSatisfy({ $0.isASCIILetterOrDigit || $0 == "-" })
            else { return false }
        }
        return true
    }

    /// `[a-z0-9]+(?:(?:[._]|__|[-]+)[a-z0-9]+)*`
    static func isValidPathComponent(_ component: Substring) -> Bool {
        let bytes = Array(component.utf8)
        guard let first = bytes.first, let last = bytes.last, isLowerAlnum(first), isLowerAlnum(last) else { return false }
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if isLowerAlnum(byte) {
                index += 1
                continue
            }
            // A separator: ".", "_", "__" or a run of "-", always followed by an alphanumeric.
            var end = index + 1
            switch byte {
            case UInt8(ascii: "."): break
            case UInt8(ascii: "_"): if end < bytes.count && bytes[end] == UInt8(ascii: "_") { end += 1 }
            case UInt8(ascii: "-"): while end < bytes.count && bytes[end] == UInt8(ascii: "-") { end += 1 }
            default: return false
            }
            guard end < bytes.count, isLowerAlnum(bytes[end]) else { return false }
            index = end
        }
        return true
    }

    /// `[\w][\w.-]{0,127}`
    static func isValidTag(_ tag: String) -> Bool {
        let bytes = Array(tag.utf8)
        guard let first = bytes.first, bytes.count <= 128, ASCII.isNameByte(first) else { return false }
        return bytes.allSatisfy { ASCII.isNameByte($0) || $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "-") }
    }

    /// `algorithm:encoded` with `[a-z0-9]+(?:[.+_-][a-z0-9]+)*` algorithms and at least 32 hex
    /// digits; `sha256` needs exactly 64 lower-case hex digits, `sha512` 128.
    static func isValidDigest(_ digest: String) -> Bool {
        guard let colon = digest.firstIndex(of: ":") else { return false }
        let algorithm = digest[..<colon]
        let encoded = digest[digest.index(after: colon)...]
        guard let first = algorithm.first, first.isASCII, first.isLetter || first.isNumber,
            algorithm.allSatisfy({ $0.isASCII && ($0.isLowercase || $0.isNumber || "+.-_".contains($0)) })
        else { return false }
        switch algorithm {
        case "sha256": return encoded.count == 64 && encoded.allSatisfy(\.isLowerHexDigit)
        case "sha384": return encoded.count == 96 && encoded.allSatisfy(\.isLowerHexDigit)
        case "sha512": return encoded.count == 128 && encoded.allSatisfy(\.isLowerHexDigit)
        default: return encoded.count >= 32 && encoded.allSatisfy(\.isHexDigit)
        }
    }

    private static func isLowerAlnum(_ byte: UInt8) -> Bool { ASCII.isLower(byte) || ASCII.isDigit(byte) }
}

extension Character {
    fileprivate var isASCIILetterOrDigit: Bool { asciiValue.map(ASCII.isAlphanumeric) ?? false }
    fileprivate var isLowerHexDigit: Bool { asciiValue.map { ASCII.isDigit($0) || (0x61...0x66).contains($0) } ?? false }
}
