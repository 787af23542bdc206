import BulwarkCore

public enum PodSecurityRules {
    public static let all: [KubernetesRule] = []
}
