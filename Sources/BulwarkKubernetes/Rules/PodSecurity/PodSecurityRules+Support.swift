import BulwarkCore

/// How a Pod Security Standards check becomes a scan rule.
extension PodSecurityRules {
    /// Builds a rule around a check: the `pss-baseline:`/`pss-restricted:` control is added first.
    static func rule(
        _ check: PSSCheck, id: String, severity: Severity, title: String, summary: String, remediation: String,
        controls: [ControlID], failing: [RuleExample], passing: [RuleExample]
    ) -> KubernetesRule {
        let framework = check.level == .baseline ? "pss-baseline" : "pss-restricted"
        return KubernetesRule(
            RuleDescriptor(
                id: id, severity: severity, title: title, summary: summary, remediation: remediation,
                controls: [ControlID(framework: framework, control: check.id)] + controls,
                failing: failing, passing: passing, tags: ["pss", check.level.rawValue]
            ),
            check: .pod { pod, _ in
                check.evaluate(pod, version: .latest).evidence.map {
                    Violation($0.message, at: $0.node, field: $0.field, container: $0.container)
                }
            }
        )
    }
}
