import BulwarkCore

/// The registry of every Kubernetes rule. Each rule group owns one list; new groups are added here.
public enum KubernetesRules {
    public static let all: [KubernetesRule] =
        PodSecurityRules.all + WorkloadRules.all + ExposureRules.all + SecretRules.all + ClusterRules.all + MLServingRules.all + RBACRules.all

    public static var descriptors: [RuleDescriptor] { all.map { $0.descriptor } }
}
