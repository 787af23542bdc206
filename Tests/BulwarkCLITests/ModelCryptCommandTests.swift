import BulwarkArtifacts
import BulwarkTestSupport
import Foundation
import Testing

/// `bulwark model encrypt|decrypt` end to end: files and standard streams, KEK from a file or the
/// environment, RSA recipients, and every failure exits 2 with no output file left behind.
@Suite struct ModelCryptCommandTests {
    static func scratch() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("bulwark-crypt-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    static func bytes(_ count: Int) -> Data {
        Data((0..<count).map { UInt8(truncatingIfNeeded: $0 &* 2_654_435_761 >> 7) })
    }

    /// A directory with `model.bin` (3 chunks of 4 KiB and a bit) and a base64 KEK file.
    static func setUp() throws -> (directory: URL, model: String, kek: String, plaintext: Data) {
        let directory = try scratch()
        let plaintext = bytes(3 * 4096 + 100)
        let model = directory.appendingPathComponent("model.bin")
        try plaintext.write(to: model)
        let kek = directory.appendingPathComponent("kek")
        try Data((Data((0..<32).map { UInt8($0 * 7) }).base64EncodedString() + "\n").utf8).write(to: kek)
        return (directory, model.path, kek.path, plaintext)
    }

    @Test func roundTripsThroughFilesAndStandardOutput() async throws {
        let (directory, model, kek, plaintext) = try Self.setUp()
        defer { try? FileManager.default.removeItem(at: directory) }
        let encrypted = directory.appendingPathComponent("model.enc").path
        let encrypt = await CLI.run(["model", "encrypt", "--kek-file", kek, "--chunk-size", "4096", model, "-o", encrypted])
        #expect(encrypt.status == 0, "\(encrypt.stderr)")
        #expect(encrypt.stdout.isEmpty)
        let ciphertext = try Data(contentsOf: URL(fileURLWithPath: encrypted))
        #expect(ciphertext.prefix(8) == Data(ModelEncryptionFormat.magic))
        #expect(ciphertext.range(of: plaintext.prefix(64)) == nil)
        let decrypt = await CLI.run(["model", "decrypt", "--kek-file", kek, encrypted])
        #expect(decrypt.status == 0, "\(decrypt.stderr)")
        #expect(decrypt.stdoutData == plaintext)
        let decrypted = directory.appendingPathComponent("model.out").path
        let toFile = await CLI.run(["model", "decrypt", "--kek-file", kek, encrypted, "-o", decrypted])
        #expect(toFile.status == 0, "\(toFile.stderr)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: decrypted)) == plaintext)
    }

    /// A damaged file: exit 2, the chunk named, and the output file never appears (nor its
    /// temporary file); an existing output file is left as it was.
    @Test func aDamagedFileLeavesNoOutput() async throws {
        let (directory, model, kek, _) = try Self.setUp()
        defer { try? FileManager.default.removeItem(at: directory) }
        let encrypted = directory.appendingPathComponent("model.enc")
        #expect(await CLI.run(["model", "encrypt", "--kek-file", kek, "--chunk-size", "4096", model, "-o", encrypted.path]).status == 0)
        var damaged = try Data(contentsOf: encrypted)
        damaged[damaged.count - 50] ^= 0x20  // in the last chunk (100 bytes + tag): chunk 3
        try damaged.write(to: encrypted)
        let output = directory.appendingPathComponent("model.out")
        let result = await CLI.run(["model", "decrypt", "--kek-file", kek, encrypted.path, "-o", output.path])
        #expect(result.status == 2)
        #expect(result.stderr.contains("chunk 3 does not authenticate"), "\(result.stderr)")
        #expect(result.stderr.contains(encrypted.path))
        let left = try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted()
        #expect(left == ["kek", "model.bin", "model.enc"])
        try Data("old".utf8).write(to: output)
        #expect(await CLI.run(["model", "decrypt", "--kek-file", kek, encrypted.path, "-o", output.path]).status == 2)
        #expect(try Data(contentsOf: output) == Data("old".utf8))
        // Truncated after a whole chunk.
        try damaged.prefix(damaged.count - 116).write(to: encrypted)
        let truncated = await CLI.run(["model", "decrypt", "--kek-file", kek, encrypted.path])
        #expect(truncated.status == 2)
        #expect(truncated.stderr.contains("ends after chunk 2, which is not the final chunk"), "\(truncated.stderr)")
    }

