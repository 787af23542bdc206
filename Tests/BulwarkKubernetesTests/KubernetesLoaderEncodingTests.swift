import BulwarkCore
import BulwarkKubernetes
import Foundation
import Testing

/// Manifests saved as UTF-16 with a byte-order mark (as Windows editors and PowerShell's
/// `Out-File` write them) are read as kubectl reads them: the same objects, findings, lines
/// and columns as the UTF-8 file.
@Suite struct KubernetesLoaderEncodingTests {
    static let deployment = """
    # model server ☃
    apiVersion: apps/v1
    kind: Deployment
    metadata:
      name: "modèle-🚀"
      namespace: ml
    spec:
      template:
        spec:
          hostNetwork: true
          containers:
            - name: server
              image: registry.example.com/server:latest
              securityContext:
                privileged: true
    ---
    apiVersion: v1
    kind: Service
    metadata: {name: svc, namespace: ml}
    spec: {type: LoadBalancer, ports: [{port: 80}]}

    """

    static func utf16(_ text: String, bigEndian: Bool, byteOrderMark: Bool = true) -> [UInt8] {
        var bytes: [UInt8] = byteOrderMark ? (bigEndian ? [0xFE, 0xFF] : [0xFF, 0xFE]) : []
        for unit in text.utf16 { bytes += bigEndian ? [UInt8(unit >> 8), UInt8(unit & 0xFF)] : [UInt8(unit & 0xFF), UInt8(unit >> 8)] }
        return bytes
    }

    static func summary(_ findings: [Finding]) -> [String] {
        findings.map { "\($0.ruleId) \($0.location.line):\($0.location.column) \($0.message)" }.sorted()
    }

    @Test(arguments: ["UTF-16LE", "UTF-16BE", "UTF-8 with BOM", "UTF-16LE with CRLF"])
    func utf16ManifestsScanLikeUTF8(_ encoding: String) throws {
        let text = encoding.hasSuffix("CRLF") ? Self.deployment.replacingOccurrences(of: "\n", with: "\r\n") : Self.deployment
        let bytes: [UInt8] = switch encoding {
        case "UTF-16BE": Self.utf16(text, bigEndian: true)
        case "UTF-8 with BOM": [0xEF, 0xBB, 0xBF] + Array(text.utf8)
        default: Self.utf16(text, bigEndian: false)
        }
        let expected = KubernetesLoader.parse(text: text, file: "deploy.yaml")
        let inventory = KubernetesLoader.parse(bytes: bytes, file: "deploy.yaml")
        #expect(inventory.errors.isEmpty, "\(inventory.errors)")
        #expect(inventory.objects.map(\.name) == ["modèle-🚀", "svc"])
        #expect(inventory.objects.map(\.position) == expected.objects.map(\.position))
        let findings = Self.summary(KubernetesScanner().scan(inventory))
        #expect(!findings.isEmpty)
        #expect(findings == Self.summary(KubernetesScanner().scan(expected)))
    }

    @Test func utf32IsRefusedWithAClearMessage() throws {
        var bytes: [UInt8] = [0xFF, 0xFE, 0, 0]
        for scalar in "kind: Pod\n".unicodeScalars {
            let value = scalar.value
            bytes += [UInt8(value & 0xFF), UInt8(value >> 8 & 0xFF), UInt8(value >> 16), 0]
        }
        let inventory = KubernetesLoader.parse(bytes: bytes, file: "pod.yaml")
        let error = try #require(inventory.errors.first)
        #expect(error.message == "UTF-32 text is not supported; save the file as UTF-8")
        #expect(error.line == 1 && error.column == 1)
    }

    @Test func invalidUTF16IsAnErrorAtItsLine() throws {
        var bytes = Self.utf16("apiVersion: v1\nkind: Pod\nmetadata:\n  name: ", bigEndian: false)
        bytes += [0x00, 0xD8]  // a lone high surrogate
        bytes += Self.utf16("x\n", bigEndian: false, byteOrderMark: false)
        let inventory = KubernetesLoader.parse(bytes: bytes, file: "pod.yaml")
        let error = try #require(inventory.errors.first)
        #expect(error.file == "pod.yaml")
        #expect(error.line == 4)
        #expect(error.column == 9)
        #expect(error.message == "invalid UTF-16 text: unpaired surrogate 0xD800; save the file as UTF-8")
        #expect(inventory.objects.isEmpty)
    }

    @Test func utf16WithoutAByteOrderMarkIsStillBinary() throws {
        let inventory = KubernetesLoader.parse(bytes: Self.utf16("kind: Pod\n", bigEndian: false, byteOrderMark: false), file: "pod.yaml")
        #expect(inventory.errors.first?.message == "binary file (NUL byte at offset 1); not a Kubernetes manifest")
    }

    /// Found by FuzzManifestFixer: the fixer's invalid UTF-8 error had no position.
    @Test func theFixerPlacesInvalidUTF8() throws {
        let bytes = Array("apiVersion: v1\r\nkind: Pod\nmetadata:\n  name: é".utf8) + [0xC3, 0x28] + Array("\n".utf8)
        let result = ManifestFixer().fix(bytes: bytes, file: "pod.yaml")
        let error = try #require(result.errors.first)
        #expect(error.line == 4 && error.column == 10)
        #expect(error.message == "not valid UTF-8 (at byte offset 46); left unchanged")
        #expect(!result.isChanged)
    }

    @Test func theFixerFixesUTF16AndSaysItWritesUTF8() throws {
        let result = ManifestFixer().fix(bytes: Self.utf16(Self.deployment, bigEndian: false), file: "deploy.yaml")
        #expect(result.errors.isEmpty, "\(result.errors)")
        #expect(result.isChanged)
        #expect(result.original == Self.deployment)
        #expect(result.warnings.first?.message == "the file is UTF-16LE text; the fixed file is written as UTF-8")
        let same = ManifestFixer().fix(text: Self.deployment, file: "deploy.yaml")
        #expect(result.fixed == same.fixed)
        let binary = ManifestFixer().fix(bytes: [0x61, 0x00], file: "x.yaml")
        #expect(binary.errors.first?.message == "binary file (NUL byte at offset 1); not a Kubernetes manifest")
    }
}
