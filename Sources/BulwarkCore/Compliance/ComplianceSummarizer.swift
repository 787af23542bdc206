/// `--compliance FRAMEWORK`: where the scanned inputs stand against one framework, control by
/// control, with the findings behind each and one score.
public struct ComplianceReport: Codable, Sendable, Equatable {
    public struct Control: Codable, Sendable, Equatable {
        public enum Status: String, Codable, Sendable, CaseIterable {
            case pass, fail, notApplicable = "not-applicable", manual
        }
        public var id: String
        /// The framework rules cite the control under: the report's, or the one it is included
        /// from (`pss-restricted` includes `pss-baseline:privileged`).
        public var framework: String
        public var title: String
        public var section: String
        public var coverage: ControlCoverage
        public var status: Status
        /// The ids of the rules whose unsuppressed findings fail the control, sorted.
        public var findings: [String]
        /// Unsuppressed findings that fail the control.
        public var failing: Int
        /// Suppressed findings that would have failed it (accepted risks: they do not fail it).
        public var suppressed: Int

        /// A control rules check (automated or partial coverage) that is `manual` in this report: the
        /// configuration disabled the rules that check it.
        public var rulesDisabled: Bool { status == .manual && (coverage == .automated || coverage == .partial) }

        public init(id: String, framework: String = "", title: String, section: String = "", coverage: ControlCoverage = .automated,
                    status: Status, findings: [String], failing: Int = 0, suppressed: Int = 0) {
            self.id = id
            self.framework = framework
            self.title = title
            self.section = section
            self.coverage = coverage
            self.status = status
            self.findings = findings
            self.failing = failing
            self.suppressed = suppressed
        }
    }

    public struct Counts: Codable, Sendable, Equatable {
        public var pass = 0
        public var fail = 0
        public var notApplicable = 0
        public var manual = 0

        enum CodingKeys: String, CodingKey {
            case pass, fail, notApplicable = "not-applicable", manual
        }

        public init() {}

        public subscript(status: Control.Status) -> Int {
            get {
                switch status {
                case .pass: pass
                case .fail: fail
                case .notApplicable: notApplicable
                case .manual: manual
                }
            }
            set {
                switch status {
                case .pass: pass = newValue
                case .fail: fail = newValue
                case .notApplicable: notApplicable = newValue
                case .manual: manual = newValue
                }
            }
        }
    }

    public var framework: String
    public var title: String
    public var version: String
    /// `ComplianceScore.score`; nil when no automatically checked control applies.
    public var score: Double?
    public var counts: Counts
    public var controls: [Control]

    public init(framework: String, title: String? = nil, version: String = "", score: Double?, controls: [Control]) {
        self.framework = framework
        self.title = title ?? framework
        self.version = version
        self.score = score
        self.controls = controls
        var counts = Counts()
        for control in controls { counts[control.status] += 1 }
        self.counts = counts
    }
}

/// The one scoring function of every output (table, JSON, SARIF, HTML, OSCAL), documented in
/// docs/compliance.md:
///
///     score = 100 × Σ weight(c) over passing controls / Σ weight(c) over passing and failing controls
///
/// rounded to one decimal, where only controls that rules check count (`automated` weight 1,
/// `partial` weight ½: a partial check that passes proves less), and controls that are
/// `not-applicable` (no input of the kind their rules read was scanned) or `manual` (no rule
/// checks them: manual or out-of-scope coverage) are left out. nil when nothing is left.
public enum ComplianceScore {
    public static func weight(_ coverage: ControlCoverage) -> Double {
        switch coverage {
        case .automated: 1
        case .partial: 0.5
        case .manual, .outOfScope: 0
        }
    }

    /// `59` or `33.3`: a score as every report prints it.
    public static func text(_ value: Double) -> String {
        value == value.rounded() ? String(Int(value)) : String(value)
    }

    public static func score(_ controls: [ComplianceReport.Control]) -> Double? {
        var passed = 0.0
        var judged = 0.0
        for control in controls where control.status == .pass || control.status == .fail {
            let weight = weight(control.coverage)
            judged += weight
            if control.status == .pass { passed += weight }
        }
        guard judged > 0 else { return nil }
        return (passed * 1000 / judged).rounded() / 10
    }
}

/// Which inputs a scan read, so that a control whose rules read none of them is `not-applicable`
/// rather than passed: a scan of manifests alone says nothing about Dockerfile controls.
public struct ComplianceScope: Sendable {
    /// The scan domain (`kubernetes`, `dockerfile`, `model`, `image`) of each rule id.
    public var domainOfRule: [String: String]
    /// The scan domains that read at least one input.
    public var scannedDomains: Set<String>
    /// The rules that ran (enabled by the configuration); nil = all. A control that only disabled
    /// rules check is `manual`: nothing checked it.
    public var enabledRules: Set<String>?

    public init(domainOfRule: [String: String], scannedDomains: Set<String>, enabledRules: Set<String>? = nil) {
        self.domainOfRule = domainOfRule
        self.scannedDomains = scannedDomains
        self.enabledRules = enabledRules
    }

    /// Whether any of `rules` reads inputs of a domain the scan read (a rule of unknown domain counts as read).
    func applies(_ rules: Set<String>) -> Bool {
        rules.contains { domainOfRule[$0].map(scannedDomains.contains) ?? true }
    }
}

