import BulwarkCore

public enum ClusterRules {
    public static let all: [KubernetesRule] = []
}
