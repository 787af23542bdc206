import BulwarkCore

// The 12 baseline checks of kubernetes/pod-security-admission (`policy/check_*.go`), with the
// reference's ids, revisions, reasons and details. Every per-container check visits init,
// regular and ephemeral containers (the reference's `visitContainers`), plus the container-shaped
// fields of ML CRDs that `PodSpecExtractor` knows.
extension PSSChecks {
    // MARK: hostNamespaces

    public static let hostNamespaces = PSSCheck(id: "hostNamespaces", level: .baseline, versions: [
        PSSVersionedCheck(0) { pod in
            var names: [String] = []
            var evidence: [PSSEvidence] = []
            for key in ["hostNetwork", "hostPID", "hostIPC"] {
                guard let node = pod.spec[key], node.bool == true else { continue }
                names.append("\(key)=true")
                evidence.append(PSSEvidence(node: node, field: pod.field([key]), message: "\(pod.displayName) sets \(key): true"))
            }
            guard !names.isEmpty else { return .allowed }
            return .forbidden("host namespaces", names.joined(separator: ", "), evidence: evidence)
        },
    ])

    // MARK: privileged

    public static let privileged = PSSCheck(id: "privileged", level: .baseline, versions: [
        PSSVersionedCheck(0) { pod in
            var bad: [String] = []
            var evidence: [PSSEvidence] = []
            for container in pod.containers {
                guard let node = container.pssSecurityContext?["privileged"], node.bool == true else { continue }
                bad.append(container.pssName)
                evidence.append(PSSEvidence(
                    node: node, field: container.field(["securityContext", "privileged"]), container: container.pssName,
                    message: "\(container.displayName) of \(pod.displayName) sets securityContext.privileged: true"))
            }
            guard !bad.isEmpty else { return .allowed }
            return .forbidden("privileged", "\(PSSText.pluralize("container", "containers", bad.count)) \(PSSText.joinQuote(bad)) must not set securityContext.privileged=true", evidence: evidence)
        },
    ])

    // MARK: capabilities_baseline

    /// The container runtime's default capability set (NET_RAW excluded), compared exactly.
    public static let baselineCapabilities: Set<String> = [
        "AUDIT_WRITE", "CHOWN", "DAC_OVERRIDE", "FOWNER", "FSETID", "KILL", "MKNOD", "NET_BIND_SERVICE",
        "SETFCAP", "SETGID", "SETPCAP", "SETUID", "SYS_CHROOT",
    ]

    public static let capabilitiesBaseline = PSSCheck(id: "capabilities_baseline", level: .baseline, versions: [
        PSSVersionedCheck(0) { pod in
            var bad: [String] = []
            var capabilities: [String] = []
            var evidence: [PSSEvidence] = []
            for container in pod.containers {
                guard let caps = container.pssSecurityContext?.object("capabilities") else { continue }
                var valid = true
                for (index, item) in (caps["add"]?.items ?? []).enumerated() {
                    let name = item.string ?? ""
                    guard !baselineCapabilities.contains(name) else { continue }
                    valid = false
                    capabilities.append(name)
                    let hint = baselineCapabilities.contains(name.uppercased()) ? " (capability names are case-sensitive)" : ""
                    evidence.append(PSSEvidence(
                        node: item, field: container.field(["securityContext", "capabilities", "add[\(index)]"]), container: container.pssName,
                        message: "\(container.displayName) of \(pod.displayName) adds capability \(PSSText.goQuote(name)), which is not in the baseline default set\(hint)"))
                }
                if !valid { bad.append(container.pssName) }
            }
            guard !bad.isEmpty else { return .allowed }
            return .forbidden("non-default capabilities", "\(PSSText.pluralize("container", "containers", bad.count)) \(PSSText.joinQuote(bad)) must not include \(PSSText.joinQuote(PSSText.sortedSet(capabilities))) in securityContext.capabilities.add", evidence: evidence)
        },
    ])

