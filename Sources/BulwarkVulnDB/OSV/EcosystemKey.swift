/// The (ecosystem, release, package name) under which the database files an `affected[]` entry and
/// under which matching asks: OSV's ecosystem strings normalised so that the record's spelling and
/// the inventory's meet.
///
/// - `Debian:12`, `Debian:12.5` → `Debian`, `12` (Debian advisories are per major release).
/// - `Alpine:v3.19`, `Alpine:3.19`, `Alpine:3.19.1` → `Alpine`, `3.19` (OSV writes `v3.19`;
///   `/etc/os-release` says `3.19.1`).
/// - `Ubuntu:22.04:LTS`, `Ubuntu:22.04` → `Ubuntu`, `22.04`; `Ubuntu:Pro:18.04:LTS` → `Ubuntu`,
///   `Pro:18.04`: Ubuntu Pro (ESM) fixes reach only Pro subscribers, so they are kept apart from the
///   public release rather than claiming a fix an ordinary image cannot install.
/// - `PyPI` → `PyPI`, `` (no release). The base is compared as written (OSV's names are fixed
///   strings: `PyPI`, `Debian`, `Alpine`, `Ubuntu`).
/// - Names: PEP 503 for PyPI (`Flask_SQLAlchemy` → `flask-sqlalchemy`), as written elsewhere.
public struct EcosystemKey: Sendable, Hashable {
    public var base: String
    /// Empty when the ecosystem has no release.
    public var release: String

    public init(_ ecosystem: String) {
        let parts = ecosystem.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        base = parts.first ?? ""
        let rest = Array(parts.dropFirst())
        switch base {
        case "Debian":
            release = rest.first.map { String($0.prefix { $0 != "." }) } ?? ""
        case "Alpine":
            release = rest.first.map(Self.majorMinor) ?? ""
        case "Ubuntu":
            if rest.first == "Pro" {
                release = rest.count > 1 ? "Pro:" + rest[1] : "Pro"
            } else {
                release = rest.first ?? ""
            }
        default:
            release = rest.first ?? ""
        }
    }

    /// `v3.19.1` → `3.19`.
    static func majorMinor(_ text: String) -> String {
        let trimmed = text.hasPrefix("v") ? String(text.dropFirst()) : text
        return trimmed.split(separator: ".", omittingEmptySubsequences: false).prefix(2).joined(separator: ".")
    }

    /// `Debian:12`, `PyPI`: how status lists the ecosystem.
    public var displayName: String { release.isEmpty ? base : base + ":" + release }

    /// The package name as this ecosystem compares names.
    public func normalizedName(_ name: String) -> String {
        PackageName.normalized(name, ecosystem: base)
    }
}
