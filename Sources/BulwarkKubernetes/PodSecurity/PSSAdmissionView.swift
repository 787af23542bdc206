import BulwarkCore

// What the API server changes in a pod before the PodSecurity admission plugin sees it.
//
// PodSecurity is a validating admission plugin: the object it evaluates has been decoded with
// the v1 defaulting functions (`SetObjectDefaults_*`, generated from
// https://github.com/kubernetes/kubernetes/blob/master/pkg/apis/core/v1/defaults.go) and, for a
// Pod, prepared by the Pod strategy's `PrepareForCreate`
// (https://github.com/kubernetes/kubernetes/blob/master/pkg/registry/core/pod/strategy.go).
// The reference checks (https://github.com/kubernetes/pod-security-admission/tree/master/policy)
// only ever see that result, so a static evaluator must apply the same changes to the manifest
// before it reproduces their verdicts, reasons and details. The checks read the manifest through
// the helpers below; each names the defaulting it models.
//
// Defaulting that cannot change what a check sees is not modelled: SetDefaults_PodSpec creates an
// empty pod securityContext (equivalent to none for every check), SetDefaults_Container,
// SetDefaults_Probe and SetDefaults_HTTPGetAction fill pull policies, termination messages, probe
// timings, path and scheme (never `host`). There is no SetDefaults_SecurityContext in v1 any more:
// seccompProfile, allowPrivilegeEscalation, capabilities, runAsNonRoot, procMount and hostUsers
// stay unset when the manifest leaves them unset. Feature-gate dependent field dropping
// (`DropDisabledPodFields`) is not modelled: Bulwark assumes the gates of a current release are on.

extension PSSChecks {
    /// Every field of `corev1.VolumeSource`, by JSON name: the restricted level's allowed
    /// sources followed by the forbidden ones.
    static var volumeSourceFields: [String] { allowedVolumeSources + restrictedVolumeSources }
}

extension YAMLNode {
    /// The volume sources a `spec.volumes[]` entry sets, as the API server decodes it: keys that
    /// are not fields of `VolumeSource` are unknown fields (dropped, or the request is rejected
    /// with `fieldValidation=Strict`), and a `null` source is a nil pointer.
    var pssVolumeSources: [String] {
        PSSChecks.volumeSourceFields.filter { present($0) != nil }
    }

    /// True for a volume that sets no source: `SetDefaults_Volume` gives it an empty `emptyDir`
    /// before admission, so the reference sees an `emptyDir` volume
    /// (https://github.com/kubernetes/kubernetes/blob/master/pkg/apis/core/v1/defaults.go,
    /// `SetDefaults_Volume`: `if ptr.AllPtrFieldsNil(&obj.VolumeSource) { … EmptyDir … }`).
    /// It applies to the volumes of every pod spec (Pods and the templates of workload objects).
    var pssDefaultsToEmptyDir: Bool {
        isMapping && pssVolumeSources.isEmpty
    }
}

extension PodSpecView {
    /// True when the view is a Pod object itself, not a pod template: the defaulting and the Pod
    /// strategy that only run when a Pod is created apply.
    var isPodObject: Bool { object.kind == "Pod" && specPath == "spec" }

    /// `SetDefaults_Pod`: on a Pod with `hostNetwork: true`, every port of `containers` and
    /// `initContainers` whose `hostPort` is unset or 0 gets `hostPort = containerPort`
    /// (`defaultHostNetworkPorts` in
    /// https://github.com/kubernetes/kubernetes/blob/master/pkg/apis/core/v1/defaults.go). Since
    /// Kubernetes 1.28 (kubernetes/kubernetes#117696) this happens for Pods only, not for the pod
    /// templates of Deployments, DaemonSets and other workloads, and never for ephemeral containers.
    func defaultsHostPorts(of container: ContainerView) -> Bool {
        isPodObject && spec["hostNetwork"]?.bool == true && (container.kind == .container || container.kind == .initContainer)
    }

    /// The AppArmor profile type of a container as the reference sees it on a Pod: the container's
    /// own `securityContext.appArmorProfile`, or, when the container sets none, the one the Pod
    /// strategy copies from its deprecated annotation (`applyAppArmorVersionSkew` in
    /// https://github.com/kubernetes/kubernetes/blob/master/pkg/registry/core/pod/strategy.go, with
    /// `ApparmorFieldForAnnotation` in
    /// https://github.com/kubernetes/kubernetes/blob/master/pkg/api/pod/util.go): `unconfined` →
    /// `Unconfined`, `runtime/default` → `RuntimeDefault`, `localhost/NAME` → `Localhost`; nothing
    /// is copied for Windows pods, for other values, or when the profile equals the pod's own.
    /// Returns nil when the container has no profile either way.
    func appArmorProfileTypeFromAnnotation(of container: ContainerView) -> String? {
        guard isPodObject, !isWindowsPod, container.kind != .embedded,
              container.pssSecurityContext?.object("appArmorProfile") == nil,
              let annotations = podMetadata?.object("annotations"),
              let value = annotations[PSSChecks.appArmorAnnotationPrefix + container.pssName]
        else { return nil }
        let annotation = value.string ?? ""
        let type: String
        var localhostProfile: String?
        if annotation == "unconfined" {
            type = "Unconfined"
        } else if annotation == "runtime/default" {
            type = "RuntimeDefault"
        } else if annotation.hasPrefix("localhost/"), annotation.count > "localhost/".count {
            type = "Localhost"
            localhostProfile = String(annotation.dropFirst("localhost/".count))
        } else {
            return nil
        }
        if let podProfile = pssSecurityContext?.object("appArmorProfile"), podProfile.text("type") == type,
           podProfile.present("localhostProfile")?.string == localhostProfile {
            return nil
        }
        return type
    }
}
