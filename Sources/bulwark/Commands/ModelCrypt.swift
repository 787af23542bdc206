import ArgumentParser
import BulwarkArtifacts
import BulwarkCore
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// `--kek-file`, `--kek-env`: the key-encryption key, shared by encrypt and decrypt.
struct KEKOptions: ParsableArguments {
    @Option(name: .customLong("kek-file"), help: ArgumentHelp(
        "A key-encryption key file: 32 raw bytes, or their base64 (openssl rand -base64 32).", valueName: "path"))
    var kekFile: String?

    @Option(name: .customLong("kek-env"), help: ArgumentHelp(
        "The environment variable that holds the key-encryption key, base64 (e.g. from a Kubernetes Secret).", valueName: "name"))
    var kekEnv: String?

    func validate() throws {
        if kekFile != nil && kekEnv != nil { throw ValidationError("give the key-encryption key once: --kek-file or --kek-env") }
    }

    /// The KEK, if one was named; a missing or malformed one is an error (exit 2).
    func load() throws -> KeyEncryptionKey? {
        let console = Console.current
        do {
            if let kekFile {
                switch InputFile.read(kekFile, limit: ByteLimit(bytes: 64 << 10)) {
                case .failure(let error):
                    console.error("--kek-file: \(error)")
                    throw ExitCode(2)
                case .success(let bytes):
                    return try KeyEncryptionKey(fileContents: bytes)
                }
            }
            if let kekEnv {
                guard let value = ProcessInfo.processInfo.environment[kekEnv], !value.isEmpty else {
                    console.error("--kek-env: the environment variable \(kekEnv) is not set or empty")
                    throw ExitCode(2)
                }
                return try KeyEncryptionKey(base64: value)
            }
            return nil
        } catch let error as ModelEncryptionError {
            console.error("\(kekFile.map { "--kek-file \($0)" } ?? "--kek-env \(kekEnv ?? "")"): \(error)")
            throw ExitCode(2)
        }
    }
}

/// What both commands share: the input and output, the byte streams, and how errors end the run.
struct ModelCryptIO: ParsableArguments {
    @Option(name: [.customShort("o"), .long], help: ArgumentHelp(
        "Where to write; - or none is standard output. A file is written next to its target and renamed over it only on success.",
        valueName: "path"))
    var output: String?

    @Argument(help: ArgumentHelp("The file to read; - is standard input.", valueName: "input"))
    var input: String

    /// Runs `body` from the input to the output. The output is committed (renamed into place)
    /// only when `body` succeeds; otherwise the temporary file is removed and the run exits 2.
    func run(_ body: (any ModelByteSource, any ModelByteSink) throws(ModelEncryptionError) -> Void) throws {
        let console = Console.current
        // A closed pipe is a write error (exit 2): `Bulwark.main` ignores SIGPIPE for every command.
        let source: FileByteSource
        do {
            source = try FileByteSource(path: input)
        } catch {
            console.error("\(error)")
            throw ExitCode(2)
        }
        let destination = try console.destination(output)
        do {
            try body(source, SinkAdapter(destination))
        } catch {
            switch error {
            case .readFailed, .writeFailed: console.error("\(error)")
            default: console.error("\(source.name): \(error)")
            }
            // Nothing is committed: a temporary file goes away with `destination`.
            throw ExitCode(2)
        }
        try console.commit(destination)
    }
}

/// Hands the library's chunks to a console destination and stops at the first failed write.
private final class SinkAdapter: ModelByteSink {
    let sink: any OutputSink

    init(_ sink: any OutputSink) { self.sink = sink }

    func write(_ bytes: [UInt8]) throws(ModelEncryptionError) {
        sink.write(bytes)
        if let file = sink as? OutputFile, let error = file.error { throw .writeFailed(reason: error.description) }
    }
}

