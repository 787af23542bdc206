import BulwarkCore
import BulwarkEngine
import BulwarkKubernetes

/// The webhook's decisions: an AdmissionReview in, the review answered out. The object goes through
/// the one engine, exactly as `bulwark scan` would judge a manifest holding it, with the rules that
/// need other objects left out (`AdmissionScope`). The mode and level come from the configuration
/// and the route (`AdmissionRoute`: the webhook entry whose namespace selector matched).
public struct AdmissionController: AdmissionHandling {
    public let configuration: AdmissionConfiguration
    /// The `.bulwark.yaml` settings applied to findings (rules enabled, severities, suppressions by
    /// configuration): the administrator's, so they count.
    public let scanConfiguration: Configuration
    /// The lowest severity that denies (enforce) or warns; findings below are ignored.
    public let minimumSeverity: Severity
    let engine: Engine
    let ruleIDs: [AdmissionLevel: Set<String>]
    let signatures: ModelSignatureChecker?

    public init(configuration: AdmissionConfiguration, scanConfiguration: Configuration = Configuration(),
                minimumSeverity: Severity = .low, signatureChecker: ModelSignatureChecker? = nil) {
        self.configuration = configuration
        self.scanConfiguration = scanConfiguration
        self.minimumSeverity = minimumSeverity
        let engine = Engine(domains: [KubernetesDomain()])
        self.engine = engine
        var ids: [AdmissionLevel: Set<String>] = [:]
        for level in AdmissionLevel.allCases {
            let judged = Set(AdmissionScope.admissionRules(level: level).map(\.id))
            ids[level] = engine.selectedRules(configuration: scanConfiguration) { judged.contains($0.id) }
        }
        ruleIDs = ids
        signatures = signatureChecker
    }

    // MARK: - AdmissionHandling

    public func handle(_ route: AdmissionRoute, body: [UInt8]) async -> AdmissionHTTPResponse {
        let request: AdmissionRequest
        switch AdmissionReviewCodec.decode(body) {
        case .failure(let error): return rejection(route, status: 400, reason: error.message)
        case .success(let decoded): request = decoded
        }
        let (response, outcome) = await review(request, route: route)
        return AdmissionHTTPResponse(status: 200, body: AdmissionReviewCodec.encode(response, version: request.version), outcome: outcome)
    }

    public func timeoutResponse(_ route: AdmissionRoute, body: [UInt8]) -> AdmissionHTTPResponse {
        guard case .success(let request) = AdmissionReviewCodec.decode(body) else {
            return rejection(route, status: 400, reason: "not an AdmissionReview")
        }
        let mode = configuration.mode(namespace: request.namespace, route: route)
        let allowed = route.operation == .mutate || configuration.timeoutAction(mode) == .allow
        let message = "bulwark: no decision within the webhook's deadline"
        let response = AdmissionResponse(
            uid: request.uid, allowed: allowed,
            status: allowed ? nil : AdmissionResponse.Status(code: 503, reason: "ServiceUnavailable", message: message + "; denied (\(mode.rawValue) mode)"),
            warnings: allowed && route.operation == .validate ? [message + "; admitted unjudged"] : [])
        return AdmissionHTTPResponse(status: 200, body: AdmissionReviewCodec.encode(response, version: request.version),
                                     outcome: AdmissionOutcome(uid: request.uid, kind: request.kind.kind, namespace: request.namespace,
                                                               operation: route.operation, decision: .timeout, dryRun: request.dryRun,
                                                               reason: allowed ? "deadline passed; allowed" : "deadline passed; denied"))
    }

    public func rejection(_ route: AdmissionRoute, status: Int, reason: String) -> AdmissionHTTPResponse {
        let body = JSONValue.object([("error", .string(reason)), ("status", .number(Double(status)))]).compactJSON
        return AdmissionHTTPResponse(status: status, body: body,
                                     outcome: AdmissionOutcome(operation: route.operation, decision: .invalid, reason: reason))
    }

    public func isReady() async -> Bool {
        guard let signatures else { return true }
        return await signatures.isWarm()
    }

    // MARK: - Reviews

