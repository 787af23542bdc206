import BulwarkTestSupport
import Foundation
import Testing

/// `bulwark admission policies`: the YAML stream, `--list`, `--rules` and the exit codes.
@Suite struct AdmissionPoliciesCommandTests {
    @Test func printsThePoliciesAndBindings() async throws {
        let result = await CLI.run(["admission", "policies", "--mode", "warn"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("kind: ValidatingAdmissionPolicy\n"))
        #expect(result.stdout.components(separatedBy: "kind: ValidatingAdmissionPolicyBinding\n").count == 5)
        #expect(result.stdout.contains("kind: MutatingAdmissionPolicy\n"))
        #expect(result.stdout.contains("- Warn"))
    }

    @Test func listNamesEmittedAndWebhookOnlyRules() async throws {
        let result = await CLI.run(["admission", "policies", "--list"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("emitted as CEL ("))
        #expect(result.stdout.contains("  pss/privileged\n"))
        #expect(result.stdout.contains("webhook-only ("))
        #expect(result.stdout.contains("k8s/service-exposed"))
        #expect(result.stdout.contains("InferenceService"))
    }

    @Test func rulesSelectAndNoMutatingLeavesOutTheMutatingPolicy() async throws {
        let result = await CLI.run(["admission", "policies", "--rules", "pss/privileged,pss/host-ports", "--no-mutating"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("pss/privileged: container"))
        #expect(!result.stdout.contains("pss/run-as-user"))
        #expect(!result.stdout.contains("MutatingAdmissionPolicy"))
    }

    @Test func anUnknownRuleIsAnInputError() async throws {
        let result = await CLI.run(["admission", "policies", "--rules", "pss/privileged,pss/nonexistent"])
        #expect(result.status == 2)
        #expect(result.stderr.contains("pss/nonexistent"))
    }
}
