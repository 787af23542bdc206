import Foundation

/// Package URLs (purl, https://github.com/package-url/purl-spec) of installed packages, as SBOMs and
/// VEX statements name them: `pkg:deb/debian/openssl@3.0.11-1~deb12u2?arch=amd64&distro=debian-12`,
/// `pkg:pypi/flask@2.0.1`.
///
/// SEAM (lead): a first version; the inventory helper owns this file and checks it against the spec's
/// test suite and Syft/Trivy's output.
extension InstalledPackage {
    public var purl: String {
        var qualifiers: [(String, String)] = []
        let type: String
        var namespace: String?
        var name = self.name
        switch kind {
        case .deb:
            type = "deb"
            namespace = distro.map { String($0.prefix { $0 != "-" }) } ?? "debian"
        case .apk:
            type = "apk"
            namespace = distro.map { String($0.prefix { $0 != "-" }) } ?? "alpine"
        case .rpm:
            type = "rpm"
            namespace = distro.map { String($0.prefix { $0 != "-" }) }
        case .python:
            type = "pypi"
            name = PackageURL.pypiName(name)
        case .conda:
            type = "conda"
        case .binary:
            type = "generic"
        }
        if let architecture, kind != .python { qualifiers.append(("arch", architecture)) }
        if let distro, kind == .deb || kind == .apk || kind == .rpm { qualifiers.append(("distro", distro)) }
        var text = "pkg:\(type)/"
        if let namespace { text += PackageURL.encode(namespace) + "/" }
        text += PackageURL.encode(name) + "@" + PackageURL.encode(version)
        if !qualifiers.isEmpty {
            text += "?" + qualifiers.sorted { $0.0 < $1.0 }.map { "\($0.0)=\(PackageURL.encode($0.1))" }.joined(separator: "&")
        }
        return text
    }
}

public enum PackageURL {
    /// PyPI names in purls: lowercase, `_` as `-` (the purl spec's pypi rule).
    public static func pypiName(_ name: String) -> String {
        name.lowercased().replacingOccurrences(of: "_", with: "-")
    }

    /// Percent-encodes everything but RFC 3986's unreserved characters (`A–Z a–z 0–9 . - _ ~`):
    /// `+` becomes `%2B` and an epoch's `:` `%3A`, as the reference implementations write them.
    public static func encode(_ text: String) -> String {
        var out = ""
        for byte in text.utf8 {
            if (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
                || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "~") {
                out.append(Character(Unicode.Scalar(byte)))
            } else {
                let hex = Array("0123456789ABCDEF")
                out += "%" + String(hex[Int(byte >> 4)]) + String(hex[Int(byte & 0xF)])
            }
        }
        return out
    }
}
