/// How an ecosystem orders versions. `compare` returns nil when either version does not parse under
/// the scheme (a match then says the ordering is unknown instead of guessing).
///
/// Each ordering is a port of the reference that the ecosystem's own tools use, so that Bulwark
/// answers "is 1.0~rc1 below the fixed 1.0?" exactly as `dpkg`, `pip` or `apk` would; the
/// differential test (`scripts/version-differential`) holds PEP 440 and dpkg to their references.
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
        switch self {
        case .pep440:
            guard let left = PEP440Version(lhs), let right = PEP440Version(rhs) else { return nil }
            return left.compare(to: right)
        case .dpkg:
            guard let left = DpkgVersion(lhs), let right = DpkgVersion(rhs) else { return nil }
            return left.compare(to: right)
        case .apk:
            return ApkVersion.compare(lhs, rhs)
        case .rpm:
            guard let left = RPMVersion(lhs), let right = RPMVersion(rhs) else { return nil }
            return left.compare(to: right)
        case .semver:
            guard let left = SemanticVersion(lhs), let right = SemanticVersion(rhs) else { return nil }
            return left.compare(to: right)
        case .generic:
            return GenericVersion.compare(lhs, rhs)
        }
    }

    /// Whether `version` parses under the scheme (`compare` with it never returns nil for that side).
    public func isValid(_ version: String) -> Bool {
        switch self {
        case .pep440: PEP440Version(version) != nil
        case .dpkg: DpkgVersion(version) != nil
        case .apk: ApkVersion.isValid(version)
        case .rpm: RPMVersion(version) != nil
        case .semver: SemanticVersion(version) != nil
        case .generic: GenericVersion.isValid(version)
        }
    }
}
