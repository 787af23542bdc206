import BulwarkCore
import Foundation

extension TableReporter {
    /// The scorecard of `--compliance`: one line per control in document order (status, id, title,
    /// the rules behind a failure with their counts and first places), the score and its counts.
    ///
    /// ```
    /// Compliance: CIS Kubernetes Benchmark v1.10.0 — score 61.5 (8 pass, 5 fail, 2 not applicable, 21 manual)
    ///   FAIL    5.2.7   Minimize the admission of root containers
    ///           k8s/run-as-non-root ×3: k8s/deploy.yaml:27, k8s/deploy.yaml:61, …
    ///   PASS    5.2.2   Minimize the admission of privileged containers
    ///   MANUAL  5.1.1   Ensure that the cluster-admin role is only used where required (manual: …)
    /// ```
    func writeScorecard(_ compliance: ComplianceReport, findings: [Finding], into out: inout TextStream) {
        let places = compliance.failingPlaces(in: findings)
        let version = compliance.version.isEmpty ? "" : " " + compliance.version
        let score = compliance.score.map { "score " + ComplianceScore.text($0) } ?? "no score (no automatically checked control applies)"
        let counts = compliance.counts
        out += paint("Compliance: \(Self.singleLine(compliance.title))\(Self.singleLine(version)) — \(score)", .bold)
            + " (\(counts.pass) pass, \(counts.fail) fail, \(counts.notApplicable) not applicable, \(counts.manual) manual)\n"
        let idWidth = compliance.controls.map { Self.singleLine($0.id).count }.max() ?? 0
        for control in compliance.controls {
            let label: String
            let style: Style
            switch control.status {
            case .pass: (label, style) = ("PASS", .green)
            case .fail: (label, style) = ("FAIL", .red)
            case .notApplicable: (label, style) = ("N/A", .dim)
            case .manual: (label, style) = ("MANUAL", .dim)
            }
            var line = "  " + paint(label.padding(toLength: 7, withPad: " ", startingAt: 0), style) + " "
                + Self.singleLine(control.id).padding(toLength: idWidth, withPad: " ", startingAt: 0) + "  " + Self.singleLine(control.title)
            if control.framework != compliance.framework { line += paint(" (\(Self.singleLine(control.framework)))", .dim) }
            if control.coverage == .partial { line += paint(" (partly checked)", .dim) }
            if control.status == .manual {
                line += paint(" (\(control.rulesDisabled ? "its rules are disabled" : control.coverage.rawValue))", .dim)
            }
            if control.suppressed > 0 { line += paint(" [\(control.suppressed) suppressed]", .dim) }
            out += line + "\n"
            guard control.status == .fail else { continue }
            let indent = String(repeating: " ", count: 10)
            for rule in control.findings {
                let where_ = places["\(control.framework):\(control.id)"]?[rule] ?? []
                var detail = Self.singleLine(rule) + " ×\(where_.count)"
                if !where_.isEmpty {
                    detail += ": " + where_.prefix(3).map(Self.singleLine).joined(separator: ", ") + (where_.count > 3 ? ", …" : "")
                }
                out += indent + detail + "\n"
            }
        }
        out += "\n"
    }
}

extension ComplianceReport {
    /// Where each failing control's findings are: control (`framework:id`) → rule id → `file:line`
    /// of its unsuppressed findings, in report order. The table and the JUnit suite show them.
    func failingPlaces(in findings: [Finding]) -> [String: [String: [String]]] {
        var places: [String: [String: [String]]] = [:]
        let failing = Set(controls.filter { $0.status == .fail }.map { "\($0.framework):\($0.id)" })
        guard !failing.isEmpty else { return places }
        for finding in findings where !finding.suppressed {
            for control in finding.controls where failing.contains(control.description) {
                places[control.description, default: [:]][finding.ruleId, default: []].append(finding.location.file + ":\(finding.location.line)")
            }
        }
        return places
    }
}
