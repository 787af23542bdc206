import BulwarkArtifacts
import BulwarkCore
import BulwarkKubernetes

/// The signature policy of the webhook: a pod whose model (a KServe `storageUri`, a `STORAGE_URI`
/// variable, or a PersistentVolumeClaim a configured location names) is not signed by the configured
/// key is a violation (`admission/unsigned-model`).
///
/// The webhook cannot read S3 or a volume's disk: each configured location maps a URI prefix to a
/// directory the webhook can read holding the same files (a read-only mount of the model store), and
/// `bulwark model verify`'s code (`ModelSigner.verify`: the Sigstore bundle, the in-toto statement,
/// every file's SHA-256) runs there. Hashing a model takes seconds, far longer than an admission
/// deadline, so results are cached per directory and kept while the signature file and the
/// directory are unchanged; `warmUp()` verifies every configured location before the webhook reports
/// ready, and a request never waits for more than one verification of a directory at a time.
public actor ModelSignatureChecker {
    public static let ruleId = "admission/unsigned-model"

    let key: ModelSigningPublicKey
    let policy: AdmissionConfiguration.SignaturePolicy
    private var cache: [String: (stamp: Stamp, problem: String?)] = [:]
    private var running: [String: Task<(Stamp, String?), Never>] = [:]
    private var warm = false

    /// Reads the public key the policy names.
    public init(policy: AdmissionConfiguration.SignaturePolicy) throws(InputError) {
        let text: String
        switch InputFile.open(policy.publicKeyPath, named: true).flatMap({ $0.readAll(limit: ByteLimit(bytes: 64 * 1024)) }) {
        case .failure(let error): throw error
        case .success(let bytes): text = String(decoding: bytes, as: UTF8.self)
        }
        do {
            key = try ModelSigningPublicKey(pem: text)
        } catch {
            throw InputError(file: policy.publicKeyPath, message: error.description)
        }
        self.policy = policy
    }

    /// Verifies every configured location's directory (the webhook is ready afterwards).
    public func warmUp() async {
        for location in policy.locations {
            _ = await problem(directory: location.directory)
        }
        warm = true
    }

    public func isWarm() -> Bool { warm || policy.locations.isEmpty }

    /// The violations of the models the object's pod specs load.
    public func violations(in object: YAMLNode, namespace: String, policy: AdmissionConfiguration.SignaturePolicy) async -> [AdmissionViolation] {
        guard let kubeObject = KubeObject(root: object, file: "admission", helmSource: nil) else { return [] }
        var violations: [AdmissionViolation] = []
        var seen: Set<String> = []
        for reference in Self.modelReferences(PodSpecExtractor.podSpecs(in: kubeObject), locations: policy.locations)
        where seen.insert(reference.uri + "\u{0}" + (reference.container ?? "")).inserted {
            let message: String
            switch Self.directory(for: reference.uri, in: policy.locations) {
            case .none:
                message = "the model at \(reference.uri) is not under a location the webhook can verify"
            case .some(.failure(let reason)):
                message = "the model at \(reference.uri) cannot be verified: \(reason.message)"
            case .some(.success(let directory)):
                guard let problem = await problem(directory: directory) else { continue }
                message = "the model at \(reference.uri) is not signed by the configured key: \(problem)"
            }
            violations.append(AdmissionViolation(
                ruleId: Self.ruleId, severity: .high, container: reference.container, field: reference.field, message: message,
                remediation: "Sign the model with `bulwark model sign --key KEY.pem DIR` and deploy the signed files, or load it from a verified location."))
        }
        return violations
    }

    // MARK: - Verification

    /// What makes a cached verification stale: the signature file's and the directory's fingerprints.
    struct Stamp: Equatable, Sendable {
        var signature: FileFingerprint?
        var directory: FileFingerprint?
    }

    func currentStamp(_ directory: String) -> Stamp {
        Stamp(signature: FileFingerprint(path: directory + "/" + policy.signatureFile), directory: FileFingerprint(path: directory))
    }

    /// Why the directory's model does not verify, or nil when it does.
    func problem(directory: String) async -> String? {
        let stamp = currentStamp(directory)
        if let cached = cache[directory], cached.stamp == stamp { return cached.problem }
        if let task = running[directory] { return await task.value.1 }
        let key = key
        let signatureFile = directory + "/" + policy.signatureFile
        let task = Task.detached(priority: .utility) { () -> (Stamp, String?) in
            (stamp, Self.verify(directory: directory, signatureFile: signatureFile, key: key))
        }
        running[directory] = task
        let (verifiedStamp, problem) = await task.value
        running[directory] = nil
        cache[directory] = (verifiedStamp, problem)
        return problem
    }

    static func verify(directory: String, signatureFile: String, key: ModelSigningPublicKey) -> String? {
        let bytes: [UInt8]
        switch InputFile.open(signatureFile, named: true).flatMap({ $0.readAll(limit: ByteLimit(bytes: 64 << 20)) }) {
        case .failure(let error): return "no readable signature (\(error.message))"
        case .success(let value): bytes = value
        }
        let ignore = ModelIgnoreList.resolving([], signature: signatureFile, model: directory, currentDirectory: "/").list
        switch ModelSigner.verify(directory: directory, signature: bytes, signatureFile: signatureFile, key: key, ignoring: ignore) {
        case .success: return nil
        case .failure(let failure): return failure.description
        }
    }

    // MARK: - References

    struct Reference: Equatable {
        var uri: String
        var container: String?
        var field: String?
    }

    /// The model URIs pod specs load: `storageUri` of embedded model containers (KServe), the
    /// `STORAGE_URI` variable of any container, and `pvc://CLAIM/SUBPATH` for each mount of a claim
    /// whose `pvc://CLAIM/` some location names.
    static func modelReferences(_ pods: [PodSpecView], locations: [AdmissionConfiguration.SignaturePolicy.Location]) -> [Reference] {
        var references: [Reference] = []
        for pod in pods {
            var claims: [String: String] = [:]
            for volume in pod.volumes {
                if let name = volume["name"]?.string, let claim = volume["persistentVolumeClaim"]?["claimName"]?.string {
                    claims[name] = claim
                }
            }
            for container in pod.containers {
                if let uri = container.node["storageUri"]?.string {
                    references.append(Reference(uri: uri, container: container.name, field: container.path + ".storageUri"))
                }
                for variable in container.env where variable.name == "STORAGE_URI" {
                    if let uri = variable.node["value"]?.string {
                        references.append(Reference(uri: uri, container: container.name, field: container.path + ".env[STORAGE_URI]"))
                    }
                }
                for (position, mount) in (container.node["volumeMounts"]?.items ?? []).enumerated() {
                    guard let volume = mount["name"]?.string, let claim = claims[volume] else { continue }
                    let prefix = "pvc://\(claim)/"
                    guard locations.contains(where: { $0.uri.hasPrefix(prefix) || prefix.hasPrefix($0.uri) }) else { continue }
                    let subPath = mount["subPath"]?.string ?? ""
                    references.append(Reference(uri: prefix + subPath, container: container.name,
                                                field: container.path + ".volumeMounts[\(position)]"))
                }
            }
        }
        return references
    }

    /// The directory holding the model at `uri`: the location with the longest matching prefix,
    /// plus the rest of the URI. A rest that climbs out of the location (`..`) is refused.
    static func directory(for uri: String, in locations: [AdmissionConfiguration.SignaturePolicy.Location]) -> Result<String, OptionProblem>? {
        guard let location = locations.filter({ uri.hasPrefix($0.uri) || uri + "/" == $0.uri }).max(by: { $0.uri.count < $1.uri.count }) else {
            return nil
        }
        let rest = uri.count > location.uri.count ? String(uri.dropFirst(location.uri.count)) : ""
        let parts = rest.split(separator: "/", omittingEmptySubsequences: true)
        if parts.contains("..") { return .failure(OptionProblem("the path climbs out of its location")) }
        var directory = location.directory
        while directory.count > 1 && directory.hasSuffix("/") { directory.removeLast() }
        for part in parts where part != "." { directory += "/" + part }
        return .success(directory)
    }
}
