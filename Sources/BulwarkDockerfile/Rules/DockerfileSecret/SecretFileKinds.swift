import BulwarkCore

/// Which copied paths hold credentials.
extension DockerfileSecretRules {
    /// What a copied path holds when it looks like a credential file, nil otherwise.
    static func secretFileKind(_ path: String) -> String? {
        if path.contains("$") {
            var names: [String] = []
            var rest = Substring(path)
            while let dollar = rest.firstIndex(of: "$") {
                rest = rest[rest.index(after: dollar)...]
                if rest.first == "{" { rest = rest.dropFirst() }
                let name = rest.prefix { $0 == "_" || $0.isLetter || $0.isNumber }
                names.append(String(name))
                rest = rest.dropFirst(name.count)
            }
            if let name = names.first(where: SecretDetector.isSensitiveName) { return "a path from the credential variable \(name)" }
        }
        var trimmed = Substring(path)
        while trimmed.hasSuffix("/") { trimmed = trimmed.dropLast() }
        let components = trimmed.split(separator: "/").map { $0.lowercased() }
        guard let base = components.last else { return nil }
        for component in components.dropLast() {
            if let what = credentialDirectories[component] { return what }
            if component == ".docker" && base == "config.json" { return "Docker registry credentials" }
            if component == ".kube" && base == "config" { return "a kubeconfig" }
        }
        if let what = credentialDirectories[base] ?? credentialFiles[base] { return what }
        if base.hasSuffix(".pub") || base.hasSuffix(".crt") || base.hasSuffix(".cer") { return nil }
        if base.hasPrefix("id_") && ["rsa", "dsa", "ecdsa", "ed25519"].contains(where: { base.hasPrefix("id_" + $0) }) { return "an SSH private key" }
        if base.hasPrefix(".env.") {
            let suffix = base.dropFirst(5)
            return ["example", "sample", "template", "dist", "defaults"].contains(String(suffix)) ? nil : "an environment file"
        }
        if base.hasSuffix(".key"), ["gpg", "pub", "apt", "repo", "archive", "keyring"].contains(where: { base.contains($0) }) { return nil }
        for (suffix, what) in [(".key", "a private key"), (".p12", "a PKCS#12 key store"), (".pfx", "a PKCS#12 key store"),
                               (".jks", "a Java key store"), (".keystore", "a key store"), (".tfstate", "Terraform state with credentials")]
        where base.hasSuffix(suffix) {
            return what
        }
        if base.hasSuffix(".pem"), base.contains("key") || base.contains("private") { return "a private key" }
        if base.hasSuffix(".json"), base.contains("service-account") || base.contains("serviceaccount") || base.hasPrefix("client_secret") {
            return "a cloud service-account key"
        }
        return nil
    }

    static let credentialDirectories: [String: String] = [
        ".ssh": "SSH keys", ".aws": "AWS credentials", ".gnupg": "GnuPG keys", ".kube": "Kubernetes credentials",
        ".azure": "Azure credentials", ".config/gcloud": "Google Cloud credentials", "gcloud": "Google Cloud credentials",
    ]

    static let credentialFiles: [String: String] = [
        ".env": "an environment file", ".netrc": "machine passwords", "_netrc": "machine passwords", ".npmrc": "npm credentials",
        ".yarnrc.yml": "Yarn credentials", ".pypirc": "PyPI credentials", ".git-credentials": "Git credentials",
        ".htpasswd": "password hashes", "credentials.json": "cloud credentials", "credentials": "cloud credentials",
        "kubeconfig": "a kubeconfig", ".dockercfg": "Docker registry credentials", "pip.conf": "pip index credentials",
        ".vault-token": "a Vault token", "terraform.tfvars": "Terraform variables",
    ]
}
