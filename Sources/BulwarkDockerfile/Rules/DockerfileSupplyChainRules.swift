import BulwarkCore

/// What enters the image from the network: remote ADD, `curl | sh`, unverified downloads, and
/// switched-off TLS or package-signature verification.
///
/// The rules live in `DockerfileSupplyChain/DockerfileSupplyChainRules+<Topic>.swift`, their
/// helpers next to them; this is the one list of them.
public enum DockerfileSupplyChainRules {
    public static let all: [DockerfileRule] = [addRemoteURL, curlPipeShell, downloadWithoutChecksum, tlsVerificationDisabled, signatureCheckDisabled]
}
