import BulwarkCore

/// `--format plan`: the unsuppressed findings grouped by the change that resolves them
/// (`FixPlanner`), the changes ordered by the risk they remove, each with the command that makes it
/// or what to do by hand.
///
/// ```
/// Fix plan: 9 changes resolve 45 findings (ordered by the risk they remove)
///
///  1. Set a hardened securityContext on Deployment ml/model-server
///     risk 38 · 9 findings · highest high · k8s/deploy.yaml:8
///     run: bulwark fix manifests --write k8s/deploy.yaml
///     resolves: k8s/read-only-root-filesystem ×2, pss/run-as-non-root ×2, …
///     runAsNonRoot, a non-root UID/GID, …
/// ```
public struct PlanReporter: Reporter {
    public init() {}

    public func render(_ report: Report) -> [UInt8] {
        TextStream.render(reservingCapacity: 4096 + report.findings.count * 64) { write(report, into: &$0) }
    }

    /// Streams the plan to `sink` in chunks of about 1 MiB.
    public func write(_ report: Report, to sink: @escaping @Sendable ([UInt8]) -> Void) {
        TextStream.stream(to: sink) { write(report, into: &$0) }
    }

    public func text(_ report: Report) -> String {
        renderString(report)
    }

    private func write(_ report: Report, into out: inout TextStream) {
        let plan = FixPlanner.plan(report.findings)
        let findings = report.findings
        out += "Fix plan: \(plan.changes.count) change\(plan.changes.count == 1 ? "" : "s") resolve\(plan.changes.count == 1 ? "s" : "") "
            + "\(plan.findingCount) finding\(plan.findingCount == 1 ? "" : "s") (ordered by the risk they remove)\n"
        if report.summary.suppressed > 0 { out += "\(report.summary.suppressed) suppressed findings are not in the plan.\n" }
        let width = String(plan.changes.count).count
        for (number, change) in plan.changes.enumerated() {
            let indent = String(repeating: " ", count: width + 3)
            let label = String(number + 1)
            out += "\n" + String(repeating: " ", count: width - label.count) + " \(label). " + TerminalText.sanitized(change.title) + "\n"
            let first = findings[change.findings[0]].location
            var place = change.file.isEmpty ? "" : " · " + TerminalText.sanitized(change.file)
            if !change.file.isEmpty && first.line > 0 { place += ":\(first.line)" }
            out += indent + "risk \(change.risk) · \(change.findings.count) finding\(change.findings.count == 1 ? "" : "s") · highest \(change.highestSeverity.rawValue)\(place)\n"
            if let command = change.command { out += indent + "run: " + TerminalText.sanitized(command) + "\n" }
            out += indent + "resolves: " + change.ruleCounts(in: findings)
                .map { TerminalText.sanitized($0.rule) + ($0.count > 1 ? " ×\($0.count)" : "") }.joined(separator: ", ") + "\n"
            out += indent + TerminalText.sanitized(change.advice) + "\n"
        }
    }

}
