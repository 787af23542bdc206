import BulwarkCore

// The 7 restricted checks of kubernetes/pod-security-admission. A restricted revision may
// override baseline checks (`overrides`), which then do not run in the restricted level.
extension PSSChecks {
    // MARK: restrictedVolumes

    /// Volume sources the restricted level allows.
    public static let allowedVolumeSources = [
        "configMap", "csi", "downwardAPI", "emptyDir", "ephemeral", "image", "persistentVolumeClaim", "projected", "secret",
    ]
    /// Other volume sources in the reference's order of precedence (JSON field names), as
    /// `restrictedVolumes_1_0` tests them: photonPersistentDisk before portworxVolume.
    public static let restrictedVolumeSources = [
        "hostPath", "gcePersistentDisk", "awsElasticBlockStore", "gitRepo", "nfs", "iscsi", "glusterfs", "rbd", "flexVolume",
        "cinder", "cephfs", "flocker", "fc", "azureFile", "vsphereVolume", "quobyte", "azureDisk", "photonPersistentDisk",
        "portworxVolume", "scaleIO", "storageos",
    ]

    public static let restrictedVolumes = PSSCheck(id: "restrictedVolumes", level: .restricted, versions: [
        PSSVersionedCheck(0, overrides: ["hostPathVolumes"]) { pod in
            var names: [String] = []
            var types: [String] = []
            var evidence: [PSSEvidence] = []
            for (index, volume) in (pod.spec["volumes"]?.items ?? []).enumerated() {
                // A volume without a source is an emptyDir by the time admission sees it.
                if volume.pssDefaultsToEmptyDir { continue }
                if allowedVolumeSources.contains(where: { volume.present($0) != nil }) { continue }
                // Left: a forbidden source, or an entry that is not a mapping at all (the API
                // server cannot decode it and rejects the request; Bulwark fails closed).
                let name = volume.isMapping ? volume.text("name") : ""
                names.append(name)
                let type = restrictedVolumeSources.first { volume.present($0) != nil }
                types.append(type ?? "unknown")
                evidence.append(PSSEvidence(
                    node: type.flatMap { volume.keyNode($0) } ?? volume, field: pod.field(["volumes[\(index)]"] + (type.map { [$0] } ?? [])),
                    message: "\(pod.displayName) uses volume \(PSSText.goQuote(name)) of restricted type \(type ?? "unknown")"))
            }
            guard !names.isEmpty else { return .allowed }
            let unique = PSSText.sortedSet(types)
            return .forbidden(
                "restricted volume types",
                "\(PSSText.pluralize("volume", "volumes", names.count)) \(PSSText.joinQuote(names)) \(PSSText.pluralize("uses", "use", names.count)) \(PSSText.pluralize("restricted volume type", "restricted volume types", unique.count)) \(PSSText.joinQuote(unique))",
                evidence: evidence)
        },
    ])

    // MARK: allowPrivilegeEscalation

    public static let allowPrivilegeEscalation = PSSCheck(id: "allowPrivilegeEscalation", level: .restricted, versions: [
        PSSVersionedCheck(8) { privilegeEscalation($0) },
        // API validation forbids the field on Windows pods, so they pass from v1.25.
        PSSVersionedCheck(25) { pod in pod.isWindowsPod ? .allowed : privilegeEscalation(pod) },
    ])

    static func privilegeEscalation(_ pod: PodSpecView) -> PSSCheckResult {
        var bad: [String] = []
        var evidence: [PSSEvidence] = []
        let path = ["securityContext", "allowPrivilegeEscalation"]
        for container in pod.containers {
            let node = container.pssSecurityContext?["allowPrivilegeEscalation"]
            let value = node?.bool
            guard value != false else { continue }
            bad.append(container.pssName)
            let problem = value == true ? "sets securityContext.allowPrivilegeEscalation: true" : "does not set securityContext.allowPrivilegeEscalation: false"
            evidence.append(PSSEvidence(node: container.anchor(path), field: container.field(path), container: container.pssName,
                                        message: "\(container.displayName) of \(pod.displayName) \(problem)"))
        }
        guard !bad.isEmpty else { return .allowed }
        return .forbidden("allowPrivilegeEscalation != false", "\(PSSText.pluralize("container", "containers", bad.count)) \(PSSText.joinQuote(bad)) must set securityContext.allowPrivilegeEscalation=false", evidence: evidence)
    }

    // MARK: capabilities_restricted

    public static let capabilitiesRestricted = PSSCheck(id: "capabilities_restricted", level: .restricted, versions: [
        PSSVersionedCheck(22, overrides: ["capabilities_baseline"]) { restrictedCapabilities($0) },
        PSSVersionedCheck(25, overrides: ["capabilities_baseline"]) { pod in pod.isWindowsPod ? .allowed : restrictedCapabilities(pod) },
    ])

