import BulwarkCore

/// Helpers shared by the workload rules: where to point when a field is missing, the effective value
/// of a security-context field (the container's, else the pod's), and the images and hostPath
/// volumes of a pod spec.
extension WorkloadRules {
    /// A security-context field with where it was found.
    struct ContextField {
        let node: YAMLNode
        /// JSON path of the field.
        let field: String
        /// True when the value comes from the pod's securityContext (the container sets none).
        let inherited: Bool
    }

    /// The effective value of a field both pod and container security contexts carry
    /// (`runAsUser`, `runAsGroup`, `runAsNonRoot`, …): the container's wins. Null counts as unset.
    static func contextField(_ key: String, of container: ContainerView, in pod: PodSpecView) -> ContextField? {
        if let node = container.securityContext?[key], !node.isNull {
            return ContextField(node: node, field: "\(container.path).securityContext.\(key)", inherited: false)
        }
        if let node = pod.securityContext?[key], !node.isNull {
            return ContextField(node: node, field: "\(pod.specPath).securityContext.\(key)", inherited: true)
        }
        return nil
    }

    /// The key node of the field at a JSON path such as `spec.template.spec` or
    /// `spec.replicatedJobs[0].template.spec.template.spec`; the node itself when the path ends in
    /// an index; nil when the path does not resolve.
    static func keyNode(at path: String, in root: YAMLNode) -> YAMLNode? {
        var node: YAMLNode? = root
        var anchor: YAMLNode?
        for component in path.split(separator: ".") {
            let key = component.prefix { $0 != "[" }
            anchor = node?.keyNode(String(key))
            node = node?[String(key)]
            for index in component.dropFirst(key.count).split(separator: "[").compactMap({ Int($0.dropLast()) }) {
                let items = node?.items ?? []
                node = index >= 0 && index < items.count ? items[index] : nil
                anchor = node
            }
            if node == nil { return nil }
        }
        return anchor
    }

    /// Where a finding about a pod-level field that is missing points: the key holding the pod
    /// spec (`spec:` of a Pod, `spec:` under `template:`, `predictor:` of an InferenceService).
    static func specAnchor(_ pod: PodSpecView) -> YAMLNode {
        keyNode(at: pod.specPath, in: pod.object.root) ?? pod.spec
    }

    /// Where a finding about a container field that is missing points: the container's `name`
    /// key, or the key of a container-shaped CRD field (`model:` of a KServe predictor).
    static func containerAnchor(_ container: ContainerView, in pod: PodSpecView) -> YAMLNode {
        container.node.keyNode("name") ?? keyNode(at: container.path, in: pod.object.root) ?? container.node
    }

    /// True for an absent, null or empty mapping (`securityContext: {}`).
    static func isEmpty(_ node: YAMLNode?) -> Bool {
        guard let node, !node.isNull else { return true }
        if let pairs = node.pairs { return pairs.isEmpty }
        return false
    }

    /// Whether a resource quantity (`0`, `0Mi`, `0.0`, `0e3`) is zero.
    static func isZeroQuantity(_ text: String) -> Bool {
        let number = text.prefix { $0.isNumber || $0 == "." || $0 == "+" || $0 == "-" }
        guard let value = Double(number) else { return false }
        return value == 0
    }

    /// Pods the platform runs on Windows nodes (`spec.os.name: windows`), where Linux UIDs and
    /// GIDs do not apply.
    static func isWindows(_ pod: PodSpecView) -> Bool {
        pod.spec["os"]?["name"]?.string == "windows"
    }

    /// `container "a", init container "b"`.
    static func list(_ containers: [ContainerView]) -> String {
        containers.map(\.displayName).joined(separator: ", ")
    }

    /// The UID below which IDs collide with the node's system and login accounts.
    static let highUIDThreshold = 10000

    /// Every container (ephemeral ones included) with an image, its parsed reference and node.
    static func images(_ pod: PodSpecView) -> [(container: ContainerView, reference: ImageReference, node: YAMLNode)] {
        pod.containers.compactMap { container in
            guard let node = container.node["image"], let text = node.string, let reference = ImageReference(text) else { return nil }
            return (container, reference, node)
        }
    }

    /// One violation per container image that `problem` finds fault with: `problem` gets the parsed
    /// reference and returns what is wrong, written after the image (`uses image "x"<problem>`:
    /// `" with …"`, `", which …"`), or nil.
    static func imageViolations(_ pod: PodSpecView, _ problem: (ImageReference) -> String?) -> [Violation] {
        images(pod).compactMap { container, reference, node in
            guard let problem = problem(reference) else { return nil }
            return Violation("\(container.displayName) of \(pod.displayName) uses image \"\(node.scalar ?? "")\"\(problem)",
                             at: node, field: "\(container.path).image", container: container.name)
        }
    }

    /// The hostPath volumes of a pod spec: name, path node and JSON path of the volume.
    static func hostPathVolumes(_ pod: PodSpecView) -> [(name: String, path: YAMLNode?, field: String)] {
        pod.volumes.enumerated().compactMap { index, volume in
            guard let hostPath = volume["hostPath"], !hostPath.isNull, let name = volume["name"]?.string else { return nil }
            return (name, hostPath["path"], "\(pod.specPath).volumes[\(index)]")
        }
    }

    /// `/var/run/docker.sock`, or `"/var//run/docker.sock/", i.e. /var/run/docker.sock` when the
    /// written path is not normalised.
    static func describeHostPath(_ written: String, normalised: String) -> String {
        written == normalised ? normalised : "\"\(written)\", i.e. \(normalised)"
    }
}
