@testable import BulwarkArtifacts
import BulwarkCore
import BulwarkTestSupport
import Foundation
#if canImport(Glibc)
import Glibc
#endif
import Testing

/// A temporary model directory, removed when the test ends.
struct ModelFolder: ~Copyable {
    let url: URL
    var path: String { url.path }

    init(_ files: [String: String] = ModelFolder.standard) throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("bulwark-sign-\(UUID().uuidString)/tiny-model")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        for (name, content) in files { try write(name, content) }
    }

    static let standard = [
        "config.json": "{\"hidden_size\": 8}\n",
        "model.safetensors": String(repeating: "weights ", count: 40_000),
        "tokenizer/vocab.txt": "a\nb\n",
        "a-b": "dash",
        "a/b": "nested",
        "a.txt": "dot",
    ]

    func write(_ name: String, _ content: String) throws {
        let file = url.appendingPathComponent(name)
        try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(content.utf8).write(to: file)
    }

    func remove(_ name: String) throws { try FileManager.default.removeItem(at: url.appendingPathComponent(name)) }

    deinit { try? FileManager.default.removeItem(at: url.deletingLastPathComponent()) }
}

extension Result {
    var failure: Failure? {
        if case .failure(let failure) = self { return failure }
        return nil
    }
}

/// Signing and verifying a model directory in the OpenSSF model-signing format: round trips on each
/// curve, the statement's layout and order, and every kind of tampering failing for its own reason.
@Suite struct ModelSigningTests {
    static func ignoreList(_ folder: borrowing ModelFolder, _ extra: [String] = []) -> ModelIgnoreList {
        var list = ModelIgnoreList(ModelIgnoreList.gitPaths + ["model.sig"])
        for path in extra { list.insert(path) }
        return list
    }

    static func sign(_ folder: borrowing ModelFolder, _ key: ModelSigningPrivateKey, ignoring extra: [String] = []) throws -> ModelSignatureBundle {
        try ModelSigner.sign(directory: folder.path, key: key, ignoring: ignoreList(folder, extra)).get()
    }

    static func verify(_ folder: borrowing ModelFolder, _ bundle: [UInt8], _ key: ModelSigningPublicKey,
                       ignoring extra: [String] = []) -> Result<ModelVerification, ModelSigningFailure> {
        ModelSigner.verify(directory: folder.path, signature: bundle, signatureFile: "model.sig", key: key, ignoring: ignoreList(folder, extra))
    }

    @Test(arguments: ModelSigningCurve.allCases)
    func signsAndVerifiesOnEachCurve(curve: ModelSigningCurve) throws {
        let folder = try ModelFolder()
        let key = ModelSigningPrivateKey.generate(curve)
        let bundle = try Self.sign(folder, key)
        let verification = try Self.verify(folder, bundle.json, key.publicKey).get()
        #expect(verification.manifest.resources.count == 6)
        #expect(verification.curve == curve)
        #expect(verification.warnings.isEmpty)
        // The private key round-trips through PEM, and the signature through the file's JSON.
        let reread = try ModelSigningPrivateKey(pem: key.pemRepresentation)
        #expect(reread.publicKey.hint == key.publicKey.hint)
        #expect(try ModelSignatureBundle.parse(bundle.json, file: "model.sig").get() == bundle)
    }

