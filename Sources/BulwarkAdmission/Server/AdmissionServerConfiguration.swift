/// How `bulwark admission serve` listens.
public struct AdmissionServerConfiguration: Sendable {
    public var host: String
    public var port: Int
    /// PEM certificate chain and private key; re-read when either file changes (cert-manager rotation).
    public var certificatePath: String
    public var privateKeyPath: String
    /// PEM CA bundle: when set, clients must present a certificate it signed (the API server can).
    public var clientCAPath: String?
    /// Bodies larger than this are refused with 413 (the API server's own limit is 3 MiB).
    public var maxBodyBytes: Int
    /// Every request is answered within this, with the configured failure mode when judging takes
    /// longer: keep it well under the webhook's `timeoutSeconds`.
    public var deadline: Duration
    /// How often the certificate and key files are checked for changes.
    public var reloadInterval: Duration
    /// How long in-flight requests may take to finish after a shutdown signal.
    public var shutdownGracePeriod: Duration

    public init(host: String = "0.0.0.0", port: Int = 8443, certificatePath: String, privateKeyPath: String,
                clientCAPath: String? = nil, maxBodyBytes: Int = 3 * 1024 * 1024, deadline: Duration = .milliseconds(2000),
                reloadInterval: Duration = .seconds(5), shutdownGracePeriod: Duration = .seconds(10)) {
        self.host = host
        self.port = port
        self.certificatePath = certificatePath
        self.privateKeyPath = privateKeyPath
        self.clientCAPath = clientCAPath
        self.maxBodyBytes = maxBodyBytes
        self.deadline = deadline
        self.reloadInterval = reloadInterval
        self.shutdownGracePeriod = shutdownGracePeriod
    }
}
