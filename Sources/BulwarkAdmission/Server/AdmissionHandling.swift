/// What the decision side hands back to the server for one HTTP request: the status, the JSON body
/// and what the metrics and the log line record.
public struct AdmissionHTTPResponse: Sendable {
    /// 200 for every AdmissionReview answered (a denial is a 200 with `allowed: false`); 400 for a
    /// body that is not an AdmissionReview; 413 for a body over the limit.
    public var status: Int
    public var body: [UInt8]
    public var outcome: AdmissionOutcome

    public init(status: Int, body: [UInt8], outcome: AdmissionOutcome) {
        self.status = status
        self.body = body
        self.outcome = outcome
    }
}

/// How one request ended, for `/metrics` (labels) and the JSON log line.
public struct AdmissionOutcome: Sendable {
    /// The request's `uid`, when the body had one.
    public var uid: String?
    /// The object's kind (`Pod`, `Deployment` …); empty when unknown.
    public var kind: String
    public var namespace: String?
    public var operation: AdmissionOperation
    public var decision: AdmissionDecision
    /// Rule evaluations made (rules × objects judged; old and new object both count).
    public var rulesEvaluated: Int
    /// Rule ids of the violations found (enforced or not), in report order.
    public var violations: [String]
    public var dryRun: Bool
    /// Why a request was refused or failed (HTTP 400/413, timeouts), or why it was exempt.
    public var reason: String?

    public init(uid: String? = nil, kind: String = "", namespace: String? = nil, operation: AdmissionOperation,
                decision: AdmissionDecision, rulesEvaluated: Int = 0, violations: [String] = [], dryRun: Bool = false,
                reason: String? = nil) {
        self.uid = uid
        self.kind = kind
        self.namespace = namespace
        self.operation = operation
        self.decision = decision
        self.rulesEvaluated = rulesEvaluated
        self.violations = violations
        self.dryRun = dryRun
        self.reason = reason
    }
}

/// The decision label of `/metrics` and the logs.
public enum AdmissionDecision: String, Sendable, CaseIterable {
    /// Admitted with nothing to say.
    case allow
    /// Refused (`allowed: false`).
    case deny
    /// Admitted with warnings (warn mode, or violations that only an UPDATE's old object had).
    case warn
    /// Admitted with audit annotations.
    case audit
    /// Admitted with a JSONPatch.
    case mutate
    /// Admitted without judging: an exempt namespace, user, group or object label.
    case exempt
    /// Not an AdmissionReview (HTTP 400/413/404).
    case invalid
    /// The deadline passed; answered with the configured failure mode.
    case timeout
}

/// The decision side of the webhook, as the HTTP server sees it. `AdmissionController` is the real
/// one; tests plug in others.
public protocol AdmissionHandling: Sendable {
    /// Answers one request whose body is already read (and within the size limit).
    func handle(_ route: AdmissionRoute, body: [UInt8]) async -> AdmissionHTTPResponse
    /// The answer when the per-request deadline passes before `handle` returns: a review carrying the
    /// configured failure mode for the route (allowed or denied with a reason), built from what can be
    /// read of the body cheaply (its uid), never late.
    func timeoutResponse(_ route: AdmissionRoute, body: [UInt8]) -> AdmissionHTTPResponse
    /// The answer to a body over the size limit (HTTP 413) or otherwise unreadable.
    func rejection(_ route: AdmissionRoute, status: Int, reason: String) -> AdmissionHTTPResponse
    /// Whether the webhook is ready to judge (`/readyz`): configuration loaded, signature keys read.
    func isReady() async -> Bool
}
