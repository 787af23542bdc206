import BulwarkCore

/// How an image's `os-release` names its distribution where the vulnerability database and purls
/// need it.
///
/// - OSV ecosystems (https://ossf.github.io/osv-schema/#defined-ecosystems): `Debian:12` (the major
///   release: Debian point releases share advisories), `Ubuntu:22.04`, `Alpine:v3.19` (major.minor
///   with a `v`, as the Alpine secdb branches are named).
/// - purl `distro=` qualifier: `<ID>-<VERSION_ID>` (`debian-12`, `ubuntu-22.04`, `alpine-3.19.1`),
///   as Syft writes it (anchore/syft#754). Trivy writes the bare version (`distro=3.19.1`) and for
///   Debian the point release from `/etc/debian_version`; the purl spec leaves the value open
///   (its deb examples use a codename, `distro=jessie`). One rule for every distribution keeps the
///   qualifier self-describing.
struct DistributionNames: Sendable {
    var os: OperatingSystemRelease?

    /// `debian-12`; nil without an os-release or a `VERSION_ID` (Debian testing/sid).
    var distro: String? {
        guard let os, let version = os.versionID else { return nil }
        return "\(os.id)-\(version)"
    }

    /// The ecosystem of dpkg packages; nil when OSV has no ecosystem for the distribution (or the
    /// release is unknown: a rolling release has no fixed advisory set).
    var debEcosystem: String? {
        guard let os, let version = os.versionID else { return nil }
        switch os.id {
        case "debian": return "Debian:" + String(version.prefix { $0 != "." })
        case "ubuntu": return "Ubuntu:" + version
        default: return nil
        }
    }

    var apkEcosystem: String? {
        guard let os, os.id == "alpine", let version = os.versionID else { return nil }
        let parts = version.split(separator: ".")
        guard parts.count >= 2 else { return nil }
        return "Alpine:v\(parts[0]).\(parts[1])"
    }
}
