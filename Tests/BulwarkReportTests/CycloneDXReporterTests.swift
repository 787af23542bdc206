import BulwarkCore
import BulwarkReport
import Foundation
import Testing

/// The model scan every CycloneDX golden is rendered from: a PyTorch checkpoint with a critical
/// finding in an archive member and a suppressed one, a clean NumPy array with a signature next to
/// it, a pickle with a warning, a Kubernetes finding (not about a model), and an input error.
enum CycloneDXFixture {
    static let identity = BOMIdentity(serialNumber: UUID(uuidString: "3E671687-395B-41F5-A30F-A58921A69B79")!,
                                      timestamp: Date(timeIntervalSince1970: 1_796_630_400))

    static let models: [ScannedModel] = [
        ScannedModel(file: "models/classifier.pt", format: "zip", frameworks: ["torch"], pickles: 1, size: 1_234,
                     sha256: String(repeating: "a1", count: 32), sha512: String(repeating: "b2", count: 64), signature: "unsigned"),
        ScannedModel(file: "models/embeddings.npy", format: "numpy", frameworks: ["numpy"], pickles: 0, size: 128,
                     sha256: String(repeating: "c3", count: 32), sha512: String(repeating: "d4", count: 64),
                     signature: "signature present (not verified)"),
        ScannedModel(file: "models/tokenizer \"v2\".pkl", format: "pickle", frameworks: [], pickles: 1, size: 64,
                     sha256: String(repeating: "e5", count: 32), sha512: String(repeating: "f6", count: 64), signature: "unsigned"),
    ]

    static let findings: [Finding] = [
        Finding(
            ruleId: "model/pickle-dangerous-global", severity: .critical, title: "Pickle imports a dangerous global",
            message: "GLOBAL at archive/data.pkl@42 imports posix.system, called by REDUCE at offset 60; blocked by modelscan",
            remediation: "Do not load the file; rebuild it with safetensors.",
            location: SourceLocation(file: "models/classifier.pt", member: "archive/data.pkl", offset: 1_066),
            controls: ["mitre-atlas:AML.T0011.000", "owasp-ml:ML06"]),
        Finding(
            ruleId: "model/pickle-unlisted-global", severity: .high, title: "Pickle imports a global outside the allowlist",
            message: "GLOBAL at archive/data.pkl@80 imports mylib.Layer",
            remediation: "Allow it with a reason when it is your own class.",
            location: SourceLocation(file: "models/classifier.pt", member: "archive/data.pkl", offset: 1_104),
            controls: ["mitre-atlas:AML.T0011.000"], suppressed: true, suppressionReason: "our class, reviewed in PR 123",
            suppressionKind: .external),
        Finding(
            ruleId: "k8s/run-as-non-root", severity: .high, title: "Container may run as root",
            message: "container \"server\" of Deployment ml/model-server sets no runAsNonRoot",
            remediation: "Set securityContext.runAsNonRoot: true.",
            location: SourceLocation(file: "k8s/deploy.yaml", line: 27, column: 9)),
    ]

    static let report = Report(
        findings: findings, errors: [InputError(file: "models/huge.pt", message: "input is larger than the 32 MiB limit (raise --max-file-size)")],
        warnings: [InputWarning(file: "models/tokenizer \"v2\".pkl", message: "archive/x.pkl: compressed member (method 8) is not analysed")],
        inputs: InputSummary(files: 5), tool: ReportFixture.tool)
}

@Suite struct CycloneDXReporterTests {
    let reporter = CycloneDXReporter(models: CycloneDXFixture.models, identity: CycloneDXFixture.identity)

    @Test func matchesTheGoldenFile() {
        Golden.check(reporter.render(CycloneDXFixture.report), against: "report.cdx.json")
    }

    @Test func anEmptyScanIsAnEmptyBOM() {
        let empty = CycloneDXReporter(models: [], identity: CycloneDXFixture.identity)
        Golden.check(empty.render(ReportFixture.empty), against: "empty.cdx.json")
    }

    @Test func identityIsWhatTheSchemaAsks() {
        #expect(CycloneDXFixture.identity.serialNumber == "urn:uuid:3e671687-395b-41f5-a30f-a58921a69b79")
        #expect(CycloneDXFixture.identity.timestamp == "2026-12-07T08:00:00Z")
        let fresh = BOMIdentity.fresh()
        #expect(fresh.serialNumber.wholeMatch(of: /urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/) != nil)
    }

    @Test func verdictsAndVulnerabilitiesFollowTheFindings() {
        let bom = reporter.bom(CycloneDXFixture.report)
        #expect(bom.components.map(\.type) == Array(repeating: "machine-learning-model", count: 3))
        let checkpoint = bom.components[0]
        #expect(checkpoint.properties.contains(.init("bulwark:verdict", "findings")))
        #expect(checkpoint.properties.contains(.init("bulwark:highestSeverity", "critical")))
        // The suppressed finding is counted, not part of the verdict.
        #expect(checkpoint.properties.filter { $0.name == "bulwark:ruleId" }.map(\.value) == ["model/pickle-dangerous-global"])
        #expect(checkpoint.properties.contains(.init("bulwark:suppressedFindings", "1")))
        #expect(bom.components[1].properties.contains(.init("bulwark:verdict", "clean")))
        #expect(bom.components[1].properties.contains(.init("bulwark:signature", "signature present (not verified)")))
        #expect(bom.components[2].properties.contains(.init("bulwark:warning", "archive/x.pkl: compressed member (method 8) is not analysed")))
        // Two findings about the checkpoint; the Kubernetes one is counted in the metadata.
        #expect(bom.vulnerabilities.map(\.id) == ["model/pickle-dangerous-global", "model/pickle-unlisted-global"])
        #expect(bom.vulnerabilities.allSatisfy { $0.affects == [checkpoint.bomRef ?? ""] })
        #expect(bom.vulnerabilities[1].analysisDetail == "suppressed by configuration: our class, reviewed in PR 123")
        #expect(bom.metadata.properties.contains(.init("bulwark:findingsNotAboutModels", "1")))
        #expect(bom.metadata.properties.contains { $0.name == "bulwark:inputError" && $0.value.hasPrefix("models/huge.pt") })
    }

    @Test func theSameFileTwiceIsOneComponent() {
        let twice = CycloneDXReporter(models: [CycloneDXFixture.models[0], CycloneDXFixture.models[0]], identity: CycloneDXFixture.identity)
        #expect(twice.bom(CycloneDXFixture.report).components.count == 1)
    }

    @Test func isValidJSON() throws {
        let object = try JSONSerialization.jsonObject(with: Data(reporter.render(CycloneDXFixture.report))) as? [String: Any]
        #expect(object?["specVersion"] as? String == "1.6")
        #expect(object?["bomFormat"] as? String == "CycloneDX")
    }
}
