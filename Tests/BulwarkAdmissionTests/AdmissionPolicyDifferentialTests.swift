@testable import BulwarkAdmission
import BulwarkCore
import BulwarkEngine
import BulwarkKubernetes
import BulwarkTestSupport
import Foundation
import Testing

/// The acceptance test of the in-tree policies: every emitted rule gives the Swift engine's
/// verdict on every example of every Kubernetes rule and on a generated corpus, with the generated
/// CEL evaluated by cel-python (PyPI, pinned in `scripts/cel-differential/requirements.txt`,
/// installed into `.build/cel-venv`) in one process for the whole batch.
@Suite struct AdmissionPolicyDifferentialTests {
    /// One object judged by both sides.
    struct Subject {
        let id: String
        let yaml: String
        let json: JSONValue
        let kind: String
    }

    @Test func everyEmittedRuleGivesTheSwiftVerdict() throws {
        guard let python = CELPython.interpreter() else { return }
        let generated = AdmissionPolicyGenerator.generate(AdmissionPolicyOptions(includeMutating: false))
        let emitted = CELRuleTranslations.all.filter { generated.emitted.contains($0.rule) }
        #expect(emitted.count == generated.emitted.count)

        var corpus = AdmissionPolicyCorpus(seed: 0x5EED_CE1)
        var texts: [(String, String)] = corpus.objects(400).enumerated().map { ("corpus-\($0.offset)", $0.element) }
        for descriptor in KubernetesRules.descriptors {
            for (kind, examples) in [("failing", descriptor.failing), ("passing", descriptor.passing)] {
                for (index, example) in examples.enumerated() {
                    texts.append(("\(descriptor.id) \(kind) example \(index + 1)", example.stripped.text))
                }
            }
        }
        let coveredKinds = Set(CELPolicyVariables.kinds.map { ($0.group.isEmpty ? "" : $0.group + "/") + $0.version + " " + $0.kind })
        var subjects: [Subject] = []
        var skipped = 0
        for (name, text) in texts {
            let documents = DocumentText.split(text)
            for (index, (root, piece)) in documents.enumerated() {
                let key = (root["apiVersion"]?.string ?? "") + " " + (root["kind"]?.string ?? "")
                guard coveredKinds.contains(key) else {
                    skipped += 1
                    continue
                }
                let id = documents.count == 1 ? name : "\(name) document \(index + 1)"
                subjects.append(Subject(id: id, yaml: piece, json: root.jsonValue, kind: root["kind"]?.string ?? ""))
            }
        }

        let swift = swiftVerdicts(subjects, rules: Set(generated.emitted))
        let cel = try celVerdicts(subjects, translations: emitted, python: python)
        var mismatches: [String] = []
        var denials = 0
        for subject in subjects {
            for translation in emitted {
                let swiftDenies = swift[subject.id]?.contains(translation.rule) ?? false
                guard let answer = cel[subject.id + "\u{0}" + translation.rule] else {
                    mismatches.append("\(translation.rule) on \(subject.id): no answer from cel-python")
                    continue
                }
                if let error = answer.error {
                    mismatches.append("\(translation.rule) on \(subject.id): CEL error \(error)\n\(subject.yaml)")
                    continue
                }
                let celDenies = answer.allowed == false
                if celDenies { denials += 1 }
                if celDenies != swiftDenies {
                    mismatches.append("\(translation.rule) on \(subject.id): Swift \(swiftDenies ? "denies" : "allows"), CEL \(celDenies ? "denies" : "allows")\n\(subject.yaml)")
                } else if celDenies, !(answer.message ?? "").hasPrefix(translation.rule + ": ") {
                    mismatches.append("\(translation.rule) on \(subject.id): message \(answer.message ?? "none") does not name the rule")
                }
            }
        }
        print("differential CEL test: \(emitted.count) rules × \(subjects.count) objects (\(skipped) documents of other kinds left to the webhook), \(denials) denials, \(mismatches.count) mismatches")
        #expect(mismatches.isEmpty, "\(mismatches.prefix(20).joined(separator: "\n\n"))")
        #expect(subjects.count >= 400)
        #expect(denials > 0)
    }

    /// Rule ids with a finding, per subject: the Swift engine on each subject as its own input.
    func swiftVerdicts(_ subjects: [Subject], rules: Set<String>) -> [String: Set<String>] {
        var request = ScanRequest(sources: subjects.enumerated().map { index, subject in
            SourceInput(name: "subject-\(index).yaml", bytes: Array(subject.yaml.utf8))
        })
        request.domains = ["kubernetes"]
        request.ruleFilter = { rules.contains($0.id) }
        let report = Engine.standard.scan(request).report
        var verdicts: [String: Set<String>] = [:]
        for finding in report.findings {
            guard finding.location.file.hasPrefix("subject-"), let index = Int(finding.location.file.dropFirst("subject-".count).dropLast(".yaml".count)) else { continue }
            verdicts[subjects[index].id, default: []].insert(finding.ruleId)
        }
        return verdicts
    }

