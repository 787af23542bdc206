import BulwarkCore
import BulwarkEngine
import BulwarkTestSupport
import Foundation
import Testing

/// A temporary directory of the test's own, removed at the end.
final class Scratch {
    let url: URL
    var path: String { url.path }

    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("bulwark-engine-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(at: url) }

    @discardableResult
    func write(_ name: String, _ text: String) throws -> String {
        let file = url.appendingPathComponent(name)
        try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(text.utf8).write(to: file)
        return file.path
    }
}

@Suite struct EngineTests {
    static let pod = """
    apiVersion: v1
    kind: Pod
    metadata: {name: server, namespace: ml}
    spec:
      hostNetwork: true
      containers:
        - name: server
          image: registry.example.com/ml/server:latest
          securityContext: {privileged: true}
    """

    /// The acceptance test of the engine: one decoded object handed over in memory (as the
    /// admission webhook will) gives the same findings as the same object in a file, apart from
    /// the file name findings carry.
    @Test func anObjectInMemoryScansLikeTheSameObjectInAFile() throws {
        let scratch = try Scratch()
        let file = try scratch.write("pod.yaml", Self.pod)
        let fromFile = Engine.standard.scan(ScanRequest(paths: [file])).report
        let root = try #require(YAMLReader.read(Self.pod).documents.first?.root)
        let fromMemory = Engine.standard.scan(ScanRequest(documents: [MemoryDocument(name: "admission:Pod/ml/server", root: root)])).report
        #expect(fromFile.errors.isEmpty && fromMemory.errors.isEmpty)
        #expect(fromFile.findings.count >= 5)
        func normalised(_ findings: [Finding]) -> [Finding] {
            findings.map { finding in
                var finding = finding
                finding.location.file = "-"
                return finding
            }
        }
        #expect(normalised(fromMemory.findings) == normalised(fromFile.findings))
        #expect(fromMemory.findings.allSatisfy { $0.location.file == "admission:Pod/ml/server" })
        #expect(fromMemory.summary.objects == 1 && fromFile.summary.objects == 1)
    }

    /// Bytes handed over in memory are claimed by content, like a file named on the command line.
    @Test func bytesInMemoryAreClaimedByContent() {
        let request = ScanRequest(sources: [
            SourceInput(name: "memory:pod", bytes: Array(Self.pod.utf8)),
            SourceInput(name: "memory:build", bytes: Array("FROM python:3.9\nRUN pip install flask\n".utf8)),
        ])
        let report = Engine.standard.scan(request).report
        #expect(report.summary.filesByDomain == ["kubernetes": 1, "dockerfile": 1])
        #expect(report.findings.contains { $0.location.file == "memory:build" && $0.ruleId.hasPrefix("dockerfile/") })
        #expect(report.findings.contains { $0.location.file == "memory:pod" && $0.ruleId.hasPrefix("pss/") })
    }

    /// Files are routed by content, never by extension alone: a Dockerfile named `build.txt` on
    /// the command line is a Dockerfile; YAML in a directory that is not a manifest is counted.
    @Test func filesAreClaimedByContentAndName() throws {
        let scratch = try Scratch()
        let named = try scratch.write("build.txt", "# syntax=docker/dockerfile:1\nFROM python:3.12-slim\nUSER 10001\n")
        try scratch.write("deploy/pod.yaml", Self.pod)
        try scratch.write("deploy/values.yaml", "replicas: 3\nimage: {tag: latest}\n")
        try scratch.write("deploy/README.md", "apiVersion: v1\n")
        try scratch.write("deploy/Containerfile", "FROM alpine:3.22\n")
        let report = Engine.standard.scan(ScanRequest(paths: [named, scratch.path + "/deploy"])).report
        #expect(report.errors.isEmpty, "\(report.errors)")
        #expect(report.summary.filesByDomain == ["kubernetes": 2, "dockerfile": 2])
        #expect(report.summary.skippedDocuments == 1)
        #expect(report.summary.unrecognizedFiles == 1)
        #expect(report.findings.contains { $0.location.file == named })
    }

    /// An excluded file is counted; a file named on the command line is read even when excluded.
    @Test func excludedFilesAreCountedNotRead() throws {
        let scratch = try Scratch()
        try scratch.write("vendor/pod.yaml", Self.pod)
        let mine = try scratch.write("pod.yaml", Self.pod)
        let configuration = try Configuration.parse("exclude:\n  paths: [\"**/vendor/**\"]\n")
        let report = Engine.standard.scan(ScanRequest(paths: [scratch.path], configuration: configuration)).report
        #expect(report.summary.excludedFiles == 1)
        #expect(report.summary.files == 1)
        #expect(Set(report.findings.map(\.location.file)) == [mine])
    }

    /// Configuration warnings reach the report.
    @Test func unknownRuleIdsInTheConfigurationAreWarnings() throws {
        let configuration = try Configuration.parse("rules:\n  disable: [k8s/latest-tags]\n", file: "cfg.yaml")
        let report = Engine.standard.scan(ScanRequest(sources: [SourceInput(name: "p", bytes: Array(Self.pod.utf8))], configuration: configuration)).report
        #expect(report.warnings.map(\.file) == ["cfg.yaml"])
        #expect(report.warnings.first?.message.contains("did you mean k8s/latest-tag?") == true)
    }
}