    // MARK: hostPathVolumes

    public static let hostPathVolumes = PSSCheck(id: "hostPathVolumes", level: .baseline, versions: [
        PSSVersionedCheck(0) { pod in
            var names: [String] = []
            var evidence: [PSSEvidence] = []
            for (index, volume) in (pod.spec["volumes"]?.items ?? []).enumerated() where volume.isMapping {
                guard volume.present("hostPath") != nil else { continue }
                let name = volume.text("name")
                names.append(name)
                let path = volume["hostPath"]?["path"]?.string.map { " (\($0))" } ?? ""
                evidence.append(PSSEvidence(
                    node: volume.keyNode("hostPath"), field: pod.field(["volumes[\(index)]", "hostPath"]),
                    message: "\(pod.displayName) mounts hostPath volume \(PSSText.goQuote(name))\(path)"))
            }
            guard !names.isEmpty else { return .allowed }
            return .forbidden("hostPath volumes", "\(PSSText.pluralize("volume", "volumes", names.count)) \(PSSText.joinQuote(names))", evidence: evidence)
        },
    ])

    // MARK: hostPorts

    public static let hostPorts = PSSCheck(id: "hostPorts", level: .baseline, versions: [
        PSSVersionedCheck(0) { pod in
            var bad: [String] = []
            var ports: [String] = []
            var evidence: [PSSEvidence] = []
            for container in pod.containers {
                var valid = true
                let hostNetworkDefaults = pod.defaultsHostPorts(of: container)
                for (index, port) in (container.node["ports"]?.items ?? []).enumerated() {
                    let field = container.field(["ports[\(index)]", "hostPort"])
                    if let node = port["hostPort"], let value = node.int, value != 0 {
                        valid = false
                        ports.append(String(value))
                        evidence.append(PSSEvidence(
                            node: node, field: field, container: container.pssName,
                            message: "\(container.displayName) of \(pod.displayName) uses hostPort \(value)"))
                    } else if hostNetworkDefaults, let node = port["containerPort"], let value = node.int, value != 0 {
                        // SetDefaults_Pod: with hostNetwork, an unset hostPort becomes the containerPort.
                        valid = false
                        ports.append(String(value))
                        evidence.append(PSSEvidence(
                            node: node, field: field, container: container.pssName,
                            message: "\(container.displayName) of \(pod.displayName) uses hostPort \(value): with hostNetwork: true the API server sets an unset hostPort to the containerPort"))
                    }
                }
                if !valid { bad.append(container.pssName) }
            }
            guard !bad.isEmpty else { return .allowed }
            let unique = PSSText.sortedSet(ports)
            return .forbidden("hostPort", "\(PSSText.pluralize("container", "containers", bad.count)) \(PSSText.joinQuote(bad)) \(PSSText.pluralize("uses", "use", bad.count)) \(PSSText.pluralize("hostPort", "hostPorts", unique.count)) \(unique.joined(separator: ", "))", evidence: evidence)
        },
    ])

    // MARK: appArmorProfile

    static let appArmorAnnotationPrefix = "container.apparmor.security.beta.kubernetes.io/"