    static func restrictedCapabilities(_ pod: PodSpecView) -> PSSCheckResult {
        var missingDropAll: [String] = []
        var addingForbidden: [String] = []
        var forbidden: [String] = []
        var evidence: [PSSEvidence] = []
        for container in pod.containers {
            let subject = "\(container.displayName) of \(pod.displayName)"
            let dropPath = ["securityContext", "capabilities", "drop"]
            guard let caps = container.pssSecurityContext?.object("capabilities") else {
                missingDropAll.append(container.pssName)
                evidence.append(PSSEvidence(node: container.anchor(dropPath), field: container.field(dropPath), container: container.pssName,
                                            message: "\(subject) does not drop ALL capabilities"))
                continue
            }
            let drops = caps["drop"]?.items ?? []
            if !drops.contains(where: { $0.string == "ALL" }) {
                missingDropAll.append(container.pssName)
                if let lower = drops.first(where: { $0.string?.uppercased() == "ALL" }) {
                    evidence.append(PSSEvidence(node: lower, field: container.field(dropPath), container: container.pssName,
                                                message: "\(subject) drops \(PSSText.goQuote(lower.string ?? "")) but capability names are case-sensitive: drop must include \"ALL\""))
                } else {
                    evidence.append(PSSEvidence(node: container.anchor(dropPath), field: container.field(dropPath), container: container.pssName,
                                                message: "\(subject) does not drop ALL capabilities"))
                }
            }
            var added = false
            for (index, item) in (caps["add"]?.items ?? []).enumerated() {
                let name = item.string ?? ""
                guard name != "NET_BIND_SERVICE" else { continue }
                added = true
                forbidden.append(name)
                evidence.append(PSSEvidence(node: item, field: container.field(["securityContext", "capabilities", "add[\(index)]"]), container: container.pssName,
                                            message: "\(subject) adds capability \(PSSText.goQuote(name)); only NET_BIND_SERVICE may be added"))
            }
            if added { addingForbidden.append(container.pssName) }
        }
        var details: [String] = []
        if !missingDropAll.isEmpty {
            details.append("\(PSSText.pluralize("container", "containers", missingDropAll.count)) \(PSSText.joinQuote(missingDropAll)) must set securityContext.capabilities.drop=[\"ALL\"]")
        }
        if !addingForbidden.isEmpty {
            details.append("\(PSSText.pluralize("container", "containers", addingForbidden.count)) \(PSSText.joinQuote(addingForbidden)) must not include \(PSSText.joinQuote(PSSText.sortedSet(forbidden))) in securityContext.capabilities.add")
        }
        guard !details.isEmpty else { return .allowed }
        return .forbidden("unrestricted capabilities", details.joined(separator: "; "), evidence: evidence)
    }

    // MARK: runAsNonRoot

    public static let runAsNonRoot = PSSCheck(id: "runAsNonRoot", level: .restricted, versions: [
        PSSVersionedCheck(0) { runAsNonRootCheck($0) },
        // From v1.35 pods in a user namespace (`hostUsers: false`) pass.
        PSSVersionedCheck(35) { pod in pod.usesUserNamespace ? .allowed : runAsNonRootCheck(pod) },
    ])

    static func runAsNonRootCheck(_ pod: PodSpecView) -> PSSCheckResult {
        var setters: [String] = []
        var evidence: [PSSEvidence] = []
        var podRunAsNonRoot = false
        let path = ["securityContext", "runAsNonRoot"]
        if let node = pod.pssSecurityContext?["runAsNonRoot"], let value = node.bool {
            if value {
                podRunAsNonRoot = true
            } else {
                setters.append("pod")
                evidence.append(PSSEvidence(node: node, field: pod.field(path), message: "\(pod.displayName) sets securityContext.runAsNonRoot: false"))
            }
        }
        var explicit: [String] = []
        var implicit: [String] = []
        for container in pod.containers {
            let subject = "\(container.displayName) of \(pod.displayName)"
            if let node = container.pssSecurityContext?["runAsNonRoot"], let value = node.bool {
                if !value {
                    explicit.append(container.pssName)
                    evidence.append(PSSEvidence(node: node, field: container.field(path), container: container.pssName,
                                                message: "\(subject) sets securityContext.runAsNonRoot: false"))
                }
            } else if !podRunAsNonRoot {
                implicit.append(container.pssName)
                // An explicit pod-level false is already reported; fixing it fixes this container.
                if setters.isEmpty { evidence.append(PSSEvidence(node: container.anchor(path), field: container.field(path), container: container.pssName,
                                            message: "\(subject) does not set securityContext.runAsNonRoot: true and neither does the pod")) }
            }
        }
        return .podOrContainers(reason: "runAsNonRoot != true", setters: setters, explicit: explicit, implicit: implicit,
                                mustNotSet: "securityContext.runAsNonRoot=false", mustSet: "securityContext.runAsNonRoot=true", evidence: evidence)
    }

