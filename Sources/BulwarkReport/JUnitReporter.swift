import BulwarkCore

/// `--format junit`: JUnit XML for CI test-report views.
///
/// `<testsuites>` holds one `<testsuite>` per file (sorted by path); each finding is a `<testcase>`
/// named `rule-id: Kind namespace/name` (plus the container) with the file as `classname`.
/// An unsuppressed finding at or above `failOn` carries `<failure message="…" type="severity">`;
/// one below it passes (its message in `<system-out>`); a suppressed one is `<skipped>`. An input that
/// could not be read is a test case `input error` with `<error>`. A scan with neither findings nor
/// errors gives one passing test case, so CI shows that the scan ran.
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

    public func render(_ report: Report) -> [UInt8] {
        var suites: [String: [Case]] = [:]
        for error in report.errors {
            let body = "      <error message=\"\(XMLText.escape(error.message, attribute: true))\" type=\"InputError\">"
                + XMLText.escape(error.description) + "</error>\n"
            suites[error.file, default: []].append(Case(name: "input error", file: error.file, line: error.line, body: body, outcome: .error))
        }
        for finding in report.findings {
            suites[finding.location.file, default: []].append(testCase(for: finding))
        }
        if suites.isEmpty {
            suites["bulwark"] = [Case(name: "no findings", file: "bulwark", line: nil, body: "", outcome: .passed)]
        }

        var all: (tests: Int, failures: Int, errors: Int, skipped: Int) = (0, 0, 0, 0)
        var body = ""
        for file in suites.keys.sorted() {
            let cases = suites[file] ?? []
            let failures = cases.count { $0.outcome == .failure }
            let errors = cases.count { $0.outcome == .error }
            let skipped = cases.count { $0.outcome == .skipped }
            all.tests += cases.count
            all.failures += failures
            all.errors += errors
            all.skipped += skipped
            let name = XMLText.escape(file, attribute: true)
            body += "  <testsuite name=\"\(name)\" tests=\"\(cases.count)\" failures=\"\(failures)\" errors=\"\(errors)\" skipped=\"\(skipped)\">\n"
            for testCase in cases {
                body += "    <testcase name=\"\(XMLText.escape(testCase.name, attribute: true))\" classname=\"\(name)\""
                body += " file=\"\(name)\""
                if let line = testCase.line { body += " line=\"\(line)\"" }
                if testCase.body.isEmpty {
                    body += "/>\n"
                } else {
                    body += ">\n" + testCase.body + "    </testcase>\n"
                }
            }
            body += "  </testsuite>\n"
        }
        var xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        xml += "<testsuites name=\"bulwark\" tests=\"\(all.tests)\" failures=\"\(all.failures)\" errors=\"\(all.errors)\" skipped=\"\(all.skipped)\">\n"
        xml += body
        xml += "</testsuites>\n"
        return Array(xml.utf8)
    }

    private func testCase(for finding: Finding) -> Case {
        var name = finding.ruleId
        if let object = finding.object {
            name += ": \(object.displayName)"
            if let container = object.container { name += " (container \(container))" }
        } else {
            name += ": line \(finding.location.line)"
        }
        let outcome: Outcome =
            finding.suppressed ? .skipped : failOn.isTripped(by: finding.severity) ? .failure : .passed
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
