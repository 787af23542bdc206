import BulwarkAdmission
import BulwarkCore
import BulwarkEngine
import BulwarkKubernetes
import Foundation
import Testing

/// The webhook judges one object at a time; these tests hold `AdmissionScope` to that.
@Suite struct AdmissionScopeTests {
    struct Key: Hashable, CustomStringConvertible {
        let object: String
        let container: String?
        let field: String?
        let message: String
        var description: String { "\(object) \(container ?? "-") \(field ?? "-"): \(message)" }
    }

    func findings(_ roots: [YAMLNode], rule: String) -> Set<Key> {
        var request = ScanRequest(documents: roots.enumerated().map { MemoryDocument(name: "example-\($0.offset)", root: $0.element) })
        request.domains = ["kubernetes"]
        request.ruleFilter = { $0.id == rule }
        let report = Engine(domains: [KubernetesDomain()]).scan(request).report
        return Set(report.findings.map {
            Key(object: $0.object.map { "\($0.kind)/\($0.namespace ?? "")/\($0.name)" } ?? "", container: $0.object?.container,
                field: $0.field, message: $0.message)
        })
    }

    /// Objects a cluster holds around a workload, in `namespace`: what rules that look beyond one
    /// object would read (ServiceAccounts with tokens off, LimitRange defaults, a labelled
    /// Namespace, a default-deny NetworkPolicy, a Service selecting everything).
    func context(namespace: String, accounts: Set<String>) -> [YAMLNode] {
        var text = """
            apiVersion: v1
            kind: Namespace
            metadata:
              name: \(namespace)
              labels: {pod-security.kubernetes.io/enforce: restricted}
            ---
            apiVersion: v1
            kind: LimitRange
            metadata: {name: defaults, namespace: \(namespace)}
            spec:
              limits:
                - type: Container
                  default: {cpu: "1", memory: 1Gi, ephemeral-storage: 1Gi}
                  defaultRequest: {cpu: 100m, memory: 128Mi, ephemeral-storage: 1Gi}
            ---
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata: {name: default-deny, namespace: \(namespace)}
            spec: {podSelector: {}, policyTypes: [Ingress, Egress]}
            ---
            apiVersion: v1
            kind: Service
            metadata: {name: everything, namespace: \(namespace)}
            spec: {type: ClusterIP, ports: [{port: 80}]}
            """
        for account in accounts.union(["default"]).sorted() {
            text += "\n---\napiVersion: v1\nkind: ServiceAccount\nmetadata: {name: \(account), namespace: \(namespace)}\nautomountServiceAccountToken: false\n"
        }
        return YAMLReader.read(text).documents.compactMap(\.root)
    }

    /// Whether `rule` decides an example's objects differently alone than with the objects around
    /// them (the example's own and `context`'s); the difference, if any.
    func difference(_ rule: String, _ example: RuleExample) -> String? {
        let roots = YAMLReader.read(example.stripped.text).documents.compactMap(\.root).filter { $0["kind"] != nil }
        guard !roots.isEmpty else { return nil }
        var namespaces: Set<String> = []
        var accounts: Set<String> = []
        for root in roots {
            namespaces.insert(root.at("metadata", "namespace")?.string ?? "default")
            for key in ["serviceAccountName", "serviceAccount"] {
                for spec in [root["spec"], root.at("spec", "template", "spec"), root.at("spec", "jobTemplate", "spec", "template", "spec")] {
                    if let name = spec?[key]?.string { accounts.insert(name) }
                }
            }
        }
        let surroundings = namespaces.sorted().flatMap { context(namespace: $0, accounts: accounts) }
        let alone = roots.reduce(into: Set<Key>()) { $0.formUnion(findings([$1], rule: rule)) }
        // Only the example's own objects: findings about the context objects are not the question.
        let objects = Set(roots.map { "\($0["kind"]?.string ?? "")/\($0.at("metadata", "namespace")?.string ?? "default")/\($0.at("metadata", "name")?.string ?? "")" })
        let together = findings(roots + surroundings, rule: rule).filter { key in
            objects.contains(key.object) || objects.contains(key.object.replacingOccurrences(of: "//", with: "/default/"))
        }
        let aloneNormalised = Set(alone.map { Key(object: $0.object.replacingOccurrences(of: "//", with: "/default/"), container: $0.container,
                                                  field: $0.field, message: $0.message) })
        let togetherNormalised = Set(together.map { Key(object: $0.object.replacingOccurrences(of: "//", with: "/default/"), container: $0.container,
                                                        field: $0.field, message: $0.message) })
        guard aloneNormalised != togetherNormalised else { return nil }
        return "with other objects \(togetherNormalised.subtracting(aloneNormalised)), alone \(aloneNormalised.subtracting(togetherNormalised))"
    }

    /// Every rule the webhook runs decides each object of its examples alone exactly as it does
    /// amid the objects a cluster holds: a rule that reads other objects must be listed in
    /// `AdmissionScope` (and is then left to `bulwark scan`).
    @Test func rulesJudgedAtAdmissionNeedNoOtherObject() {
        var checked = 0
        for rule in AdmissionScope.admissionRules(level: .restricted) {
            for example in rule.descriptor.failing + rule.descriptor.passing {
                checked += 1
                if let difference = difference(rule.id, example) {
                    Issue.record("\(rule.id) (\(example.sourceFile):\(example.sourceLine)) \(difference); list it in AdmissionScope")
                }
            }
        }
        #expect(checked > 100)
    }

    /// The probe above can fail: every rule listed as needing other objects decides some example
    /// differently amid them.
    @Test func theProbeSeesRulesThatReadOtherObjects() {
        for id in AdmissionScope.needsOtherObjects.keys.sorted() {
            let rule = try? #require(KubernetesRules.all.first { $0.id == id })
            let examples = (rule?.descriptor.failing ?? []) + (rule?.descriptor.passing ?? [])
            #expect(examples.contains { difference(id, $0) != nil }, "\(id): no example decides differently amid other objects")
        }
    }

    @Test func inventoryRulesAndListedRulesAreSkippedWithAReason() {
        let skipped = Dictionary(uniqueKeysWithValues: AdmissionScope.skippedRules.map { ($0.rule, $0.reason) })
        for rule in KubernetesRules.all {
            if case .inventory = rule.check { #expect(skipped[rule.id] != nil, "\(rule.id)") }
        }
        for id in AdmissionScope.needsOtherObjects.keys {
            #expect(KubernetesRules.all.contains { $0.id == id }, "\(id) is no rule")
            #expect(skipped[id] != nil)
        }
        let judged = AdmissionScope.admissionRules(level: .restricted).count
        #expect(judged + skipped.count == KubernetesRules.all.count)
        #expect(AdmissionScope.admissionRules(level: .baseline).count < judged)
        #expect(AdmissionScope.admissionRules(level: .baseline).contains { $0.id == "pss/privileged" })
        #expect(!AdmissionScope.admissionRules(level: .baseline).contains { $0.id == "pss/run-as-non-root" })
    }
}
