import ArgumentParser
import BulwarkAdmission
import BulwarkCore

struct AdmissionManifests: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "manifests",
        abstract: "Print the Kubernetes manifests that run the webhook: Deployment, Service, webhook configurations and guards.",
        discussion: """
        One YAML stream: Namespace (Pod Security restricted), ServiceAccount without a token, the webhook's configuration \
        (ConfigMap), the TLS Secret (only with --certs), a Deployment (at least 2 replicas, spread over nodes and zones, \
        restricted securityContext), PodDisruptionBudget, HorizontalPodAutoscaler, Service, NetworkPolicies, the \
        Validating- and MutatingWebhookConfiguration, and a ValidatingAdmissionPolicy guarding Bulwark's own namespace. \
        Namespaces choose their treatment with the labels bulwark.dev/mode (enforce|warn|audit) and bulwark.dev/enforce \
        (restricted|baseline); --mode and --level apply to namespaces without them. See docs/cli.md for every choice.
        """
    )

    @Option(help: "Bulwark's own namespace (excluded from the webhooks, guarded by the in-tree policy).")
    var namespace: String = "bulwark-system"

    @Option(help: "Name of the Deployment, Service, ServiceAccount and ConfigMap; the TLS Secret is NAME-tls.")
    var name: String = "bulwark-admission"

    @Option(help: "The Bulwark image, pinned by digest (IMAGE@sha256:…).")
    var image: String = AdmissionManifestOptions.defaultImage

    @Option(name: .customLong("ca-bundle"), help: "PEM CA certificate the API server trusts the webhook with (caBundle).")
    var caBundle: String?

    @Option(help: "A directory written by `bulwark admission certs`: caBundle from ca.pem and a TLS Secret from tls.crt/tls.key.")
    var certs: String?

    @Option(help: "Replicas (at least 2); also the autoscaler's minimum.")
    var replicas: Int = 2

    @Option(name: .customLong("max-replicas"), help: "The autoscaler's maximum.")
    var maxReplicas: Int = 10

    @Option(help: "Mode of namespaces without a bulwark.dev/mode label: enforce, warn or audit.")
    var mode: String = AdmissionMode.warn.rawValue

    @Option(help: "Level of namespaces without a bulwark.dev/enforce label: restricted or baseline.")
    var level: String = AdmissionLevel.restricted.rawValue

    @Option(name: .customLong("admin-group"), help: "A group allowed to change the webhook's objects (repeatable; default system:masters).")
    var adminGroups: [String] = []

    @Option(name: .customLong("exempt-namespace"), help: "Another namespace no webhook is called for (repeatable).")
    var exemptNamespaces: [String] = []

    @Option(name: .customLong("priority-class"), help: "The pods' priorityClassName.")
    var priorityClass: String = "system-cluster-critical"

    @Option(help: "The API server's timeout for each webhook call, 1 to 3 seconds.")
    var timeout: Int = 3

    @Flag(name: .customLong("no-mutate"), help: "Leave out the MutatingWebhookConfiguration.")
    var noMutate = false

    @Option(name: .shortAndLong, help: "Write to this file instead of standard output (replaced atomically).")
    var output: String?

    func validate() throws {
        if AdmissionMode(rawValue: mode) == nil { throw ValidationError("--mode must be enforce, warn or audit (got \"\(mode)\")") }
        if AdmissionLevel(rawValue: level) == nil { throw ValidationError("--level must be restricted or baseline (got \"\(level)\")") }
        if caBundle != nil && certs != nil { throw ValidationError("give --ca-bundle or --certs, not both") }
        let problems = options(caBundlePEM: nil, certificatePEM: nil, keyPEM: nil).problems
        if let first = problems.first { throw ValidationError(problems.count == 1 ? first : problems.joined(separator: "; ")) }
    }

    func options(caBundlePEM: String?, certificatePEM: String?, keyPEM: String?) -> AdmissionManifestOptions {
        AdmissionManifestOptions(
            namespace: namespace, name: name, image: image, caBundlePEM: caBundlePEM, tlsCertificatePEM: certificatePEM,
            tlsPrivateKeyPEM: keyPEM, replicas: replicas, maxReplicas: maxReplicas, mode: AdmissionMode(rawValue: mode) ?? .warn,
            level: AdmissionLevel(rawValue: level) ?? .restricted, adminGroups: adminGroups.isEmpty ? ["system:masters"] : adminGroups,
            exemptNamespaces: exemptNamespaces, priorityClassName: priorityClass, timeoutSeconds: timeout, mutate: !noMutate)
    }

    func run() async throws {
        var bundle: String?
        var certificate: String?
        var key: String?
        if let caBundle { bundle = try Self.readCertificatePEM(caBundle, option: "--ca-bundle") }
        if let certs {
            let directory = certs.hasSuffix("/") ? certs : certs + "/"
            bundle = try Self.readCertificatePEM(directory + "ca.pem", option: "--certs")
            certificate = try Self.readCertificatePEM(directory + "tls.crt", option: "--certs")
            key = try ModelEncrypt.readPEM(directory + "tls.key", option: "--certs")
            guard key?.contains("PRIVATE KEY-----") == true else {
                Console.current.error("--certs: \(directory)tls.key is not a PEM private key")
                throw ExitCode(2)
            }
        }
        try Console.current.emit(AdmissionManifestGenerator.yaml(options(caBundlePEM: bundle, certificatePEM: certificate, keyPEM: key)),
                                 to: output)
    }

    /// A PEM file that must hold at least one certificate (a caBundle of anything else fails every call).
    static func readCertificatePEM(_ path: String, option: String) throws -> String {
        let text = try ModelEncrypt.readPEM(path, option: option)
        guard text.contains("-----BEGIN CERTIFICATE-----") else {
            Console.current.error("\(option): \(path) holds no PEM certificate")
            throw ExitCode(2)
        }
        return text
    }
}
