import BulwarkCore

/// Turns a plaintext Secret into the document that replaces it (a SealedSecret). Implemented
/// outside this module (`BulwarkSecrets`), so that the fixer does not depend on the crypto.
public protocol ManifestSecretSealing: Sendable {
    /// The YAML document (without a `---` line) that replaces the Secret, and what the comment
    /// above it says it was sealed with (e.g. `cert.pem, strict scope`); throws with a reason when
    /// the Secret cannot be sealed (it is then left as it is, with a warning).
    func seal(_ secret: KubeObject) throws -> (document: String, summary: String)
}

/// Fixes of whole objects that depend on the rest of the input, planned from the findings of the
/// rules they answer (so the fixer removes exactly what the scan reports):
///
/// - `k8s/service-exposed` (high: the Service publishes a model server): `type: ClusterIP`, and the
///   fields only external Services may carry (`nodePort`, `externalIPs`, load balancer settings)
///   removed. Services whose selector matches nothing in the input are left, with a warning.
/// - `rbac/workload-cluster-admin` (critical: a workload of the input runs as the subject): the
///   subjects a workload runs as are removed from the binding; a binding left without subjects is
///   commented out. Bindings of identities no scanned workload uses (CI deployers, GitOps
///   controllers) are left, with a warning.
/// - `secret/plaintext-secret`: the Secret is replaced by a SealedSecret when a sealer is given.
/// - `k8s/namespace-pss-enforce`: the Pod Security Admission labels (`enforce` pinned to the
///   version the workloads were checked against, `audit` and `warn` at latest), when every
///   workload of the namespace in the input passes that level after the workload fixes. A
///   namespace with a node agent (`NodeAccess`) is never labelled: a warning proposes
///   `enforce: privileged` for it instead.
final class ObjectFixer {
    /// The plan's object fixes (`FixPlanner.objectFixerRules`) and sealing, which needs a certificate.
    static let ruleIDs: Set<String> = FixPlanner.objectFixerRules.union(["secret/plaintext-secret"])

    static var rules: [KubernetesRule] { KubernetesRules.all.filter { ruleIDs.contains($0.id) } }

    /// Fields a Service may only carry when it is of type NodePort or LoadBalancer.
    static let externalServiceFields = [
        "externalIPs", "loadBalancerSourceRanges", "loadBalancerIP", "loadBalancerClass", "externalTrafficPolicy",
        "allocateLoadBalancerNodePorts", "healthCheckNodePort",
    ]

    let options: ManifestFixOptions
    let index: InventoryIndex
    let source: SourceText
    let patch: DocumentPatch
    let log: FixLog
    /// The roots of the file's documents (an object inside a `List` is not one).
    let documentRoots: Set<ObjectIdentifier>

    init(options: ManifestFixOptions, index: InventoryIndex, source: SourceText, patch: DocumentPatch, log: FixLog, documentRoots: Set<ObjectIdentifier>) {
        self.documentRoots = documentRoots
        self.options = options
        self.index = index
        self.source = source
        self.patch = patch
        self.log = log
    }

    func isBlockDocument(_ object: KubeObject) -> Bool {
        documentRoots.contains(ObjectIdentifier(object.root)) && PatchRenderer.isBlockDocument(object.root, source)
    }

    func fix(_ object: KubeObject, findings: [Finding]) {
        let byRule = Dictionary(grouping: findings, by: \.ruleId)
        if let found = byRule["k8s/service-exposed"] { unexpose(object, found) }
        if let found = byRule["rbac/workload-cluster-admin"] { detachClusterAdmin(object, found) }
        if byRule["secret/plaintext-secret"] != nil { seal(object) }
        if byRule["k8s/namespace-pss-enforce"] != nil { labelNamespace(object) }
    }

    // MARK: - Services

