import BulwarkCore
import BulwarkDockerfile
import BulwarkKubernetes
import Glibc

/// Derives one `RuntimePolicy` per workload from Kubernetes manifests (`bulwark runtime policy --from DIR`):
///
/// - **Scope**: the workload's pod labels and namespace; name `<namespace>-<workload>`.
/// - **Egress** from the NetworkPolicies that select its pods, through `NetworkReachability` (Kubernetes'
///   own semantics): `ipBlock`s (minus `except`, split into exact prefixes), their ports and protocols; pod and
///   namespace peers become the `--pod-cidr` ranges (pod IPs are not known statically; each rule says so);
///   the cluster DNS becomes `clusterDNS` on 53 with the protocols the policies allow. A workload no policy
///   isolates for egress gets default `alert` (the manifests do not restrict it). Localhost (127.0.0.1, ::1) is
///   always allowed; the rest of 127.0.0.0/8 is not.
/// - **Exec** allowlist: the containers' command (else the entrypoint of the image, when a Dockerfile next to
///   the manifests builds it), exec probes and lifecycle hooks (the kubelet runs them in the container), the
///   curated programs of the detected model server (`ServerProfiles`), explicit denies for shells, package
///   managers and network tools, and a script rule refusing inline code (`python -c`).
///
/// Every derived rule carries a comment saying why it is there.
public enum RuntimeProfiles {
    public struct Options: Sendable {
        /// Only the workload with this name (`NAME`, `NAMESPACE/NAME`, or the policy name `NAMESPACE-NAME`).
        public var workload: String?
        /// The cluster DNS service address (kube-dns' ClusterIP).
        public var clusterDNS: IPAddress
        /// The pod network, for peers that are pods or namespaces.
        public var podCIDRs: [CIDR]

        public init(workload: String? = nil, clusterDNS: IPAddress = IPAddress(family: .v4, high: 0, low: 0x0A60_000A), podCIDRs: [CIDR] = []) {
            self.workload = workload
            self.clusterDNS = clusterDNS
            self.podCIDRs = podCIDRs
        }
    }

    public struct Result: Sendable {
        public var policies: [RuntimePolicy] = []
        public var warnings: [InputWarning] = []
        public var errors: [InputError] = []

        public init(policies: [RuntimePolicy] = [], warnings: [InputWarning] = [], errors: [InputError] = []) {
            self.policies = policies
            self.warnings = warnings
            self.errors = errors
        }
    }

    /// Reads the manifests under `directory` (YAML and JSON files, recursively) and the Dockerfiles in it
    /// and its parent directory, then derives the policies.
    public static func derive(from directory: String, options: Options = Options()) -> Result {
        let discovery = InputDiscovery.files(under: [directory])
        let manifests = discovery.files.filter { ["yaml", "yml", "json"].contains($0.pathExtension) }
        let inventory = KubernetesLoader.load(sources: manifests.map { SourceInput(file: $0) })
        var result = derive(inventory: inventory, dockerfiles: dockerfiles(near: directory), options: options)
        result.errors = discovery.errors + inventory.errors + result.errors
        return result
    }

    /// Dockerfiles in `directory` and its parent (where `docker build` contexts usually sit next to `k8s/`).
    public static func dockerfiles(near directory: String) -> [Dockerfile] {
        var trimmed = directory
        while trimmed.count > 1, trimmed.hasSuffix("/") { trimmed.removeLast() }
        let parent = DiscoveredFile.directory(of: trimmed)
        var found: [Dockerfile] = []
        for folder in [trimmed, parent.isEmpty ? (trimmed.hasPrefix("/") ? "/" : "..") : parent] {
            guard let stream = opendir(folder) else { continue }
            var names: [String] = []
            while let entry = readdir(stream) {
                let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
                let lower = name.lowercased()
                guard !lower.hasSuffix(".dockerignore"),
                      lower == "dockerfile" || lower == "containerfile" || lower.hasPrefix("dockerfile.") || lower.hasSuffix(".dockerfile")
                else { continue }
                names.append(name)
            }
            closedir(stream)
            for name in names.sorted() {
                let path = folder == "/" ? "/" + name : folder + "/" + name
                guard case .success(let bytes) = InputFile.read(path, limit: ByteLimit(bytes: 4 << 20)) else { continue }
                found.append(DockerfileParser.parse(bytes: bytes, file: path))
            }
        }
        return found
    }

