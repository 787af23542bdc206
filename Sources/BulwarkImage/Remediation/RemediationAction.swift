import BulwarkCore

/// One thing to do about an image's vulnerabilities, with everything it fixes: what reports list
/// under "remediation" instead of one line per advisory (an image with 40 advisories against 6
/// packages needs 6 upgrades, not 40 reads).
public struct RemediationAction: Sendable, Hashable {
    public enum Kind: Sendable, Hashable {
        /// Upgrade the package to this version: the lowest that fixes every advisory against it
        /// that has a fix (Python packages, conda packages, vendored libraries).
        case upgrade(package: String, to: String)
        /// OS packages (deb, apk, rpm) whose fix the distribution has shipped: rebuild on a newer
        /// base image of the same release (or upgrade them in the build). `os` is the release's name.
        case rebuildOnNewerBase(os: String?)
        /// Advisories with no fixed version anywhere yet: watch, mitigate, or write VEX.
        case noFixYet
    }

    public var kind: Kind
    /// The packages it changes, each once.
    public var packages: [InstalledPackage]
    /// Each package's target version (`package.name` → version), for `.rebuildOnNewerBase` and
    /// `.upgrade`; empty for `.noFixYet`.
    public var targets: [String: String]
    /// The advisories it fixes (each match's first id), sorted.
    public var ids: [String]
    /// The highest severity among them.
    public var severity: Severity

    public init(kind: Kind, packages: [InstalledPackage], targets: [String: String] = [:], ids: [String], severity: Severity) {
        self.kind = kind
        self.packages = packages
        self.targets = targets
        self.ids = ids
        self.severity = severity
    }

    /// One line for reports: `upgrade flask 0.12.2 → 2.3.2 (fixes 5: PYSEC-2018-66, …; highest: high)`.
    public var summary: String {
        let fixes = "\(ids.count == 1 ? "1 advisory" : "\(ids.count) advisories"): \(ids.joined(separator: ", ")); highest \(severity.rawValue)"
        switch kind {
        case .upgrade(let package, let version):
            let installed = packages.first.map { " \($0.version)" } ?? ""
            return "upgrade \(package)\(installed) to \(version) (\(fixes))"
        case .rebuildOnNewerBase(let os):
            let list = packages.map { "\($0.name) \($0.version) → \(targets[$0.name] ?? "?")" }.joined(separator: ", ")
            return "rebuild on a newer \(os.map { "\($0) " } ?? "")base image, which ships \(list) (\(fixes))"
        case .noFixYet:
            let list = packages.map { "\($0.name) \($0.version)" }.joined(separator: ", ")
            return "no fix yet for \(list) (\(fixes))"
        }
    }
}

extension RemediationAction {
    /// The step as inventories and reports carry it (Core's `RemediationStep`).
    public var step: RemediationStep {
        let action: RemediationStep.Action = switch kind {
        case .upgrade: .upgrade
        case .rebuildOnNewerBase: .rebuildOnNewerBase
        case .noFixYet: .noFixYet
        }
        return RemediationStep(action: action, text: summary, packages: packages.map { "\($0.name)@\($0.version)" }, ids: ids,
                               severity: severity)
    }
}