    public static let appArmorProfile = PSSCheck(id: "appArmorProfile", level: .baseline, versions: [
        PSSVersionedCheck(0) { pod in
            func allowedType(_ type: String) -> Bool { type == "RuntimeDefault" || type == "Localhost" }
            func allowedAnnotation(_ value: String) -> Bool {
                value.isEmpty || value == "runtime/default" || value.hasPrefix("localhost/")
            }
            var setters: [String] = []
            var values: [String] = []
            var evidence: [PSSEvidence] = []
            if let profile = pod.pssSecurityContext?.object("appArmorProfile") {
                let type = profile.text("type")
                if !allowedType(type) {
                    setters.append("pod")
                    values.append(type)
                    evidence.append(PSSEvidence(
                        node: pod.anchor(["securityContext", "appArmorProfile", "type"]), field: pod.field(["securityContext", "appArmorProfile", "type"]),
                        message: "\(pod.displayName) sets securityContext.appArmorProfile.type: \(PSSText.goQuote(type))"))
                }
            }
            var bad: [String] = []
            for container in pod.containers {
                guard let profile = container.pssSecurityContext?.object("appArmorProfile") else {
                    // On a Pod, the API server copies the container's AppArmor annotation into the
                    // field first; the annotation's own evidence below already points at the line.
                    if let type = pod.appArmorProfileTypeFromAnnotation(of: container), !allowedType(type) {
                        bad.append(container.pssName)
                        values.append(type)
                    }
                    continue
                }
                let type = profile.text("type")
                guard !allowedType(type) else { continue }
                bad.append(container.pssName)
                values.append(type)
                let path = ["securityContext", "appArmorProfile", "type"]
                evidence.append(PSSEvidence(
                    node: container.anchor(path), field: container.field(path), container: container.pssName,
                    message: "\(container.displayName) of \(pod.displayName) sets securityContext.appArmorProfile.type: \(PSSText.goQuote(type))"))
            }
            if !bad.isEmpty {
                setters.append("\(PSSText.pluralize("container", "containers", bad.count)) \(PSSText.joinQuote(bad))")
            }
            var annotations: [String] = []
            for pair in pod.podMetadata?["annotations"]?.pairs ?? [] {
                guard let key = pair.key.scalar, key.hasPrefix(appArmorAnnotationPrefix) else { continue }
                let value = pair.value.string ?? ""
                guard !allowedAnnotation(value) else { continue }
                annotations.append("\(key)=\(PSSText.goQuote(value))")
                evidence.append(PSSEvidence(
                    node: pair.value.isNull ? pair.key : pair.value, field: pod.annotationField(key),
                    message: "\(pod.displayName) sets AppArmor annotation \(key): \(PSSText.goQuote(value))"))
            }
            var valueList = PSSText.sortedSet(values)
            if !annotations.isEmpty {
                valueList += annotations.sorted(by: PSSText.goLess)
                setters.append(PSSText.pluralize("annotation", "annotations", annotations.count))
            }
            guard !setters.isEmpty else { return .allowed }
            return .forbidden(
                PSSText.pluralize("forbidden AppArmor profile", "forbidden AppArmor profiles", valueList.count),
                "\(setters.joined(separator: " and ")) must not set AppArmor profile type to \(PSSText.joinQuote(valueList))",
                evidence: evidence)
        },
    ])

    // MARK: seLinuxOptions

    static let seLinuxTypesV1Dot0: Set<String> = ["", "container_t", "container_init_t", "container_kvm_t"]
    public static let seLinuxTypesV1Dot31: Set<String> = seLinuxTypesV1Dot0.union(["container_engine_t"])

    public static let seLinuxOptions = PSSCheck(id: "seLinuxOptions", level: .baseline, versions: [
        PSSVersionedCheck(0) { seLinux($0, allowedTypes: seLinuxTypesV1Dot0) },
        PSSVersionedCheck(31) { seLinux($0, allowedTypes: seLinuxTypesV1Dot31) },
    ])

