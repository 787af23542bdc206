import BulwarkCore

/// Credentials baked into the image or its history: ENV and ARG values, literals in commands and
/// heredocs, secret files copied in, and the whole build context copied without a `.dockerignore`.
///
/// Values are never shown whole: messages use `SecretDetector.redact`.
///
/// The rules live in `DockerfileSecret/DockerfileSecretRules+<Topic>.swift`, their helpers next to
/// them; this is the one list of them.
public enum DockerfileSecretRules {
    public static let all: [DockerfileRule] = [secretInEnv, secretInArg, secretInCommand, secretFileCopied, contextWithoutDockerignore]
}
