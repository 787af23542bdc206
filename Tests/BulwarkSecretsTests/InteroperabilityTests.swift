import BulwarkCore
import BulwarkKubernetes
import BulwarkSecrets
import BulwarkTestSupport
import Foundation
import Testing

/// Bulwark seals; Python's `cryptography` unseals with the matching private key, exactly as the
/// sealed-secrets controller would (label recomputed from the SealedSecret's own metadata).
@Suite struct InteroperabilityTests {
    static let binary = [UInt8](0...255)
    static let dockerConfig = #"{"auths":{"registry.example.com":{"auth":"dXNlcjpwYXNz"}}}"#

    /// Every kind of value: base64 `data` (JSON, binary), `stringData` (ASCII, empty, non-ASCII).
    static let manifest = """
    apiVersion: v1
    kind: Secret
    metadata:
      name: registry-creds
      namespace: inference
      labels: {app: model-server}
    type: kubernetes.io/dockerconfigjson
    data:
      .dockerconfigjson: \(Data(dockerConfig.utf8).base64EncodedString())
      weights.key: \(Data(binary).base64EncodedString())
    stringData:
      HF_TOKEN: hf_live_0123456789
      empty: ""
      unicode: "größe ✓"
    """

    static let expected: [String: [UInt8]] = [
        ".dockerconfigjson": Array(dockerConfig.utf8), "weights.key": binary,
        "HF_TOKEN": Array("hf_live_0123456789".utf8), "empty": [], "unicode": Array("größe ✓".utf8),
    ]

    /// Seals `manifest` and reads the output back as the controller would.
    static func sealAndRead(_ key: TestKey, scope: SealingScope) throws -> ReadSealedSecret {
        let sealer = try SealedSecretSealer(certificatePEM: key.certificatePEM)
        #expect(sealer.warnings.isEmpty)
        let result = sealer.seal(manifest: Array(manifest.utf8), file: "secret.yaml", options: SealingOptions(scope: scope))
        #expect(result.errors.isEmpty, "\(result.errors)")
        let documents = try ReadSealedSecret.all(in: result.yaml)
        try #require(documents.count == 1)
        return documents[0]
    }

    @Test(arguments: SealingScope.allCases)
    func pythonUnsealsEveryValueForScope(_ scope: SealingScope) throws {
        let key = try TestKey.rsa2048.get()
        let sealed = try Self.sealAndRead(key, scope: scope)
        #expect(sealed.scope == scope)
        #expect(Set(sealed.encryptedData.keys) == Set(Self.expected.keys))

        let keys = sealed.encryptedData.keys.sorted()
        let outcomes = try PythonUnsealer.unseal(
            keys.map { PythonUnsealer.Job(blob: sealed.encryptedData[$0] ?? "", label: sealed.controllerLabel) },
            privateKeyPEM: key.privateKeyPEM)
        try #require(outcomes.count == keys.count)
        for (key, outcome) in zip(keys, outcomes) {
            #expect(outcome.ok, "\(key): \(outcome.error ?? "")")
            #expect(outcome.plaintextBytes == Self.expected[key], "\(key)")
            #expect(outcome.rsaLength == 256)
        }
    }

    @Test func pythonUnsealsRSA4096Blobs() throws {
        let key = try TestKey.rsa4096.get()
        let sealed = try Self.sealAndRead(key, scope: .strict)
        let blob = try #require(sealed.encryptedData["HF_TOKEN"])
        let bytes = try #require(Data(base64Encoded: blob))
        #expect(Array(bytes.prefix(2)) == [0x02, 0x00])
        #expect(bytes.count == 2 + 512 + "hf_live_0123456789".utf8.count + 16)
        let outcomes = try PythonUnsealer.unseal([.init(blob: blob, label: "inference/registry-creds")], privateKeyPEM: key.privateKeyPEM)
        #expect(outcomes.first?.ok == true, "\(outcomes.first?.error ?? "")")
        #expect(outcomes.first?.plaintextBytes == Array("hf_live_0123456789".utf8))
        #expect(outcomes.first?.rsaLength == 512)
    }

