import Foundation

/// Package URLs (purl, https://github.com/package-url/purl-spec) of installed packages, as SBOMs and
/// VEX statements name them: `pkg:deb/debian/openssl@3.0.11-1~deb12u2?arch=amd64&distro=debian-12`,
/// `pkg:pypi/flask@2.0.1`.
///
/// Per type (the spec's `types/*-definition.json`):
/// - `deb`, `apk`: namespace the distribution's `ID` (`debian`, `ubuntu`, `alpine`), lowercased
///   name, the full version (a dpkg epoch stays in it: `1%3A2.38.1-5%2Bb1`), `arch` and `distro`.
/// - `rpm`: namespace the distribution's `ID` when known, case-sensitive name, `version-release`,
///   the epoch as the `epoch` qualifier.
/// - `pypi`: lowercased name with `_` as `-`; version as recorded.
/// - `conda`: the `build`, `channel` and `subdir` qualifiers from `purlQualifiers`.
/// - `generic` for vendored libraries known by file name.
///
/// Components are percent-encoded except RFC 3986's unreserved characters, as packageurl-go (Syft,
/// Trivy) writes them: `+` is `%2B`, an epoch's `:` `%3A`. Qualifiers are sorted by key; empty ones
/// are left out (the spec: "a key=value pair with an empty value is the same as no key/value").
extension InstalledPackage {
    public var purl: String {
        var qualifiers = purlQualifiers
        let type: String
        var namespace: String?
        var name = self.name
        var version = self.version
        switch kind {
        case .deb:
            type = "deb"
            namespace = PackageURL.vendor(distro: distro) ?? "debian"
            name = name.lowercased()
        case .apk:
            type = "apk"
            namespace = PackageURL.vendor(distro: distro) ?? "alpine"
            name = name.lowercased()
        case .rpm:
            type = "rpm"
            namespace = PackageURL.vendor(distro: distro)
            if let colon = version.firstIndex(of: ":"), version[..<colon].allSatisfy(\.isNumber), colon != version.startIndex {
                qualifiers["epoch"] = String(version[..<colon])
                version = String(version[version.index(after: colon)...])
            }
        case .python:
            type = "pypi"
            name = PackageURL.pypiName(name)
        case .conda:
            type = "conda"
        case .binary:
            type = "generic"
        }
        if let architecture, kind != .python, kind != .binary { qualifiers["arch"] = architecture }
        if let distro, kind == .deb || kind == .apk || kind == .rpm { qualifiers["distro"] = distro }
        var text = "pkg:\(type)/"
        if let namespace { text += PackageURL.encode(namespace.lowercased()) + "/" }
        text += PackageURL.encode(name)
        if !version.isEmpty { text += "@" + PackageURL.encode(version) }
        let pairs = qualifiers.filter { !$0.value.isEmpty }.sorted { $0.key < $1.key }
        if !pairs.isEmpty {
            text += "?" + pairs.map { "\($0.key.lowercased())=\(PackageURL.encode($0.value))" }.joined(separator: "&")
        }
        return text
    }
}

public enum PackageURL {
    /// PyPI names in purls: lowercase, `_` as `-` (the purl spec's pypi rule; unlike PEP 503 it keeps `.`).
    public static func pypiName(_ name: String) -> String {
        name.lowercased().replacingOccurrences(of: "_", with: "-")
    }

    /// The distribution's `ID` from a `distro` qualifier `<ID>-<VERSION_ID>`: `debian` from
    /// `debian-12`, `opensuse-leap` from `opensuse-leap-15.5` (the version starts at the last `-`
    /// followed by a digit).
    public static func vendor(distro: String?) -> String? {
        guard let distro, !distro.isEmpty else { return nil }
        var index = distro.endIndex
        while let dash = distro[..<index].lastIndex(of: "-") {
            if distro[distro.index(after: dash)...].first?.isNumber == true { return String(distro[..<dash]) }
            index = dash
        }
        return distro
    }

    /// Percent-encodes everything but RFC 3986's unreserved characters (`A–Z a–z 0–9 . - _ ~`):
    /// `+` becomes `%2B` and an epoch's `:` `%3A`, as the reference implementations write them.
    public static func encode(_ text: String) -> String {
        let hex = Array("0123456789ABCDEF")
        var out = ""
        for byte in text.utf8 {
            if (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
                || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "~") {
                out.append(Character(Unicode.Scalar(byte)))
            } else {
                out += "%" + String(hex[Int(byte >> 4)]) + String(hex[Int(byte & 0xF)])
            }
        }
        return out
    }
}
