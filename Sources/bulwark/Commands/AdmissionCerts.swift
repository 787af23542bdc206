import ArgumentParser
import BulwarkAdmission
import BulwarkCore

struct AdmissionCerts: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "certs",
        abstract: "Write a CA and a serving certificate for the webhook's Service (PEM files).",
        discussion: """
        Writes ca.pem, ca-key.pem (only when the CA is generated here), tls.crt and tls.key into --out. The serving \
        certificate (P-256, serverAuth) names SERVICE, SERVICE.NAMESPACE, SERVICE.NAMESPACE.svc and \
        SERVICE.NAMESPACE.svc.cluster.local. Keys are written 0600; existing files are kept unless --force is given. \
        With --ca-cert and --ca-key the serving certificate is signed by that CA instead, and no CA key is written.
        """
    )

    @Option(help: "The webhook's Service name.")
    var service: String

    @Option(help: "The webhook's namespace.")
    var namespace: String

    @Option(help: "The directory to write into (created 0700 when missing).")
    var out: String = "."

    @Option(help: "Validity of the serving certificate in days (a generated CA lasts at least 10 years).")
    var days: Int = 365

    @Option(name: .customLong("ca-cert"), help: "An existing CA certificate (PEM) to sign with; needs --ca-key.")
    var caCert: String?

    @Option(name: .customLong("ca-key"), help: "The private key (PEM) of --ca-cert.")
    var caKey: String?

    @Flag(help: "Replace existing files.")
    var force = false

    func validate() throws {
        if (caCert == nil) != (caKey == nil) { throw ValidationError("--ca-cert and --ca-key go together") }
        if !(1...36_500).contains(days) { throw ValidationError("--days must be between 1 and 36500 (got \(days))") }
    }

    func run() async throws {
        let console = Console.current
        do {
            var authority: AdmissionCertificateAuthority?
            if let caCert, let caKey {
                authority = try AdmissionCertificateAuthority(
                    certificatePEM: try ModelEncrypt.readPEM(caCert, option: "--ca-cert"),
                    privateKeyPEM: try ModelEncrypt.readPEM(caKey, option: "--ca-key"))
            }
            let set = try AdmissionCertificates.make(service: service, namespace: namespace, days: days, authority: authority)
            try AdmissionCertificates.write(set, to: out, force: force)
            try console.emit(set.files.map { "wrote \(out)/\($0.name)\n" }.joined())
        } catch let error as AdmissionCertificateError {
            console.error(error.description)
            throw ExitCode(2)
        }
    }
}
