import BulwarkCore

/// `--format junit`: JUnit XML for CI test-report views.
///
/// `<testsuites>` holds one `<testsuite>` per file (sorted by path); each finding is a `<testcase>`
/// named `rule-id: Kind namespace/name` (plus the container) with the file as `classname`.
/// An unsuppressed finding at or above `failOn` carries `<failure message="…" type="severity">`;
/// one below it passes (its message in `<system-out>`); a suppressed one is `<skipped>`. An input that
/// could not be read is a test case `input error` with `<error>`. A scan with neither findings nor
/// errors gives one passing test case, so CI shows that the scan ran.
///
/// With `--compliance`, one more `<testsuite name="compliance: TITLE VERSION">` holds a test case per
/// control (classname `compliance.FRAMEWORK`): a failed control fails (the rules behind it and where
/// their findings are), a manual or not-applicable one is skipped with why, and the suite's
/// `<properties>` carry the framework and the score (`ComplianceScore`, as in every other output).
public struct JUnitReporter: Reporter {
    /// Findings at or above this severity fail; the default fails every unsuppressed finding.
    public var failOn: FailThreshold

    public init(failOn: FailThreshold = .severity(.info)) {
        self.failOn = failOn
    }

    private struct Case {
        var name: String
        var file: String
        var line: Int?
        var body: String
        var outcome: Outcome
    }

    private enum Outcome { case failure, error, skipped, passed }

    /// A test case by reference: an input error or a finding of the report, by index.
    private enum CaseReference: Sendable {
        case error(Int)
        case finding(Int)
        case noFindings
    }

    public func render(_ report: Report) -> [UInt8] {
        TextStream.render(reservingCapacity: 4096 + report.findings.count * 700) { write(report, into: &$0) }
    }

    /// Streams the XML to `sink` in chunks of about 1 MiB, the test cases encoded on all cores.
    public func write(_ report: Report, to sink: @escaping @Sendable ([UInt8]) -> Void) {
        TextStream.stream(to: sink) { write(report, into: &$0) }
    }

    private func write(_ report: Report, into xml: inout TextStream) {
        // Suites by file, as references (the cases are written one batch at a time).
        var suites: [String: [CaseReference]] = [:]
        for (index, error) in report.errors.enumerated() {
            suites[error.file, default: []].append(.error(index))
        }
        for (index, finding) in report.findings.enumerated() {
            suites[finding.location.file, default: []].append(.finding(index))
        }
        if suites.isEmpty {
            suites["bulwark"] = [.noFindings]
        }
        let outcomeOf = { (reference: CaseReference) -> Outcome in
            switch reference {
            case .error: .error
            case .finding(let index): self.outcome(of: report.findings[index])
            case .noFindings: .passed
            }
        }
        let files = suites.keys.sorted()
        var counts: [(tests: Int, failures: Int, errors: Int, skipped: Int)] = []
        var all: (tests: Int, failures: Int, errors: Int, skipped: Int) = (0, 0, 0, 0)
        for file in files {
            let outcomes = (suites[file] ?? []).map(outcomeOf)
            let suite = (tests: outcomes.count, failures: outcomes.count { $0 == .failure }, errors: outcomes.count { $0 == .error },
                         skipped: outcomes.count { $0 == .skipped })
            counts.append(suite)
            all.tests += suite.tests
            all.failures += suite.failures
            all.errors += suite.errors
            all.skipped += suite.skipped
        }
        if let compliance = report.compliance {
            all.tests += compliance.controls.count
            all.failures += compliance.counts.fail
            all.skipped += compliance.counts.manual + compliance.counts.notApplicable
        }
        xml += "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        xml += "<testsuites name=\"bulwark\" tests=\"\(all.tests)\" failures=\"\(all.failures)\" errors=\"\(all.errors)\" skipped=\"\(all.skipped)\">\n"
        for (file, count) in zip(files, counts) {
            let name = XMLText.escape(file, attribute: true)
            xml += "  <testsuite name=\"\(name)\" tests=\"\(count.tests)\" failures=\"\(count.failures)\" errors=\"\(count.errors)\" skipped=\"\(count.skipped)\">\n"
            xml.rows(suites[file] ?? []) { reference in
                let testCase: Case
                switch reference {
                case .error(let index):
                    let error = report.errors[index]
                    let body = "      <error message=\"\(XMLText.escape(error.message, attribute: true))\" type=\"InputError\">"
                        + XMLText.escape(error.description) + "</error>\n"
                    testCase = Case(name: "input error", file: error.file, line: error.line, body: body, outcome: .error)
                case .finding(let index):
                    testCase = self.testCase(for: report.findings[index])
                case .noFindings:
                    testCase = Case(name: "no findings", file: "bulwark", line: nil, body: "", outcome: .passed)
                }
                var text = "    <testcase name=\"\(XMLText.escape(testCase.name, attribute: true))\" classname=\"\(name)\""
                text += " file=\"\(name)\""
                if let line = testCase.line { text += " line=\"\(line)\"" }
                text += testCase.body.isEmpty ? "/>\n" : ">\n" + testCase.body + "    </testcase>\n"
                return text
            }
            xml += "  </testsuite>\n"
        }
        if let compliance = report.compliance { writeCompliance(compliance, findings: report.findings, into: &xml) }
        xml += "</testsuites>\n"
    }

