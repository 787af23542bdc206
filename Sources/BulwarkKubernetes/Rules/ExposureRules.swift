import BulwarkCore

public enum ExposureRules {
    public static let all: [KubernetesRule] = []
}
