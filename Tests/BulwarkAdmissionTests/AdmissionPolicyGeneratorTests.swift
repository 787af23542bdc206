@testable import BulwarkAdmission
import BulwarkCore
import BulwarkKubernetes
import Foundation
import Testing
import Yams

/// `AdmissionPolicyGenerator`: which rules become CEL, the cost bound, the bindings, the YAML.
@Suite struct AdmissionPolicyGeneratorTests {
    @Test func everyKubernetesRuleIsEitherEmittedOrWebhookOnly() {
        let generated = AdmissionPolicyGenerator.generate(AdmissionPolicyOptions())
        let all = KubernetesRules.descriptors.map(\.id)
        let emitted = Set(generated.emitted)
        let webhookOnly = Set(generated.webhookOnly.map(\.rule))
        #expect(emitted.isDisjoint(with: webhookOnly))
        #expect(emitted.union(webhookOnly) == Set(all))
        #expect(generated.emitted.count + generated.webhookOnly.count == all.count)
        for entry in generated.webhookOnly {
            #expect(!entry.reason.isEmpty && !entry.reason.contains("\n"), "\(entry.rule)")
        }
        // Every translation names a real rule.
        for translation in CELRuleTranslations.all {
            #expect(all.contains(translation.rule), "\(translation.rule)")
        }
        print("in-tree policies: \(generated.emitted.count) rules emitted as CEL, \(generated.webhookOnly.count) webhook-only")
    }

    @Test func everyEmittedExpressionStaysUnderTheCostLimit() {
        let generated = AdmissionPolicyGenerator.generate(AdmissionPolicyOptions())
        for translation in CELRuleTranslations.all {
            let cost = CELCost.estimate(translation.expression)
            let message = CELCost.estimate(translation.messageExpression)
            print("cost \(translation.rule): \(cost) (message \(message))\(generated.emitted.contains(translation.rule) ? "" : " not emitted")")
            guard generated.emitted.contains(translation.rule) else { continue }
            #expect(cost <= CELCost.staticEstimatedCostLimit, "\(translation.rule): \(cost)")
            #expect(message <= CELCost.staticEstimatedCostLimit, "\(translation.rule) message: \(message)")
        }
        for variable in CELPolicyVariables.all {
            #expect(CELCost.estimate(variable.expression) <= CELCost.staticEstimatedCostLimit, "\(variable.name)")
        }
        // A rule over the limit is not emitted, and says why.
        for translation in CELRuleTranslations.all where !generated.emitted.contains(translation.rule) {
            let reason = generated.webhookOnly.first { $0.rule == translation.rule }?.reason ?? ""
            #expect(reason.contains("estimated CEL cost"), "\(translation.rule): \(reason)")
        }
    }

    @Test func costGrowsWithNestingAndStringScans() {
        let containers = CELPolicyVariables.containers
        let flat = containers.exists("c") { $0.field(["securityContext", "privileged"], equals: .bool(true)) }
        #expect(CELCost.estimate(flat) > CELCost.capacity(containers))
        let scan = containers.exists("c") { .call($0["image"], .matches, .string("^[a-z]+$")) }
        #expect(CELCost.estimate(scan) > CELCost.staticEstimatedCostLimit)
    }

    @Test func bindingsAreFewAndIndependentOfTheRules() throws {
        func bindings(_ rules: [String]?) throws -> Int {
            let yaml = AdmissionPolicyGenerator.generate(AdmissionPolicyOptions(rules: rules)).yaml
            return try documents(yaml).filter { $0["kind"] as? String == "ValidatingAdmissionPolicyBinding" }.count
        }
        let all = try bindings(nil)
        #expect(all == AdmissionMode.allCases.count + 1)
        #expect(try bindings(["pss/privileged"]) == all)
        #expect(try bindings(["pss/privileged", "pss/host-ports", "k8s/share-process-namespace"]) == all)
    }