    func unexpose(_ service: KubeObject, _ findings: [Finding]) {
        let subject = service.displayName
        guard findings.contains(where: { $0.severity >= .high }) else {
            log.warn(service.root, "\(subject) is exposed outside the cluster but selects no workload of the input; left unchanged (make it ClusterIP if it fronts a model server)")
            return
        }
        guard let spec = service.root["spec"], spec.isMapping, !patch.isShared(spec) else {
            log.warn(service.root, "\(subject): spec is missing or shared through a YAML alias; left unchanged")
            return
        }
        let type = spec["type"]?.string ?? "ClusterIP"
        if type == "LoadBalancer" || type == "NodePort" {
            patch.set(.node(spec), "type", .string("ClusterIP"),
                      comment: "bulwark: was type \(type); the model server is reachable inside the cluster only (publish it through the authenticating gateway or an Ingress with TLS)")
            log.change(spec["type"], "\(subject): type \(type) → ClusterIP")
        }
        for key in Self.externalServiceFields where spec[key] != nil {
            let comment = key == "externalIPs" ? "bulwark: removed externalIPs (they publish the model server on those addresses)" : nil
            if patch.remove(spec, key, comment: comment) { log.change(spec[key], "\(subject): removed \(key)") }
        }
        for port in spec["ports"]?.items ?? [] where port["nodePort"] != nil && port.isMapping {
            if patch.remove(port, "nodePort", comment: nil) { log.change(port["nodePort"], "\(subject): removed nodePort") }
        }
        log.warn(spec, "\(subject) is no longer published outside the cluster; route external clients through the API gateway or an Ingress with TLS and authentication")
    }

    // MARK: - cluster-admin bindings

    func detachClusterAdmin(_ binding: KubeObject, _ findings: [Finding]) {
        let subject = binding.displayName
        let lines = Set(findings.filter { $0.severity >= .critical }.map(\.location.line))
        if findings.contains(where: { $0.severity < .critical }) {
            log.warn(binding.root, "\(subject) grants cluster-admin to a ServiceAccount that no workload of the input runs as (a deployer or controller?); that subject was kept — check that it needs cluster-admin")
        }
        guard !lines.isEmpty, let subjects = binding.root["subjects"], let items = subjects.sequence, !patch.isShared(subjects) else { return }
        let flagged = items.filter { lines.contains($0.position.line) }
        guard !flagged.isEmpty else { return }
        let names = flagged.map(Self.describeSubject)
        if flagged.count == items.count {
            guard isBlockDocument(binding) else {
                log.warn(binding.root, "\(subject) grants cluster-admin to \(names.joined(separator: ", ")), which workloads of this input run as; it is not a block YAML document of its own, so it was left: delete it")
                return
            }
            let lines = [
                "# bulwark: removed \(subject): it granted cluster-admin to \(names.joined(separator: ", ")), which workloads of this input run as.",
                "# Delete it from the cluster too (kubectl delete \(binding.kind.lowercased()) \(binding.name)\(binding.namespace.map { " -n \($0)" } ?? ""))",
                "# and grant the workload only what it uses with a namespaced Role (often nothing). The binding was:",
            ]
            patch.replaceDocument(binding.root, with: lines, commentingOut: true)
            log.change(binding.root, "\(subject): commented out (cluster-admin for \(names.joined(separator: ", ")))")
        } else {
            for (item, name) in zip(flagged, names) {
                patch.removeItem(subjects, item, comment: "bulwark: removed \(name) from this cluster-admin binding (workloads of this input run as it)")
                log.change(item, "\(subject): removed subject \(name)")
            }
        }
        log.warn(binding.root, "\(subject): workloads lose cluster-admin; if they call the Kubernetes API, grant what they use with a namespaced Role (see `bulwark rbac --subject …`)")
    }

    static func describeSubject(_ node: YAMLNode) -> String {
        let kind = node["kind"]?.string ?? "subject"
        let name = node["name"]?.string ?? "?"
        if let namespace = node["namespace"]?.string, !namespace.isEmpty { return "\(kind) \(namespace)/\(name)" }
        return "\(kind) \(name)"
    }

    // MARK: - Secrets

