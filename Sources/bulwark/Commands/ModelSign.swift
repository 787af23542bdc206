import ArgumentParser
import BulwarkArtifacts
import BulwarkCore
import Foundation

/// Options shared by `model sign` and `model verify`, spelled as the reference's CLI spells them.
struct ModelSigningPathOptions: ParsableArguments {
    @Option(name: .customLong("ignore-paths"), help: ArgumentHelp(
        "A file or directory under DIR to leave out (relative to the current directory, as in model_signing). Repeatable.",
        valueName: "path"))
    var ignorePaths: [String] = []

    @Option(help: ArgumentHelp("The signature file. Default: DIR/model.sig.", valueName: "model.sig"))
    var signature: String?

    @Argument(help: "The model directory.")
    var directory: String

    var signaturePath: String { signature ?? (directory.hasSuffix("/") ? directory : directory + "/") + "model.sig" }

    /// The ignore list as the reference builds it; paths outside DIR are reported, not silently dropped.
    func ignoreList() -> ModelIgnoreList {
        let resolved = ModelIgnoreList.resolving(ignorePaths, signature: signaturePath == "-" ? nil : signaturePath, model: directory,
                                                 currentDirectory: FileManager.default.currentDirectoryPath)
        for path in resolved.outside {
            Console.current.warning("--ignore-paths \(path): not inside \(directory); it cannot match a file of the model")
        }
        return resolved.list
    }

    /// A key file's text; unreadable is exit 2.
    static func readKey(_ path: String) throws -> String {
        switch InputFile.read(path, limit: ByteLimit(bytes: 1 << 20)) {
        case .failure(let error):
            Console.current.error("\(error)")
            throw ExitCode(2)
        case .success(let bytes):
            return String(decoding: bytes, as: UTF8.self)
        }
    }

    /// A key read from a PEM file and parsed: unreadable or malformed is exit 2, naming the file.
    static func key<Key>(_ path: String, _ parse: (String) throws -> Key) throws -> Key {
        let text = try readKey(path)
        do {
            return try parse(text)
        } catch {
            Console.current.error("\(path): \(error)")
            throw ExitCode(2)
        }
    }

    /// Reports a failure and exits: 2 for unreadable or malformed input, 1 for a signature that
    /// does not hold or files that differ.
    func fail(_ failure: ModelSigningFailure) throws -> Never {
        let console = Console.current
        switch failure {
        case .input(let errors):
            for error in errors { console.error("\(error)") }
            throw ExitCode(2)
        case .signature(let reason):
            console.error("verification failed: \(reason)")
            throw ExitCode(1)
        case .mismatch(let difference):
            console.error("verification failed: \(directory) does not match \(signaturePath):")
            for line in difference.description.split(separator: "\n") { console.error("  \(line)") }
            throw ExitCode(1)
        }
    }
}

struct ModelSign: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sign",
        abstract: "Sign a model directory with an EC private key (OpenSSF model-signing format, as model_signing sign key).",
        discussion: """
        Hashes every regular file under DIR (SHA-256, streamed, on all cores) and writes a Sigstore bundle v0.3 \
        with a DSSE envelope around an in-toto statement (predicate https://model_signing/signature/v1.0). The \
        signature, .git, .gitattributes, .github, .gitignore and every --ignore-paths are left out. Symbolic links, \
        FIFOs, sockets and devices under DIR are errors (as in model_signing without --allow_symlinks). Keys: P-256, \
        P-384 or P-521 PEM (EC PRIVATE KEY or PKCS#8), unencrypted; e.g. openssl ecparam -name prime256v1 -genkey \
        -noout -out key.pem && openssl ec -in key.pem -pubout -out key.pub. Verifiable with bulwark model verify \
        or model_signing verify key --public_key key.pub --signature DIR/model.sig DIR.

        Exit codes: 0 = signed; 2 = unreadable key, unreadable or unsupported file under DIR, or the signature \
        could not be written (nothing is written then).
        """
    )

    @Option(help: ArgumentHelp("The private key (PEM, P-256/P-384/P-521).", valueName: "key.pem"))
    var key: String

    @OptionGroup var paths: ModelSigningPathOptions

    func run() async throws {
        let console = Console.current
        let privateKey = try ModelSigningPathOptions.key(key) { try ModelSigningPrivateKey(pem: $0) }
        switch ModelSigner.sign(directory: paths.directory, key: privateKey, ignoring: paths.ignoreList()) {
        case .failure(let failure):
            try paths.fail(failure)
        case .success(let bundle):
            try console.emit(bundle.json, to: paths.signaturePath)
            if paths.signaturePath != "-" {
                let count = ModelStatement.parse(bundle.payload, file: paths.signaturePath).map(\.manifest.resources.count)
                let files = (try? count.get()).map { "\($0) file\($0 == 1 ? "" : "s")" } ?? "the files"
                try console.emit("signed \(files) of \(paths.directory.terminalSafe) with a \(privateKey.curve.rawValue) key: "
                                 + "\(paths.signaturePath.terminalSafe)\n")
            }
        }
    }
}

struct ModelVerify: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Verify a model directory against its signature with an EC public key (as model_signing verify key).",
        discussion: """
        Checks the signature over the embedded statement with the public key (and the bundle's key hint), then \
        hashes DIR again and compares it with the signed files: every file added, removed or changed is named. \
        Accepts signatures made by model_signing (v1.0 statements, and v0.2 ones with a warning) and by bulwark \
        model sign. The paths the signature itself lists as ignored are ignored too.

        Exit codes: 0 = the model matches its signature; 1 = the signature does not verify with this key, or \
        files were added, removed or changed; 2 = unreadable key, unreadable or malformed signature file, or an \
        unreadable or unsupported file under DIR.
        """
    )

    @Option(help: ArgumentHelp("The public key (PEM SubjectPublicKeyInfo, P-256/P-384/P-521).", valueName: "key.pub"))
    var key: String

    @OptionGroup var paths: ModelSigningPathOptions

    func run() async throws {
        let console = Console.current
        let publicKey = try ModelSigningPathOptions.key(key) { try ModelSigningPublicKey(pem: $0) }
        let signaturePath = paths.signaturePath
        let bytes: [UInt8]
        switch InputFile.read(signaturePath, limit: ModelSignatureBundle.fileLimit) {
        case .failure(let error):
            console.error("\(error)")
            throw ExitCode(2)
        case .success(let value):
            bytes = value
        }
        switch ModelSigner.verify(directory: paths.directory, signature: bytes, signatureFile: signaturePath, key: publicKey,
                                  ignoring: paths.ignoreList()) {
        case .failure(let failure):
            try paths.fail(failure)
        case .success(let verification):
            for warning in verification.warnings { console.warning(warning) }
            let count = verification.manifest.resources.count
            try console.emit("verified: \(count) file\(count == 1 ? "" : "s") of \(paths.directory.terminalSafe) match "
                             + "\(signaturePath.terminalSafe) (\(verification.curve.rawValue) key)\n")
        }
    }
}
