import BulwarkArtifacts
import BulwarkTestSupport
import Foundation
import Testing

/// `bulwark model sign` / `bulwark model verify` end to end: exit codes, messages naming files, the
/// default signature path and --signature, --ignore-paths, and the recorded reference signature.
@Suite struct ModelSignCommandTests {
    /// A model directory and a key pair (PEM files as openssl writes them) in a fresh temporary folder.
    struct Setup {
        let root: URL
        var model: String { root.appendingPathComponent("model").path }
        var key: String { root.appendingPathComponent("key.pem").path }
        var pub: String { root.appendingPathComponent("key.pub").path }

        init(curve: ModelSigningCurve = .p256) throws {
            root = FileManager.default.temporaryDirectory.appendingPathComponent("bulwark-model-sign-\(UUID().uuidString)")
            let model = root.appendingPathComponent("model")
            try FileManager.default.createDirectory(at: model.appendingPathComponent("sub"), withIntermediateDirectories: true)
            try Data("{\"n\": 1}\n".utf8).write(to: model.appendingPathComponent("config.json"))
            try Data(repeating: 7, count: 100_000).write(to: model.appendingPathComponent("weights.bin"))
            try Data("v".utf8).write(to: model.appendingPathComponent("sub/vocab.txt"))
            let key = ModelSigningPrivateKey.generate(curve)
            try Data(key.pemRepresentation.utf8).write(to: root.appendingPathComponent("key.pem"))
            try Data(key.publicKey.pemRepresentation.utf8).write(to: root.appendingPathComponent("key.pub"))
        }

        func write(_ name: String, _ text: String) throws {
            try Data(text.utf8).write(to: root.appendingPathComponent("model/\(name)"))
        }

        func remove() { try? FileManager.default.removeItem(at: root) }
    }

    @Test func signsIntoTheModelAndVerifies() async throws {
        let setup = try Setup(curve: .p384)
        defer { setup.remove() }
        let signed = await CLI.run(["model", "sign", "--key", setup.key, setup.model])
        #expect(signed.status == 0, "\(signed.stderr)")
        #expect(signed.stdout.contains("signed 3 files of \(setup.model) with a P-384 key: \(setup.model)/model.sig"), "\(signed.stdout)")
        #expect(FileManager.default.fileExists(atPath: setup.model + "/model.sig"))
        let verified = await CLI.run(["model", "verify", "--key", setup.pub, setup.model])
        #expect(verified.status == 0, "\(verified.stderr)")
        #expect(verified.stdout.contains("verified: 3 files of \(setup.model) match \(setup.model)/model.sig (P-384 key)"), "\(verified.stdout)")
        #expect(verified.stderr.isEmpty, "\(verified.stderr)")
    }

    @Test func tamperingExitsOneNamingTheFiles() async throws {
        let setup = try Setup()
        defer { setup.remove() }
        #expect(await CLI.run(["model", "sign", "--key", setup.key, setup.model]).status == 0)
        try setup.write("weights.bin", "other")
        try setup.write("new.txt", "added")
        try FileManager.default.removeItem(atPath: setup.model + "/sub/vocab.txt")
        let result = await CLI.run(["model", "verify", "--key", setup.pub, setup.model])
        #expect(result.status == 1)
        #expect(result.stderr.contains("does not match \(setup.model)/model.sig"), "\(result.stderr)")
        #expect(result.stderr.contains("added (not in the signature): new.txt"), "\(result.stderr)")
        #expect(result.stderr.contains("removed (signed, missing on disk): sub/vocab.txt"), "\(result.stderr)")
        #expect(result.stderr.contains("changed (content differs from the signed digest): weights.bin"), "\(result.stderr)")
    }

    @Test func anotherKeyExitsOne() async throws {
        let setup = try Setup()
        let other = try Setup()
        defer { setup.remove(); other.remove() }
        #expect(await CLI.run(["model", "sign", "--key", setup.key, setup.model]).status == 0)
        let result = await CLI.run(["model", "verify", "--key", other.pub, setup.model])
        #expect(result.status == 1)
        #expect(result.stderr.contains("made with another key"), "\(result.stderr)")
    }

    @Test func aMalformedSignatureExitsTwoWithFileAndReason() async throws {
        let setup = try Setup()
        defer { setup.remove() }
        try setup.write("model.sig", "{\"mediaType\": 3")
        let result = await CLI.run(["model", "verify", "--key", setup.pub, setup.model])
        #expect(result.status == 2)
        #expect(result.stderr.contains("\(setup.model)/model.sig: not a model signature: not valid JSON"), "\(result.stderr)")
        let missing = await CLI.run(["model", "verify", "--key", setup.pub, "--signature", setup.root.path + "/none.sig", setup.model])
        #expect(missing.status == 2)
        #expect(missing.stderr.contains("none.sig"), "\(missing.stderr)")
    }

