import BulwarkTestSupport
import BulwarkCore
import BulwarkKubernetes
import Foundation
import Testing

/// The issue's acceptance: `bulwark fix manifests` on the insecure example stack.
@Suite struct ManifestFixerExampleTests {
    /// Findings about objects the pod fixer does not touch: the plaintext Secret, the LoadBalancer
    /// Service and the cluster-admin ClusterRoleBinding (`bulwark seal`, a gateway and a namespaced
    /// Role fix those).
    static let outOfScope: Set<String> = ["secret/plaintext-secret", "k8s/service-exposed", "rbac/workload-cluster-admin"]

    static func fixedExample() throws -> [(file: String, result: ManifestFixResult)] {
        let files = TestInputs.manifestFiles([ExampleStack.insecure])
        try #require(files.count >= 5)
        return try files.map { file in
            let text = try String(contentsOfFile: file, encoding: .utf8)
            return (file, ManifestFixer().fix(text: text, file: file))
        }
    }

    static func inventory(_ results: [(file: String, result: ManifestFixResult)]) -> Inventory {
        var inventory = Inventory()
        for (file, result) in results {
            inventory.merge(KubernetesLoader.parse(text: result.fixed, file: file))
        }
        return inventory
    }

    @Test func fixedExampleParsesAndEveryPodPassesRestricted() throws {
        let results = try Self.fixedExample()
        #expect(results.allSatisfy { $0.result.errors.isEmpty })
        #expect(results.contains { $0.result.isChanged })
        let inventory = Self.inventory(results)
        #expect(inventory.errors.isEmpty, "\(inventory.errors)")
        let pods = inventory.objects.flatMap(PodSpecExtractor.podSpecs(in:))
        try #require(!pods.isEmpty)
        for pod in pods {
            let decision = PodSecurityEvaluator.evaluate(pod: pod, level: .restricted, version: .v1(35))
            #expect(decision.allowed, "\(pod.displayName): \(decision.message)")
        }
        // The original does not pass (so the test measures the fixer).
        let original = TestInputs.kubernetes([ExampleStack.insecure])
        #expect(original.objects.flatMap(PodSpecExtractor.podSpecs(in:)).contains {
            !PodSecurityEvaluator.evaluate(pod: $0, level: .restricted, version: .v1(35)).allowed
        })
    }

    @Test func fixedExampleHasNoHighFindingsFromPodRules() throws {
        let inventory = Self.inventory(try Self.fixedExample())
        let findings = KubernetesScanner().scan(inventory).filter { $0.severity >= .high }
        let remaining = Set(findings.map(\.ruleId))
        #expect(remaining.isSubset(of: Self.outOfScope), "\(findings.map { "\($0.ruleId): \($0.message)" })")
        // Before the fix a pod rule was among them.
        let before = KubernetesScanner().scan(TestInputs.kubernetes([ExampleStack.insecure])).filter { $0.severity >= .high }
        #expect(before.contains { $0.ruleId == "pss/run-as-non-root" })
        // The medium hardening findings the fixer targets are gone as well.
        let targeted: Set<String> = [
            "k8s/read-only-root-filesystem", "k8s/no-security-context", "k8s/automount-service-account-token",
            "pss/allow-privilege-escalation", "pss/capabilities-restricted", "pss/seccomp-profile-restricted",
            "k8s/memory-limits", "k8s/cpu-limits", "k8s/memory-requests", "k8s/cpu-requests", "k8s/ephemeral-storage-limits",
            "k8s/run-as-high-uid",
        ]
        let after = KubernetesScanner().scan(inventory).filter { targeted.contains($0.ruleId) }
        #expect(after.isEmpty, "\(after.map { "\($0.ruleId): \($0.message)" })")
    }

    @Test func fixedExampleKeepsEveryCommentAndOnlyTouchesWorkloads() throws {
        for (file, result) in try Self.fixedExample() {
            for comment in ManifestFixerTests.comments(in: result.original) {
                #expect(result.fixed.contains(comment), "\(file) lost \(comment)")
            }
            let isWorkload = KubernetesLoader.parse(text: result.original, file: file).objects.contains {
                !PodSpecExtractor.podSpecs(in: $0).isEmpty
            }
            #expect(result.isChanged == isWorkload, "\(file)")
        }
    }

    @Test func fixingTheFixedExampleChangesNothing() throws {
        for (file, result) in try Self.fixedExample() {
            let again = ManifestFixer().fix(text: result.fixed, file: file)
            #expect(again.fixed == result.fixed, "\(file)")
            #expect(again.changes.isEmpty, "\(again.changes)")
        }
    }

    @Test func hardenedExampleNeedsNoChangeToItsSecurityContext() throws {
        let path = ExampleStack.hardened + "/deployment.yaml"
        let text = try String(contentsOfFile: path, encoding: .utf8)
        let result = ManifestFixer().fix(text: text, file: path)
        #expect(result.changes.isEmpty, "\(result.changes)")
        #expect(!result.isChanged)
    }
}