    @Test func statementListsFilesInPythonPathOrderWithTheRootDigest() throws {
        let folder = try ModelFolder()
        let bundle = try Self.sign(folder, .generate(.p256))
        let statement = try ModelStatement.parse(bundle.payload, file: "model.sig").get()
        // PurePosixPath order: component lists, so a/b (["a","b"]) precedes a-b and a.txt.
        #expect(statement.manifest.resources.map(\.name) == ["a/b", "a-b", "a.txt", "config.json", "model.safetensors", "tokenizer/vocab.txt"])
        #expect(statement.manifest.modelName == "tiny-model")
        #expect(statement.ignorePaths == [".git", ".gitattributes", ".github", ".gitignore", "model.sig"])
        let text = String(decoding: bundle.payload, as: UTF8.self)
        #expect(text.hasPrefix("{\n  \"_type\": \"https://in-toto.io/Statement/v1\",\n  \"subject\": [\n    {\n      \"name\": \"tiny-model\","))
        #expect(text.contains("\"predicateType\": \"https://model_signing/signature/v1.0\""))
        #expect(text.contains("\"allow_symlinks\": false"))
        let json = String(decoding: bundle.json, as: UTF8.self)
        #expect(json.hasPrefix("{\"mediaType\":\"application/vnd.dev.sigstore.bundle.v0.3+json\",\"verificationMaterial\":{\"publicKey\":{\"hint\":\""))
        #expect(json.contains("\"tlogEntries\":[]},\"dsseEnvelope\":{\"payload\":\""))
        #expect(json.hasSuffix("\"keyid\":\"\"}]}}"))
        // The root digest is SHA-256 over the raw digests in that order.
        let digest = try #require(Hex.decode("\(text.split(separator: "\"sha256\": \"")[1].prefix(64))"))
        #expect(digest == statement.manifest.rootDigest)
    }

    @Test func pathOrderIsPurePosixPathOrder() {
        let names = ["b", "a.txt", "a/b/c", "a-b", "a/b", "A", "a", "é", "z/a"]
        #expect(names.sorted(by: ModelManifest.pathPrecedes) == ["A", "a", "a/b", "a/b/c", "a-b", "a.txt", "b", "z/a", "é"])
    }

    @Test func aChangedByteIsNamed() throws {
        let folder = try ModelFolder()
        let key = ModelSigningPrivateKey.generate(.p256)
        let bundle = try Self.sign(folder, key)
        try folder.write("model.safetensors", "weights " + String(repeating: "weights ", count: 39_999).dropLast() + "X")
        #expect(Self.verify(folder, bundle.json, key.publicKey).failure == .mismatch(ModelDifference(changed: ["model.safetensors"])))
    }

    @Test func addedRemovedAndRenamedFilesAreNamed() throws {
        let key = ModelSigningPrivateKey.generate(.p384)
        let added = try ModelFolder()
        let bundle = try Self.sign(added, key)
        try added.write("extra/notes.md", "new")
        #expect(Self.verify(added, bundle.json, key.publicKey).failure == .mismatch(ModelDifference(added: ["extra/notes.md"])))

        let removed = try ModelFolder()
        let removedBundle = try Self.sign(removed, key)
        try removed.remove("tokenizer/vocab.txt")
        #expect(Self.verify(removed, removedBundle.json, key.publicKey).failure == .mismatch(ModelDifference(removed: ["tokenizer/vocab.txt"])))

        let renamed = try ModelFolder()
        let renamedBundle = try Self.sign(renamed, key)
        try FileManager.default.moveItem(at: renamed.url.appendingPathComponent("config.json"), to: renamed.url.appendingPathComponent("config.jsn"))
        let failure = Self.verify(renamed, renamedBundle.json, key.publicKey).failure
        #expect(failure == .mismatch(ModelDifference(added: ["config.jsn"], removed: ["config.json"])))
        #expect(failure?.description.contains("added (not in the signature): config.jsn") == true)
    }

    @Test func anAlteredPayloadDoesNotVerify() throws {
        let folder = try ModelFolder()
        let key = ModelSigningPrivateKey.generate(.p256)
        var bundle = try Self.sign(folder, key)
        // Claim another digest for a file: the signature no longer covers the statement.
        let text = String(decoding: bundle.payload, as: UTF8.self)
        let first = try #require(text.range(of: "\"digest\": \"")).upperBound
        bundle.payload = Array((text[..<first] + "0" + text[text.index(after: first)...]).utf8)
        guard case .signature(let reason) = Self.verify(folder, bundle.json, key.publicKey).failure else {
            Issue.record("an altered payload verified")
            return
        }
        #expect(reason.contains("does not verify with this P-256 public key"))
    }

