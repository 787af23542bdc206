import BulwarkCore
import BulwarkKubernetes
import Testing

/// The fixer over every example of every Kubernetes rule: hundreds of small, odd manifests
/// (flow and block style, anchors, every workload kind, ML CRDs) written by other people.
@Suite struct ManifestFixerCorpusTests {
    struct Example: Sendable, CustomTestStringConvertible {
        let rule: String
        let text: String
        let sourceLine: Int
        var testDescription: String { "\(rule) example at line \(sourceLine)" }
    }

    static let examples: [Example] = KubernetesRules.descriptors.flatMap { descriptor in
        (descriptor.failing + descriptor.passing).map { Example(rule: descriptor.id, text: $0.stripped.text, sourceLine: $0.sourceLine) }
    }

    @Test func corpusIsLarge() {
        #expect(Self.examples.count > 100)
    }

    @Test(arguments: examples)
    func fixedExampleParsesIsIdempotentAndPassesUnlessWarned(_ example: Example) throws {
        let result = ManifestFixer().fix(text: example.text, file: "example.yaml")
        let original = KubernetesLoader.parse(text: example.text, file: "example.yaml")
        guard original.errors.isEmpty else {
            #expect(!result.errors.isEmpty || !result.isChanged)
            return
        }
        #expect(result.errors.isEmpty, "\(result.errors)")
        let fixed = KubernetesLoader.parse(text: result.fixed, file: "example.yaml")
        #expect(fixed.errors.isEmpty, "\(fixed.errors)\n\(result.fixed)")
        // Only cluster-admin bindings of workload identities are taken out (commented out).
        let removed = result.changes.filter { $0.message.hasSuffix(")") && $0.message.contains(": commented out (cluster-admin for ") }.count
        #expect(fixed.objects.count == original.objects.count - removed)
        // What the object fixes (and the read-only model mounts) answer is gone, unless a warning says why it was left.
        let answered = KubernetesScanner(rules: KubernetesRules.all.filter {
            ["k8s/service-exposed", "rbac/workload-cluster-admin", "serving/model-volume-writable"].contains($0.id)
        })
        for finding in answered.scan(fixed) where finding.severity >= .high && !finding.suppressed {
            #expect(result.warnings.contains { $0.message.contains(finding.object?.name ?? "?") }, "\(finding.ruleId): \(finding.message)\n\(result.fixed)")
        }
        for comment in ManifestFixerTests.comments(in: example.text) {
            #expect(result.fixed.contains(comment), "lost \(comment)")
        }
        let again = ManifestFixer().fix(text: result.fixed, file: "example.yaml")
        #expect(again.fixed == result.fixed,
                "second run changed:\n\(LineDiff.unified(old: result.fixed, new: again.fixed, oldLabel: "first", newLabel: "second"))")
        // Every pod that still fails the restricted level was reported as a warning.
        for pod in fixed.objects.flatMap(PodSpecExtractor.podSpecs(in:)) {
            let decision = PodSecurityEvaluator.evaluate(pod: pod, level: .restricted, version: .v1(35))
            if !decision.allowed {
                #expect(result.warnings.contains { $0.message.contains("still fails Pod Security Standards restricted") },
                        "\(pod.displayName): \(decision.message)\n\(result.fixed)")
            }
        }
    }
}
