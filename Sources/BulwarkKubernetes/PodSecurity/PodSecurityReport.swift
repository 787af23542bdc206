import BulwarkCore

/// `bulwark pss`: Pod Security Standards verdicts for every pod spec of an inventory.
public enum PodSecurityReport {
    /// Evaluates every pod spec of every pod-bearing object (the built-in workload kinds and the
    /// CRDs `PodSpecExtractor` knows), one result per pod spec, in inventory order.
    ///
    /// - `level` given: every pod is evaluated at that level (and `version`, default `latest`).
    /// - `level` nil: each pod's namespace decides, through its Namespace object's
    ///   `pod-security.kubernetes.io/enforce` / `enforce-version` labels in the inventory, else the
    ///   configured defaults (`pss.defaults`, privileged / latest unless configured). An explicit
    ///   `version` overrides the namespace's version. Such results carry `mode: "enforce"` and the
    ///   namespace's audit / warn verdicts when they differ from enforce.
    /// - Pods in an exempt namespace or with an exempt `runtimeClassName` (`pss.exemptions`) are
    ///   allowed with `exempt: true`. Username exemptions cannot apply to manifests.
    /// - A pod without `metadata.namespace` is in `default`.
    /// Each independent part of the inventory (`InventoryPartition`) is judged with its own
    /// Namespace objects; results come back in file and line order.
    public static func evaluate(inventory: Inventory, level: PSSLevel?, version: PSSVersion?, configuration: Configuration) -> [PSSObjectResult] {
        let groups = InventoryPartition.groups(of: inventory.objects)
        if groups.count <= 1 {
            return evaluate(index: InventoryIndex(inventory.objects), level: level, version: version, configuration: configuration)
        }
        return groups.flatMap { group in
            evaluate(index: InventoryIndex(group.map { inventory.objects[$0] }), level: level, version: version, configuration: configuration)
        }.sorted { ($0.file, $0.line) < ($1.file, $1.line) }
    }

    public static func evaluate(index: InventoryIndex, level: PSSLevel?, version: PSSVersion?, configuration: Configuration) -> [PSSObjectResult] {
        let settings = configuration.pss
        let defaults = PSSNamespacePolicy(defaults: settings)
        let exemptNamespaces = Set(settings.exemptNamespaces)
        let exemptRuntimeClasses = Set(settings.exemptRuntimeClasses)
        var policies: [String: PSSNamespacePolicy] = [:]
        func policy(_ namespace: String) -> PSSNamespacePolicy {
            if let cached = policies[namespace] { return cached }
            let labels = index.namespaces[namespace]?.labels ?? [:]
            let resolved = PSSNamespacePolicy.resolve(labels: labels, defaults: defaults)
            policies[namespace] = resolved
            return resolved
        }
        var plans: [(pod: PodSpecView, namespace: String, policy: PSSNamespacePolicy?)] = []
        for pod in index.podSpecs {
            let namespace = pod.object.namespace ?? "default"
            plans.append((pod, namespace, level == nil ? policy(namespace) : nil))
        }
        return plans.parallelMap { plan in
            result(plan.pod, namespace: plan.namespace, policy: plan.policy, level: level, version: version,
                   exemptNamespaces: exemptNamespaces, exemptRuntimeClasses: exemptRuntimeClasses)
        }
    }

    static func result(_ pod: PodSpecView, namespace: String, policy: PSSNamespacePolicy?, level explicitLevel: PSSLevel?, version explicitVersion: PSSVersion?,
                       exemptNamespaces: Set<String>, exemptRuntimeClasses: Set<String>) -> PSSObjectResult {
        let enforce: PSSLevelVersion
        if let explicitLevel {
            enforce = PSSLevelVersion(explicitLevel, explicitVersion ?? .latest)
        } else {
            let labelled = policy?.enforce ?? .privileged
            enforce = PSSLevelVersion(labelled.level, explicitVersion ?? labelled.version)
        }
        let mode: String? = explicitLevel == nil ? "enforce" : nil
        let labelErrors = policy.flatMap { $0.errors.isEmpty ? nil : $0.errors }
        var exemptReason: String?
        if exemptNamespaces.contains(namespace) {
            exemptReason = "namespace \(PSSText.goQuote(namespace)) is exempt"
        } else if let runtimeClass = pod.spec["runtimeClassName"]?.string, exemptRuntimeClasses.contains(runtimeClass) {
            exemptReason = "runtimeClassName \(PSSText.goQuote(runtimeClass)) is exempt"
        }
        let object = pod.object
        if let exemptReason {
            return PSSObjectResult(
                file: object.file, line: object.position.line, kind: object.kind, namespace: namespace, name: object.name,
                level: enforce.level, version: enforce.version.resolvedDescription, allowed: true, violations: [], role: pod.role,
                exempt: true, exemptReason: exemptReason, mode: mode, labelErrors: labelErrors)
        }
        let decision = PodSecurityEvaluator.evaluate(pod: pod, level: enforce.level, version: enforce.version)
        func verdict(_ levelVersion: PSSLevelVersion?) -> PSSModeVerdict? {
            guard let levelVersion, explicitLevel == nil, levelVersion.level != .privileged,
                  levelVersion.level != enforce.level || levelVersion.version.effectiveMinor != enforce.version.effectiveMinor
            else { return nil }
            let other = PodSecurityEvaluator.evaluate(pod: pod, level: levelVersion.level, version: levelVersion.version)
            return PSSModeVerdict(level: other.level, version: other.version.resolvedDescription, allowed: other.allowed, violations: other.violations)
        }
        return PSSObjectResult(
            file: object.file, line: object.position.line, kind: object.kind, namespace: namespace, name: object.name,
            level: decision.level, version: decision.version.resolvedDescription, allowed: decision.allowed,
            violations: decision.violations, role: pod.role, mode: mode,
            audit: verdict(policy?.audit), warn: verdict(policy?.warn), labelErrors: labelErrors)
    }
}