    @Test func badKeysAndDirectoriesExitTwo() async throws {
        let setup = try Setup()
        defer { setup.remove() }
        let publicAsPrivate = await CLI.run(["model", "sign", "--key", setup.pub, setup.model])
        #expect(publicAsPrivate.status == 2)
        #expect(publicAsPrivate.stderr.contains("\(setup.pub): no PEM private key"), "\(publicAsPrivate.stderr)")
        let noDirectory = await CLI.run(["model", "sign", "--key", setup.key, setup.root.path + "/nothing"])
        #expect(noDirectory.status == 2)
        #expect(noDirectory.stderr.contains("nothing: cannot examine: no such file or directory"), "\(noDirectory.stderr)")
        try FileManager.default.createSymbolicLink(atPath: setup.model + "/link", withDestinationPath: "config.json")
        let link = await CLI.run(["model", "sign", "--key", setup.key, setup.model])
        #expect(link.status == 2)
        #expect(link.stderr.contains("\(setup.model)/link: is a symbolic link"), "\(link.stderr)")
        #expect(!FileManager.default.fileExists(atPath: setup.model + "/model.sig"))
    }

    @Test func ignorePathsAndAnOutsideSignature() async throws {
        let setup = try Setup()
        defer { setup.remove() }
        let signature = setup.root.path + "/model.bundle.json"
        let signed = await CLI.run(["model", "sign", "--key", setup.key, "--ignore-paths", setup.model + "/sub", "--signature", signature, setup.model])
        #expect(signed.status == 0, "\(signed.stderr)")
        #expect(signed.stdout.contains("signed 2 files"), "\(signed.stdout)")
        try setup.write("sub/vocab.txt", "changed, but ignored")
        let verified = await CLI.run(["model", "verify", "--key", setup.pub, "--signature", signature, setup.model])
        #expect(verified.status == 0, "\(verified.stderr)")
        // An ignore path outside the model is reported, not silently dropped.
        let outside = await CLI.run(["model", "verify", "--key", setup.pub, "--signature", signature, "--ignore-paths", "/etc", setup.model])
        #expect(outside.status == 0)
        #expect(outside.stderr.contains("--ignore-paths /etc: not inside"), "\(outside.stderr)")
    }

    @Test func signsToStandardOutput() async throws {
        let setup = try Setup(curve: .p521)
        defer { setup.remove() }
        let signed = await CLI.run(["model", "sign", "--key", setup.key, "--signature", "-", setup.model])
        #expect(signed.status == 0, "\(signed.stderr)")
        #expect(signed.stdout.hasPrefix("{\"mediaType\":\"application/vnd.dev.sigstore.bundle.v0.3+json\""), "\(signed.stdout)")
        let bundle = try ModelSignatureBundle.parse(Array(signed.stdoutData), file: "-").get()
        let statement = try ModelStatement.parse(bundle.payload, file: "-").get()
        #expect(statement.ignorePaths == ModelIgnoreList.gitPaths)
        let path = setup.root.path + "/stdout.sig"
        try signed.stdoutData.write(to: URL(fileURLWithPath: path))
        let verified = await CLI.run(["model", "verify", "--key", setup.pub, "--signature", path, setup.model])
        #expect(verified.status == 0, "\(verified.stderr)")
    }

    @Test func verifiesTheRecordedReferenceSignature() async throws {
        let fixtures = CommandRunner.packageRoot.appendingPathComponent("Tests/Fixtures/model-signing").path
        let result = await CLI.run(["model", "verify", "--key", fixtures + "/test-keys/p256.pub", fixtures + "/peer-model"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("verified: 4 files"), "\(result.stdout)")
    }

    /// `model scan --key` verifies each model directory once: the BOM's signature status is
    /// `verified`, and after a change `verification failed`, with a warning naming the file.
    @Test func scanWithAKeyReportsTheSignatureStatus() async throws {
        let setup = try Setup()
        defer { setup.remove() }
        // A pickle of an OrderedDict: a model file, and clean.
        try Data([0x80, 0x02] + Array("ccollections\nOrderedDict\n)R.".utf8)).write(to: URL(fileURLWithPath: setup.model + "/model.pkl"))
        #expect(await CLI.run(["model", "sign", "--key", setup.key, setup.model]).status == 0)
        let verified = await CLI.run(["model", "scan", "--key", setup.pub, "--format", "cyclonedx", setup.model])
        #expect(verified.status == 0, "\(verified.stderr)")
        #expect(verified.stdout.contains("\"value\": \"verified\"") || verified.stdout.contains("\"value\":\"verified\""), "\(verified.stdout)")
        try setup.write("config.json", "{\"n\": 2}\n")
        let failed = await CLI.run(["model", "scan", "--key", setup.pub, "--format", "cyclonedx", setup.model])
        #expect(failed.stdout.contains("verification failed"), "\(failed.stdout)")
        #expect(failed.stdout.contains("failed verification") && failed.stdout.contains("config.json"), "\(failed.stdout)")
        let table = await CLI.run(["model", "scan", "--key", setup.pub, setup.model])
        #expect(table.stdout.contains("model.pkl") && table.stdout.contains("failed verification"), "\(table.stdout)")
        let unsigned = await CLI.run(["model", "scan", "--format", "cyclonedx", setup.model])
        #expect(unsigned.stdout.contains("signature present (not verified)"), "\(unsigned.stdout)")
    }
}