    public static func derive(inventory: Inventory, dockerfiles: [Dockerfile], options: Options = Options()) -> Result {
        var result = Result()
        let index = InventoryIndex(inventory.objects)
        let network = NetworkReachability(index)
        var matched = false
        for workload in network.workloads where !workload.judgedThroughOwner && workload.endpoint.kind == .workload {
            let pod = workload.pod
            let namespace = pod.object.effectiveNamespace ?? "default"
            var name = "\(namespace)-\(pod.object.name)"
            if let role = pod.role { name += "-\(role)" }
            if let wanted = options.workload,
               ![pod.object.name, "\(namespace)/\(pod.object.name)", name].contains(wanted) { continue }
            matched = true
            var builder = RuntimeProfileBuilder(pod: pod, network: network, endpoint: workload.endpoint, options: options,
                                         dockerfiles: dockerfiles)
            result.policies.append(builder.policy(name: name, namespace: namespace))
            result.warnings += builder.warnings
        }
        if let wanted = options.workload, !matched {
            let names = network.workloads.filter { !$0.judgedThroughOwner }.map { "\($0.pod.object.effectiveNamespace ?? "default")/\($0.pod.object.name)" }
            result.errors.append(InputError(file: "--workload", message: "no workload named \(wanted) in the manifests"
                + (names.isEmpty ? "" : " (workloads: \(names.joined(separator: ", ")))")))
        }
        return result
    }

    /// `cidr` minus `except`, as the fewest prefixes covering exactly the difference.
    public static func subtract(_ cidr: CIDR, _ except: [CIDR]) -> [CIDR] {
        let relevant = except.filter { $0.family == cidr.family && $0.overlaps(cidr) }
        if relevant.isEmpty { return [cidr] }
        if relevant.contains(where: { $0.contains(cidr) }) { return [] }
        let length = cidr.prefixLength + 1
        let network = cidr.network
        let bit = cidr.family == .v4 ? 31 - cidr.prefixLength : 127 - cidr.prefixLength
        let upper = bit >= 64
            ? IPAddress(family: network.family, high: network.high | (1 << UInt64(bit - 64)), low: network.low)
            : IPAddress(family: network.family, high: network.high, low: network.low | (1 << UInt64(bit)))
        return subtract(CIDR(network: network, prefixLength: length), relevant)
            + subtract(CIDR(network: upper, prefixLength: length), relevant)
    }
}

/// Builds the policy of one workload; collects its warnings.
struct RuntimeProfileBuilder {
    let pod: PodSpecView
    let network: NetworkReachability
    let endpoint: NetworkEndpoint
    let options: RuntimeProfiles.Options
    let dockerfiles: [Dockerfile]
    var warnings: [InputWarning] = []

    private var execRules: [ExecRule] = []
    private var scripts: [ScriptRule] = []
    private var egressRules: [EgressRule] = []
    private var usedIDs: Set<String> = []

    init(pod: PodSpecView, network: NetworkReachability, endpoint: NetworkEndpoint, options: RuntimeProfiles.Options,
         dockerfiles: [Dockerfile]) {
        self.pod = pod
        self.network = network
        self.endpoint = endpoint
        self.options = options
        self.dockerfiles = dockerfiles
    }

    mutating func policy(name: String, namespace: String) -> RuntimePolicy {
        let exec = execPolicy()
        let egress = egressPolicy()
        return RuntimePolicy(
            name: name, scope: RuntimePolicy.Scope(podLabels: pod.podLabels, namespaces: [namespace]), exec: exec, egress: egress,
            comment: "Derived by `bulwark runtime policy` from \(pod.displayName) (\(pod.object.file)); review before enforcing.")
    }

    private mutating func warn(_ message: String, at node: YAMLNode? = nil) {
        let position = (node ?? pod.object.root).position
        warnings.append(InputWarning(file: pod.object.file, line: position.line, column: position.column, message: message))
    }

    private mutating func uniqueID(_ base: String) -> String {
        var id = base
        var number = 2
        while !usedIDs.insert(id).inserted {
            id = "\(base)-\(number)"
            number += 1
        }
        return id
    }

    // MARK: - Exec

    /// What a container runs: `command` + `args`, else the image's ENTRYPOINT + (`args` or CMD), as Docker
    /// and the kubelet combine them; nil when the image's part is unknown.
    private mutating func commandLine(_ container: ContainerView) -> (argv: [String], source: String)? {
        let command = container.node["command"]?.strings ?? []
        let args = container.node["args"]?.strings ?? []
        if !command.isEmpty { return (command + args, "the command of container \"\(container.name)\"") }
        guard let found = dockerfile(for: container) else {
            if !args.isEmpty { return (args, "the args of container \"\(container.name)\" (the image's ENTRYPOINT is not known)") }
            warn("container \"\(container.name)\" has no command and no Dockerfile next to the manifests builds its image "
                 + "\(container.image ?? ""); its entrypoint is not in the policy: add it by hand")
            return nil
        }
        let (dockerfile, why) = found
        let (entrypoint, cmd) = imageCommand(dockerfile)
        let argv = entrypoint + (args.isEmpty ? cmd : args)
        guard !argv.isEmpty else {
            warn("container \"\(container.name)\": \(dockerfile.file) has no ENTRYPOINT or CMD in its final stage")
            return nil
        }
        return (argv, "the image's \(entrypoint.isEmpty ? "CMD" : "ENTRYPOINT") in \(dockerfile.file) (\(why))")
    }

