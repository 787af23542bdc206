import BulwarkCore
import BulwarkKubernetes

/// Lets `bulwark fix manifests` replace plaintext Secrets with SealedSecrets in place.
public struct ManifestSecretSealer: ManifestSecretSealing {
    public let sealer: SealedSecretSealer
    public let options: SealingOptions
    /// Where the certificate came from, for the comment above the sealed document.
    public let certificateName: String

    public init(sealer: SealedSecretSealer, options: SealingOptions = SealingOptions(), certificateName: String) {
        self.sealer = sealer
        self.options = options
        self.certificateName = certificateName
    }

    public func seal(_ secret: KubeObject) throws -> (document: String, summary: String) {
        let sealed = try sealer.seal(secret: secret, options: options)
        let yaml = sealed.yaml
        return (yaml.hasPrefix("---\n") ? String(yaml.dropFirst(4)) : yaml, "\(certificateName), \(sealed.scope.rawValue) scope")
    }
}