    @Test func anotherKeyIsRefusedByHintAndBySignature() throws {
        let folder = try ModelFolder()
        let bundle = try Self.sign(folder, .generate(.p256))
        let other = ModelSigningPrivateKey.generate(.p256).publicKey
        guard case .signature(let reason) = Self.verify(folder, bundle.json, other).failure else {
            Issue.record("another key verified")
            return
        }
        #expect(reason.contains("made with another key"))
        // Without the hint, the signature itself fails.
        var hintless = bundle
        hintless.keyHint = nil
        guard case .signature(let second) = Self.verify(folder, hintless.json, other).failure else {
            Issue.record("another key verified without a hint")
            return
        }
        #expect(second.contains("does not verify"))
    }

    @Test(arguments: [
        ("{not json", "not valid JSON"),
        ("[]", "expected a JSON object"),
        ("{\"mediaType\":\"application/vnd.dev.sigstore.bundle.v0.2+json\"}", "mediaType is \"application/vnd.dev.sigstore.bundle.v0.2+json\""),
        ("{\"mediaType\":\"application/vnd.dev.sigstore.bundle.v0.3+json\",\"verificationMaterial\":{}}", "no dsseEnvelope"),
        ("{\"mediaType\":\"application/vnd.dev.sigstore.bundle.v0.3+json\",\"verificationMaterial\":{},\"dsseEnvelope\":{\"payload\":\"!!\",\"payloadType\":\"x\",\"signatures\":[]}}", "payload is not base64"),
        ("{\"mediaType\":\"application/vnd.dev.sigstore.bundle.v0.3+json\",\"verificationMaterial\":{},\"dsseEnvelope\":{\"payload\":\"\",\"payloadType\":\"x\",\"signatures\":[]}}", "signatures is empty"),
        ("{\"mediaType\":\"application/vnd.dev.sigstore.bundle.v0.3+json\",\"verificationMaterial\":{},\"dsseEnvelope\":{\"payload\":1}}", "dsseEnvelope.payload"),
    ])
    func aMalformedBundleIsAnInputError(json: String, reason: String) throws {
        let folder = try ModelFolder()
        let key = ModelSigningPrivateKey.generate(.p256).publicKey
        guard case .input(let errors) = Self.verify(folder, Array(json.utf8), key).failure else {
            Issue.record("\(json) was not an input error")
            return
        }
        #expect(errors.count == 1)
        #expect(errors.first?.file == "model.sig")
        #expect(errors.first?.message.contains(reason) == true, "\(errors)")
    }

    @Test func aSignedStatementThatIsInconsistentIsAnInputError() throws {
        let folder = try ModelFolder()
        let key = ModelSigningPrivateKey.generate(.p256)
        let statement = try ModelStatement.parse(try Self.sign(folder, key).payload, file: "x").get()
        // Re-sign a statement whose subject digest is not the resources' root digest.
        let text = String(decoding: statement.payload, as: UTF8.self)
        let root = Hex.encode(statement.manifest.rootDigest)
        let forged = Array(text.replacingOccurrences(of: root, with: String(repeating: "0", count: 64)).utf8)
        let bundle = ModelSignatureBundle(keyHint: key.publicKey.hint, payload: forged, signature: try key.sign(DSSE.pae(forged)))
        guard case .input(let errors) = Self.verify(folder, bundle.json, key.publicKey).failure else {
            Issue.record("an inconsistent statement verified")
            return
        }
        #expect(errors.first?.message.contains("is inconsistent") == true)
    }

