import BulwarkCore
import BulwarkEngine
import BulwarkTestSupport
import Testing

/// One example of one rule of any domain: the unit every rule's own examples are tested in.
struct ExampleCase: Sendable, CustomTestStringConvertible {
    let rule: any AnyRule
    let domain: String
    let example: RuleExample
    let failing: Bool

    var testDescription: String {
        "\(rule.descriptor.id) \(failing ? "failing" : "passing") example at line \(example.sourceLine)"
    }

    static let all: [ExampleCase] = Engine.standard.domains.flatMap { domain in
        domain.rules.flatMap { rule in
            rule.descriptor.failing.map { ExampleCase(rule: rule, domain: domain.name, example: $0, failing: true) }
                + rule.descriptor.passing.map { ExampleCase(rule: rule, domain: domain.name, example: $0, failing: false) }
        }
    }
}

@Suite struct RuleExamplesTests {
    @Test("every example of every rule, in every variant", arguments: ExampleCase.all)
    func example(_ testCase: ExampleCase) throws {
        let domain = try #require(Engine.standard.domain(testCase.domain))
        let harness = try #require(ExampleHarnesses.harness(for: testCase.domain))
        for variant in harness.variants {
            let problems = RuleExampleVerifier.verify(testCase.rule, example: testCase.example, failing: testCase.failing,
                                                      variant: variant, domain: domain, harness: harness)
            for problem in problems {
                Issue.record(
                    Comment(rawValue: problem),
                    sourceLocation: Testing.SourceLocation(fileID: "Bulwark/\(testCase.example.sourceFile)", filePath: testCase.example.sourceFile,
                                                           line: testCase.example.sourceLine, column: 1))
            }
        }
    }

    @Test func everyDomainHasAnExampleHarness() {
        for domain in Engine.standard.domains {
            #expect(ExampleHarnesses.harness(for: domain.name) != nil, "\(domain.name) has no ExampleHarness")
        }
    }
}
