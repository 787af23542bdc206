import BulwarkCore

public enum SecretRules {
    public static let all: [KubernetesRule] = []
}
