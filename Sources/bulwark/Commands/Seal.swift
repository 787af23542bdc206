import ArgumentParser
import BulwarkCore
import BulwarkKubernetes
import BulwarkSecrets
import BulwarkEngine

/// `--scope` values (kubeseal's spelling).
enum ScopeArgument: String, ExpressibleByArgument, CaseIterable {
    case strict
    case namespaceWide = "namespace-wide"
    case clusterWide = "cluster-wide"

    var scope: SealingScope {
        switch self {
        case .strict: .strict
        case .namespaceWide: .namespaceWide
        case .clusterWide: .clusterWide
        }
    }
}

struct Seal: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "seal",
        abstract: "Turn Secret manifests into Bitnami SealedSecrets, byte-compatible with kubeseal.",
        discussion: """
        Reads Secret manifests (YAML or JSON, one or many documents) from the files or standard input and writes \
        bitnami.com/v1alpha1 SealedSecret YAML documents to standard output. Both data and stringData are sealed; \
        labels and annotations are kept in spec.template, except the last-applied-configuration annotations, which \
        hold the plaintext. Without --scope, each Secret's sealedsecrets.bitnami.com/namespace-wide or cluster-wide \
        annotation decides (strict when none).

        With --raw, seals one value read from --from-file or standard input for the Secret given by --name and \
        --namespace, and prints the base64 blob for spec.encryptedData, like kubeseal --raw.

        Get the certificate with: kubeseal --fetch-cert > cert.pem

        Exit codes: 0 = every Secret sealed; 2 = usage error, unreadable certificate, or a document that could not \
        be sealed (the others are still written).
        """
    )

    @Option(help: ArgumentHelp("The sealed-secrets controller's certificate, PEM or DER (a PEM public key is accepted too).", valueName: "cert.pem"))
    var cert: String

    @Option(help: "Who may unseal: strict (this name in this namespace), namespace-wide or cluster-wide. Default: each Secret's scope annotation, else strict.")
    var scope: ScopeArgument?

    @Option(name: [.customShort("n"), .long], help: "Namespace for Secrets that name none; with --raw, the Secret's namespace.")
    var namespace: String?

    @Flag(help: "Seal one value (from --from-file or standard input) and print the base64 blob, like kubeseal --raw.")
    var raw = false

    @Option(help: "With --raw: the Secret's name (needed for strict scope).")
    var name: String?

    @Option(name: .customLong("from-file"), help: ArgumentHelp("With --raw: read the value from this file instead of standard input.", valueName: "file"))
    var fromFile: String?

    @OptionGroup var limits: LimitOptions

    @Argument(help: "Secret manifests (files, or directories whose YAML/JSON files are searched for Secrets); - or none reads standard input.")
    var files: [String] = []

    func validate() throws {
        if raw {
            if !files.isEmpty {
                throw ValidationError("--raw seals one value from --from-file or standard input; give no manifest files")
            }
            let scope = (self.scope ?? .strict).scope
            if scope.needsNamespace && (namespace ?? "").isEmpty {
                throw ValidationError("--raw with \(scope.rawValue) scope needs --namespace")
            }
            if scope.needsName && (name ?? "").isEmpty {
                throw ValidationError("--raw with strict scope needs --name (or use --scope namespace-wide or cluster-wide)")
            }
        } else if name != nil || fromFile != nil {
            throw ValidationError("--name and --from-file are for --raw; a manifest names its own Secret")
        }
    }

    func run() async throws {
        let sealer = try Self.loadSealer(certificate: cert, limit: limits.limit)
        if raw {
            try sealRaw(sealer)
        } else {
            try sealManifests(sealer)
        }
    }

    /// The sealer for a certificate file; errors (exit 2) and warnings (an expired certificate)
    /// go to standard error.
    static func loadSealer(certificate path: String, limit: ByteLimit) throws -> SealedSecretSealer {
        let console = Console.current
        switch InputFile.read(path, limit: limit) {
        case .failure(let error):
            console.error("\(error)")
            throw ExitCode(2)
        case .success(let bytes):
            do {
                let sealer = try SealedSecretSealer(certificate: bytes)
                for warning in sealer.warnings { console.warning("\(path): \(warning)") }
                return sealer
            } catch {
                console.error("\(path): \(error)")
                throw ExitCode(2)
            }
        }
    }

    private func sealRaw(_ sealer: SealedSecretSealer) throws {
        let console = Console.current
        switch InputFile.read(fromFile ?? "-", limit: limits.limit) {
        case .failure(let error):
            console.error("\(error)")
            throw ExitCode(2)
        case .success(let value):
            do {
                let blob = try sealer.seal(value: value, scope: (scope ?? .strict).scope, namespace: namespace, name: name)
                try console.emit(blob + "\n")
            } catch let error as ExitCode {
                throw error
            } catch {
                console.error("\(error)")
                throw ExitCode(2)
            }
        }
    }

    private func sealManifests(_ sealer: SealedSecretSealer) throws {
        let console = Console.current
        let request = ScanRequest(paths: files.isEmpty ? ["-"] : files, maxFileSize: limits.limit)
        let outcome = Engine.standard.sealManifests(request, sealer: sealer, options: SealingOptions(scope: scope?.scope, defaultNamespace: namespace))
        for error in outcome.errors { console.error("\(error)") }
        // Written file by file; a failed write (a full disk, a closed pipe) is an error.
        let output = console.output
        for file in outcome.files {
            output.write(Array(file.yaml.utf8))
            for error in file.errors { console.error("\(error)") }
        }
        try console.commit(output)
        var failed = !outcome.allErrors.isEmpty
        if outcome.sealedCount == 0 && !failed {
            console.error("no Secret found in the input")
            failed = true
        }
        if failed { throw ExitCode(2) }
    }
}