    static func seLinux(_ pod: PodSpecView, allowedTypes: Set<String>) -> PSSCheckResult {
        var badTypes: [String] = []
        var setUser = false
        var setRole = false
        var evidence: [PSSEvidence] = []
        func valid(_ options: YAMLNode, subject: String, field: (String) -> String, container: String?) -> Bool {
            var ok = true
            let type = options.text("type")
            if !allowedTypes.contains(type) {
                ok = false
                badTypes.append(type)
                evidence.append(PSSEvidence(node: options["type"], field: field("type"), container: container,
                                            message: "\(subject) sets seLinuxOptions.type: \(PSSText.goQuote(type)), which is not an allowed container type"))
            }
            let user = options.text("user")
            if !user.isEmpty {
                ok = false
                setUser = true
                evidence.append(PSSEvidence(node: options["user"], field: field("user"), container: container,
                                            message: "\(subject) sets seLinuxOptions.user: \(PSSText.goQuote(user))"))
            }
            let role = options.text("role")
            if !role.isEmpty {
                ok = false
                setRole = true
                evidence.append(PSSEvidence(node: options["role"], field: field("role"), container: container,
                                            message: "\(subject) sets seLinuxOptions.role: \(PSSText.goQuote(role))"))
            }
            return ok
        }
        var setters: [String] = []
        if let options = pod.pssSecurityContext?.object("seLinuxOptions"),
           !valid(options, subject: pod.displayName, field: { pod.field(["securityContext", "seLinuxOptions", $0]) }, container: nil) {
            setters.append("pod")
        }
        var bad: [String] = []
        for container in pod.containers {
            guard let options = container.pssSecurityContext?.object("seLinuxOptions") else { continue }
            if !valid(options, subject: "\(container.displayName) of \(pod.displayName)",
                      field: { container.field(["securityContext", "seLinuxOptions", $0]) }, container: container.pssName) {
                bad.append(container.pssName)
            }
        }
        if !bad.isEmpty {
            setters.append("\(PSSText.pluralize("container", "containers", bad.count)) \(PSSText.joinQuote(bad))")
        }
        guard !setters.isEmpty else { return .allowed }
        var data: [String] = []
        let types = PSSText.sortedSet(badTypes)
        if !types.isEmpty {
            data.append("\(PSSText.pluralize("type", "types", types.count)) \(PSSText.joinQuote(types))")
        }
        if setUser { data.append("user may not be set") }
        if setRole { data.append("role may not be set") }
        return .forbidden("seLinuxOptions", "\(setters.joined(separator: " and ")) set forbidden securityContext.seLinuxOptions: \(data.joined(separator: "; "))", evidence: evidence)
    }

    // MARK: procMount

    public static let procMount = PSSCheck(id: "procMount", level: .baseline, versions: [
        // Before v1.35 there is no user-namespace relaxation (the alpha feature gate that once
        // enabled it has been removed from the reference).
        PSSVersionedCheck(0) { procMountCheck($0) },
        PSSVersionedCheck(35) { pod in pod.usesUserNamespace ? .allowed : procMountCheck(pod) },
    ])

    static func procMountCheck(_ pod: PodSpecView) -> PSSCheckResult {
        var bad: [String] = []
        var types: [String] = []
        var evidence: [PSSEvidence] = []
        for container in pod.containers {
            guard let node = container.pssSecurityContext?["procMount"], !node.isNull else { continue }
            let value = node.string ?? ""
            guard value != "Default" else { continue }
            bad.append(container.pssName)
            types.append(value)
            evidence.append(PSSEvidence(
                node: node, field: container.field(["securityContext", "procMount"]), container: container.pssName,
                message: "\(container.displayName) of \(pod.displayName) sets securityContext.procMount: \(PSSText.goQuote(value))"))
        }
        guard !bad.isEmpty else { return .allowed }
        return .forbidden("procMount", "\(PSSText.pluralize("container", "containers", bad.count)) \(PSSText.joinQuote(bad)) must not set securityContext.procMount to \(PSSText.joinQuote(PSSText.sortedSet(types)))", evidence: evidence)
    }

    // MARK: seccompProfile_baseline

    static let seccompPodAnnotation = "seccomp.security.alpha.kubernetes.io/pod"
    static let seccompContainerAnnotationPrefix = "container.seccomp.security.alpha.kubernetes.io/"

    public static let seccompProfileBaseline = PSSCheck(id: "seccompProfile_baseline", level: .baseline, versions: [
        PSSVersionedCheck(0) { seccompAnnotations($0) },
        PSSVersionedCheck(19) { seccompFields($0, requireProfile: false) },
    ])

