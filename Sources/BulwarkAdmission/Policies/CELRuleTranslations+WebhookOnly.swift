import BulwarkKubernetes

/// Why each Kubernetes rule without a translation stays with the webhook (one line each).
extension CELRuleTranslations {
    /// Reasons for single rules; the rest take their domain's reason (`domainReasons`).
    static let webhookOnlyReasons: [String: String] = [
        "pss/app-armor-profile": "on a Pod the API server copies the deprecated per-container AppArmor annotation into the field first; not translated yet",
        "k8s/automount-service-account-token": "depends on the pod's ServiceAccount object (another object)",
        "k8s/default-service-account": "depends on the ServiceAccount objects and the token settings (other objects)",
        "k8s/default-namespace": "the namespace comes from the request, and the check excludes objects by other fields of the inventory",
        "k8s/namespace-pss-enforce": "reads the Namespace object's labels (another object)",
        "k8s/cpu-limits": "parses resource quantities ('0', '0Mi', '0e3'), which standard CEL cannot (quantity() is a Kubernetes extension)",
        "k8s/cpu-requests": "parses resource quantities, which standard CEL cannot",
        "k8s/memory-limits": "parses resource quantities, which standard CEL cannot",
        "k8s/memory-requests": "parses resource quantities, which standard CEL cannot",
        "k8s/ephemeral-storage-limits": "parses resource quantities, which standard CEL cannot",
        "k8s/memory-volume-exceeds-limit": "compares emptyDir sizeLimit with memory limits as quantities, which standard CEL cannot",
        "k8s/image-digest": "parses image references (registry ports, tags, digests) with Swift's reference grammar; not translated yet",
        "k8s/latest-tag": "parses image references (registry ports, tags, digests) with Swift's reference grammar; not translated yet",
        "k8s/image-pull-policy": "parses image references and the defaulted pull policy; not translated yet",
        "k8s/image-registry": "parses image references with Swift's reference grammar; not translated yet",
        "k8s/liveness-probe": "exempts containers by what they serve (ports, known servers): heuristics over the spec",
        "k8s/readiness-probe": "exempts containers by what they serve (ports, known servers): heuristics over the spec",
        "k8s/no-security-context": "needs the emptiness of a securityContext object, which size() on a typed object does not give in cel-go",
        "k8s/privilege-escalation-capabilities": "compares capability names after Unicode upper-casing, which standard CEL cannot",
        "k8s/run-as-root-group": "several pod and container fields with inheritance and supplemental groups; not translated yet",
        "k8s/sensitive-host-path": "normalises host paths (.., //, trailing /) and matches a prefix list, beyond exact standard CEL",
        "k8s/writable-host-path": "joins volumeMounts to hostPath volumes by name and normalises paths; not translated yet",
        "k8s/service-exposed": "needs the pods a Service selects (other objects)",
        "k8s/ingress-without-tls": "needs the Services and pods behind the Ingress (other objects)",
        "serving/host-ipc-nccl": "recognises GPU and distributed-ML pods by images, env and resources: heuristics over strings",
        "serving/privileged-gpu": "recognises GPU containers by resources and images: heuristics over strings",
        "serving/model-cache-host-path": "recognises model caches by mount paths and env: heuristics over strings",
    ]

    /// The reason of every rule of a domain that has no reason of its own.
    static let domainReasons: [String: String] = [
        "k8s": "not a pure field check on one object",
        "netpol": "judges NetworkPolicies against the pods and namespaces they select (several objects)",
        "rbac": "resolves roles, bindings and subjects across objects",
        "secret": "looks for credentials in strings with heuristics (entropy, known formats) that CEL cannot express exactly",
        "serving": "recognises model servers from images, command lines, env and config files: parsing and heuristics over strings",
        "pss": "not translated",
    ]

    /// Why `rule` stays with the webhook.
    static func webhookOnlyReason(_ rule: String) -> String {
        if let reason = webhookOnlyReasons[rule] { return reason }
        let domain = rule.split(separator: "/").first.map(String.init) ?? rule
        return domainReasons[domain] ?? "not a pure field check on one object"
    }

    /// Every Kubernetes rule id of the catalogue.
    public static var kubernetesRuleIDs: [String] { KubernetesRules.descriptors.map(\.id) }
}