    @Test func bindingsCarryTheModeAndExcludeTheControlPlane() throws {
        let yaml = AdmissionPolicyGenerator.generate(AdmissionPolicyOptions(mode: .warn)).yaml
        let bindings = try documents(yaml).filter { $0["kind"] as? String == "ValidatingAdmissionPolicyBinding" }
        var actions: [String: [String]] = [:]
        for binding in bindings {
            let metadata = binding["metadata"] as? [String: Any]
            let spec = binding["spec"] as? [String: Any]
            actions[metadata?["name"] as? String ?? ""] = spec?["validationActions"] as? [String]
            let selector = (spec?["matchResources"] as? [String: Any])?["namespaceSelector"] as? [String: Any]
            let expressions = selector?["matchExpressions"] as? [[String: Any]] ?? []
            #expect(expressions.contains { ($0["values"] as? [String]) == ["kube-system", "bulwark-system"] && $0["operator"] as? String == "NotIn" })
        }
        #expect(actions == ["bulwark-rules-enforce": ["Deny"], "bulwark-rules-warn": ["Warn"], "bulwark-rules-audit": ["Audit"],
                            "bulwark-rules-default": ["Warn"]])
    }

    @Test func outputParsesWithTheRightKinds() throws {
        let yaml = AdmissionPolicyGenerator.generate(AdmissionPolicyOptions()).yaml
        let parsed = try documents(yaml)
        let kinds = parsed.map { "\($0["apiVersion"] as? String ?? "") \($0["kind"] as? String ?? "")" }
        #expect(kinds.first == "admissionregistration.k8s.io/v1 ValidatingAdmissionPolicy")
        #expect(kinds.filter { $0 == "admissionregistration.k8s.io/v1 ValidatingAdmissionPolicyBinding" }.count == 4)
        #expect(kinds.contains("admissionregistration.k8s.io/v1beta1 MutatingAdmissionPolicy"))
        #expect(kinds.contains("admissionregistration.k8s.io/v1beta1 MutatingAdmissionPolicyBinding"))
        let spec = parsed.first?["spec"] as? [String: Any]
        let validations = spec?["validations"] as? [[String: Any]] ?? []
        let generated = AdmissionPolicyGenerator.generate(AdmissionPolicyOptions())
        #expect(validations.count == generated.emitted.count)
        for validation in validations {
            #expect(validation["expression"] is String)
            #expect((validation["messageExpression"] as? String)?.isEmpty == false)
            #expect(validation["reason"] as? String == "Forbidden")
        }
        let rules = (spec?["matchConstraints"] as? [String: Any])?["resourceRules"] as? [[String: Any]] ?? []
        let resources = Set(rules.flatMap { $0["resources"] as? [String] ?? [] })
        #expect(resources.isSuperset(of: ["pods", "deployments", "cronjobs", "jobs", "statefulsets", "daemonsets", "replicasets"]))
        for rule in rules { #expect(rule["operations"] as? [String] == ["CREATE", "UPDATE"]) }
        // The text of an expression survives the YAML round trip.
        let first = CELRuleTranslations.all.first { generated.emitted.contains($0.rule) }
        #expect(validations.first?["expression"] as? String == first?.expression.rendered)
    }

    @Test func withoutMutatingThereIsNoMutatingPolicy() throws {
        let yaml = AdmissionPolicyGenerator.generate(AdmissionPolicyOptions(includeMutating: false)).yaml
        #expect(try documents(yaml).allSatisfy { ($0["kind"] as? String)?.hasPrefix("Mutating") == false })
    }

    @Test func unknownRulesAreNamed() {
        #expect(AdmissionPolicyGenerator.unknownRules(["pss/privileged", "nope/nothing"]) == ["nope/nothing"])
        #expect(AdmissionPolicyGenerator.generate(AdmissionPolicyOptions(rules: ["pss/privileged"])).emitted == ["pss/privileged"])
    }

    @Test func generatedYAMLMatchesTheGoldenFile() throws {
        let yaml = AdmissionPolicyGenerator.generate(AdmissionPolicyOptions()).yaml
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Golden/admission-policies.yaml")
        if ProcessInfo.processInfo.environment["BULWARK_UPDATE_GOLDEN"] == "1" {
            try Data(yaml.utf8).write(to: url)
            Issue.record("regenerated \(url.path); run the tests again without BULWARK_UPDATE_GOLDEN")
            return
        }
        let golden = try String(contentsOf: url, encoding: .utf8)
        #expect(yaml == golden, "the generated policies changed (regenerate with BULWARK_UPDATE_GOLDEN=1 if intended)")
    }

    @Test func renderingParenthesisesAndQuotes() {
        let expression = CELExpr.not(.or([.bool(true), .and([.ident("a"), .string("it's")])]))
        #expect(expression.rendered == "!(true || (a && 'it\\'s'))")
        #expect(CELExpr.ident("x").hasPath(["a", "b"]).rendered == "has(x.a) && has(x.a.b)")
    }

    private func documents(_ yaml: String) throws -> [[String: Any]] {
        try Yams.load_all(yaml: yaml).compactMap { $0 as? [String: Any] }
    }
}