    /// The Dockerfile that builds a container's image: the only one found, or the one whose path names the
    /// image's repository (`…/model-server:1.4` ↔ `model-server/Dockerfile`).
    private func dockerfile(for container: ContainerView) -> (Dockerfile, String)? {
        guard !dockerfiles.isEmpty else { return nil }
        if dockerfiles.count == 1, let only = dockerfiles.first { return (only, "the only Dockerfile next to the manifests") }
        let image = container.image ?? ""
        let repository = image.split(separator: "@").first.flatMap { $0.split(separator: "/").last }.flatMap { $0.split(separator: ":").first }
            .map(String.init) ?? ""
        guard !repository.isEmpty else { return nil }
        for dockerfile in dockerfiles where dockerfile.file.split(separator: "/").contains(where: { $0.contains(repository) }) {
            return (dockerfile, "its path names the image repository \(repository)")
        }
        return nil
    }

    private func imageCommand(_ dockerfile: Dockerfile) -> (entrypoint: [String], cmd: [String]) {
        guard let stage = dockerfile.finalStage else { return ([], []) }
        var entrypoint: [String] = []
        var cmd: [String] = []
        for instruction in dockerfile.instructions(of: stage) {
            guard instruction.keyword == .entrypoint || instruction.keyword == .cmd, let form = instruction.form else { continue }
            let words: [String]
            switch form {
            case .exec(let list): words = list.map(\.resolved)
            case .shell(let command): words = (stage.shell.isEmpty ? ["/bin/sh", "-c"] : stage.shell) + [command.text]
            }
            if instruction.keyword == .entrypoint {
                entrypoint = words
                cmd = []  // Docker resets CMD when ENTRYPOINT is set in the same stage
            } else {
                cmd = words
            }
        }
        return (entrypoint, cmd)
    }

    private func isPython(_ program: String) -> Bool {
        let base = program.split(separator: "/").last.map(String.init) ?? program
        return base == "python" || base.hasPrefix("python3") || base == "python2"
    }

    private func basename(_ program: String) -> String {
        program.split(separator: "/").last.map(String.init) ?? program
    }

    private mutating func allow(_ program: String, why: String, allowedShells: inout Set<String>) {
        guard !program.isEmpty else { return }
        if program.contains("/"), !program.hasPrefix("/") {
            warn("\(why): the relative path \(program) cannot be resolved to a file; add its absolute path by hand")
            return
        }
        if ServerProfiles.shells.contains(basename(program)) { allowedShells.insert(basename(program)) }
        if let index = execRules.firstIndex(where: { $0.path == program }) {
            let existing = execRules[index].comment ?? ""
            if !existing.contains(why) { execRules[index].comment = existing + "; " + why }
            return
        }
        execRules.append(ExecRule(id: uniqueID("allow-\(basename(program))"), path: program, action: .allow, comment: why))
    }

    /// Inline code on a command line (`python -c …`, `sh -c …`): the script rule for that interpreter must allow it.
    private func runsInlineCode(_ argv: [String]) -> Bool {
        guard let program = argv.first, isPython(program) || ServerProfiles.shells.contains(basename(program)) else { return false }
        return argv.count >= 2 && argv.dropFirst().prefix(while: { $0.hasPrefix("-") }).contains { $0 == "-c" || ($0.hasPrefix("-") && !$0.hasPrefix("--") && $0.hasSuffix("c")) }
    }