    /// v1.0–v1.18: the alpha annotations (fields are ignored).
    static func seccompAnnotations(_ pod: PodSpecView) -> PSSCheckResult {
        func validValue(_ value: String) -> Bool {
            value == "runtime/default" || value == "docker/default" || value.hasPrefix("localhost/")
        }
        let annotations = pod.podMetadata?.object("annotations")
        var forbidden: [String] = []
        var evidence: [PSSEvidence] = []
        func check(_ key: String, container: ContainerView?) {
            guard let annotations, let keyNode = annotations.keyNode(key), let valueNode = annotations[key] else { return }
            let value = valueNode.string ?? ""
            guard !validValue(value) else { return }
            forbidden.append("\(key)=\(PSSText.goQuote(value))")
            let subject = container.map { "\($0.displayName) of \(pod.displayName)" } ?? pod.displayName
            evidence.append(PSSEvidence(node: valueNode.isNull ? keyNode : valueNode, field: pod.annotationField(key),
                                        container: container?.pssName,
                                        message: "\(subject) sets seccomp annotation \(key): \(PSSText.goQuote(value))"))
        }
        check(seccompPodAnnotation, container: nil)
        for container in pod.containers {
            check(seccompContainerAnnotationPrefix + container.pssName, container: container)
        }
        let unique = PSSText.sortedSet(forbidden)
        guard !unique.isEmpty else { return .allowed }
        return .forbidden("seccompProfile", "forbidden \(PSSText.pluralize("annotation", "annotations", unique.count)) \(unique.joined(separator: ", "))", evidence: evidence)
    }

    // MARK: sysctls

    static let sysctlsV1Dot0: Set<String> = [
        "kernel.shm_rmid_forced", "net.ipv4.ip_local_port_range", "net.ipv4.tcp_syncookies", "net.ipv4.ping_group_range",
        "net.ipv4.ip_unprivileged_port_start",
    ]
    static let sysctlsV1Dot27 = sysctlsV1Dot0.union(["net.ipv4.ip_local_reserved_ports"])
    static let sysctlsV1Dot29 = sysctlsV1Dot27.union([
        "net.ipv4.tcp_keepalive_time", "net.ipv4.tcp_fin_timeout", "net.ipv4.tcp_keepalive_intvl", "net.ipv4.tcp_keepalive_probes",
    ])
    public static let sysctlsV1Dot32 = sysctlsV1Dot29.union(["net.ipv4.tcp_rmem", "net.ipv4.tcp_wmem"])
    /// Alpha in the reference (unreleased at the snapshot); applies only to explicit `v1.37`+.
    static let sysctlsV1Dot37 = sysctlsV1Dot32.union(["net.ipv4.tcp_slow_start_after_idle", "net.ipv4.tcp_notsent_lowat"])

    public static let sysctls = PSSCheck(id: "sysctls", level: .baseline, versions: [
        PSSVersionedCheck(0) { sysctlCheck($0, allowed: sysctlsV1Dot0) },
        PSSVersionedCheck(27) { sysctlCheck($0, allowed: sysctlsV1Dot27) },
        PSSVersionedCheck(29) { sysctlCheck($0, allowed: sysctlsV1Dot29) },
        PSSVersionedCheck(32) { sysctlCheck($0, allowed: sysctlsV1Dot32) },
        PSSVersionedCheck(37) { sysctlCheck($0, allowed: sysctlsV1Dot37) },
    ])

    static func sysctlCheck(_ pod: PodSpecView, allowed: Set<String>) -> PSSCheckResult {
        var forbidden: [String] = []
        var evidence: [PSSEvidence] = []
        for (index, sysctl) in (pod.pssSecurityContext?["sysctls"]?.items ?? []).enumerated() {
            let name = sysctl.isMapping ? sysctl.text("name") : ""
            guard !allowed.contains(name) else { continue }
            forbidden.append(name)
            evidence.append(PSSEvidence(
                node: sysctl["name"] ?? sysctl, field: pod.field(["securityContext", "sysctls[\(index)]", "name"]),
                message: "\(pod.displayName) sets sysctl \(PSSText.goQuote(name)), which is not in the safe set"))
        }
        guard !forbidden.isEmpty else { return .allowed }
        return .forbidden("forbidden sysctls", forbidden.joined(separator: ", "), evidence: evidence)
    }

