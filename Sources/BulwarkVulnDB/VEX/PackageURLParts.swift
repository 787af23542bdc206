import Foundation
import BulwarkCore

/// A package URL taken apart (`pkg:type/namespace/name@version?qualifiers#subpath`), so that VEX
/// statements can be compared with an image's packages by meaning rather than by text: producers
/// order qualifiers differently, percent-encode differently (`%3A` or `:` in an epoch), and leave
/// out the version or the qualifiers when a statement is about every version or every build.
public struct PackageURLParts: Sendable, Hashable {
    /// Lowercased (`pypi`, `deb`, `oci`).
    public var type: String
    /// Decoded; nil when absent.
    public var namespace: String?
    /// Decoded, normalised as the type compares names (PyPI: PEP 503).
    public var name: String
    /// Decoded; nil when the purl names every version.
    public var version: String?
    /// Decoded values, keys lowercased.
    public var qualifiers: [String: String]

    /// Nil when the text is not a purl (no `pkg:` scheme, no type or no name).
    public init?(_ text: String) {
        var rest = Substring(text.trimmingCharacters(in: .whitespaces))
        guard rest.lowercased().hasPrefix("pkg:") else { return nil }
        rest = rest.dropFirst(4)
        while rest.hasPrefix("/") { rest = rest.dropFirst() }
        if let hash = rest.firstIndex(of: "#") { rest = rest[..<hash] }
        var qualifiers: [String: String] = [:]
        if let question = rest.firstIndex(of: "?") {
            for pair in rest[rest.index(after: question)...].split(separator: "&") {
                let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else { continue }
                qualifiers[parts[0].lowercased()] = Self.decode(parts[1])
            }
            rest = rest[..<question]
        }
        var version: String?
        if let at = rest.lastIndex(of: "@") {
            let text = Self.decode(rest[rest.index(after: at)...])
            version = text.isEmpty ? nil : text
            rest = rest[..<at]
        }
        var segments = rest.split(separator: "/").map { Self.decode($0) }
        guard segments.count >= 2, let rawName = segments.popLast(), !rawName.isEmpty else { return nil }
        type = segments.removeFirst().lowercased()
        guard !type.isEmpty else { return nil }
        namespace = segments.isEmpty ? nil : segments.joined(separator: "/")
        name = Self.normalizedName(rawName, type: type)
        if type == "pypi" || type == "deb" || type == "apk" || type == "oci" || type == "docker", let ns = namespace {
            namespace = ns.lowercased()
        }
        self.version = version
        self.qualifiers = qualifiers
    }

    /// Whether a statement's product (`self`) covers the package `other`: same type, namespace
    /// and name; the version only when the statement names one; each qualifier the statement names
    /// must be present with the same value (qualifiers it leaves out match anything).
    public func covers(_ other: PackageURLParts) -> Bool {
        guard type == other.type, name == other.name else { return false }
        if let namespace, namespace != other.namespace { return false }
        if let version, version != other.version { return false }
        for (key, value) in qualifiers where other.qualifiers[key] != value {
            return false
        }
        return true
    }

    /// PyPI names compare by PEP 503; the purl spec lowercases deb, apk, oci and docker names.
    static func normalizedName(_ name: String, type: String) -> String {
        switch type {
        case "pypi": PackageName.normalized(name, ecosystem: "PyPI")
        case "deb", "apk", "oci", "docker", "conda": name.lowercased()
        default: name
        }
    }

    /// Percent-decoding; a malformed escape stays as written.
    static func decode(_ text: some StringProtocol) -> String {
        var bytes: [UInt8] = []
        let utf8 = Array(text.utf8)
        var index = 0
        while index < utf8.count {
            if utf8[index] == UInt8(ascii: "%"), index + 2 < utf8.count,
               let high = hexValue(utf8[index + 1]), let low = hexValue(utf8[index + 2]) {
                bytes.append(high << 4 | low)
                index += 3
            } else {
                bytes.append(utf8[index])
                index += 1
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
