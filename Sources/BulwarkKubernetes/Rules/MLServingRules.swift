import BulwarkCore

public enum MLServingRules {
    public static let all: [KubernetesRule] = []
}
