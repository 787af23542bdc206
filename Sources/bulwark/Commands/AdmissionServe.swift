import ArgumentParser
import BulwarkAdmission
import BulwarkCore
import Logging
import ServiceLifecycle
import UnixSignals

extension Severity: ExpressibleByArgument {}

struct AdmissionServe: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve the validating and mutating admission webhook over HTTPS.",
        discussion: """
            POST /validate[/MODE[/LEVEL]] and /mutate answer AdmissionReviews (admission.k8s.io/v1 and v1beta1) with the \
            rules `bulwark scan` runs, on the object alone; GET /healthz, /readyz and /metrics. TLS 1.2 or newer; the \
            certificate and key are re-read when their files change. JSON logs on standard error, one line per request. \
            SIGTERM or SIGINT stops accepting and lets requests in flight finish.
            """)

    @Option(name: .customLong("tls-cert"), help: "PEM certificate chain the server presents.")
    var tlsCertificate: String

    @Option(name: .customLong("tls-key"), help: "PEM private key of the certificate.")
    var tlsKey: String

    @Option(name: .customLong("client-ca"), help: "PEM CA bundle: clients must present a certificate it signed (the API server can).")
    var clientCA: String?

    @Option(help: "Address to listen on.")
    var host = "0.0.0.0"

    @Option(help: "Port to listen on.")
    var port = 8443

    @Option(help: "The webhook's configuration file (modes, levels, exemptions, signatures; docs/cli.md).")
    var config: String?

    @Option(name: .customLong("scan-config"), help: "A .bulwark.yaml whose rule settings and suppressions apply, as in `bulwark scan`.")
    var scanConfig: String?

    @Option(name: .customLong("deadline-ms"), help: "Answer within this many milliseconds, with the configured failure mode when judging takes longer.")
    var deadlineMilliseconds = 2000

    @Option(name: .customLong("min-severity"), help: "The lowest severity that denies, warns or is audited.")
    var minimumSeverity: Severity = .low

    @Option(name: .customLong("max-body-bytes"), help: "Larger request bodies are refused with 413 (the API server's own limit is 3 MiB).")
    var maxBodyBytes = 3 * 1024 * 1024

    @Flag(name: .customLong("list-rules"), help: "Print the rules judged at admission and those left to `bulwark scan`, then exit.")
    var listRules = false

    func validate() throws {
        guard (1...65535).contains(port) || port == 0 else { throw ValidationError("--port must be between 0 and 65535") }
        guard deadlineMilliseconds >= 10 && deadlineMilliseconds <= 30_000 else {
            throw ValidationError("--deadline-ms must be between 10 and 30000 (the webhook timeout is at most 30 s)")
        }
        guard maxBodyBytes >= 1024 else { throw ValidationError("--max-body-bytes must be at least 1024") }
    }

    func run() async throws {
        let console = Console.current
        if listRules {
            var text = "judged at admission (restricted level):\n"
            for rule in AdmissionScope.admissionRules(level: .restricted) { text += "  \(rule.id)\n" }
            text += "left to bulwark scan:\n"
            for skipped in AdmissionScope.skippedRules { text += "  \(skipped.rule): \(skipped.reason)\n" }
            console.output.write(Array(text.utf8))
            return
        }
        var admission = AdmissionConfiguration()
        var scan = Configuration()
        do {
            if let config { admission = try AdmissionConfiguration.load(file: config) }
            if let scanConfig { scan = try Configuration.load(file: scanConfig) }
        } catch {
            console.error("\(error)")
            throw ExitCode(2)
        }
        var checker: ModelSignatureChecker?
        if let policy = admission.signatures {
            do {
                checker = try ModelSignatureChecker(policy: policy)
            } catch {
                console.error("\(error)")
                throw ExitCode(2)
            }
        }
        let controller = AdmissionController(configuration: admission, scanConfiguration: scan, minimumSeverity: minimumSeverity,
                                             signatureChecker: checker)
        let logger = Logger(label: "bulwark.admission") { label in AdmissionJSONLogHandler(label: label) }
        let server = AdmissionServer(
            configuration: AdmissionServerConfiguration(host: host, port: port, certificatePath: tlsCertificate, privateKeyPath: tlsKey,
                                                        clientCAPath: clientCA, maxBodyBytes: maxBodyBytes,
                                                        deadline: .milliseconds(deadlineMilliseconds)),
            handler: controller, metrics: AdmissionMetrics(), logger: logger)
        if let checker {
            // Verified in the background: /readyz answers ready once every location is.
            Task.detached(priority: .utility) { await checker.warmUp() }
        }
        let group = ServiceGroup(configuration: .init(services: [server], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        do {
            try await group.run()
        } catch {
            console.error("admission server: \(error)")
            throw ExitCode(2)
        }
    }
}