    private mutating func execPolicy() -> ExecPolicy {
        var allowedShells: Set<String> = []
        var inlineNeeded: [String: String] = [:]  // interpreter → why
        var kinds: [ServingWorkload.Kind] = []
        func note(_ kind: ServingWorkload.Kind) { if !kinds.contains(kind) { kinds.append(kind) } }

        for container in pod.containers {
            if let line = commandLine(container), let program = line.argv.first {
                let (argv, source) = line
                allow(program, why: "runs \(argv.joined(separator: " ")): \(source)", allowedShells: &allowedShells)
                if runsInlineCode(argv) { inlineNeeded[program] = "\(source) runs inline code" }
                if let kind = ServingWorkload.kind(ofCommandLine: argv) { note(kind) }
                if isPython(program) { note(.pythonWebServer) }
            }
            for probe in ["startupProbe", "livenessProbe", "readinessProbe"] {
                guard let command = container.node[probe]?["exec"]?["command"]?.strings, let program = command.first else { continue }
                allow(program, why: "the \(probe) of container \"\(container.name)\": the kubelet runs it inside the container",
                      allowedShells: &allowedShells)
                if runsInlineCode(command) { inlineNeeded[program] = "the \(probe) of container \"\(container.name)\" runs inline code" }
            }
            for hook in ["postStart", "preStop"] {
                guard let command = container.node["lifecycle"]?[hook]?["exec"]?["command"]?.strings, let program = command.first else { continue }
                allow(program, why: "the \(hook) hook of container \"\(container.name)\": the kubelet runs it inside the container",
                      allowedShells: &allowedShells)
                if runsInlineCode(command) { inlineNeeded[program] = "the \(hook) hook of container \"\(container.name)\" runs inline code" }
            }
        }
        for detection in ServingWorkload.detectAll(pod) { note(detection.kind) }
        // A name-only guess (an image called model-server) says nothing about what runs; a Python command does.
        if kinds == [.genericModelServer] {
            warn("the model server of \(pod.displayName) is recognised by its name only; no curated programs were added")
            kinds = []
        }
        for kind in kinds where kind != .genericModelServer {
            for program in ServerProfiles.programs(for: kind) {
                allow(program.name, why: "curated for \(kind.displayName): \(program.why)", allowedShells: &allowedShells)
            }
        }
        for shell in allowedShells.sorted() {
            warn("\(pod.displayName) runs the shell \(shell) (see the policy's allow-\(shell) rule); shells stay allowed for it")
        }
        for program in ServerProfiles.denied where !allowedShells.contains(program.name)
            && !execRules.contains(where: { basename($0.path) == program.name }) {
            execRules.append(ExecRule(id: uniqueID("deny-\(program.name)"), path: program.name, action: .deny,
                                      comment: program.why + " (a copy under another name is stopped by the allowlist default)"))
        }
        // Interpreters: inline code is refused unless the manifests themselves run some.
        for rule in execRules where rule.action == .allow && (isPython(rule.path) || ServerProfiles.shells.contains(basename(rule.path))) {
            let reason = inlineNeeded[rule.path]
            scripts.append(ScriptRule(
                id: uniqueID("inline-\(basename(rule.path))"), interpreter: rule.path, inlineCode: reason == nil ? .deny : .allow,
                comment: reason.map { "inline code allowed: \($0)" }
                    ?? "inline code (\(basename(rule.path)) -c) is how injected commands run; the app runs files"))
        }
        return ExecPolicy(defaultAction: .deny, rules: execRules, scripts: scripts,
                          comment: "An allowlist: programs no rule allows are refused (a renamed copy of a denied tool too).")
    }

    // MARK: - Egress

    private mutating func egressPolicy() -> EgressPolicy {
        // 127.0.0.1 and ::1 only, not all of 127.0.0.0/8: localhost is how a process reaches itself and its pod's
        // sidecars, while other 127.x addresses are what tests and tunnels (a reverse shell to 127.0.0.2) use.
        egressRules.append(EgressRule(
            id: uniqueID("loopback"), cidrs: [CIDR("127.0.0.1/32"), CIDR("::1/128")].compactMap { $0 }, action: .allow,
            comment: "localhost (127.0.0.1, ::1): the process talking to itself and to its pod's sidecars"))
        guard network.isIsolated(endpoint, .egress) else {
            return EgressPolicy(defaultAction: .alert, rules: egressRules,
                                comment: "The manifests do not restrict egress (no NetworkPolicy isolates these pods for egress): "
                                    + "every other connection is reported, none refused.")
        }
        let isolating = network.selectingPolicies(of: endpoint).filter { $0.isolates(.egress) }.map(\.name)
        if let dns = network.dns {
            let ports = network.allowedPorts(from: endpoint, to: dns)
            let protocols = [NetworkProtocol.udp, .tcp].filter { ports.contains($0, 53) }
            if !protocols.isEmpty {
                egressRules.append(EgressRule(
                    id: uniqueID("cluster-dns"), cidrs: [CIDR(network: options.clusterDNS, prefixLength: options.clusterDNS.family.bitCount)],
                    ports: [53...53], protocols: Set(protocols.compactMap { TransportProtocol(rawValue: $0.rawValue.lowercased()) }),
                    comment: "cluster DNS: the NetworkPolicies allow \(protocols.map(\.rawValue).joined(separator: "+")) 53 to \(dns.displayName) "
                        + "(address from --cluster-dns)"))
            }
        }
        // Egress rules of a policy without the Egress type are ignored by Kubernetes, and so here.
        for policy in network.selectingPolicies(of: endpoint) where policy.isolates(.egress) {
            for (number, rule) in policy.rules(.egress).enumerated() {
                derive(rule, number: number, of: policy)
            }
        }
        return EgressPolicy(defaultAction: .deny, rules: egressRules,
                            comment: "NetworkPolicies isolate these pods for egress (\(isolating.joined(separator: ", "))): "
                                + "only what they allow is allowed.")
    }

