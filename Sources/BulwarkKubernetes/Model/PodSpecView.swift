import BulwarkCore

/// A container of a pod spec, with where it sits.
public struct ContainerView: Sendable {
    public enum Kind: String, Sendable {
        case initContainer = "initContainers"
        case container = "containers"
        case ephemeral = "ephemeralContainers"
        /// A container-shaped field of an ML CRD (KServe `model`, `sklearn`, …).
        case embedded
    }

    public let node: YAMLNode
    public let kind: Kind
    public let index: Int
    /// JSON path, e.g. `spec.template.spec.containers[0]`.
    public let path: String
    /// Results derived from this container, computed once (see `Memo`).
    public let memo = Memo()

    public init(node: YAMLNode, kind: Kind, index: Int, path: String) {
        self.node = node
        self.kind = kind
        self.index = index
        self.path = path
    }

    public var name: String { node["name"]?.string ?? (kind == .embedded ? (path.split(separator: ".").last.map(String.init) ?? "model") : "#\(index)") }
    public var image: String? { node["image"]?.string }
    public var securityContext: YAMLNode? { node["securityContext"] }
    /// An init container with `restartPolicy: Always` (a native sidecar): long-running.
    public var isRestartableSidecar: Bool { kind == .initContainer && node["restartPolicy"]?.string == "Always" }
    /// Runs for the pod's lifetime (regular, sidecar or embedded model container).
    public var isLongRunning: Bool { kind == .container || kind == .embedded || isRestartableSidecar }

    /// `container "server"` / `init container "setup"` / `ephemeral container "debug"`.
    public var displayName: String {
        switch kind {
        case .initContainer: isRestartableSidecar ? "sidecar container \"\(name)\"" : "init container \"\(name)\""
        case .container, .embedded: "container \"\(name)\""
        case .ephemeral: "ephemeral container \"\(name)\""
        }
    }

    /// The `command` and `args` of the container, in order.
    public var commandLine: [String] { (node["command"]?.strings ?? []) + (node["args"]?.strings ?? []) }

    /// `env` entries with their nodes.
    public var env: [(name: String, node: YAMLNode)] {
        (node["env"]?.items ?? []).compactMap { entry in entry["name"]?.string.map { ($0, entry) } }
    }

    /// A literal `env[].value`, if set.
    public func envValue(_ name: String) -> String? {
        env.first { $0.name == name }?.node["value"]?.string
    }
}

/// A pod spec found in any workload kind or ML-serving CRD: what pod rules are written against.
public struct PodSpecView: Sendable {
    public let object: KubeObject
    /// The pod spec mapping (`spec` of a Pod, `spec.template.spec` of a Deployment, …).
    public let spec: YAMLNode
    /// JSON path of `spec`.
    public let specPath: String
    /// The pod (template) metadata: labels and annotations of the pods.
    public let podMetadata: YAMLNode?
    /// For objects with several pod templates (Ray head/worker groups, KServe components …).
    public let role: String?
    public let containers: [ContainerView]
    /// True for run-to-completion workloads (Job, CronJob, RayJob submitter, JobSet), whose
    /// containers need no liveness/readiness probes.
    public let runsToCompletion: Bool

    public init(object: KubeObject, spec: YAMLNode, specPath: String, podMetadata: YAMLNode?, role: String?,
                embeddedContainers: [(String, YAMLNode)] = [], runsToCompletion: Bool) {
        self.object = object
        self.spec = spec
        self.specPath = specPath
        self.podMetadata = podMetadata
        self.role = role
        self.runsToCompletion = runsToCompletion
        var containers: [ContainerView] = []
        for kind in [ContainerView.Kind.initContainer, .container, .ephemeral] {
            for (index, node) in (spec[kind.rawValue]?.items ?? []).enumerated() where node.isMapping {
                containers.append(ContainerView(node: node, kind: kind, index: index, path: "\(specPath).\(kind.rawValue)[\(index)]"))
            }
        }
        for (index, (key, node)) in embeddedContainers.enumerated() where node.isMapping {
            containers.append(ContainerView(node: node, kind: .embedded, index: index, path: "\(specPath).\(key)"))
        }
        self.containers = containers
    }

    public var securityContext: YAMLNode? { spec["securityContext"] }
    public var podLabels: [String: String] { podMetadata?["labels"]?.stringMap ?? [:] }
    public var podAnnotations: [String: String] { podMetadata?["annotations"]?.stringMap ?? [:] }
    public var volumes: [YAMLNode] { spec["volumes"]?.items ?? [] }

    /// `Deployment ml/model-server` (with ` (worker group "gpu")` when the object has several pod specs).
    public var displayName: String {
        if let role { return "\(object.displayName) (\(role))" }
        return object.displayName
    }

    /// Whether this view is one of the kinds the pod-security-admission reference evaluates.
    public var isBuiltInWorkload: Bool { PodSpecExtractor.builtInKinds.contains(object.kind) }
}
