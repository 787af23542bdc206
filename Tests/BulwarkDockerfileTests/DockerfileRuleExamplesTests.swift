import BulwarkCore
import BulwarkDockerfile
import BulwarkTestSupport
import Testing

/// One example of one Dockerfile rule: the unit every rule's own examples are tested in.
struct DockerfileExampleCase: Sendable, CustomTestStringConvertible {
    let rule: DockerfileRule
    let example: RuleExample
    let failing: Bool

    var testDescription: String {
        "\(rule.id) \(failing ? "failing" : "passing") example at line \(example.sourceLine)"
    }

    static let all: [DockerfileExampleCase] = DockerfileRules.all.flatMap { rule in
        rule.descriptor.failing.map { DockerfileExampleCase(rule: rule, example: $0, failing: true) }
            + rule.descriptor.passing.map { DockerfileExampleCase(rule: rule, example: $0, failing: false) }
    }
}

@Suite struct DockerfileRuleExamplesTests {
    @Test("every example of every Dockerfile rule, in every variant", arguments: DockerfileExampleCase.all)
    func example(_ testCase: DockerfileExampleCase) {
        for variant in DockerfileRuleExampleVerifier.variants {
            let problems = DockerfileRuleExampleVerifier.verify(testCase.rule, example: testCase.example, failing: testCase.failing, variant: variant)
            for problem in problems {
                Issue.record(
                    Comment(rawValue: problem),
                    sourceLocation: Testing.SourceLocation(fileID: "BulwarkDockerfile/\(testCase.example.sourceFile)",
                                                   filePath: testCase.example.sourceFile, line: testCase.example.sourceLine, column: 1)
                )
            }
        }
    }

    @Test func catalogIsSound() {
        #expect(RuleCatalog(DockerfileRules.descriptors).problems() == [])
    }

    @Test func everyRuleIsADockerfileRuleWithExamplesNamedDockerfile() {
        #expect(DockerfileRules.all.count >= 35)
        for rule in DockerfileRules.all {
            #expect(rule.id.hasPrefix("dockerfile/"), "\(rule.id)")
            #expect(rule.descriptor.controls.contains { $0.framework == "nist-800-190" }, "\(rule.id) maps to no NIST SP 800-190 control")
            for example in rule.descriptor.failing + rule.descriptor.passing {
                #expect(example.fileName == "Dockerfile", "\(rule.id) example at line \(example.sourceLine)")
            }
            for tag in rule.descriptor.tags where tag.contains(":") {
                #expect(["hadolint", "trivy", "checkov"].contains(String(tag.prefix { $0 != ":" })), "\(rule.id) tag \(tag)")
            }
        }
    }

    @Test func failingExamplesMarkTheirFindings() {
        for rule in DockerfileRules.all {
            for example in rule.descriptor.failing {
                #expect(!example.stripped.markers.isEmpty, "\(rule.id) failing example at line \(example.sourceLine) has no ↓ marker")
            }
        }
    }
}
