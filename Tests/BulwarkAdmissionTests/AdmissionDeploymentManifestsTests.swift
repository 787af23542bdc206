import BulwarkAdmission
import Foundation
import Testing
import Yams

/// `AdmissionManifestGenerator`: the objects, and the webhook entries' selectors, paths and
/// failure policies, read back from the printed YAML as the API server would read them.
@Suite struct AdmissionDeploymentManifestsTests {
    typealias Object = [String: Any]

    func documents(_ options: AdmissionManifestOptions = AdmissionManifestOptions()) throws -> [Object] {
        let text = AdmissionManifestGenerator.yaml(options)
        return try Yams.load_all(yaml: text).map { try #require($0 as? Object, "not a mapping in:\n\(text)") }
    }

    func object(_ documents: [Object], _ kind: String) throws -> Object {
        try #require(documents.first { $0["kind"] as? String == kind }, "no \(kind)")
    }

    func webhooks(_ documents: [Object], _ kind: String) throws -> [Object] {
        try #require(try object(documents, kind)["webhooks"] as? [Object])
    }

    @Test func theStreamHasEveryObjectInApplyOrder() throws {
        let kinds = try documents().compactMap { $0["kind"] as? String }
        #expect(kinds == ["Namespace", "ServiceAccount", "ConfigMap", "Deployment", "PodDisruptionBudget", "HorizontalPodAutoscaler",
                          "Service", "NetworkPolicy", "NetworkPolicy", "ValidatingWebhookConfiguration", "MutatingWebhookConfiguration",
                          "ValidatingAdmissionPolicy", "ValidatingAdmissionPolicyBinding"])
        let withSecret = try documents(AdmissionManifestOptions(tlsCertificatePEM: "CERT", tlsPrivateKeyPEM: "KEY"))
        let secret = try object(withSecret, "Secret")
        #expect(secret["type"] as? String == "kubernetes.io/tls")
        #expect((secret["data"] as? Object)?["tls.key"] as? String == Data("KEY".utf8).base64EncodedString())
        #expect(try documents(AdmissionManifestOptions(mutate: false)).allSatisfy { $0["kind"] as? String != "MutatingWebhookConfiguration" })
    }

    @Test func theNamespaceEnforcesRestrictedAndTheServiceAccountHasNoToken() throws {
        let documents = try documents()
        let labels = try #require((try object(documents, "Namespace")["metadata"] as? Object)?["labels"] as? [String: String])
        #expect(labels["pod-security.kubernetes.io/enforce"] == "restricted")
        #expect(labels["kubernetes.io/metadata.name"] == "bulwark-system")
        #expect(try object(documents, "ServiceAccount")["automountServiceAccountToken"] as? Bool == false)
    }

    @Test func theConfigurationFileHasOnlyTheKeysTheWebhookReads() throws {
        let options = AdmissionManifestOptions(mode: .enforce, level: .baseline, exemptNamespaces: ["monitoring"])
        let data = try #require(try object(documents(options), "ConfigMap")["data"] as? [String: String])
        let text = try #require(data["admission.yaml"])
        let file = try #require(try Yams.load(yaml: text) as? Object)
        #expect(Set(file.keys) == ["mode", "level", "exempt"])
        #expect(file["mode"] as? String == "enforce")
        #expect(file["level"] as? String == "baseline")
        let exempt = try #require(file["exempt"] as? Object)
        #expect(Set(exempt.keys) == ["namespaces", "users", "groups", "labels"])
        #expect(exempt["namespaces"] as? [String] == ["kube-system", "bulwark-system", "monitoring"])
        #expect(AdmissionManifestGenerator.configurationFile(options).hasPrefix("mode: enforce\nlevel: baseline\n"))
    }

    @Test func theWebhookReadsTheConfigurationFileItIsGiven() throws {
        let options = AdmissionManifestOptions(mode: .audit, level: .baseline, exemptNamespaces: ["monitoring"])
        let text = AdmissionManifestGenerator.configurationFile(options)
        let configuration = try AdmissionConfiguration.parse(Array(text.utf8), file: "admission.yaml")
        #expect(configuration.mode == .audit)
        #expect(configuration.level == .baseline)
        #expect(configuration.exempt.namespaces == ["kube-system", "bulwark-system", "monitoring"])
        #expect(configuration.exempt.users.isEmpty && configuration.exempt.groups.isEmpty && configuration.exempt.labels.isEmpty)
    }

    @Test func theDeploymentIsSpreadHardenedAndProbedOverHTTPS() throws {
        let deployment = try object(documents(AdmissionManifestOptions(replicas: 3)), "Deployment")
        let spec = try #require(deployment["spec"] as? Object)
        #expect(spec["replicas"] as? Int == 3)
        let pod = try #require((spec["template"] as? Object)?["spec"] as? Object)
        #expect(pod["automountServiceAccountToken"] as? Bool == false)
        #expect(pod["priorityClassName"] as? String == "system-cluster-critical")
        let spread = try #require(pod["topologySpreadConstraints"] as? [Object]).compactMap { $0["topologyKey"] as? String }
        #expect(spread == ["kubernetes.io/hostname", "topology.kubernetes.io/zone"])
        #expect((pod["affinity"] as? Object)?["podAntiAffinity"] != nil)
        let container = try #require((pod["containers"] as? [Object])?.first)
        let context = try #require(container["securityContext"] as? Object)
        #expect(context["readOnlyRootFilesystem"] as? Bool == true)
        #expect(context["runAsNonRoot"] as? Bool == true)
        #expect(context["allowPrivilegeEscalation"] as? Bool == false)
        #expect((context["capabilities"] as? Object)?["drop"] as? [String] == ["ALL"])
        #expect((context["seccompProfile"] as? Object)?["type"] as? String == "RuntimeDefault")
        let resources = try #require(container["resources"] as? Object)
        #expect((resources["requests"] as? Object)?["cpu"] != nil && (resources["limits"] as? Object)?["memory"] != nil)
        for (probe, path) in [("livenessProbe", "/healthz"), ("readinessProbe", "/readyz")] {
            let get = try #require((container[probe] as? Object)?["httpGet"] as? Object)
            #expect(get["path"] as? String == path)
            #expect(get["scheme"] as? String == "HTTPS")
        }
        let args = try #require(container["args"] as? [String])
        #expect(Array(args.prefix(2)) == ["admission", "serve"])
        for flag in ["--tls-cert", "--tls-key", "--config"] { #expect(args.contains(flag)) }
        let mounts = try #require(container["volumeMounts"] as? [Object])
        #expect(mounts.first { $0["name"] as? String == "tls" }?["readOnly"] as? Bool == true)
        let hpa = try object(documents(AdmissionManifestOptions(replicas: 3)), "HorizontalPodAutoscaler")
        #expect((hpa["spec"] as? Object)?["minReplicas"] as? Int == 3)
    }

    /// Whether a namespace with `labels` matches `selector` (matchExpressions with In and NotIn,
    /// as Kubernetes evaluates them: NotIn also matches a missing label).
    func matches(_ selector: Object?, _ labels: [String: String]) -> Bool {
        let expressions = selector?["matchExpressions"] as? [Object] ?? []
        return expressions.allSatisfy { expression in
            let key = expression["key"] as? String ?? ""
            let values = expression["values"] as? [String] ?? []
            switch expression["operator"] as? String {
            case "In": return labels[key].map(values.contains) ?? false
            case "NotIn": return labels[key].map { !values.contains($0) } ?? true
            default: return false
            }
        }
    }

    @Test(arguments: AdmissionMode.allCases)
    func everyNamespaceIsJudgedByExactlyOneEntryOnTheRightPath(_ defaultMode: AdmissionMode) throws {
        let hooks = try webhooks(documents(AdmissionManifestOptions(mode: defaultMode)), "ValidatingWebhookConfiguration")
        let namespaced = hooks.filter { ($0["rules"] as? [Object])?.allSatisfy { $0["scope"] as? String == "Namespaced" } == true }
        #expect(namespaced.count == 12)
        for mode in [nil, "enforce", "warn", "audit", "strict"] {
            for level in [nil, "baseline", "restricted", "privileged"] {
                var labels = ["kubernetes.io/metadata.name": "team-a"]
                labels[AdmissionMode.label] = mode
                labels[AdmissionLevel.label] = level
                let matching = namespaced.filter { matches($0["namespaceSelector"] as? Object, labels) }
                try #require(matching.count == 1, "\(labels): \(matching.compactMap { $0["name"] as? String })")
                let hook = matching[0]
                let path = try #require(((hook["clientConfig"] as? Object)?["service"] as? Object)?["path"] as? String)
                let route = try #require(AdmissionRoute(path: path))
                let expectedMode = mode.flatMap(AdmissionMode.init(rawValue:)) ?? (level.flatMap(AdmissionLevel.init(rawValue:)) == nil ? nil : defaultMode)
                #expect(route.mode == expectedMode, "\(labels) → \(path)")
                #expect(route.level == level.flatMap(AdmissionLevel.init(rawValue:)), "\(labels) → \(path)")
                let effective = expectedMode ?? defaultMode
                #expect(hook["failurePolicy"] as? String == (effective == .enforce ? "Fail" : "Ignore"), "\(labels)")
            }
        }
        // kube-system and Bulwark's own namespace: no entry at all, whatever their labels say.
        for name in ["kube-system", "bulwark-system"] {
            let labels = ["kubernetes.io/metadata.name": name, AdmissionMode.label: "enforce", AdmissionLevel.label: "restricted"]
            #expect(hooks.allSatisfy { !matches($0["namespaceSelector"] as? Object, labels) }, "\(name)")
        }
    }

    @Test func everyEntryIsBoundedAndSideEffectFree() throws {
        let bundle = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n"
        let documents = try documents(AdmissionManifestOptions(caBundlePEM: bundle, timeoutSeconds: 2))
        let all = try webhooks(documents, "ValidatingWebhookConfiguration") + webhooks(documents, "MutatingWebhookConfiguration")
        #expect(all.count == 14)
        #expect(Set(all.compactMap { $0["name"] as? String }).count == all.count)
        for hook in all {
            let name = hook["name"] as? String ?? "?"
            #expect(hook["timeoutSeconds"] as? Int == 2, "\(name)")
            #expect(hook["sideEffects"] as? String == "None", "\(name)")
            #expect(hook["matchPolicy"] as? String == "Equivalent", "\(name)")
            #expect(hook["admissionReviewVersions"] as? [String] == ["v1"], "\(name)")
            #expect(((hook["clientConfig"] as? Object)?["caBundle"] as? String).flatMap { Data(base64Encoded: $0) } == Data(bundle.utf8))
            let first = ((hook["namespaceSelector"] as? Object)?["matchExpressions"] as? [Object])?.first
            #expect(first?["key"] as? String == "kubernetes.io/metadata.name" && first?["operator"] as? String == "NotIn", "\(name)")
            #expect(first?["values"] as? [String] == ["kube-system", "bulwark-system"], "\(name)")
            let conditions = try #require(hook["matchConditions"] as? [Object])
            #expect(conditions.count == 2)
            for rule in try #require(hook["rules"] as? [Object]) {
                #expect(rule["operations"] as? [String] == ["CREATE", "UPDATE"])
            }
        }
        let mutate = try #require(try webhooks(documents, "MutatingWebhookConfiguration").first)
        #expect(((mutate["clientConfig"] as? Object)?["service"] as? Object)?["path"] as? String == "/mutate")
        #expect(mutate["failurePolicy"] as? String == "Ignore")
    }

    @Test func theRulesCoverWorkloadsServicesRBACSecretsAndTheMLCRDs() throws {
        let hooks = try webhooks(documents(), "ValidatingWebhookConfiguration")
        func resources(_ hook: Object) -> Set<String> {
            Set((hook["rules"] as? [Object] ?? []).flatMap { rule in
                (rule["resources"] as? [String] ?? []).map { "\((rule["apiGroups"] as? [String])?.first ?? "?")/\($0)" }
            })
        }
        let namespaced = resources(hooks[0])
        for expected in ["/pods", "/services", "/secrets", "apps/deployments", "apps/statefulsets", "apps/daemonsets", "batch/cronjobs",
                         "rbac.authorization.k8s.io/roles", "rbac.authorization.k8s.io/rolebindings", "serving.kserve.io/inferenceservices",
                         "ray.io/rayclusters", "ray.io/rayservices", "ray.io/rayjobs"] {
            #expect(namespaced.contains(expected), "\(expected)")
        }
        let cluster = try #require(hooks.first { $0["name"] as? String == "cluster.validate.bulwark.dev" })
        #expect(resources(cluster).contains("rbac.authorization.k8s.io/clusterroles"))
        #expect((cluster["rules"] as? [Object])?.allSatisfy { $0["scope"] as? String == "Cluster" } == true)
    }

    @Test func theInTreePolicyGuardsBulwarksNamespaceForTheAdminGroupsOnly() throws {
        let documents = try documents(AdmissionManifestOptions(adminGroups: ["system:masters", "platform-admins"]))
        let policy = try object(documents, "ValidatingAdmissionPolicy")
        #expect(policy["apiVersion"] as? String == "admissionregistration.k8s.io/v1")
        let spec = try #require(policy["spec"] as? Object)
        #expect(spec["failurePolicy"] as? String == "Fail")
        let constraints = try #require(spec["matchConstraints"] as? Object)
        #expect(((constraints["namespaceSelector"] as? Object)?["matchLabels"] as? [String: String])?["kubernetes.io/metadata.name"]
                == "bulwark-system")
        let rules = try #require(constraints["resourceRules"] as? [Object])
        #expect(rules.allSatisfy { $0["operations"] as? [String] == ["UPDATE", "DELETE"] })
        let guarded = Set(rules.flatMap { $0["resources"] as? [String] ?? [] })
        #expect(guarded.isSuperset(of: ["deployments", "services", "configmaps", "secrets", "namespaces"]))
        let expression = try #require((spec["validations"] as? [Object])?.first?["expression"] as? String)
        #expect(expression.contains("'system:masters', 'platform-admins'"))
        let binding = try object(documents, "ValidatingAdmissionPolicyBinding")
        #expect((binding["spec"] as? Object)?["policyName"] as? String == (policy["metadata"] as? Object)?["name"] as? String)
        #expect((binding["spec"] as? Object)?["validationActions"] as? [String] == ["Deny"])
    }

    @Test func optionsThatCannotWorkAreNamed() {
        #expect(AdmissionManifestOptions().problems.isEmpty)
        #expect(!AdmissionManifestOptions(replicas: 1).problems.isEmpty)
        #expect(!AdmissionManifestOptions(replicas: 4, maxReplicas: 3).problems.isEmpty)
        #expect(!AdmissionManifestOptions(timeoutSeconds: 5).problems.isEmpty)
        #expect(!AdmissionManifestOptions(adminGroups: []).problems.isEmpty)
        #expect(!AdmissionManifestOptions(adminGroups: ["o'brien"]).problems.isEmpty)
        #expect(!AdmissionManifestOptions(namespace: "Bulwark").problems.isEmpty)
        #expect(!AdmissionManifestOptions(tlsCertificatePEM: "CERT").problems.isEmpty)
    }
}
