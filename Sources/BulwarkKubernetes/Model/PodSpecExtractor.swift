import BulwarkCore

/// Finds every pod spec in an object: built-in workloads and the ML-serving CRDs. The one place
/// that knows the kinds, so that rules never switch on `kind`.
public enum PodSpecExtractor {
    /// The kinds pod-security-admission evaluates (`defaultPodSpecResources`).
    public static let builtInKinds: Set<String> = [
        "Pod", "ReplicationController", "PodTemplate", "ReplicaSet", "Deployment", "StatefulSet", "DaemonSet", "Job", "CronJob",
    ]

    /// The KServe container-shaped predictor fields (PredictorExtensionSpec embeds v1.Container).
    static let kserveModelFields = [
        "model", "sklearn", "xgboost", "tensorflow", "pytorch", "triton", "onnx", "huggingface", "pmml", "lightgbm", "paddle",
    ]

    public static func podSpecs(in object: KubeObject) -> [PodSpecView] {
        let root = object.root
        func view(_ spec: YAMLNode?, _ path: String, metadata: YAMLNode?, role: String? = nil,
                  embedded: [(String, YAMLNode)] = [], completes: Bool = false) -> PodSpecView? {
            guard let spec, spec.isMapping else { return nil }
            return PodSpecView(object: object, spec: spec, specPath: path, podMetadata: metadata, role: role,
                               embeddedContainers: embedded, runsToCompletion: completes)
        }
        func template(_ template: YAMLNode?, _ path: String, role: String? = nil, completes: Bool = false) -> PodSpecView? {
            view(template?["spec"], "\(path).spec", metadata: template?["metadata"], role: role, completes: completes)
        }
        let spec = root["spec"]
        switch (object.group, object.kind) {
        case ("", "Pod"):
            return [view(spec, "spec", metadata: object.metadata)].compactMap { $0 }
        case ("", "PodTemplate"):
            return [template(root["template"], "template")].compactMap { $0 }
        case ("", "ReplicationController"), ("apps", "ReplicaSet"), ("apps", "Deployment"), ("apps", "StatefulSet"),
             ("apps", "DaemonSet"), ("argoproj.io", "Rollout"), ("kubeflow.org", "Notebook"), ("serving.knative.dev", "Service"),
             ("extensions", "Deployment"), ("extensions", "DaemonSet"), ("extensions", "ReplicaSet"):
            return [template(spec?["template"], "spec.template")].compactMap { $0 }
        case ("batch", "Job"):
            return [template(spec?["template"], "spec.template", completes: true)].compactMap { $0 }
        case ("batch", "CronJob"):
            return [template(spec?["jobTemplate"]?["spec"]?["template"], "spec.jobTemplate.spec.template", completes: true)].compactMap { $0 }
        case ("serving.kserve.io", "InferenceService"):
            var views: [PodSpecView] = []
            for component in ["predictor", "transformer", "explainer"] {
                guard let node = spec?[component], node.isMapping else { continue }
                let embedded = kserveModelFields.compactMap { field in node[field].map { (field, $0) } }
                if let podView = view(node, "spec.\(component)", metadata: node, role: component, embedded: embedded) {
                    views.append(podView)
                }
            }
            return views
        case ("serving.kserve.io", "ServingRuntime"), ("serving.kserve.io", "ClusterServingRuntime"):
            return [view(spec, "spec", metadata: spec)].compactMap { $0 }
        case ("ray.io", "RayCluster"):
            return rayCluster(spec, path: "spec", template: template)
        case ("ray.io", "RayService"):
            return rayCluster(spec?["rayClusterConfig"], path: "spec.rayClusterConfig", template: template)
        case ("ray.io", "RayJob"):
            var views = rayCluster(spec?["rayClusterSpec"], path: "spec.rayClusterSpec", template: template)
            if let submitter = template(spec?["submitterPodTemplate"], "spec.submitterPodTemplate", role: "submitter", completes: true) {
                views.append(submitter)
            }
            return views
        case ("leaderworkerset.x-k8s.io", "LeaderWorkerSet"):
            let lwt = spec?["leaderWorkerTemplate"]
            return [
                template(lwt?["leaderTemplate"], "spec.leaderWorkerTemplate.leaderTemplate", role: "leader"),
                template(lwt?["workerTemplate"], "spec.leaderWorkerTemplate.workerTemplate", role: "worker"),
            ].compactMap { $0 }
        case ("jobset.x-k8s.io", "JobSet"):
            return (spec?["replicatedJobs"]?.items ?? []).enumerated().compactMap { index, job in
                let name = job["name"]?.string ?? "#\(index)"
                return template(job["template"]?["spec"]?["template"], "spec.replicatedJobs[\(index)].template.spec.template",
                                role: "replicated job \"\(name)\"", completes: true)
            }
        default:
            return []
        }
    }

    private static func rayCluster(
        _ cluster: YAMLNode?, path: String, template: (YAMLNode?, String, String?, Bool) -> PodSpecView?
    ) -> [PodSpecView] {
        guard let cluster else { return [] }
        var views: [PodSpecView] = []
        if let head = template(cluster["headGroupSpec"]?["template"], "\(path).headGroupSpec.template", "head group", false) {
            views.append(head)
        }
        for (index, group) in (cluster["workerGroupSpecs"]?.items ?? []).enumerated() {
            let name = group["groupName"]?.string ?? "#\(index)"
            if let worker = template(group["template"], "\(path).workerGroupSpecs[\(index)].template", "worker group \"\(name)\"", false) {
                views.append(worker)
            }
        }
        return views
    }
}
