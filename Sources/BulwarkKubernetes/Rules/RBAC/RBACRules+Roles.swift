import BulwarkCore

/// Rules about how roles are written.
extension RBACRules {
    static let wildcardRule = KubernetesRule(
        RuleDescriptor(
            id: "rbac/wildcard-rule",
            severity: .high,
            title: "Role rule uses a wildcard verb or resource",
            summary: "A rule of a Role or ClusterRole grants `*` verbs or `*` resources, so it covers every verb and resource of its API groups, including the escalation verbs (escalate, bind, impersonate), the subresources (pods/exec, serviceaccounts/token) and whatever CRDs and verbs are added later. Every rule of the role is checked, not only the first (Checkov's CKV_K8S_49 reads rules[0]). High for `*` on `*` in `*` and medium otherwise, for a role bound to a workload identity; one step lower when no workload runs with it or nothing binds it, one higher for a model server.",
            remediation: "List the verbs (get, list, watch …) and resources the role needs instead of `*`; if the role is meant to be cluster-admin, bind the built-in cluster-admin role to the few subjects that need it instead.",
            controls: ["cis-k8s:5.1.3", "nist-800-190:4.3.1", "nsa-k8s:rbac-least-privilege", "owasp-k8s:K03"],
            failing: [
                RuleExample("""
                apiVersion: rbac.authorization.k8s.io/v1
                kind: ClusterRole
                metadata: {name: model-deployer}
                rules:
                  - apiGroups: ["serving.kserve.io"]
                    resources: ["inferenceservices"]
                    verbs: ["get", "list"]
                  - apiGroups: ["apps"]
                    resources: ["deployments"]
                    verbs: [↓"*"]
                """),
                RuleExample("""
                apiVersion: rbac.authorization.k8s.io/v1
                kind: Role
                metadata: {name: reader, namespace: ml}
                rules:
                  - apiGroups: [""]
                    resources:
                      - ↓"*"
                    verbs: ["get", "list", "watch"]
                ---
                apiVersion: rbac.authorization.k8s.io/v1
                kind: RoleBinding
                metadata: {name: reader, namespace: ml}
                roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: reader}
                subjects:
                  - {kind: ServiceAccount, name: model-server}
                """),
            ],
            passing: [
                RuleExample("""
                apiVersion: rbac.authorization.k8s.io/v1
                kind: ClusterRole
                metadata: {name: model-deployer}
                rules:
                  - apiGroups: ["serving.kserve.io"]
                    resources: ["inferenceservices"]
                    verbs: ["get", "list", "watch", "create", "update", "patch"]
                  - apiGroups: ["*"]
                    resources: ["deployments/scale"]
                    verbs: ["get", "update"]
                """),
            ],
            tags: ["rbac"]
        ),
        check: .inventory { RBACAssessment.of($0).wildcardRules().map(\.violation) }
    )

    static let ineffectiveSubresourceWildcard = KubernetesRule(
        RuleDescriptor(
            id: "rbac/ineffective-subresource-wildcard",
            severity: .info,
            title: "Subresource wildcard that Kubernetes does not expand",
            summary: "A rule lists a resource such as `pods/*`. Kubernetes RBAC has no wildcard for the subresources of one resource (only `*` and `*/<subresource>` are patterns), so `pods/*` grants nothing, while tools that match rule text report it as access to pods/exec and the role's author may believe it grants pods/log. Informational: the rule grants less than it appears to.",
            remediation: "List the subresources the role needs (`pods/log`, `pods/exec`), or use `*/<subresource>` for one subresource of every resource.",
            controls: ["cis-k8s:5.1.3", "owasp-k8s:K03"],
            failing: [
                RuleExample("""
                apiVersion: rbac.authorization.k8s.io/v1
                kind: Role
                metadata: {name: log-reader, namespace: ml}
                rules:
                  - apiGroups: [""]
                    resources: ["pods", ↓"pods/*"]
                    verbs: ["get"]
                """),
            ],
            passing: [
                RuleExample("""
                apiVersion: rbac.authorization.k8s.io/v1
                kind: Role
                metadata: {name: log-reader, namespace: ml}
                rules:
                  - apiGroups: [""]
                    resources: ["pods", "pods/log"]
                    verbs: ["get"]
                  - apiGroups: ["apps"]
                    resources: ["*/scale"]
                    verbs: ["get"]
                """),
            ],
            tags: ["rbac"]
        ),
        check: .inventory { RBACAssessment.of($0).ineffectiveWildcards().map(\.violation) }
    )
}