    private mutating func derive(_ rule: NetworkPolicyRule, number: Int, of policy: NetworkPolicy) {
        let place = "\(policy.name) \(rule.path)"
        let ports = rule.ports(towards: .internet)
        let action: RuntimeAction = rule.isDeny ? .deny : .allow
        let any = [CIDR("0.0.0.0/0"), CIDR("::/0")].compactMap { $0 }
        if rule.ports?.contains(where: { if case .name = $0.port { true } else { false } }) == true {
            warn("\(place): named ports are resolved against destination pods, which are not known here; they are left out", at: rule.node)
        }
        guard let peers = rule.peers else {
            emit(any, ports, action, base: "\(policy.object.name)-\(number + 1)", why: "\(place): to anywhere")
            return
        }
        for peer in peers {
            switch peer.match {
            case .ipBlock(let cidr, let except):
                let cidrs = RuntimeProfiles.subtract(cidr, except)
                let exceptText = except.isEmpty ? "" : " except \(except.map(\.description).joined(separator: ", "))"
                emit(cidrs, ports, action, base: "\(policy.object.name)-\(number + 1)", why: "\(place): ipBlock \(cidr)\(exceptText)")
            case .pods, .ciliumEndpoints, .entity(.cluster):
                if let dns = network.dns, network.matches(peer, dns, policy: policy), ports.ranges.values.allSatisfy({ $0 == [53...53] }) {
                    continue  // the cluster DNS rule covers it
                }
                guard !options.podCIDRs.isEmpty else {
                    warn("\(place): the peer \(peer.summary) is pods, whose addresses are not known statically; "
                         + "pass --pod-cidr to allow the pod network for it", at: peer.node)
                    continue
                }
                emit(options.podCIDRs, ports, action, base: "\(policy.object.name)-\(number + 1)-pods",
                     why: "\(place): \(peer.summary); pod IPs are not known statically, so the whole pod network (--pod-cidr) is allowed")
            case .entity(let entity):
                emit(any, ports, action, base: "\(policy.object.name)-\(number + 1)",
                     why: "\(place): Cilium entity \(entity) (taken as any address)")
            case .unmatchable(let why), .unevaluated(let why):
                warn("\(place): \(peer.summary) is not translated (\(why))", at: peer.node)
            }
        }
    }

    /// Rules for `cidrs` × `ports`: one rule when TCP and UDP share their ranges, else one per protocol.
    private mutating func emit(_ cidrs: [CIDR], _ ports: PortSet, _ action: RuntimeAction, base: String, why: String) {
        guard !cidrs.isEmpty else { return }
        if let sctp = ports.ranges[.sctp], !sctp.isEmpty {
            warnings.append(InputWarning(file: pod.object.file, message: "\(why): SCTP ports are not enforced by the runtime"))
        }
        let tcp = ports.ranges[.tcp] ?? []
        let udp = ports.ranges[.udp] ?? []
        func list(_ ranges: [ClosedRange<Int>]) -> [ClosedRange<Int>] { ranges == [PortSet.portRange] ? [] : ranges }
        if tcp == udp, !tcp.isEmpty {
            egressRules.append(EgressRule(id: uniqueID(base), cidrs: cidrs, ports: list(tcp), action: action, comment: why))
            return
        }
        if !tcp.isEmpty {
            egressRules.append(EgressRule(id: uniqueID(base + (udp.isEmpty ? "" : "-tcp")), cidrs: cidrs, ports: list(tcp), protocols: [.tcp],
                                          action: action, comment: why))
        }
        if !udp.isEmpty {
            egressRules.append(EgressRule(id: uniqueID(base + (tcp.isEmpty ? "" : "-udp")), cidrs: cidrs, ports: list(udp), protocols: [.udp],
                                          action: action, comment: why))
        }
    }
}