    @Test func rsaRecipientsAndTheEnvironment() async throws {
        let (directory, model, _, plaintext) = try Self.setUp()
        defer { try? FileManager.default.removeItem(at: directory) }
        let identity = try RSAIdentity.generate(bits: 2048)
        let privateKey = directory.appendingPathComponent("key-TEST-ONLY.pem")
        let publicKey = directory.appendingPathComponent("pub.pem")
        try Data(identity.pem.utf8).write(to: privateKey)
        try Data(identity.recipient.pem.utf8).write(to: publicKey)
        let variable = "BULWARK_TEST_KEK_\(UUID().uuidString.replacingOccurrences(of: "-", with: "_"))"
        setenv(variable, Data(repeating: 0x42, count: 32).base64EncodedString(), 1)
        defer { unsetenv(variable) }
        let encrypted = directory.appendingPathComponent("model.enc").path
        let encrypt = await CLI.run(["model", "encrypt", "--recipient", publicKey.path, "--kek-env", variable, model, "-o", encrypted])
        #expect(encrypt.status == 0, "\(encrypt.stderr)")
        let byRSA = await CLI.run(["model", "decrypt", "--private-key", privateKey.path, encrypted])
        #expect(byRSA.status == 0, "\(byRSA.stderr)")
        #expect(byRSA.stdoutData == plaintext)
        let byEnv = await CLI.run(["model", "decrypt", "--kek-env", variable, encrypted])
        #expect(byEnv.stdoutData == plaintext)

        let other = directory.appendingPathComponent("other-TEST-ONLY.pem")
        try Data(try RSAIdentity.generate(bits: 2048).pem.utf8).write(to: other)
        let wrong = await CLI.run(["model", "decrypt", "--private-key", other.path, encrypted])
        #expect(wrong.status == 2)
        #expect(wrong.stderr.contains("no wrapped key in the header opens with this RSA private key"), "\(wrong.stderr)")
        #expect(wrong.stdoutData.isEmpty)
        let unset = await CLI.run(["model", "decrypt", "--kek-env", variable + "_UNSET", encrypted])
        #expect(unset.status == 2)
        #expect(unset.stderr.contains("is not set"))
    }

    @Test func usageAndKeyErrorsExit2() async throws {
        let (directory, model, kek, _) = try Self.setUp()
        defer { try? FileManager.default.removeItem(at: directory) }
        let cases: [([String], String)] = [
            (["model", "encrypt", model], "--kek-file, --kek-env or --recipient"),
            (["model", "decrypt", model], "--kek-file, --kek-env or --private-key"),
            (["model", "encrypt", "--kek-file", kek, "--kek-env", "X", model], "give the key-encryption key once"),
            (["model", "encrypt", "--kek-file", kek, "--chunk-size", "8", model], "--chunk-size must be between"),
            (["model", "encrypt", "--kek-file", model, model], "32 raw bytes or their base64"),
            (["model", "encrypt", "--recipient", kek, model], "not an RSA public key"),
            (["model", "encrypt", "--kek-file", kek, directory.appendingPathComponent("missing").path], "no such file"),
            (["model", "decrypt", "--kek-file", kek, model], "not an encrypted model"),
        ]
        for (arguments, message) in cases {
            let result = await CLI.run(arguments)
            #expect(result.status == 2, "\(arguments)")
            #expect(result.stderr.contains(message), "\(arguments): \(result.stderr)")
        }
    }

    /// A full disk and a closed pipe are write errors (exit 2), not a silent success or a
    /// death by SIGPIPE.
    @Test func failedWritesExit2() async throws {
        let (directory, model, kek, _) = try Self.setUp()
        defer { try? FileManager.default.removeItem(at: directory) }
        let full = await CLI.run(["model", "encrypt", "--kek-file", kek, model], output: FullDiskSink())
        #expect(full.status == 2)
        #expect(full.stderr.contains("no space left on device"), "\(full.stderr)")
        let devFull = await CLI.run(["model", "encrypt", "--kek-file", kek, model, "-o", "/dev/full"])
        #expect(devFull.status == 2)
        #expect(devFull.stderr.contains("cannot write /dev/full"), "\(devFull.stderr)")

        // The executable, its standard output a pipe closed after one byte.
        let large = directory.appendingPathComponent("large.bin")
        try Self.bytes(4 << 20).write(to: large)
        let script = #""$0" model encrypt --kek-file "$1" "$2" | head -c 1 > /dev/null; echo "status=${PIPESTATUS[0]}""#
        let piped = try CommandRunner.runTool("/bin/bash", ["-c", script, CommandRunner.executable.path, kek, large.path])
        #expect(piped.stdout.contains("status=2"), "\(piped.stdout) \(piped.stderr)")
        #expect(piped.stderr.contains("cannot write standard output"), "\(piped.stderr)")
    }
}