    @Test func ignoredPathsAreLeftOutAndRecorded() throws {
        let folder = try ModelFolder()
        try folder.write(".git/HEAD", "ref: main")
        try folder.write(".gitattributes", "*.bin binary")
        try folder.write("logs/run.txt", "first")
        try folder.write("model.sig", "an old signature")
        let key = ModelSigningPrivateKey.generate(.p256)
        let bundle = try Self.sign(folder, key, ignoring: ["logs"])
        let statement = try ModelStatement.parse(bundle.payload, file: "model.sig").get()
        #expect(!statement.manifest.resources.contains { $0.name.hasPrefix("logs") || $0.name.hasPrefix(".git") || $0.name == "model.sig" })
        #expect(statement.ignorePaths.contains("logs"))
        try folder.write("logs/run.txt", "second")
        try folder.write("logs/more.txt", "new")
        try folder.write(".git/ORIG_HEAD", "x")
        // The signature's own ignore_paths apply even when the verifier is not told about logs.
        #expect(throws: Never.self) { try Self.verify(folder, bundle.json, key.publicKey).get() }
        // A directory named like an ignored file's prefix is not ignored: logs2 is not under logs.
        try folder.write("logs2/x", "y")
        #expect(Self.verify(folder, bundle.json, key.publicKey).failure == .mismatch(ModelDifference(added: ["logs2/x"])))
    }

    @Test func ignorePathsResolveLikeTheReferenceCLI() throws {
        let folder = try ModelFolder()
        let parent = folder.url.deletingLastPathComponent().path
        let resolved = ModelIgnoreList.resolving(["tiny-model/logs", "\(folder.path)/./a/../tokenizer", "elsewhere", "/tmp"],
                                                 signature: "\(folder.path)/model.sig", model: folder.path, currentDirectory: parent)
        #expect(resolved.list.sorted == [".git", ".gitattributes", ".github", ".gitignore", "logs", "model.sig", "tokenizer"])
        #expect(resolved.outside == ["elsewhere", "/tmp"])
        let outsideSignature = ModelIgnoreList.resolving([], signature: "\(parent)/tiny-model.sig", model: folder.path, currentDirectory: "/")
        #expect(outsideSignature.list.sorted == ModelIgnoreList.gitPaths)
        #expect(outsideSignature.outside.isEmpty)
    }

