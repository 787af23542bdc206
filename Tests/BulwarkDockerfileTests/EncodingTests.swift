import BulwarkCore
import BulwarkDockerfile
import Foundation
import Testing

/// BuildKit reads Dockerfiles as UTF-8 only: a UTF-16 or UTF-32 Dockerfile is one error that says
/// so (not "binary file"), and a UTF-8 byte-order mark is skipped.
@Suite struct EncodingTests {
    static let text = "FROM python:3.12-slim\nUSER root\nCMD [\"python\", \"app.py\"]\n"

    static func encoded(_ encoding: String) -> [UInt8] {
        switch encoding {
        case "UTF-16LE": [0xFF, 0xFE] + text.utf16.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] }
        case "UTF-16BE": [0xFE, 0xFF] + text.utf16.flatMap { [UInt8($0 >> 8), UInt8($0 & 0xFF)] }
        case "UTF-32LE": [0xFF, 0xFE, 0, 0] + text.unicodeScalars.flatMap { [UInt8($0.value & 0xFF), UInt8($0.value >> 8), 0, 0] }
        default: [0, 0, 0xFE, 0xFF] + text.unicodeScalars.flatMap { [0, 0, UInt8($0.value >> 8), UInt8($0.value & 0xFF)] }
        }
    }

    @Test(arguments: ["UTF-16LE", "UTF-16BE", "UTF-32LE", "UTF-32BE"])
    func wideEncodingsAreOneErrorSayingBuildKitReadsUTF8(_ encoding: String) {
        let dockerfile = DockerfileParser.parse(bytes: Self.encoded(encoding), file: "Dockerfile")
        #expect(dockerfile.errors == [DockerfileError(
            line: 1, column: 1, message: "\(encoding) text: BuildKit reads Dockerfiles as UTF-8 only; save the file as UTF-8")])
        #expect(dockerfile.instructions.isEmpty)
        #expect(DockerfileScanner().scan(dockerfile).isEmpty)
    }

    @Test func aUTF8ByteOrderMarkIsSkipped() {
        let dockerfile = DockerfileParser.parse(bytes: [0xEF, 0xBB, 0xBF] + Array(Self.text.utf8), file: "Dockerfile")
        #expect(dockerfile.errors.isEmpty)
        #expect(dockerfile.instructions.count == 3)
    }

    @Test func scanningFilesReportsTheEncodingAndKeepsTheBinaryMessage() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("bulwark-encoding-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let wide = directory.appendingPathComponent("Dockerfile")
        let binary = directory.appendingPathComponent("binary.Dockerfile")
        let good = directory.appendingPathComponent("good.Dockerfile")
        try Data(Self.encoded("UTF-16LE")).write(to: wide)
        try Data([0x46, 0x52, 0x4F, 0x4D, 0x00, 0x01]).write(to: binary)
        try Data(Self.text.utf8).write(to: good)
        let files = [wide, binary, good].map { SourceInput(file: DiscoveredFile(path: $0.path, explicit: true)) }
        let domain = DockerfileDomain()
        let scan = domain.scan(sources: files, documents: [],
                               context: ScanContext(enabledRules: Set(domain.rules.map(\.descriptor.id)), maxFileSize: ByteLimit(bytes: 1 << 20)))
        #expect(scan.errors.map(\.message).sorted() == [
            "UTF-16LE text: BuildKit reads Dockerfiles as UTF-8 only; save the file as UTF-8",
            "binary file (NUL byte at offset 4); not a Dockerfile",
        ])
        #expect(scan.findings.contains { $0.location.file == good.path && $0.ruleId == "dockerfile/root-user" })
        #expect(!scan.findings.contains { $0.location.file != good.path })
    }
}
