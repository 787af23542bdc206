/// `--compliance FRAMEWORK`: the pass/fail status of each control of one framework.
///
/// The controls listed are the framework's full control list where Bulwark knows it
/// (`ControlCatalog.allControls`), plus every control of that framework some rule maps to. Status:
/// - `fail`: an unsuppressed finding cites the control (in its `controls`, or through its rule);
/// - `pass`: some rule checks the control and no unsuppressed finding cites it;
/// - `not-applicable`: listed in `notApplicable` by the caller (e.g. no input of that kind was scanned);
/// - `manual`: no rule checks it.
///
/// `findings` of a control are the ids of the rules whose unsuppressed findings failed it, sorted.
/// `score` is the percentage of automatically checked controls (pass + fail) that pass, rounded to
/// one decimal; 100 when none is checked.
public struct ComplianceSummarizer: Sendable {
    public let catalog: RuleCatalog

    public init(rules: [RuleDescriptor]) {
        self.catalog = RuleCatalog(rules)
    }

    public init(catalog: RuleCatalog) {
        self.catalog = catalog
    }

    /// The frameworks with built-in control titles, and the ones rules of the catalogue cite.
    public var frameworks: [String] {
        Set(ControlCatalog.tables.keys).union(catalog.rules.flatMap { $0.controls.map(\.framework) }).sorted()
    }

    public func summarize(_ findings: [Finding], framework: String, notApplicable: Set<String> = []) -> ComplianceReport {
        // Controls some (enabled or not) rule of the catalogue checks.
        var checkedBy: [String: Set<String>] = [:]
        for rule in catalog.rules {
            for control in rule.controls where control.framework == framework {
                checkedBy[control.control, default: []].insert(rule.id)
            }
        }
        var failedBy: [String: Set<String>] = [:]
        for finding in findings where !finding.suppressed {
            let rule = catalog.rule(finding.ruleId)
            let ruleId = rule?.id ?? finding.ruleId
            for control in finding.controls where control.framework == framework {
                failedBy[control.control, default: []].insert(ruleId)
            }
            for control in rule?.controls ?? [] where control.framework == framework {
                failedBy[control.control, default: []].insert(ruleId)
            }
        }

        var ids = ControlCatalog.allControls(of: framework)
        let known = Set(ids)
        let extra = Set(checkedBy.keys).union(failedBy.keys).subtracting(known)
        ids += extra.sorted(by: Self.controlOrder)

        var controls: [ComplianceReport.Control] = []
        var passed = 0
        var checked = 0
        for id in ids {
            let failing = failedBy[id] ?? []
            let status: ComplianceReport.Control.Status
            if !failing.isEmpty {
                status = .fail
            } else if notApplicable.contains(id) {
                status = .notApplicable
            } else if checkedBy[id] != nil {
                status = .pass
            } else {
                status = .manual
            }
            if status == .pass { passed += 1 }
            if status == .pass || status == .fail { checked += 1 }
            controls.append(ComplianceReport.Control(
                id: id, title: ControlCatalog.title(framework: framework, control: id) ?? id,
                status: status, findings: failing.sorted()
            ))
        }
        let score = checked == 0 ? 100 : (Double(passed) * 1000 / Double(checked)).rounded() / 10
        return ComplianceReport(framework: framework, score: score, controls: controls)
    }

    /// Dotted numbers compare numerically (`5.1.9` < `5.1.10`), everything else as text.
    static func controlOrder(_ lhs: String, _ rhs: String) -> Bool {
        let left = lhs.split(separator: ".")
        let right = rhs.split(separator: ".")
        for (a, b) in zip(left, right) where a != b {
            if let x = Int(a), let y = Int(b) { return x < y }
            return a < b
        }
        return left.count != right.count ? left.count < right.count : lhs < rhs
    }
}