    /// The scorecard as a suite: a test case per control, in catalogue order.
    private func writeCompliance(_ compliance: ComplianceReport, findings: [Finding], into xml: inout TextStream) {
        let counts = compliance.counts
        let version = compliance.version.isEmpty ? "" : " " + compliance.version
        let classname = XMLText.escape("compliance." + compliance.framework, attribute: true)
        xml += "  <testsuite name=\"\(XMLText.escape("compliance: " + compliance.title + version, attribute: true))\" tests=\"\(compliance.controls.count)\""
            + " failures=\"\(counts.fail)\" errors=\"0\" skipped=\"\(counts.manual + counts.notApplicable)\">\n"
        xml += "    <properties>\n"
        xml += "      <property name=\"framework\" value=\"\(XMLText.escape(compliance.framework, attribute: true))\"/>\n"
        xml += "      <property name=\"score\" value=\"\(compliance.score.map(ComplianceScore.text) ?? "none")\"/>\n"
        xml += "    </properties>\n"
        let places = compliance.failingPlaces(in: findings)
        for control in compliance.controls {
            var name = control.id + ": " + control.title
            if control.framework != compliance.framework { name += " (\(control.framework))" }
            var text = "    <testcase name=\"\(XMLText.escape(name, attribute: true))\" classname=\"\(classname)\""
            var body = ""
            let accepted = control.suppressed > 0 ? "\(control.suppressed) suppressed finding(s) accepted" : nil
            switch control.status {
            case .fail:
                let rules = control.findings.map { rule in
                    let where_ = places["\(control.framework):\(control.id)"]?[rule] ?? []
                    return rule + " ×\(where_.count)" + (where_.isEmpty ? "" : ": " + where_.joined(separator: ", "))
                }
                let message = "\(control.failing) finding(s) of " + control.findings.joined(separator: ", ")
                body = "      <failure message=\"\(XMLText.escape(message, attribute: true))\" type=\"control\">"
                    + XMLText.escape((rules + [accepted].compactMap { $0 }).joined(separator: "\n")) + "</failure>\n"
            case .manual:
                let why = control.rulesDisabled ? "manual in this scan: the rules that check it are disabled"
                    : control.coverage == .outOfScope ? "out of scope: it concerns something Bulwark does not read"
                    : "manual: no rule checks it; a person has to"
                body = "      <skipped message=\"\(why)\"/>\n"
            case .notApplicable:
                body = "      <skipped message=\"not applicable: its rules read a kind of input this scan did not read\"/>\n"
            case .pass:
                let notes = [control.coverage == .partial ? "partly checked" : nil, accepted].compactMap { $0 }
                if !notes.isEmpty { body = "      <system-out>\(XMLText.escape(notes.joined(separator: "; ")))</system-out>\n" }
            }
            text += body.isEmpty ? "/>\n" : ">\n" + body + "    </testcase>\n"
            xml += text
        }
        xml += "  </testsuite>\n"
    }

    private func outcome(of finding: Finding) -> Outcome {
        finding.suppressed ? .skipped : failOn.isTripped(by: finding.severity) ? .failure : .passed
    }

    private func testCase(for finding: Finding) -> Case {
        var name = finding.ruleId
        if let object = finding.object {
            name += ": \(object.displayName)"
            if let container = object.container { name += " (container \(container))" }
        } else {
            name += finding.location.offset == nil ? ": line \(finding.location.line)" : ": \(finding.location.position)"
        }
        let outcome = self.outcome(of: finding)
        var details = "\(finding.location.description): \(finding.message)\nremediation: \(finding.remediation)"
        if !finding.controls.isEmpty {
            details += "\ncontrols: " + finding.controls.map(\.description).joined(separator: ", ")
        }
        if let source = finding.templateSource { details += "\nhelm template: \(source)" }
        let body: String
        switch outcome {
        case .failure:
            body = "      <failure message=\"\(XMLText.escape(finding.message, attribute: true))\" type=\"\(finding.severity.rawValue)\">"
                + XMLText.escape(details) + "</failure>\n"
        case .skipped:
            body = "      <skipped message=\"\(XMLText.escape(finding.suppressionReason ?? "suppressed", attribute: true))\"/>\n"
        case .passed, .error:
            body = "      <system-out>\(XMLText.escape("[\(finding.severity.rawValue)] " + details))</system-out>\n"
        }
        return Case(name: name, file: finding.location.file, line: finding.location.line, body: body, outcome: outcome)
    }
}