    /// Answers one decoded request.
    public func review(_ request: AdmissionRequest, route: AdmissionRoute) async -> (AdmissionResponse, AdmissionOutcome) {
        var outcome = AdmissionOutcome(uid: request.uid, kind: request.kind.kind, namespace: request.namespace,
                                       operation: route.operation, decision: .allow, dryRun: request.dryRun)
        // Nothing to judge: deletions, connections, and requests without an object.
        guard let object = request.object, request.operation == .create || request.operation == .update else {
            return (AdmissionResponse(uid: request.uid, allowed: true), outcome)
        }
        if let exemption = exemption(request, object: object) {
            outcome.decision = .exempt
            outcome.reason = exemption
            return (AdmissionResponse(uid: request.uid, allowed: true, auditAnnotations: [("exempt", exemption)]), outcome)
        }
        switch route.operation {
        case .mutate:
            return mutate(request, object: object, outcome: outcome)
        case .validate:
            return await validate(request, object: object, route: route, outcome: outcome)
        }
    }

    /// Why the request is exempt, or nil.
    func exemption(_ request: AdmissionRequest, object: YAMLNode) -> String? {
        let exempt = configuration.exempt
        if !request.namespace.isEmpty, exempt.namespaces.contains(request.namespace) {
            return "namespace \(request.namespace) is exempt"
        }
        if exempt.users.contains(request.userInfo.username) { return "user \(request.userInfo.username) is exempt" }
        if let group = request.userInfo.groups.first(where: exempt.groups.contains) { return "group \(group) is exempt" }
        if !exempt.labels.isEmpty {
            let labels = object.at("metadata", "labels")?.stringMap ?? [:]
            if exempt.labels.allSatisfy({ labels[$0.key] == $0.value }) {
                return "the object's labels " + exempt.labels.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ",")
                    + " exempt it"
            }
        }
        return nil
    }

    // MARK: - Validation

    func validate(_ request: AdmissionRequest, object: YAMLNode, route: AdmissionRoute,
                  outcome start: AdmissionOutcome) async -> (AdmissionResponse, AdmissionOutcome) {
        var outcome = start
        let namespace = request.namespace
        let mode = configuration.mode(namespace: namespace, route: route)
        let level = configuration.level(namespace: namespace, route: route)
        let rules = ruleIDs[level] ?? []
        let current = judge(object, request: request, rules: rules)
        var evaluated = current.evaluated
        var violations = current.violations
        var preexisting: [AdmissionViolation] = []
        if request.operation == .update, configuration.updates == .changes, let old = request.oldObject {
            let before = judge(old, request: request, rules: rules)
            evaluated += before.evaluated
            let known = Set(before.violations.map(\.identity))
            preexisting = violations.filter { known.contains($0.identity) }
            violations.removeAll { known.contains($0.identity) }
        }
        var unsigned: [AdmissionViolation] = []
        var signatureMode = mode
        if let signatures, let policy = configuration.signatures {
            unsigned = await signatures.violations(in: object, namespace: namespace, policy: policy)
            signatureMode = policy.mode ?? mode
        }
        outcome.rulesEvaluated = evaluated
        outcome.violations = (violations + preexisting + unsigned).map(\.ruleId)
        var judged = AdmissionJudgement(subject: Self.subject(request, object: object))
        judged.add(violations, mode: mode)
        judged.add(unsigned, mode: signatureMode)
        judged.warned += preexisting.map { $0.preexisting() }
        let response = judged.response(uid: request.uid)
        outcome.decision = judged.decision
        return (response, outcome)
    }

    /// The object's findings, as violations, with the number of rule evaluations made.
    func judge(_ object: YAMLNode, request: AdmissionRequest, rules: Set<String>) -> (violations: [AdmissionViolation], evaluated: Int) {
        let root = Self.withNamespace(object, request.namespace)
        let name = Self.documentName(request)
        var scan = ScanRequest(documents: [MemoryDocument(name: name, root: root)], configuration: scanConfiguration)
        scan.domains = ["kubernetes"]
        scan.selectedRules = rules
        let report = engine.scan(scan).report
        var violations: [AdmissionViolation] = []
        for finding in report.findings where finding.severity >= minimumSeverity {
            // Suppressions written into the object are the requester's own word: only the
            // administrator's (the scan configuration's) count at admission.
            if finding.suppressed && finding.suppressionKind != .inSource { continue }
            violations.append(AdmissionViolation(finding))
        }
        if !report.errors.isEmpty {
            violations += report.errors.map { AdmissionViolation.unreadable($0.message) }
        }
        return (violations, rules.count)
    }

    static func documentName(_ request: AdmissionRequest) -> String {
        let name = request.name.isEmpty ? "(generated name)" : request.name
        return request.namespace.isEmpty ? "\(request.kind.kind)/\(name)" : "\(request.kind.kind)/\(request.namespace)/\(name)"
    }

    static func subject(_ request: AdmissionRequest, object: YAMLNode) -> String {
        let name = request.name.isEmpty ? (object.at("metadata", "generateName")?.string.map { $0 + "*" } ?? "(unnamed)") : request.name
        return request.namespace.isEmpty ? "\(request.kind.kind) \(name)" : "\(request.kind.kind) \(request.namespace)/\(name)"
    }

    /// The object with `metadata.namespace` set from the request when it lacks one, as the API server
    /// stores it (a manifest applied with `-n` does not carry its namespace).
    static func withNamespace(_ object: YAMLNode, _ namespace: String) -> YAMLNode {
        guard !namespace.isEmpty, object.at("metadata", "namespace")?.string == nil, let pairs = object.pairs else { return object }
        let key = YAMLNode(.scalar("namespace", .doubleQuoted), position: object.position)
        let value = YAMLNode(.scalar(namespace, .doubleQuoted), position: object.position)
        var newPairs = pairs
        if let position = pairs.firstIndex(where: { $0.key.scalar == "metadata" }), let metadata = pairs[position].value.pairs {
            let updated = YAMLNode(.mapping(metadata + [YAMLNode.Pair(key: key, value: value)]), position: pairs[position].value.position,
                                   endPosition: pairs[position].value.endPosition)
            newPairs[position] = YAMLNode.Pair(key: pairs[position].key, value: updated)
        } else if !pairs.contains(where: { $0.key.scalar == "metadata" }) {
            let metadataKey = YAMLNode(.scalar("metadata", .doubleQuoted), position: object.position)
            newPairs.append(YAMLNode.Pair(key: metadataKey, value: YAMLNode(.mapping([YAMLNode.Pair(key: key, value: value)]), position: object.position)))
        } else {
            return object
        }
        return YAMLNode(.mapping(newPairs), position: object.position, endPosition: object.endPosition, tag: object.tag)
    }

    // MARK: - Mutation

    func mutate(_ request: AdmissionRequest, object: YAMLNode, outcome start: AdmissionOutcome) -> (AdmissionResponse, AdmissionOutcome) {
        var outcome = start
        guard configuration.mutation.enabled else { return (AdmissionResponse(uid: request.uid, allowed: true), outcome) }
        let options = HardeningPatchOptions(readOnlyRootFilesystem: configuration.mutation.readOnlyRootFilesystem)
        let operations: [JSONPatchOperation]
        if request.kind.kind == "Pod" && request.kind.group.isEmpty && request.operation == .update {
            // A running pod's spec cannot change, but for new ephemeral containers (`kubectl debug`).
            guard request.subResource == "ephemeralcontainers", let old = request.oldObject else {
                return (AdmissionResponse(uid: request.uid, allowed: true), outcome)
            }
            operations = HardeningPatch.ephemeralContainerOperations(for: object, oldPod: old, options: options)
        } else {
            operations = HardeningPatch.operations(for: object, options: options)
        }
        guard !operations.isEmpty else { return (AdmissionResponse(uid: request.uid, allowed: true), outcome) }
        outcome.decision = .mutate
        let patch = HardeningPatch.encode(operations)
        let summary = operations.map(\.path).joined(separator: ",")
        return (AdmissionResponse(uid: request.uid, allowed: true,
                                  auditAnnotations: [("mutated", AdmissionJudgement.truncated(summary, to: 1024))],
                                  patch: patch), outcome)
    }
}