    func seal(_ secret: KubeObject) {
        let subject = secret.displayName
        guard let sealer = options.secretSealer else {
            log.warn(secret.root, "\(subject) is a plaintext Secret; left unchanged — give --seal-cert CERT (the sealed-secrets controller's certificate) to replace it with a SealedSecret, or move it to an external secret manager")
            return
        }
        guard isBlockDocument(secret) else {
            log.warn(secret.root, "\(subject) is not a block YAML document of its own (JSON, or an item of a List); seal it with `bulwark seal` instead")
            return
        }
        do {
            let (document, summary) = try sealer.seal(secret)
            var lines = [
                "# bulwark: replaced \(subject) with a SealedSecret (\(summary)).",
                "# The plaintext is still in the repository history: rotate the credential.",
            ]
            lines += document.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            while lines.last?.isEmpty == true { lines.removeLast() }
            patch.replaceDocument(secret.root, with: lines)
            log.change(secret.root, "\(subject): replaced by a SealedSecret (\(summary))")
        } catch {
            log.warn(secret.root, "\(subject) could not be sealed: \(error); left unchanged")
        }
    }

    // MARK: - Namespaces

    func labelNamespace(_ namespace: KubeObject) {
        let subject = namespace.displayName
        let name = namespace.name
        let pods = index.podSpecs.filter { $0.describesRunningPods && $0.object.effectiveNamespace == name }
        let version = options.pssVersion
        // Node agents (left as they are by the workload pass) would be refused by either level: the
        // namespace is proposed for an exemption instead, and never raised.
        let agents = pods.filter { !NodeAccess.reasons($0).isEmpty }
        if !agents.isEmpty {
            let names = agents.prefix(3).map(\.displayName).joined(separator: ", ") + (agents.count > 3 ? " …" : "")
            let current = namespace.metadata?["labels"]?[ClusterRules.enforceLabel]?.string
            let today = current.map { $0 == "privileged" ? "" : " (it enforces \($0) today, which refuses them)" } ?? ""
            log.warn(namespace.root, "\(subject): left without a stricter Pod Security Admission label, because \(names) \(agents.count == 1 ? "needs" : "need") access to the node\(today); \(NodeAccess.exemption(namespace: name))")
            return
        }
        var level = "restricted"
        var failing = pods.filter { !PodSecurityEvaluator.evaluate(pod: $0, level: .restricted, version: version).allowed }
        if !failing.isEmpty {
            level = "baseline"
            failing = pods.filter { !PodSecurityEvaluator.evaluate(pod: $0, level: .baseline, version: version).allowed }
        }
        let labels = namespace.metadata?["labels"]
        let current = labels?[ClusterRules.enforceLabel]?.string
        guard failing.isEmpty, current != "baseline" || level == "restricted" else {
            let names = failing.prefix(3).map(\.displayName).joined(separator: ", ")
            log.warn(namespace.root, "\(subject): left without a stricter Pod Security Admission label, because \(names)\(failing.count > 3 ? " …" : "") would be refused")
            return
        }
        guard let metadata = namespace.metadata, metadata.isMapping, let labelMap = patch.child(.node(metadata), "labels") else {
            log.warn(namespace.root, "\(subject): metadata.labels is not a mapping (or is shared through an alias); left unchanged")
            return
        }
        let prefix = "pod-security.kubernetes.io/"
        let wanted: [(String, String)] = [
            ("enforce", level), ("enforce-version", version.resolvedDescription),
            ("audit", "restricted"), ("audit-version", "latest"), ("warn", "restricted"), ("warn-version", "latest"),
        ]
        for (key, value) in wanted {
            let existing = labels?[prefix + key]
            if key == "enforce", let current {
                patch.set(labelMap, prefix + key, .string(value), comment: "bulwark: was \(current); every workload of the input passes \(level) (\(version.resolvedDescription))")
                log.change(existing, "\(subject): \(prefix)enforce \(current) → \(value)")
            } else if existing == nil {
                patch.set(labelMap, prefix + key, .string(value))
                log.change(metadata, "\(subject): added label \(prefix)\(key)=\(value)")
            }
        }
    }
}