    struct Answer: Decodable {
        let id: String
        let rule: String
        let allowed: Bool?
        let message: String?
        let error: String?
    }

    struct Answers: Decodable {
        let cel: String
        let results: [Answer]
    }

    /// cel-python's answers, keyed by subject id and rule.
    func celVerdicts(_ subjects: [Subject], translations: [CELRuleTranslation], python: String) throws -> [String: Answer] {
        let variables: [JSONValue] = CELPolicyVariables.all.map {
            .object([("name", .string($0.name)), ("expression", .string($0.expression.rendered))])
        }
        let validations: [JSONValue] = translations.map {
            .object([("rule", .string($0.rule)), ("expression", .string($0.expression.rendered)),
                     ("messageExpression", .string($0.messageExpression.rendered))])
        }
        let objects: [JSONValue] = subjects.map { .object([("id", .string($0.id)), ("object", $0.json)]) }
        let request = JSONValue.object([("variables", .array(variables)), ("validations", .array(validations)), ("objects", .array(objects))])
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("bulwark-cel-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let requestPath = directory.appendingPathComponent("request.json").path
        let answerPath = directory.appendingPathComponent("answer.json").path
        try Data(JSONText.render(request).utf8).write(to: URL(fileURLWithPath: requestPath))
        let script = CommandRunner.packageRoot.appendingPathComponent("scripts/cel-differential/evaluate.py").path
        let result = try CommandRunner.runTool(python, [script, requestPath, answerPath])
        try #require(result.status == 0, "evaluate.py failed: \(result.stderr)")
        let answers = try JSONDecoder().decode(Answers.self, from: Data(contentsOf: URL(fileURLWithPath: answerPath)))
        print("evaluated with \(answers.cel)")
        return Dictionary(answers.results.map { ($0.id + "\u{0}" + $0.rule, $0) }, uniquingKeysWith: { first, _ in first })
    }
}

/// The documents of an example, each with its own text: several documents become several inputs,
/// so that each is judged on its own as the API server sees one object.
enum DocumentText {
    static func split(_ text: String) -> [(YAMLNode, String)] {
        var pieces: [String] = []
        var current = ""
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("---") {
                pieces.append(current)
                current = ""
            } else {
                current += line + "\n"
            }
        }
        pieces.append(current)
        return pieces.compactMap { piece in
            guard let root = YAMLReader.read(piece).documents.first?.root, root.isMapping else { return nil }
            return (root, piece)
        }
    }
}

/// JSON text of a `JSONValue`: whole numbers as integers (as the API server sends them).
enum JSONText {
    static func render(_ value: JSONValue) -> String {
        switch value {
        case .null: return "null"
        case .bool(let bool): return bool ? "true" : "false"
        case .number(let number):
            if number.rounded() == number, abs(number) < 9_007_199_254_740_992 { return String(Int64(number)) }
            return String(number)
        case .string(let text): return QuotedString.quoted(text)
        case .array(let items): return "[" + items.map(render).joined(separator: ",") + "]"
        case .object(let pairs): return "{" + pairs.map { QuotedString.quoted($0.0) + ":" + render($0.1) }.joined(separator: ",") + "}"
        }
    }
}

/// The cel-python interpreter of `.build/cel-venv`, installed on first use; nil (after saying why,
/// and `SKIPPED-IN-CI` under CI) when it cannot be installed.
enum CELPython {
    static func interpreter() -> String? {
        let root = CommandRunner.packageRoot
        let venv = root.appendingPathComponent(".build/cel-venv")
        let python = venv.appendingPathComponent("bin/python").path
        let requirements = root.appendingPathComponent("scripts/cel-differential/requirements.txt").path
        do {
            if !FileManager.default.isExecutableFile(atPath: python) {
                let created = try CommandRunner.runTool("/usr/bin/env", ["python3", "-m", "venv", venv.path])
                guard created.status == 0 else { return skip("python3 -m venv failed: \(created.stderr)") }
            }
            let check = try CommandRunner.runTool(python, ["-c", "import celpy"])
            if check.status != 0 {
                let installed = try CommandRunner.runTool(python, ["-m", "pip", "install", "-q", "-r", requirements])
                guard installed.status == 0 else { return skip("pip could not install cel-python: \(installed.stderr)") }
            }
            return python
        } catch {
            return skip("cannot run python3: \(error)")
        }
    }

    private static func skip(_ reason: String) -> String? {
        if ProcessInfo.processInfo.environment["CI"] != nil {
            print("SKIPPED-IN-CI: the differential CEL test could not run: \(reason)")
        } else {
            print("skipped: the differential CEL test needs cel-python from PyPI: \(reason)")
        }
        return nil
    }
}
