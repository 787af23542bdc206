/// Which layer files the secret rules read (`ImageRules.secrets`): files whose names say they hold
/// credentials, never a file for its contents alone. An image has hundreds of thousands of files
/// and gigabytes of libraries and weights; a credential lives in a handful of well-known places
/// (`.ssh/id_*`, `.aws/credentials`, `.docker/config.json`, `.env` …), so the walker keeps only
/// those, and only when they are small (`maximumSize`), and at most `limit` bytes of each. A token
/// pasted into a random file elsewhere is not found: the price of reading an image in seconds.
public struct ImageSecretInterest: LayerFileInterest {
    /// Files larger than this are not credentials files (a 5 MB `requirements.txt` is not read).
    public static let maximumSize = 1 << 20
    /// Bytes kept of each file: every credentials file Bulwark knows is far smaller.
    public static let limit = 64 << 10

    public init() {}

    public func contentsLimit(path: String, size: Int) -> Int? {
        guard size <= Self.maximumSize, !SecretFileKind.kinds(of: path).isEmpty else { return nil }
        return Self.limit
    }
}

/// What a file holds by its name: the classification the interest and the secret rules share, so
/// a rule never judges a file the walker was not asked for.
enum SecretFileKind: Sendable, Hashable {
    case privateKey, cloud, registry, huggingFace, envFile, git, kubeconfig, login, packageIndex

    /// The kinds a path (relative, normalised) may hold; empty for every other file.
    static func kinds(of path: String) -> [SecretFileKind] {
        let components = path.split(separator: "/")
        guard let nameSub = components.last else { return [] }
        let name = String(nameSub)
        let lower = name.lowercased()
        let parent = components.count >= 2 ? String(components[components.count - 2]) : ""
        let grandparent = components.count >= 3 ? String(components[components.count - 3]) : ""
        var kinds: [SecretFileKind] = []

        // CA bundles are public certificates by the hundred: not read.
        let isTrustStore = path.hasPrefix("etc/ssl/certs/") || path.hasPrefix("usr/share/ca-certificates/")
            || path.hasPrefix("etc/pki/ca-trust/") || lower == "cacert.pem" || lower.hasPrefix("ca-bundle")
            || lower.hasPrefix("ca-certificates")
        if !isTrustStore {
            if ["id_rsa", "id_dsa", "id_ecdsa", "id_ed25519", "id_ecdsa_sk", "id_ed25519_sk", "identity"].contains(name)
                || [".pem", ".key", ".p8"].contains(where: { lower.hasSuffix($0) })
                || (parent == ".ssh" && !lower.hasSuffix(".pub") && !["known_hosts", "authorized_keys", "config"].contains(lower)) {
                kinds.append(.privateKey)
            }
        }
        if parent == ".aws" && (name == "credentials" || name == "config") { kinds.append(.cloud) }
        if parent == ".azure" && ["accesstokens.json", "msal_token_cache.json", "service_principal_entries.json"].contains(lower) {
            kinds.append(.cloud)
        }
        if lower.hasSuffix(".json"), lower == "application_default_credentials.json" || lower.contains("service-account")
            || lower.contains("service_account") || lower.contains("serviceaccount") || lower.contains("credentials")
            || lower == "key.json" || lower == "keyfile.json" || lower.hasSuffix("-key.json") || lower.hasSuffix("_key.json")
            || lower.hasPrefix("gcp") {
            kinds.append(.cloud)
        }
        if (parent == ".docker" && name == "config.json") || name == ".dockercfg"
            || (name == "auth.json" && (parent == "containers" || grandparent == "containers")) {
            kinds.append(.registry)
        }
        if name == "token" || name == "stored_tokens", parent == "huggingface" || parent == ".huggingface" {
            kinds.append(.huggingFace)
        }
        if isEnvFile(lower) { kinds.append(.envFile) }
        if parent == ".git" && (name == "config" || name == "HEAD") { kinds.append(.git) }
        if (parent == ".kube" && name == "config") || lower == "kubeconfig" || lower.hasSuffix(".kubeconfig")
            || (parent == "kubernetes" && ["admin.conf", "kubelet.conf", "controller-manager.conf", "scheduler.conf"].contains(lower)) {
            kinds.append(.kubeconfig)
        }
        if [".netrc", "_netrc", ".git-credentials"].contains(name) { kinds.append(.login) }
        if ["pip.conf", "pip.ini", ".pypirc", ".npmrc"].contains(lower)
            || (lower.hasSuffix(".txt") && (lower.hasPrefix("requirements") || lower.hasPrefix("constraints"))) {
            kinds.append(.packageIndex)
        }
        return kinds
    }

    /// `.env`, `.env.production`, `prod.env`; not the templates meant to be copied (`.env.example`).
    static func isEnvFile(_ lower: String) -> Bool {
        let templates = [".example", ".sample", ".template", ".dist", ".defaults", ".tmpl"]
        if templates.contains(where: { lower.hasSuffix($0) }) { return false }
        return lower == ".env" || lower.hasPrefix(".env.") || (lower.hasSuffix(".env") && lower.count > 4)
    }
}
