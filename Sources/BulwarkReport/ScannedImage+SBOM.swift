import BulwarkCore
import Foundation

/// What both SBOM formats say about an image, computed once so CycloneDX and SPDX agree.
extension ScannedImage {
    /// The image's name in an SBOM: its first reference (`localhost/example:latest`), else the
    /// path it was read from.
    var sbomName: String { references.first ?? source }

    /// The hex of the manifest digest when it is a SHA-256 (`sha256:` and 64 lowercase hex
    /// digits), the only algorithm OCI registries use; nil otherwise (then no checksum is claimed).
    var manifestSHA256: String? {
        guard manifestDigest.hasPrefix("sha256:") else { return nil }
        let hex = manifestDigest.dropFirst(7)
        guard hex.utf8.count == 64, hex.utf8.allSatisfy({ ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x61 && $0 <= 0x66) })
        else { return nil }
        return String(hex)
    }

    /// The CPU architecture of `platform` (`amd64` of `linux/amd64/v3`).
    var architecture: String? {
        let parts = platform.split(separator: "/")
        return parts.count >= 2 ? String(parts[1]) : nil
    }

    /// `pkg:oci/<name>@sha256%3A…?arch=…&repository_url=…&tag=…` (the purl spec's `oci` type:
    /// the name is the repository's last component, lowercase; the version the manifest digest;
    /// `repository_url` the registry and repository without tag). Nil when the image has no
    /// reference: a path on disk names no repository, and a purl without one would claim Docker
    /// Hub.
    var ociPurl: String? {
        guard let text = references.first, let reference = ImageReference(text), !manifestDigest.isEmpty else { return nil }
        var qualifiers: [(String, String)] = [("repository_url", reference.normalizedName.lowercased())]
        if let architecture { qualifiers.append(("arch", architecture)) }
        if let tag = reference.tag { qualifiers.append(("tag", tag)) }
        return "pkg:oci/" + PackageURL.encode(reference.name.lowercased()) + "@" + PackageURL.encode(manifestDigest) + "?"
            + qualifiers.sorted { $0.0 < $1.0 }.map { $0.0 + "=" + Self.qualifierValue($0.1) }.joined(separator: "&")
    }

    /// Percent-encodes a qualifier value, leaving `/` and `:` as they are (as packageurl-python
    /// writes `repository_url=localhost:5000/ns/image`).
    static func qualifierValue(_ value: String) -> String {
        PackageURL.encode(value).replacingOccurrences(of: "%2F", with: "/").replacingOccurrences(of: "%3A", with: ":")
    }

    /// The OS as SBOMs name it: `debian` `12`, else the codename for rolling releases.
    var osVersion: String? { os.flatMap { $0.versionID ?? $0.codename } }
}

extension InstalledPackage {
    /// What the `bulwark:`/comment properties say about where the package was found.
    var sbomSource: String? {
        guard let sourceName else { return nil }
        return sourceName + (sourceVersion.map { " " + $0 } ?? "")
    }
}