    // MARK: windowsHostProcess

    public static let windowsHostProcess = PSSCheck(id: "windowsHostProcess", level: .baseline, versions: [
        PSSVersionedCheck(0) { pod in
            var evidence: [PSSEvidence] = []
            var bad: [String] = []
            for container in pod.containers {
                guard let node = container.pssSecurityContext?.object("windowsOptions")?["hostProcess"], node.bool == true else { continue }
                bad.append(container.pssName)
                evidence.append(PSSEvidence(
                    node: node, field: container.field(["securityContext", "windowsOptions", "hostProcess"]), container: container.pssName,
                    message: "\(container.displayName) of \(pod.displayName) sets securityContext.windowsOptions.hostProcess: true"))
            }
            var setters: [String] = []
            if let node = pod.pssSecurityContext?.object("windowsOptions")?["hostProcess"], node.bool == true {
                setters.append("pod")
                evidence.insert(PSSEvidence(
                    node: node, field: pod.field(["securityContext", "windowsOptions", "hostProcess"]),
                    message: "\(pod.displayName) sets securityContext.windowsOptions.hostProcess: true"), at: 0)
            }
            if !bad.isEmpty {
                setters.append("\(PSSText.pluralize("container", "containers", bad.count)) \(PSSText.joinQuote(bad))")
            }
            guard !setters.isEmpty else { return .allowed }
            return .forbidden("hostProcess", "\(setters.joined(separator: " and ")) must not set securityContext.windowsOptions.hostProcess=true", evidence: evidence)
        },
    ])

    // MARK: hostProbesAndHostLifecycle

    public static let hostProbesAndHostLifecycle = PSSCheck(id: "hostProbesAndHostLifecycle", level: .baseline, versions: [
        PSSVersionedCheck(34) { pod in
            var bad: [String] = []
            var hosts: [String] = []
            var evidence: [PSSEvidence] = []
            for container in pod.containers {
                var handlers: [(String, YAMLNode?)] = [
                    ("livenessProbe", container.node.object("livenessProbe")),
                    ("readinessProbe", container.node.object("readinessProbe")),
                    ("startupProbe", container.node.object("startupProbe")),
                ]
                if let lifecycle = container.node.object("lifecycle") {
                    handlers.append(("lifecycle.postStart", lifecycle.object("postStart")))
                    handlers.append(("lifecycle.preStop", lifecycle.object("preStop")))
                }
                var valid = true
                for (name, handler) in handlers {
                    guard let handler else { continue }
                    for action in ["httpGet", "tcpSocket"] {
                        guard let node = handler.object(action)?["host"], let host = node.string, !host.isEmpty else { continue }
                        valid = false
                        hosts.append(host)
                        evidence.append(PSSEvidence(
                            node: node, field: container.field([name, action, "host"]), container: container.pssName,
                            message: "\(container.displayName) of \(pod.displayName) sets \(name).\(action).host: \(PSSText.goQuote(host))"))
                    }
                }
                if !valid { bad.append(container.pssName) }
            }
            guard !bad.isEmpty else { return .allowed }
            let names = PSSText.sortedSet(bad)
            let unique = PSSText.sortedSet(hosts)
            return .forbidden(
                "probe or lifecycle host",
                "\(PSSText.pluralize("container", "containers", names.count)) \(PSSText.joinQuote(names)) \(PSSText.pluralize("uses", "use", names.count)) \(PSSText.pluralize("probe or lifecycle host", "probe or lifecycle hosts", unique.count)) \(PSSText.joinQuote(unique))",
                evidence: evidence)
        },
    ])
}