    // MARK: seccompProfile_restricted

    public static let seccompProfileRestricted = PSSCheck(id: "seccompProfile_restricted", level: .restricted, versions: [
        PSSVersionedCheck(19, overrides: ["seccompProfile_baseline"]) { seccompFields($0, requireProfile: true) },
        PSSVersionedCheck(25, overrides: ["seccompProfile_baseline"]) { pod in
            pod.isWindowsPod ? .allowed : seccompFields(pod, requireProfile: true)
        },
    ])

    /// v1.19+ `seccompProfile.type` check; `requireProfile` adds the restricted requirement that
    /// every container has a valid profile, its own or the pod's.
    static func seccompFields(_ pod: PodSpecView, requireProfile: Bool) -> PSSCheckResult {
        func valid(_ type: String) -> Bool { type == "RuntimeDefault" || type == "Localhost" }
        let path = ["securityContext", "seccompProfile", "type"]
        var setters: [String] = []
        var values: [String] = []
        var evidence: [PSSEvidence] = []
        var podSet = false
        if let profile = pod.pssSecurityContext?.object("seccompProfile") {
            let type = profile.text("type")
            if valid(type) {
                podSet = true
            } else {
                setters.append("pod")
                values.append(type)
                evidence.append(PSSEvidence(node: pod.anchor(path), field: pod.field(path),
                                            message: "\(pod.displayName) sets securityContext.seccompProfile.type: \(PSSText.goQuote(type))"))
            }
        }
        var explicit: [String] = []
        var implicit: [String] = []
        for container in pod.containers {
            let subject = "\(container.displayName) of \(pod.displayName)"
            if let profile = container.pssSecurityContext?.object("seccompProfile") {
                let type = profile.text("type")
                if !valid(type) {
                    explicit.append(container.pssName)
                    values.append(type)
                    evidence.append(PSSEvidence(node: container.anchor(path), field: container.field(path), container: container.pssName,
                                                message: "\(subject) sets securityContext.seccompProfile.type: \(PSSText.goQuote(type))"))
                }
            } else if requireProfile && !podSet {
                implicit.append(container.pssName)
                // An invalid pod-level profile is already reported; fixing it fixes this container.
                if setters.isEmpty { evidence.append(PSSEvidence(node: container.anchor(path), field: container.field(path), container: container.pssName,
                                            message: "\(subject) sets no seccompProfile and the pod sets no RuntimeDefault or Localhost profile")) }
            }
        }
        return .podOrContainers(reason: "seccompProfile", setters: setters, explicit: explicit, implicit: implicit,
                                mustNotSet: "securityContext.seccompProfile.type to \(PSSText.joinQuote(PSSText.sortedSet(values)))",
                                mustSet: "securityContext.seccompProfile.type to \"RuntimeDefault\" or \"Localhost\"", evidence: evidence)
    }

    // MARK: runAsUser

    public static let runAsUser = PSSCheck(id: "runAsUser", level: .restricted, versions: [
        PSSVersionedCheck(23) { runAsUserCheck($0) },
        PSSVersionedCheck(35) { pod in pod.usesUserNamespace ? .allowed : runAsUserCheck(pod) },
    ])

    static func runAsUserCheck(_ pod: PodSpecView) -> PSSCheckResult {
        var setters: [String] = []
        var evidence: [PSSEvidence] = []
        let path = ["securityContext", "runAsUser"]
        if let node = pod.pssSecurityContext?["runAsUser"], node.int == 0 {
            setters.append("pod")
            evidence.append(PSSEvidence(node: node, field: pod.field(path), message: "\(pod.displayName) sets securityContext.runAsUser: 0"))
        }
        var bad: [String] = []
        for container in pod.containers {
            guard let node = container.pssSecurityContext?["runAsUser"], node.int == 0 else { continue }
            bad.append(container.pssName)
            evidence.append(PSSEvidence(node: node, field: container.field(path), container: container.pssName,
                                        message: "\(container.displayName) of \(pod.displayName) sets securityContext.runAsUser: 0"))
        }
        if !bad.isEmpty {
            setters.append("\(PSSText.pluralize("container", "containers", bad.count)) \(PSSText.joinQuote(bad))")
        }
        guard !setters.isEmpty else { return .allowed }
        return .forbidden("runAsUser=0", "\(setters.joined(separator: " and ")) must not set runAsUser=0", evidence: evidence)
    }

    // MARK: procMount_restricted

    public static let procMountRestricted = PSSCheck(id: "procMount_restricted", level: .restricted, versions: [
        // Same test as the baseline check but without the user-namespace relaxation.
        PSSVersionedCheck(35, overrides: ["procMount"]) { procMountCheck($0) },
    ])
}