    @Test func symbolicLinksAndSpecialFilesAreRefusedWithTheirNames() throws {
        let folder = try ModelFolder()
        try FileManager.default.createSymbolicLink(atPath: folder.path + "/link.bin", withDestinationPath: "config.json")
        #expect(mkfifo(folder.path + "/pipe", 0o600) == 0)
        guard case .input(let errors) = ModelSigner.sign(directory: folder.path, key: .generate(.p256), ignoring: Self.ignoreList(folder)).failure else {
            Issue.record("a symbolic link was signed")
            return
        }
        #expect(errors.map(\.file) == [folder.path + "/link.bin", folder.path + "/pipe"])
        #expect(errors[0].message.contains("symbolic link"))
        #expect(errors[1].message.contains("named pipe"))
        // Ignored, they are never examined.
        #expect(throws: Never.self) {
            try ModelSigner.sign(directory: folder.path, key: .generate(.p256), ignoring: Self.ignoreList(folder, ["link.bin", "pipe"])).get()
        }
        let notADirectory = ModelSigner.sign(directory: folder.path + "/config.json", key: .generate(.p256), ignoring: ModelIgnoreList())
        #expect(notADirectory.failure?.description.contains("not a directory") == true)
    }

    @Test func aFileNameThatIsNotUTF8IsRefusedUnlessIgnored() throws {
        let folder = try ModelFolder()
        try folder.write("junk/keep", "k")
        let name = Array((folder.path + "/junk/").utf8CString.dropLast()) + [CChar(bitPattern: 0xFF), 0x62, 0]
        let descriptor = open(name, O_CREAT | O_WRONLY | O_CLOEXEC, 0o600)
        try #require(descriptor >= 0)
        close(descriptor)
        let failure = ModelSigner.sign(directory: folder.path, key: .generate(.p256), ignoring: Self.ignoreList(folder)).failure
        #expect(failure?.description.contains("junk/\u{FFFD}b: the file name is not UTF-8") == true, "\(String(describing: failure))")
        #expect(throws: Never.self) {
            try ModelSigner.sign(directory: folder.path, key: .generate(.p256), ignoring: Self.ignoreList(folder, ["junk"])).get()
        }
    }

    @Test func keysThatAreNotSupportedSayWhy() {
        #expect(throws: ModelKeyError.self) { try ModelSigningPrivateKey(pem: "-----BEGIN RSA PRIVATE KEY-----\nAAAA\n-----END RSA PRIVATE KEY-----\n") }
        do {
            _ = try ModelSigningPrivateKey(pem: "-----BEGIN ENCRYPTED PRIVATE KEY-----\nAAAA\n-----END ENCRYPTED PRIVATE KEY-----\n")
            Issue.record("an encrypted key was read")
        } catch {
            #expect(error.reason.contains("encrypted"))
        }
        do {
            _ = try ModelSigningPublicKey(pem: ModelSigningPrivateKey.generate(.p256).pemRepresentation)
            Issue.record("a private key was read as a public key")
        } catch {
            #expect(error.reason.contains("this is a private key"))
        }
        #expect(throws: ModelKeyError.self) { try ModelSigningPublicKey(pem: "no key here") }
    }

    @Test func pythonBytesReprMatchesCPython() {
        // Expected values printed by CPython 3.11's repr().
        #expect(String(decoding: DSSE.pythonBytesRepr(Array("a'b\n".utf8) + [0x00, 0xFF, 0x5C]), as: UTF8.self) == #"b"a'b\n\x00\xff\\""#)
        #expect(String(decoding: DSSE.pythonBytesRepr(Array("it's \t".utf8)), as: UTF8.self) == #"b"it's \t""#)
        #expect(String(decoding: DSSE.pythonBytesRepr(Array(#"{"x": 1}"#.utf8)), as: UTF8.self) == #"b'{"x": 1}'"#)
        #expect(String(decoding: DSSE.pae(Array("{}".utf8)), as: UTF8.self) == "DSSEv1 28 application/vnd.in-toto+json 2 {}")
    }

    @Test func v02StatementsSignedOverTheFaultyEncodingVerifyWithWarnings() throws {
        let folder = try ModelFolder(["weights.bin": "w", "config.json": "{}"])
        let key = ModelSigningPrivateKey.generate(.p256)
        let manifest = try ModelDirectoryHasher(ignoreList: Self.ignoreList(folder)).manifest(of: folder.path).get()
        let subjects = manifest.resources.map { "{\"name\": \"\($0.name)\", \"digest\": {\"sha256\": \"\($0.digestHex)\"}, \"annotations\": {\"actual_hash_algorithm\": \"file-sha256\"}}" }
        let payload = Array("{\"_type\": \"https://in-toto.io/Statement/v1\", \"subject\": [\(subjects.joined(separator: ", "))], \"predicateType\": \"https://model_signing/Digests/v0.1\", \"predicate\": {}}".utf8)
        let bundle = ModelSignatureBundle(keyHint: nil, payload: payload, signature: try key.sign(DSSE.paeCompat(payload)))
        let verification = try Self.verify(folder, bundle.json, key.publicKey).get()
        #expect(verification.manifest.resources.count == 2)
        #expect(verification.warnings.count == 3, "\(verification.warnings)")
        try folder.write("weights.bin", "x")
        #expect(Self.verify(folder, bundle.json, key.publicKey).failure == .mismatch(ModelDifference(changed: ["weights.bin"])))
    }

    @Test func hashingStreamsFilesLargerThanTheBuffer() throws {
        let folder = try ModelFolder(["big.bin": String(repeating: "0123456789abcdef", count: 200_000)])
        var hasher = ModelDirectoryHasher(ignoreList: ModelIgnoreList())
        hasher.chunkSize = 4096
        let small = try hasher.manifest(of: folder.path).get()
        hasher.chunkSize = 1 << 22
        #expect(try hasher.manifest(of: folder.path).get() == small)
        // sha256 of "0123456789abcdef" * 200000, from Python's hashlib.
        #expect(small.resources.first?.digestHex == ModelSigningTests.bigDigest)
    }

    static let bigDigest = "69cc92e41a3c392a040d45bd229a7e094995e7626c894611fc5864f2c4817c38"
}
