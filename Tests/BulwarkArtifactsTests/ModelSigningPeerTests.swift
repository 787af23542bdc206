@testable import BulwarkArtifacts
import BulwarkTestSupport
import Foundation
import Testing

/// Signatures recorded from the reference implementation (PyPI model-signing 1.1.1, see
/// `Tests/Fixtures/model-signing/README.md`) verify with Bulwark, offline, and tampered copies fail.
@Suite struct ModelSigningPeerTests {
    static let fixtures = CommandRunner.packageRoot.appendingPathComponent("Tests/Fixtures/model-signing")

    static func publicKey(_ name: String) throws -> ModelSigningPublicKey {
        try ModelSigningPublicKey(pem: String(contentsOf: fixtures.appendingPathComponent("test-keys/\(name).pub"), encoding: .utf8))
    }

    static func bytes(_ path: String) throws -> [UInt8] {
        Array(try Data(contentsOf: fixtures.appendingPathComponent(path)))
    }

    /// The ignore list `bulwark model verify` builds for a signature at `signature`.
    static func ignoring(signature: String, model: String) -> ModelIgnoreList {
        ModelIgnoreList.resolving([], signature: signature, model: model, currentDirectory: "/").list
    }

    /// A copy of the recorded model (and its outside signature) in a fresh temporary directory.
    static func copy() throws -> URL {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("bulwark-peer-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: fixtures.appendingPathComponent("peer-model"), to: root.appendingPathComponent("peer-model"))
        try FileManager.default.copyItem(at: fixtures.appendingPathComponent("peer-model.p384.sig"), to: root.appendingPathComponent("peer-model.p384.sig"))
        return root
    }

    @Test func theReferencesP256SignatureInsideTheModelVerifies() throws {
        let model = Self.fixtures.appendingPathComponent("peer-model").path
        let verification = try ModelSigner.verify(directory: model, signature: Self.bytes("peer-model/model.sig"), signatureFile: "model.sig",
                                                  key: Self.publicKey("p256"), ignoring: Self.ignoring(signature: model + "/model.sig", model: model)).get()
        #expect(verification.manifest.resources.map(\.name) == ["config.json", "model.safetensors", "tokenizer/read me.txt", "tokenizer/vocab.txt"])
        #expect(verification.manifest.modelName == "peer-model")
        #expect(verification.warnings.isEmpty)
    }

    @Test func theReferencesP384SignatureOutsideTheModelCoversModelSig() throws {
        let model = Self.fixtures.appendingPathComponent("peer-model").path
        let signature = Self.fixtures.appendingPathComponent("peer-model.p384.sig").path
        let verification = try ModelSigner.verify(directory: model, signature: Self.bytes("peer-model.p384.sig"), signatureFile: signature,
                                                  key: Self.publicKey("p384"), ignoring: Self.ignoring(signature: signature, model: model)).get()
        #expect(verification.manifest.resources.map(\.name).contains("model.sig"))
        #expect(verification.curve == .p384)
    }

    @Test func theKeyHintIsTheSHA256OfTheKeyFileAsOpenSSLWritesIt() throws {
        for name in ["p256", "p384"] {
            let file = try Self.bytes("test-keys/\(name).pub")
            #expect(try Self.publicKey(name).pemRepresentation == String(decoding: file, as: UTF8.self))
        }
        let bundle = try ModelSignatureBundle.parse(Self.bytes("peer-model/model.sig"), file: "model.sig").get()
        #expect(bundle.keyHint == (try Self.publicKey("p256").hint))
        // Bulwark writes the bundle back byte for byte as the reference wrote it.
        #expect(bundle.json == (try Self.bytes("peer-model/model.sig")))
    }

    @Test func aTamperedCopyFails() throws {
        let root = try Self.copy()
        defer { try? FileManager.default.removeItem(at: root) }
        let model = root.appendingPathComponent("peer-model")
        let weights = model.appendingPathComponent("model.safetensors")
        var content = try Data(contentsOf: weights)
        content[content.count - 1] ^= 0x01
        try content.write(to: weights)
        try Data("new".utf8).write(to: model.appendingPathComponent("tokenizer/extra.txt"))
        let failure = ModelSigner.verify(directory: model.path, signature: try Self.bytes("peer-model/model.sig"), signatureFile: "model.sig",
                                         key: try Self.publicKey("p256"), ignoring: Self.ignoring(signature: model.path + "/model.sig", model: model.path)).failure
        #expect(failure == .mismatch(ModelDifference(added: ["tokenizer/extra.txt"], changed: ["model.safetensors"])))
        // The outside signature covers model.sig: rewriting it is a change too.
        try Data("{}".utf8).write(to: model.appendingPathComponent("model.sig"))
        let outside = root.appendingPathComponent("peer-model.p384.sig").path
        let second = ModelSigner.verify(directory: model.path, signature: try Self.bytes("peer-model.p384.sig"), signatureFile: outside,
                                        key: try Self.publicKey("p384"), ignoring: Self.ignoring(signature: outside, model: model.path)).failure
        #expect(second == .mismatch(ModelDifference(added: ["tokenizer/extra.txt"], changed: ["model.safetensors", "model.sig"])))
    }

    @Test func aTamperedReferenceSignatureFails() throws {
        let model = Self.fixtures.appendingPathComponent("peer-model").path
        var bundle = try ModelSignatureBundle.parse(Self.bytes("peer-model/model.sig"), file: "model.sig").get()
        bundle.payload = Array(String(decoding: bundle.payload, as: UTF8.self).replacingOccurrences(of: "peer-model", with: "peer-modem").utf8)
        let failure = ModelSigner.verify(directory: model, signature: bundle.json, signatureFile: "model.sig", key: try Self.publicKey("p256"),
                                         ignoring: Self.ignoring(signature: model + "/model.sig", model: model)).failure
        guard case .signature = failure else {
            Issue.record("a tampered statement verified: \(String(describing: failure))")
            return
        }
        // And the P-384 key is not the P-256 signer.
        let wrongKey = ModelSigner.verify(directory: model, signature: try Self.bytes("peer-model/model.sig"), signatureFile: "model.sig",
                                          key: try Self.publicKey("p384"), ignoring: Self.ignoring(signature: model + "/model.sig", model: model)).failure
        guard case .signature(let reason) = wrongKey else {
            Issue.record("the wrong key verified")
            return
        }
        #expect(reason.contains("another key"))
    }
}