/// One violation found at admission: what the response and the logs name.
public struct AdmissionViolation: Sendable, Equatable {
    public var ruleId: String
    public var severity: Severity
    public var container: String?
    public var field: String?
    public var message: String
    public var remediation: String

    public init(ruleId: String, severity: Severity, container: String? = nil, field: String? = nil, message: String, remediation: String) {
        self.ruleId = ruleId
        self.severity = severity
        self.container = container
        self.field = field
        self.message = message
        self.remediation = remediation
    }

    init(_ finding: Finding) {
        self.init(ruleId: finding.ruleId, severity: finding.severity, container: finding.object?.container, field: finding.field,
                  message: finding.message, remediation: finding.remediation)
    }

    static func unreadable(_ message: String) -> AdmissionViolation {
        AdmissionViolation(ruleId: "admission/unreadable-object", severity: .high, message: "the object cannot be read: \(message)",
                           remediation: "Send a well-formed object.")
    }

    /// The same violation, marked as one the old object already had.
    func preexisting() -> AdmissionViolation {
        var copy = self
        copy.message += " (already so before this update)"
        return copy
    }

    /// What an UPDATE compares with the old object's violations: the rule, the container and the
    /// field (messages may quote values that changed without the violation changing).
    var identity: String { [ruleId, container ?? "", field ?? ""].joined(separator: "\u{1F}") }
}
