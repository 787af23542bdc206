/// Where in a model service's life a finding belongs: what was built (Dockerfiles, images), what is
/// deployed (Kubernetes objects, serving configuration, RBAC, network policies, admission), the model
/// artifacts themselves, and what runs (runtime policy). Reports group findings by it.
public enum LifecycleStage: String, Sendable, CaseIterable, Codable, Comparable {
    case build, deploy, artifacts, run

    /// The stage of a rule, from the domain prefix of its id (`dockerfile/…` → build).
    public init(ruleId: String) {
        let domain = ruleId.prefix { $0 != "/" }
        switch domain {
        case "dockerfile", "image", "vuln": self = .build
        case "model": self = .artifacts
        case "runtime": self = .run
        default: self = .deploy
        }
    }

    public var title: String {
        switch self {
        case .build: "Build"
        case .deploy: "Deploy"
        case .artifacts: "Model artifacts"
        case .run: "Run"
        }
    }

    public static func < (lhs: LifecycleStage, rhs: LifecycleStage) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}