/// Builds a `ComplianceReport` from findings. Status of each control of the framework, in document
/// order:
/// - `fail`: an unsuppressed finding cites the control (in its `controls`, or through its rule);
/// - `not-applicable`: rules check it, but none of them reads a kind of input the scan read
///   (only when a `ComplianceScope` is given);
/// - `pass`: rules check it and no unsuppressed finding cites it (suppressed ones are counted);
/// - `manual`: its coverage is manual or out-of-scope, or only rules the configuration disabled check it.
/// The score is `ComplianceScore.score`. Suppressed findings are accepted risks: they never fail a
/// control. `--fail-on` changes only the exit code, never the score: a finding of any severity
/// fails its controls.
public struct ComplianceSummarizer: Sendable {
    public let catalog: RuleCatalog

    public init(rules: [RuleDescriptor]) {
        self.catalog = RuleCatalog(rules)
    }

    public init(catalog: RuleCatalog) {
        self.catalog = catalog
    }

    /// The frameworks with a control catalogue.
    public var frameworks: [String] { ControlCatalog.all.map(\.id) }

    public func summarize(_ findings: [Finding], framework frameworkId: String, scope: ComplianceScope? = nil) -> ComplianceReport {
        let framework = ControlCatalog.framework(frameworkId)
        // The frameworks whose citations count: this one, and those it includes controls from.
        let cites = Set([frameworkId] + (framework?.controls.map(\.framework) ?? []))
        // The key of a cited control: its own id within this framework, `origin:id` for an
        // included one (ids of different frameworks may collide).
        func key(_ control: ControlID) -> String {
            control.framework == frameworkId ? control.control : control.description
        }
        // Enabled rules that check each control.
        var checkedBy: [String: Set<String>] = [:]
        for rule in catalog.rules where scope?.enabledRules?.contains(rule.id) ?? true {
            for control in rule.controls where cites.contains(control.framework) {
                checkedBy[key(control), default: []].insert(rule.id)
            }
        }
        var failedBy: [String: Set<String>] = [:]
        var failing: [String: Int] = [:]
        var suppressed: [String: Int] = [:]
        for finding in findings {
            let rule = catalog.rule(finding.ruleId)
            let ruleId = rule?.id ?? finding.ruleId
            var cited = Set(finding.controls.lazy.filter { cites.contains($0.framework) }.map(key))
            for control in rule?.controls ?? [] where cites.contains(control.framework) { cited.insert(key(control)) }
            for control in cited {
                if finding.suppressed {
                    suppressed[control, default: 0] += 1
                } else {
                    failedBy[control, default: []].insert(ruleId)
                    failing[control, default: 0] += 1
                }
            }
        }

        var entries: [(id: String, control: ComplianceControl?)] = framework?.controls.map {
            ($0.framework == frameworkId ? $0.id : "\($0.framework):\($0.id)", $0)
        } ?? []
        let listed = Set(entries.map(\.id))
        // Controls cited but not listed cannot happen for rules (the catalogue test), but a finding
        // read back from a merged report may carry one: keep it visible.
        for id in Set(checkedBy.keys).union(failedBy.keys).subtracting(listed).sorted(by: Self.controlOrder) {
            entries.append((id, nil))
        }

        var controls: [ComplianceReport.Control] = []
        controls.reserveCapacity(entries.count)
        for (id, control) in entries {
            // The rules decide whether a control is checked (the catalogue test keeps the file's
            // coverage in step with them; a rule set of a test or another version may differ).
            var coverage = control?.coverage ?? .manual
            if checkedBy[id] != nil && !coverage.isChecked { coverage = .automated }
            let failingRules = failedBy[id] ?? []
            let status: ComplianceReport.Control.Status
            if !failingRules.isEmpty {
                status = .fail
            } else if checkedBy[id] == nil {
                status = .manual
            } else if let scope, !scope.applies(checkedBy[id] ?? []) {
                status = .notApplicable
            } else {
                status = .pass
            }
            controls.append(ComplianceReport.Control(
                id: control?.id ?? id, framework: control?.framework ?? frameworkId, title: control?.title ?? id, section: control?.section ?? "", coverage: coverage, status: status,
                findings: failingRules.sorted(), failing: failing[id] ?? 0, suppressed: suppressed[id] ?? 0
            ))
        }
        return ComplianceReport(framework: frameworkId, title: framework?.title, version: framework?.version ?? "",
                                score: ComplianceScore.score(controls), controls: controls)
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

extension RuleCatalog {
    /// Coverage claims that do not match the rules: a control marked automated or partial that no
    /// rule cites, and a control some rule cites that is marked manual or out-of-scope. Checked on
    /// the whole catalogue by the test suite.
    public func coverageProblems() -> [String] {
        var cited: [String: Set<String>] = [:]
        for rule in rules {
            for control in rule.controls { cited[control.framework, default: []].insert(control.control) }
        }
        var problems: [String] = []
        for framework in ControlCatalog.all {
            let citedHere = cited[framework.id] ?? []
            for control in framework.ownControls {
                if control.coverage.isChecked && !citedHere.contains(control.id) {
                    problems.append("\(framework.id):\(control.id) is marked \(control.coverage.rawValue) but no rule cites it")
                }
                if !control.coverage.isChecked && citedHere.contains(control.id) {
                    problems.append("\(framework.id):\(control.id) is marked \(control.coverage.rawValue) but a rule cites it")
                }
            }
        }
        return problems
    }
}
