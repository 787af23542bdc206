import BulwarkCore

/// The violations of one request sorted by what the mode does with them, and the response they make:
///
/// - enforce → `allowed: false` with a 403 status whose message lists every denied violation (rule
///   id, container, field, fix);
/// - warn → `allowed: true` with one warning per violation, each at most 120 characters (the API
///   server asks webhooks to keep them short and clients truncate them);
/// - audit → `allowed: true` with `auditAnnotations` (`violations`: the rule ids with container and
///   field; `mode: audit`).
///
/// Violations an UPDATE's old object already had are warnings whatever the mode.
struct AdmissionJudgement {
    /// `Deployment ml/vllm`.
    let subject: String
    var denied: [AdmissionViolation] = []
    var warned: [AdmissionViolation] = []
    var audited: [AdmissionViolation] = []

    /// The longest warning: the API server recommends 120 characters.
    static let warningLimit = 120
    /// The largest audit annotation value written (audit backends store every one).
    static let auditValueLimit = 4096

    init(subject: String) {
        self.subject = subject
    }

    mutating func add(_ violations: [AdmissionViolation], mode: AdmissionMode) {
        switch mode {
        case .enforce: denied += violations
        case .warn: warned += violations
        case .audit: audited += violations
        }
    }

    var decision: AdmissionDecision {
        if !denied.isEmpty { return .deny }
        if !warned.isEmpty { return .warn }
        if !audited.isEmpty { return .audit }
        return .allow
    }

    func response(uid: String) -> AdmissionResponse {
        var response = AdmissionResponse(uid: uid, allowed: denied.isEmpty)
        response.warnings = warned.map(Self.warning)
        if !denied.isEmpty {
            response.status = AdmissionResponse.Status(code: 403, reason: "Forbidden", message: denialMessage)
        }
        if !audited.isEmpty {
            let entries = audited.map { violation -> String in
                var entry = violation.ruleId
                if let container = violation.container { entry += " container=" + container }
                if let field = violation.field { entry += " field=" + field }
                return entry
            }
            response.auditAnnotations = [("mode", "audit"), ("violation-count", String(audited.count)),
                                         ("violations", Self.truncated(entries.joined(separator: "; "), to: Self.auditValueLimit))]
        }
        return response
    }

    /// `bulwark denied Deployment ml/vllm: 2 violations` then one line per violation.
    var denialMessage: String {
        var lines = ["bulwark denied \(Self.clean(subject)): \(denied.count) violation\(denied.count == 1 ? "" : "s")"]
        for violation in denied {
            var line = "- [\(violation.ruleId)] "
            if let container = violation.container { line += "container \(Self.clean(container)): " }
            line += Self.clean(violation.message)
            if let field = violation.field { line += " (field \(Self.clean(field)))" }
            line += " Fix: " + violation.remediation
            lines.append(line)
        }
        return lines.joined(separator: "\n")
    }

    /// `[pss/privileged] container vllm: …`, at most 120 characters.
    static func warning(_ violation: AdmissionViolation) -> String {
        var text = "[\(violation.ruleId)] "
        if let container = violation.container { text += "container \(clean(container)): " }
        text += clean(violation.message)
        return truncated(text, to: warningLimit)
    }

    /// At most `limit` characters, ending in `…` when cut.
    static func truncated(_ text: String, to limit: Int) -> String {
        guard text.count > limit else { return text }
        return String(text.prefix(limit - 1)) + "…"
    }

    /// Object values are the requester's, and kubectl prints messages and warnings to a terminal:
    /// every value goes through the one sanitiser (`TerminalText`: controls, line breaks and
    /// bidirectional overrides shown as visible escapes).
    static func clean(_ text: String) -> String { TerminalText.sanitized(text) }
}
