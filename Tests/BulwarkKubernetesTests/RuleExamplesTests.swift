import BulwarkCore
import BulwarkKubernetes
import BulwarkTestSupport
import Testing

/// One example of one rule: the unit every rule's own examples are tested in.
struct ExampleCase: Sendable, CustomTestStringConvertible {
    let rule: KubernetesRule
    let example: RuleExample
    let failing: Bool

    var testDescription: String {
        "\(rule.id) \(failing ? "failing" : "passing") example at line \(example.sourceLine)"
    }

    static let all: [ExampleCase] = KubernetesRules.all.flatMap { rule in
        rule.descriptor.failing.map { ExampleCase(rule: rule, example: $0, failing: true) }
            + rule.descriptor.passing.map { ExampleCase(rule: rule, example: $0, failing: false) }
    }
}

@Suite struct RuleExamplesTests {
    @Test("every example of every Kubernetes rule, in every variant", arguments: ExampleCase.all)
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
        let catalog = RuleCatalog(KubernetesRules.descriptors)
        #expect(catalog.problems() == [])
    }
}
