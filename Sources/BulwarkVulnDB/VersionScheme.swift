/// How an ecosystem orders versions. `compare` returns nil when either version does not parse under
/// the scheme (a match then says the ordering is unknown instead of guessing).
///
/// SEAM (lead): the orderings are filled in by the versions helper; until then every scheme uses the
/// generic ordering below, which is wrong for `~`, epochs and pre-releases.
public enum VersionScheme: String, Sendable, Hashable, CaseIterable {
    /// PEP 440 (PyPI, conda packages mapped to PyPI).
    case pep440
    /// dpkg `[epoch:]upstream[-revision]` with `~` (Debian, Ubuntu).
    case dpkg
    /// apk (Alpine): `1.2.3_rc1-r4`.
    case apk
    /// rpm `[epoch:]version-release` (rpmvercmp).
    case rpm
    /// SemVer 2.0.0 (OSV `SEMVER` ranges).
    case semver
    /// Dot-separated numbers and words, numbers compared as numbers.
    case generic

    /// The scheme of an OSV ecosystem's `ECOSYSTEM` ranges.
    public static func of(ecosystem: String) -> VersionScheme {
        switch Ecosystem.base(ecosystem) {
        case "PyPI": .pep440
        case "Debian", "Ubuntu": .dpkg
        case "Alpine", "Wolfi", "Chainguard": .apk
        case "Red Hat", "Rocky Linux", "AlmaLinux", "openSUSE", "SUSE", "Mageia": .rpm
        case "npm", "crates.io", "Go", "Hex", "Pub", "SwiftURL": .semver
        default: .generic
        }
    }

    /// -1, 0, 1, or nil when a version does not parse.
    public func compare(_ lhs: String, _ rhs: String) -> Int? {
        GenericVersion.compare(lhs, rhs)
    }
}

/// Dot-separated numbers and words, numbers compared as numbers (the fallback ordering).
enum GenericVersion {
    static func compare(_ lhs: String, _ rhs: String) -> Int? {
        let left = parts(lhs), right = parts(rhs)
        for index in 0..<max(left.count, right.count) {
            let a = index < left.count ? left[index] : "0", b = index < right.count ? right[index] : "0"
            if let x = Int(a), let y = Int(b) {
                if x != y { return x < y ? -1 : 1 }
            } else if a != b {
                return a < b ? -1 : 1
            }
        }
        return 0
    }

    static func parts(_ version: String) -> [String] {
        version.split(whereSeparator: { !$0.isLetter && !$0.isNumber }).map(String.init)
    }
}
