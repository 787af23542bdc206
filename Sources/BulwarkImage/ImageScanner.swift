import BulwarkCore

/// Runs image rules over one image: the image domain's counterpart of `DockerfileScanner`.
///
/// Findings are located by name, not by line: `file` is the image (`ImageModel.source`), `member`
/// the place inside it (`config`, `<layer digest>:<path>`, `package <kind>:<name>@<version>`) and
/// `field` the config key. An image has no comments to suppress a finding in; a violation that
/// carries a `suppression` (a VEX statement) is reported suppressed, kept outside the image
/// (`SuppressionKind.external`), so JSON and SARIF still show it.
public enum ImageScanner {
    /// Runs the enabled image rules over one image and turns violations into findings: file = model.source,
    /// member = violation.member, field = violation.field; a violation with `suppression` becomes a suppressed finding
    /// (suppressionKind .external, reason = the suppression text).
    public static func findings(_ model: ImageModel, rules: [ImageRule]) -> [Finding] {
        var findings: [Finding] = []
        for rule in rules {
            for violation in rule.check.run(model) {
                findings.append(finding(violation, of: rule, in: model))
            }
        }
        return findings
    }

    /// One violation as a finding, at `model.source` and the violation's member.
    static func finding(_ violation: ImageViolation, of rule: ImageRule, in model: ImageModel) -> Finding {
        var location = SourceLocation(file: model.source, line: 0, column: 0)
        location.member = violation.member
        var finding = rule.descriptor.finding(violation, at: location, field: violation.field)
        if let reason = violation.suppression {
            finding.suppressed = true
            finding.suppressionReason = reason
            finding.suppressionKind = .external
        }
        return finding
    }
}
