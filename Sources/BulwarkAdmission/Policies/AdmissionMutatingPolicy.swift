/// The MutatingAdmissionPolicy (`admissionregistration.k8s.io/v1beta1`, beta since Kubernetes
/// 1.34) that adds the hardening defaults a Pod leaves out, and its binding.
///
/// It uses `patchType: JSONPatch` with `add` operations guarded by `has()`, so an explicit value is
/// never overridden (an ApplyConfiguration merge would override it). It sets the pod-level
/// defaults that every container inherits unless it says otherwise: `seccompProfile:
/// RuntimeDefault` and `runAsNonRoot: true`. The per-container defaults
/// (`allowPrivilegeEscalation: false`, `capabilities.drop: [ALL]`) need a JSONPatch path with the
/// container's index, which standard CEL cannot enumerate; the webhook's `/mutate` adds them.
/// Windows pods are skipped (the API server forbids `seccompProfile` on them).
///
/// `JSONPatch{…}` and `Object.spec…{}` are Kubernetes' mutation CEL, not standard CEL, so this
/// policy is not part of the differential test; its text is pinned by the golden test.
enum AdmissionMutatingPolicy {
    static let name = "bulwark-hardening-defaults"

    static let patchExpression = """
        (has(object.spec.securityContext) ? [] : [JSONPatch{op: "add", path: "/spec/securityContext", value: Object.spec.securityContext{}}]) + \
        (has(object.spec.securityContext) && has(object.spec.securityContext.seccompProfile) ? [] : \
        [JSONPatch{op: "add", path: "/spec/securityContext/seccompProfile", value: Object.spec.securityContext.seccompProfile{type: "RuntimeDefault"}}]) + \
        (has(object.spec.securityContext) && has(object.spec.securityContext.runAsNonRoot) ? [] : \
        [JSONPatch{op: "add", path: "/spec/securityContext/runAsNonRoot", value: true}])
        """

    static func documents() -> [PolicyYAML] {
        let policy = PolicyYAML.map([
            ("apiVersion", .string("admissionregistration.k8s.io/v1beta1")),
            ("kind", .string("MutatingAdmissionPolicy")),
            ("metadata", .map([("name", .string(name)), ("labels", AdmissionPolicyGenerator.managedBy)])),
            ("spec", .map([
                // A failed mutation admits the pod unchanged; the validating policy still judges it.
                ("failurePolicy", .string("Ignore")),
                ("reinvocationPolicy", .string("IfNeeded")),
                ("matchConstraints", .map([("resourceRules", .list([
                    .map([
                        ("apiGroups", .list([.string("")])),
                        ("apiVersions", .list([.string("v1")])),
                        ("operations", .list([.string("CREATE")])),
                        ("resources", .list([.string("pods")])),
                    ]),
                ]))])),
                ("matchConditions", .list([
                    .map([("name", .string("not-windows")),
                          ("expression", .string("!(has(object.spec.os) && has(object.spec.os.name) && object.spec.os.name == 'windows')"))]),
                ])),
                ("mutations", .list([
                    .map([("patchType", .string("JSONPatch")), ("jsonPatch", .map([("expression", .string(patchExpression))]))]),
                ])),
            ])),
        ])
        let binding = PolicyYAML.map([
            ("apiVersion", .string("admissionregistration.k8s.io/v1beta1")),
            ("kind", .string("MutatingAdmissionPolicyBinding")),
            ("metadata", .map([("name", .string(name)), ("labels", AdmissionPolicyGenerator.managedBy)])),
            ("spec", .map([
                ("policyName", .string(name)),
                ("matchResources", .map([("namespaceSelector", .map([("matchExpressions", .list([
                    .map([("key", .string("kubernetes.io/metadata.name")), ("operator", .string("NotIn")),
                          ("values", .list(AdmissionPolicyGenerator.excludedNamespaces.map(PolicyYAML.string)))]),
                ]))]))])),
            ])),
        ])
        return [policy, binding]
    }
}
