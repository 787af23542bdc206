import BulwarkCore
import BulwarkKubernetes
import BulwarkTestSupport
import Testing

/// The RBAC rules' own examples, in every variant, until `RBACRules.all` is registered in
/// `KubernetesRules.all` (whose `RuleExamplesTests` then covers them too).
@Suite struct RBACRuleExamplesTests {
    static let cases: [ExampleCase] = RBACRules.all.flatMap { rule in
        rule.descriptor.failing.map { ExampleCase(rule: rule, example: $0, failing: true) }
            + rule.descriptor.passing.map { ExampleCase(rule: rule, example: $0, failing: false) }
    }

    @Test("every example of every RBAC rule, in every variant", arguments: cases)
    func example(_ testCase: ExampleCase) {
        for variant in RuleExampleVerifier.variants {
            let problems = RuleExampleVerifier.verify(testCase.rule, example: testCase.example, failing: testCase.failing, variant: variant)
            for problem in problems {
                Issue.record(
                    Comment(rawValue: problem),
                    sourceLocation: Testing.SourceLocation(fileID: "BulwarkKubernetes/\(testCase.example.sourceFile)",
                                                           filePath: testCase.example.sourceFile, line: testCase.example.sourceLine, column: 1)
                )
            }
        }
    }

    @Test func catalogIsSound() {
        #expect(RuleCatalog(RBACRules.all.map(\.descriptor)).problems() == [])
        #expect(RBACRules.all.count >= 10)
        #expect(Set(RBACRules.all.map(\.id)) == Set(RBACAssessment.ruleIds))
    }

    @Test func idsDoNotCollideWithTheOtherRules() {
        let registry = KubernetesRules.all.map(\.id)
        let registered = RBACRules.all.allSatisfy { rule in registry.contains(rule.id) }
        let ids = registry + (registered ? [] : RBACRules.all.map(\.id))
        #expect(ids.count == Set(ids).count, "duplicate ids: \(Dictionary(grouping: ids) { $0 }.filter { $0.value.count > 1 }.keys.sorted())")
        #expect(!RBACRules.all.contains { $0.id == "rbac/workload-cluster-admin" })
    }
}
