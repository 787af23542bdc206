import BulwarkCore
import Foundation

/// Credentials in manifests: literal environment values, Secrets in environment variables,
/// credentials in ConfigMaps, committed plaintext Secrets and last-applied annotations.
///
/// Messages name the object, container and variable or key, and show values only redacted
/// (`SecretDetector.redact`). SealedSecret `spec.encryptedData` is ciphertext and never looked at.
///
/// The rules live in `Secret/SecretRules+<Topic>.swift`, their helpers next to them; this is the
/// one list of them.
public enum SecretRules {
    public static let all: [KubernetesRule] = [
        envLiteral,
        commandLineLiteral,
        envFromSecret,
        configMapCredentials,
        plaintextSecret,
        lastAppliedAnnotation,
    ]
}
