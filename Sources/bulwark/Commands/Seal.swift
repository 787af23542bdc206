import ArgumentParser
import BulwarkCore
import BulwarkKubernetes
import BulwarkSecrets
import Foundation

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

    @Option(help: "Largest input file to read, in MiB.")
    var maxFileSize: Int = 32

    @Argument(help: "Secret manifests (files, or directories whose YAML/JSON files are searched for Secrets); - or none reads standard input.")
    var files: [String] = []

    func validate() throws {
        if maxFileSize <= 0 { throw ValidationError("--max-file-size must be positive") }
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
        let limit = maxFileSize << 20
        let sealer = try Self.loadSealer(certificate: cert, limit: limit)

        if raw {
            try sealRaw(sealer, limit: limit)
        } else {
            try sealManifests(sealer, limit: limit)
        }
    }

    /// The sealer for a certificate file; errors (exit 2) and warnings (an expired certificate)
    /// go to standard error.
    static func loadSealer(certificate path: String, limit: Int) throws -> SealedSecretSealer {
        switch InputDiscovery.read(DiscoveredFile(path: path, explicit: true), limit: limit) {
        case .failure(let error):
            Terminal.error("\(error)")
            throw ExitCode(2)
        case .success(let bytes):
            do {
                let sealer = try SealedSecretSealer(certificate: bytes)
                for warning in sealer.warnings { Terminal.error("warning: \(path): \(warning)") }
                return sealer
            } catch {
                Terminal.error("\(path): \(error)")
                throw ExitCode(2)
            }
        }
    }

    private func sealRaw(_ sealer: SealedSecretSealer, limit: Int) throws {
        let source = DiscoveredFile(path: fromFile ?? "-", explicit: true)
        switch InputDiscovery.read(source, limit: limit) {
        case .failure(let error):
            Terminal.error("\(error)")
            throw ExitCode(2)
        case .success(let value):
            do {
                let blob = try sealer.seal(value: value, scope: (scope ?? .strict).scope, namespace: namespace, name: name)
                Terminal.write(blob + "\n")
            } catch {
                Terminal.error("\(error)")
                throw ExitCode(2)
            }
        }
    }

    private func sealManifests(_ sealer: SealedSecretSealer, limit: Int) throws {
        let options = SealingOptions(scope: scope?.scope, defaultNamespace: namespace)
        let discovery = InputDiscovery.files(under: files.isEmpty ? ["-"] : files)
        var failed = !discovery.errors.isEmpty
        for error in discovery.errors { Terminal.error("\(error)") }
        var sealed = 0
        for file in discovery.files where KubernetesLoader.accepts(file) {
            switch InputDiscovery.read(file, limit: limit) {
            case .failure(let error):
                Terminal.error("\(error)")
                failed = true
            case .success(let bytes):
                // Files found inside a directory may hold other manifests; named files must hold Secrets.
                var fileOptions = options
                fileOptions.skipOtherKinds = !file.explicit
                let result = sealer.seal(manifest: bytes, file: file.path, options: fileOptions)
                // Written file by file, so a long input streams; errors go to standard error.
                Terminal.write(result.yaml)
                sealed += result.sealedSecrets.count
                for error in result.errors { Terminal.error("\(error)") }
                failed = failed || !result.errors.isEmpty
            }
        }
        if sealed == 0 && !failed {
            Terminal.error("no Secret found in the input")
            failed = true
        }
        if failed { throw ExitCode(2) }
    }
}