    /// The label each scope must accept, and labels it must refuse: a strict blob copied to another
    /// name or namespace does not decrypt.
    @Test(arguments: [
        (SealingScope.strict, "inference/registry-creds",
         ["inference/other-secret", "staging/registry-creds", "inference", "", "inference/registry-creds "]),
        (SealingScope.namespaceWide, "inference", ["inference/registry-creds", "staging", ""]),
        (SealingScope.clusterWide, "", ["inference", "inference/registry-creds"]),
    ])
    func blobsDecryptOnlyUnderTheirScopeLabel(_ scope: SealingScope, accepted: String, refused: [String]) throws {
        let key = try TestKey.rsa2048.get()
        let sealed = try Self.sealAndRead(key, scope: scope)
        let blob = try #require(sealed.encryptedData["HF_TOKEN"])
        let labels = [accepted] + refused
        let outcomes = try PythonUnsealer.unseal(labels.map { .init(blob: blob, label: $0) }, privateKeyPEM: key.privateKeyPEM)
        try #require(outcomes.count == labels.count)
        #expect(outcomes[0].ok, "\(outcomes[0].error ?? "")")
        #expect(outcomes[0].plaintextBytes == Array("hf_live_0123456789".utf8))
        for (label, outcome) in zip(refused, outcomes.dropFirst()) {
            #expect(!outcome.ok, "label \"\(label)\" must not decrypt a \(scope.rawValue) blob")
        }
    }

    @Test(arguments: SealingScope.allCases)
    func pythonUnsealsRawValues(_ scope: SealingScope) throws {
        let key = try TestKey.rsa2048.get()
        let sealer = try SealedSecretSealer(certificatePEM: key.certificatePEM)
        let value = Array("s3cr3t\nwith newline\u{0}and NUL".utf8)
        let blob = try sealer.seal(value: value, scope: scope, namespace: "inference", name: "hf-token")
        let label = String(decoding: scope.label(namespace: "inference", name: "hf-token"), as: UTF8.self)
        let outcomes = try PythonUnsealer.unseal([.init(blob: blob, label: label)], privateKeyPEM: key.privateKeyPEM)
        #expect(outcomes.first?.ok == true, "\(outcomes.first?.error ?? "")")
        #expect(outcomes.first?.plaintextBytes == value)
    }

    /// The test-only Swift unsealer (raw private operation + `OAEP.decode`) agrees with Python, so
    /// the unit tests that use it check the real format.
    @Test func swiftDecoderReadsWhatBulwarkSealed() throws {
        let key = try TestKey.rsa2048.get()
        let sealed = try Self.sealAndRead(key, scope: .strict)
        for (name, blob) in sealed.encryptedData {
            let bytes = try #require(Data(base64Encoded: blob))
            #expect(try key.decrypt([UInt8](bytes), label: Array(sealed.controllerLabel.utf8)) == Self.expected[name])
            #expect(throws: (any Error).self) { try key.decrypt([UInt8](bytes), label: Array("inference/other".utf8)) }
        }
    }
}

/// A SealedSecret document read back from Bulwark's YAML output.
struct ReadSealedSecret {
    var name: String
    var namespace: String?
    var annotations: [String: String]
    var encryptedData: [String: String]
    var template: YAMLNode?

    var scope: SealingScope { SealingScope(annotations: annotations) }

    /// The label the controller computes from the SealedSecret's own metadata.
    var controllerLabel: String {
        String(decoding: scope.label(namespace: namespace ?? "", name: name), as: UTF8.self)
    }

    struct Invalid: Error, CustomStringConvertible { let description: String }

    static func all(in yaml: String) throws -> [ReadSealedSecret] {
        let inventory = KubernetesLoader.parse(text: yaml, file: "out.yaml")
        guard inventory.errors.isEmpty else { throw Invalid(description: "\(inventory.errors)") }
        return try inventory.objects.map { object in
            guard object.apiVersion == "bitnami.com/v1alpha1", object.kind == "SealedSecret" else {
                throw Invalid(description: "unexpected \(object.apiVersion) \(object.kind)")
            }
            return ReadSealedSecret(
                name: object.name, namespace: object.namespace, annotations: object.annotations,
                encryptedData: object.root.at("spec", "encryptedData")?.stringMap ?? [:],
                template: object.root.at("spec", "template"))
        }
    }
}
