import BulwarkCore

/// What `ManifestFixer` writes into a workload.
public struct ManifestFixOptions: Sendable, ValidatedOptions {
    /// Written where a pod sets no `runAsUser` (or sets 0).
    public var runAsUser: Int
    /// Written where a pod sets no `runAsGroup` (or sets 0).
    public var runAsGroup: Int
    /// Written where a pod sets no `fsGroup` (or sets 0).
    public var fsGroup: Int
    /// Add resource requests and limits to containers that set none (marked for review).
    public var addResources: Bool
    /// Requests added when missing, in order.
    public var resourceRequests: [ResourceDefault]
    /// Limits added when missing, in order.
    public var resourceLimits: [ResourceDefault]
    /// The Pod Security Standards version the result is checked against.
    public var pssVersion: PSSVersion
    /// Also fix the objects around the workloads (see `ObjectFixer`): Services that publish a model
    /// server, cluster-admin bindings of workload identities, Namespace Pod Security labels, and
    /// plaintext Secrets when `secretSealer` is set.
    public var fixObjects: Bool
    /// Seals plaintext Secrets in place; nil leaves them, with a warning.
    public var secretSealer: (any ManifestSecretSealing)?
    /// `sizeLimit` of the disk-backed emptyDir volumes added for writable paths (a quantity).
    public var scratchSizeLimit: String
    /// Add the writable paths as memory-backed emptyDirs (`medium: Memory`, tmpfs) instead, each
    /// sized inside the container's memory limit (tmpfs pages count against it): together at most
    /// a quarter of the limit. Without a known memory limit they stay disk-backed, with a warning.
    public var memoryBackedScratch: Bool
    /// For a workload that keeps its API token (its ServiceAccount is bound to a role): instead of
    /// leaving the automounted token, set `automountServiceAccountToken: false` and mount a projected
    /// volume at the token's path (a `serviceAccountToken` source for the API server's audience
    /// expiring after `tokenExpirationSeconds`, `ca.crt` and `namespace`), in every container.
    public var projectedServiceAccountToken: Bool
    /// `expirationSeconds` of the projected token (the API server accepts 600 and more).
    public var tokenExpirationSeconds: Int

    public struct ResourceDefault: Sendable, Hashable {
        public var resource: String
        public var quantity: String

        public init(_ resource: String, _ quantity: String) {
            self.resource = resource
            self.quantity = quantity
        }
    }

    public init(
        runAsUser: Int = 10001, runAsGroup: Int = 10001, fsGroup: Int = 10001, addResources: Bool = true,
        resourceRequests: [ResourceDefault] = [ResourceDefault("cpu", "100m"), ResourceDefault("memory", "256Mi")],
        resourceLimits: [ResourceDefault] = [ResourceDefault("cpu", "500m"), ResourceDefault("memory", "512Mi"), ResourceDefault("ephemeral-storage", "1Gi")],
        pssVersion: PSSVersion = .v1(35), fixObjects: Bool = true, secretSealer: (any ManifestSecretSealing)? = nil,
        scratchSizeLimit: String = "1Gi", memoryBackedScratch: Bool = false,
        projectedServiceAccountToken: Bool = false, tokenExpirationSeconds: Int = 3600
    ) {
        self.projectedServiceAccountToken = projectedServiceAccountToken
        self.tokenExpirationSeconds = tokenExpirationSeconds
        self.scratchSizeLimit = scratchSizeLimit
        self.memoryBackedScratch = memoryBackedScratch
        self.fixObjects = fixObjects
        self.secretSealer = secretSealer
        self.runAsUser = runAsUser
        self.runAsGroup = runAsGroup
        self.fsGroup = fsGroup
        self.addResources = addResources
        self.resourceRequests = resourceRequests
        self.resourceLimits = resourceLimits
        self.pssVersion = pssVersion
    }

    /// Everything wrong with the options: a `runAsUser`, `runAsGroup` or `fsGroup` outside
    /// 1…`KubernetesID.maximum` (0 is root, which the fixer replaces). Empty when they are usable;
    /// `ManifestFixer` refuses to fix otherwise.
    public var problems: [OptionProblem] {
        var problems = [("runAsUser", runAsUser), ("runAsGroup", runAsGroup), ("fsGroup", fsGroup)].compactMap { name, value in
            KubernetesID.problem(name, value, consequence: "the API server would reject every fixed workload")
        }
        if !((Quantity.parse(scratchSizeLimit) ?? 0) >= 1_048_576) {
            problems.append(OptionProblem("scratchSizeLimit \"\(scratchSizeLimit)\" is not a quantity of at least 1Mi (e.g. 256Mi, 1Gi)"))
        }
        if tokenExpirationSeconds < 600 || tokenExpirationSeconds > 4_294_967_295 {
            problems.append(OptionProblem("tokenExpirationSeconds \(tokenExpirationSeconds) is outside 600…4294967295 (the API server rejects a projected token that expires sooner than 10 minutes)"))
        }
        return problems
    }
}