struct ModelEncrypt: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "encrypt",
        abstract: "Encrypt a model file in authenticated chunks (AES-256-GCM) under a random data key.",
        discussion: """
        The data key is wrapped with the key-encryption key (AES key wrap) and/or for each --recipient \
        (RSA-OAEP-SHA256); any one of them decrypts. Memory stays constant whatever the file size; - reads \
        standard input. The format is in docs/cli.md.

        Exit codes: 0 = written; 2 = usage error, unreadable input or key, or output that could not be written.
        """
    )

    @OptionGroup var kek: KEKOptions

    @Option(name: .customLong("recipient"), help: ArgumentHelp(
        "An RSA public key (PEM, at least 2048 bits) that may decrypt. Repeatable.", valueName: "pub.pem"))
    var recipients: [String] = []

    @Option(name: .customLong("chunk-size"), help: ArgumentHelp(
        "Plaintext bytes per chunk (\(ModelEncryptionFormat.minimumChunkSize)–\(ModelEncryptionFormat.maximumChunkSize)).",
        valueName: "bytes"))
    var chunkSize: Int = ModelEncryptionFormat.defaultChunkSize

    @OptionGroup var io: ModelCryptIO

    func validate() throws {
        if kek.kekFile == nil && kek.kekEnv == nil && recipients.isEmpty {
            throw ValidationError("name who may decrypt: --kek-file, --kek-env or --recipient")
        }
        if chunkSize < ModelEncryptionFormat.minimumChunkSize || chunkSize > ModelEncryptionFormat.maximumChunkSize {
            throw ValidationError("--chunk-size must be between \(ModelEncryptionFormat.minimumChunkSize) and \(ModelEncryptionFormat.maximumChunkSize) bytes")
        }
    }

    func run() async throws {
        var keys: [ModelKeyRecipient] = []
        if let kek = try kek.load() { keys.append(.kek(kek)) }
        for path in recipients {
            do {
                keys.append(.rsa(try RSARecipient(pem: try Self.readPEM(path, option: "--recipient"))))
            } catch let error as ModelEncryptionError {
                Console.current.error("--recipient \(path): \(error)")
                throw ExitCode(2)
            }
        }
        let chunkSize = self.chunkSize
        try io.run { (source, sink) throws(ModelEncryptionError) in
            _ = try ModelEncryption.encrypt(from: source, to: sink, recipients: keys, chunkSize: chunkSize)
        }
    }

    /// A PEM file's text; errors name the option and the file (exit 2).
    static func readPEM(_ path: String, option: String) throws -> String {
        let console = Console.current
        switch InputFile.read(path, limit: ByteLimit(bytes: 1 << 20)) {
        case .failure(let error):
            console.error("\(option): \(error)")
            throw ExitCode(2)
        case .success(let bytes):
            return String(decoding: bytes, as: UTF8.self)
        }
    }
}

struct ModelDecrypt: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "decrypt",
        abstract: "Decrypt a file written by bulwark model encrypt, checking every chunk before it is written.",
        discussion: """
        Opens the data key with the key-encryption key or an RSA private key, then each chunk: a changed, \
        reordered, missing or appended chunk, or a wrong key, stops with an error naming the chunk (exit 2). \
        An output file appears only when the whole file authenticated. On standard output the chunks before the \
        error have already been written, each authenticated: a consumer of the pipe must check the exit status \
        (e.g. set -o pipefail) before using what it read.

        Exit codes: 0 = the whole file authenticated and was written; 2 = usage error, wrong key, damaged or \
        truncated input, or output that could not be written.
        """
    )

    @OptionGroup var kek: KEKOptions

    @Option(name: .customLong("private-key"), help: ArgumentHelp(
        "An RSA private key (PEM) that a --recipient of encrypt matches. Repeatable.", valueName: "key.pem"))
    var privateKeys: [String] = []

    @OptionGroup var io: ModelCryptIO

    func validate() throws {
        if kek.kekFile == nil && kek.kekEnv == nil && privateKeys.isEmpty {
            throw ValidationError("give the key: --kek-file, --kek-env or --private-key")
        }
    }

    func run() async throws {
        var keys: [ModelKeyIdentity] = []
        if let kek = try kek.load() { keys.append(.kek(kek)) }
        for path in privateKeys {
            do {
                keys.append(.rsa(try RSAIdentity(pem: try ModelEncrypt.readPEM(path, option: "--private-key"))))
            } catch let error as ModelEncryptionError {
                Console.current.error("--private-key \(path): \(error)")
                throw ExitCode(2)
            }
        }
        try io.run { (source, sink) throws(ModelEncryptionError) in
            _ = try ModelEncryption.decrypt(from: source, to: sink, identities: keys)
        }
    }
}
