import BulwarkCore
import BulwarkKubernetes

/// Something of a TracingPolicy the importer did not carry over as it was, at its line and field.
public struct ImportWarning: Sendable, Hashable, CustomStringConvertible {
    public var line: Int
    /// JSON path of the field (`spec.kprobes[0].selectors[1].matchNamespaces`).
    public var field: String
    public var reason: String

    public init(line: Int, field: String, reason: String) {
        self.line = line
        self.field = field
        self.reason = reason
    }

    public var description: String { "\(line): \(field.isEmpty ? "" : field + ": ")\(reason)" }
}

/// Imports the subset of Tetragon `TracingPolicy` / `TracingPolicyNamespaced` (`cilium.io/v1alpha1`) that users
/// write for exec and egress control, into `RuntimePolicy` values:
///
/// - exec hooks (`security_bprm_check`, `bprm_check_security`; kprobes or lsmhooks): `matchArgs` on the
///   `linux_binprm`/`file` argument with `Equal` (paths), `Postfix` (a `/sh` suffix becomes the bare name `sh`),
///   their `Not…` forms (an allowlist: the values allowed, the action as the default), and `matchBinaries`
///   `In`/`NotIn` (taken as the executed file; see the warning each one gets).
/// - network hooks (`security_socket_connect`, `tcp_connect`, `security_socket_sendmsg`; lsmhooks
///   `socket_connect`, `socket_sendmsg`): `matchArgs` `DAddr`/`NotDAddr` (CIDRs), `DPort`/`NotDPort` (`443`,
///   `8000:8100`), `Family`, `Protocol`.
/// - actions: `Override` → deny; `Sigkill` → deny (Tetragon kills the process, Bulwark refuses the operation);
///   `Post` → alert; `NoPost` → allow. `podSelector.matchLabels` → the scope's pod labels; a namespaced
///   policy's namespace → the scope's namespace.
///
/// Everything else (other hooks, `matchNamespaces`, `matchPIDs`, rate limits, other actions …) is a warning
/// naming its line and field: nothing is dropped silently.
public enum TracingPolicyImporter {
    public static let execHooks: Set<String> = ["security_bprm_check", "bprm_check_security"]
    public static let networkHooks: Set<String> = ["security_socket_connect", "tcp_connect", "security_socket_sendmsg", "socket_connect",
                                                   "socket_sendmsg"]

    public static func `import`(yaml: String, file: String) -> (policies: [RuntimePolicy], warnings: [ImportWarning]) {
        let parsed = YAMLReader.read(yaml)
        var policies: [RuntimePolicy] = []
        var warnings = parsed.errors.map { ImportWarning(line: $0.line, field: "", reason: "YAML error: \($0.message)") }
        for document in parsed.documents {
            guard let root = document.root, !root.isNull else { continue }
            var importer = TracingPolicyDocumentImport(file: file)
            if let policy = importer.run(root) { policies.append(policy) }
            warnings += importer.warnings
        }
        return (policies, warnings)
    }
}

/// One TracingPolicy document.
struct TracingPolicyDocumentImport {
    let file: String
    var warnings: [ImportWarning] = []
    private var execRules: [ExecRule] = []
    private var egressRules: [EgressRule] = []
    private var execDefault: RuntimeAction?
    private var egressDefault: RuntimeAction?
    private var execComment: String?
    private var egressComment: String?
    private var counter = 0

    init(file: String) {
        self.file = file
    }

    private mutating func warn(_ node: YAMLNode?, _ field: String, _ reason: String) {
        warnings.append(ImportWarning(line: node?.position.line ?? 0, field: field, reason: reason))
    }

    private mutating func nextID(_ prefix: String) -> String {
        counter += 1
        return "\(prefix)-\(counter)"
    }

    mutating func run(_ root: YAMLNode) -> RuntimePolicy? {
        let kind = root["kind"]?.string ?? ""
        guard kind == "TracingPolicy" || kind == "TracingPolicyNamespaced" else {
            warn(root["kind"] ?? root, "kind", "not a TracingPolicy (\(kind.isEmpty ? "no kind" : kind)); skipped")
            return nil
        }
        if let version = root["apiVersion"]?.string, version != "cilium.io/v1alpha1" {
            warn(root["apiVersion"], "apiVersion", "\(version) is not cilium.io/v1alpha1; read as if it were")
        }
        let name = root["metadata"]?["name"]?.string ?? "tracingpolicy"
        var scope = RuntimePolicy.Scope()
        if kind == "TracingPolicyNamespaced" {
            scope.namespaces = [root["metadata"]?["namespace"]?.string ?? "default"]
        }
        guard let spec = root["spec"], spec.isMapping else {
            warn(root["spec"] ?? root, "spec", "no spec; nothing to import")
            return nil
        }
        for pair in spec.pairs ?? [] {
            guard let key = pair.key.scalar else { continue }
            let field = "spec.\(key)"
            switch key {
            case "podSelector":
                scope.podLabels = pair.value["matchLabels"]?.stringMap ?? [:]
                for other in pair.value.pairs ?? [] where other.key.scalar != "matchLabels" {
                    warn(other.key, "\(field).\(other.key.scalar ?? "")", "only matchLabels is imported; the scope is wider than the policy's")
                }
            case "kprobes":
                for (index, hook) in pair.value.items.enumerated() {
                    importHook(hook, name: hook["call"]?.string, nameKey: "call", field: "\(field)[\(index)]")
                }
            case "lsmhooks":
                for (index, hook) in pair.value.items.enumerated() {
                    importHook(hook, name: hook["hook"]?.string, nameKey: "hook", field: "\(field)[\(index)]")
                }
            case "options":
                warn(pair.key, field, "options are Tetragon settings; not imported")
            default:
                warn(pair.key, field, "\(key) is not imported (only kprobes and lsmhooks on exec and connect hooks are)")
            }
        }
        guard !execRules.isEmpty || !egressRules.isEmpty || execDefault != nil || egressDefault != nil else {
            warn(root, "spec", "nothing in this policy maps to exec or egress rules; no RuntimePolicy made from it")
            return nil
        }
        var policy = RuntimePolicy(name: name, location: root.position.located(in: file), scope: scope,
                                   comment: "Imported from the Tetragon TracingPolicy \(name) (\(file)).")
        if !execRules.isEmpty || execDefault != nil {
            policy.exec = ExecPolicy(defaultAction: execDefault ?? .alert, rules: execRules,
                                     comment: execComment ?? "A deny list imported as rules; other programs are reported (default alert). "
                                        + "An allowlist (default deny) is what enforces.")
        }
        if !egressRules.isEmpty || egressDefault != nil {
            policy.egress = EgressPolicy(defaultAction: egressDefault ?? .alert, rules: egressRules,
                                         comment: egressComment ?? "Destinations the rules do not name are reported (default alert).")
        }
        return policy
    }

    private enum HookKind { case exec, network }

    private mutating func importHook(_ hook: YAMLNode, name: String?, nameKey: String, field: String) {
        guard let name else {
            warn(hook, field, "no \(nameKey); skipped")
            return
        }
        let kind: HookKind
        if TracingPolicyImporter.execHooks.contains(name) {
            kind = .exec
        } else if TracingPolicyImporter.networkHooks.contains(name) {
            kind = .network
        } else {
            warn(hook[nameKey], "\(field).\(nameKey)", "hook \(name) is not imported (exec: security_bprm_check/bprm_check_security; "
                 + "network: security_socket_connect, tcp_connect, security_socket_sendmsg)")
            return
        }
        let message = hook["message"]?.string
        for pair in hook.pairs ?? [] {
            guard let key = pair.key.scalar else { continue }
            switch key {
            case nameKey, "syscall", "args", "selectors", "message", "tags", "ignore": continue
            default: warn(pair.key, "\(field).\(key)", "\(key) is not imported")
            }
        }
        if name == "tcp_connect" {
            warn(hook[nameKey], "\(field).\(nameKey)", "tcp_connect runs after the connect started (Tetragon can only kill then); "
                 + "Bulwark refuses the connect itself at the cgroup/LSM hook")
        }
        guard let selectors = hook["selectors"], !selectors.items.isEmpty else {
            // No selectors: Tetragon posts every call.
            if kind == .exec { execDefault = .alert } else { egressDefault = .alert }
            warn(hook, field, "no selectors: every call is reported (default alert)")
            return
        }
        for (index, selector) in selectors.items.enumerated() {
            importSelector(selector, kind: kind, field: "\(field).selectors[\(index)]", message: message)
        }
    }

    /// The action of a selector's `matchActions` (none → Post → alert); nil when nothing maps.
    private mutating func selectorAction(_ selector: YAMLNode, field: String) -> RuntimeAction? {
        guard let actions = selector["matchActions"], !actions.items.isEmpty else { return .alert }
        var result: RuntimeAction?
        for (index, item) in actions.items.enumerated() {
            let place = "\(field).matchActions[\(index)]"
            let name = item["action"]?.string ?? ""
            for pair in item.pairs ?? [] {
                guard let key = pair.key.scalar, key != "action" else { continue }
                if key == "argError" {
                    if let value = pair.value.int, value != -1 {
                        warn(pair.value, "\(place).argError", "Bulwark refuses with EPERM (-1), not \(value)")
                    }
                } else {
                    warn(pair.key, "\(place).\(key)", "\(key) is not imported")
                }
            }
            switch name {
            case "Override":
                result = .deny
            case "Sigkill":
                result = .deny
                warn(item["action"], "\(place).action", "Sigkill imported as deny: the semantics differ (Tetragon kills the process, "
                     + "possibly after the operation started; Bulwark refuses the operation with EPERM and the process lives on, "
                     + "except on the tracepoint backend, which kills after exec)")
            case "Post":
                if result == nil { result = .alert }
            case "NoPost":
                if result == nil { result = .allow }
            default:
                warn(item["action"] ?? item, "\(place).action", "action \(name.isEmpty ? "(none)" : name) is not imported")
            }
        }
        return result
    }

    private mutating func importSelector(_ selector: YAMLNode, kind: HookKind, field: String, message: String?) {
        guard let action = selectorAction(selector, field: field) else {
            warn(selector, field, "no action of this selector maps to deny, alert or allow; selector skipped")
            return
        }
        for pair in selector.pairs ?? [] {
            guard let key = pair.key.scalar else { continue }
            switch key {
            case "matchArgs", "matchActions": continue
            case "matchBinaries" where kind == .exec: continue
            case "matchBinaries":
                warn(pair.key, "\(field).matchBinaries", "matchBinaries narrows the rule to processes of those binaries; a RuntimePolicy "
                     + "judges every process of its scope, so the rule is imported for all of them")
            default:
                warn(pair.key, "\(field).\(key)", "\(key) is not imported; the rule applies to the whole scope")
            }
        }
        let why = message.map { "Tetragon: \($0)" }
        switch kind {
        case .exec: importExec(selector, action: action, field: field, why: why)
        case .network: importNetwork(selector, action: action, field: field, why: why)
        }
    }

    // MARK: - Exec

    private mutating func importExec(_ selector: YAMLNode, action: RuntimeAction, field: String, why: String?) {
        var any = false
        for (index, binaries) in (selector["matchBinaries"]?.items ?? []).enumerated() {
            let place = "\(field).matchBinaries[\(index)]"
            let op = binaries["operator"]?.string ?? ""
            warn(binaries, place, "Tetragon's matchBinaries names the calling process; imported as the executed file, which is "
                 + "what an exec policy judges: review")
            any = true
            addExec(values: binaries["values"]?.strings ?? [], op: op, node: binaries, place: place, action: action, why: why)
        }
        for (index, arg) in (selector["matchArgs"]?.items ?? []).enumerated() {
            let place = "\(field).matchArgs[\(index)]"
            let op = arg["operator"]?.string ?? ""
            any = true
            addExec(values: arg["values"]?.strings ?? [], op: op, node: arg, place: place, action: action, why: why)
        }
        if !any {
            // A selector with actions only: every exec gets the action.
            execDefault = action == .allow ? .alert : action
            warn(selector, field, "no matchArgs or matchBinaries: every exec gets \(action.rawValue) (the exec default)")
        }
    }

    private mutating func addExec(values: [String], op: String, node: YAMLNode, place: String, action: RuntimeAction, why: String?) {
        let negated = op.hasPrefix("Not")
        let base = negated ? String(op.dropFirst(3)) : op
        var paths: [String] = []
        for value in values {
            switch base {
            case "Equal", "In":
                // What RuntimePolicyReader accepts as a rule's path: absolute, or a bare program name.
                guard !value.isEmpty, !value.contains("\u{0}"), value.hasPrefix("/") || !value.contains("/") else {
                    warn(node, place, "\(value.debugDescription) is neither an absolute path nor a program name; not imported")
                    continue
                }
                if !value.hasPrefix("/") { warn(node, place, "\(value) is not an absolute path; imported as a bare name") }
                paths.append(value)
            case "Postfix":
                let name = value.split(separator: "/").last.map(String.init) ?? value
                guard !name.isEmpty, !name.contains("\u{0}") else { continue }
                paths.append(name)
                warn(node, place, "Postfix \(value) imported as the program name \(name) (resolved on the search path); a copy under "
                     + "another name dodges a deny list: an allowlist (default deny) is what enforces")
            default:
                warn(node, "\(place).operator", "operator \(op) is not imported for exec (Equal, Postfix, In and their Not forms are)")
                return
            }
        }
        if negated {
            // "everything but these gets the action": an allowlist with the action as the default.
            execDefault = action == .allow ? .alert : action
            execComment = "Imported allowlist (\(op) with \(action.rawValue)): programs not listed get \(action.rawValue)."
            for path in paths {
                execRules.append(ExecRule(id: nextID("exec-allow"), path: path, action: .allow, line: node.position.line,
                                          comment: why ?? "listed in \(place) (\(op))"))
            }
        } else {
            for path in paths {
                execRules.append(ExecRule(id: nextID("exec-\(action.rawValue)"), path: path, action: action, line: node.position.line,
                                          comment: why ?? "listed in \(place) (\(op))"))
            }
        }
    }

    // MARK: - Network

    private mutating func importNetwork(_ selector: YAMLNode, action: RuntimeAction, field: String, why: String?) {
        var addresses: [CIDR]?
        var notAddresses: [CIDR] = []
        var ports: [ClosedRange<Int>] = []
        var notPorts: [ClosedRange<Int>] = []
        var protocols: Set<TransportProtocol> = []
        var families: Set<IPAddress.Family> = []
        for (index, arg) in (selector["matchArgs"]?.items ?? []).enumerated() {
            let place = "\(field).matchArgs[\(index)]"
            let op = arg["operator"]?.string ?? ""
            let values = arg["values"]?.items ?? []
            switch op {
            case "DAddr", "NotDAddr":
                var cidrs: [CIDR] = []
                for value in values {
                    guard let text = value.scalar, let cidr = CIDR(text) else {
                        warn(value, place, "\(value.scalar ?? "value") is not an address or CIDR; left out")
                        continue
                    }
                    cidrs.append(cidr)
                }
                if op == "DAddr" { addresses = (addresses ?? []) + cidrs } else { notAddresses += cidrs }
            case "DPort", "NotDPort":
                for value in values {
                    let text = String((value.scalar ?? "").map { $0 == ":" ? "-" : $0 })
                    guard let range = RuntimePolicyDocumentReader.portRange(text) else {
                        warn(value, place, "\(value.scalar ?? "value") is not a port or min:max range; left out")
                        continue
                    }
                    if op == "DPort" { ports.append(range) } else { notPorts.append(range) }
                }
            case "Family":
                for value in values {
                    switch value.scalar {
                    case "AF_INET", "2": families.insert(.v4)
                    case "AF_INET6", "10": families.insert(.v6)
                    default: warn(value, place, "family \(value.scalar ?? "") is not IPv4 or IPv6; not enforced by Bulwark")
                    }
                }
            case "Protocol":
                for value in values {
                    switch value.scalar {
                    case "IPPROTO_TCP", "6": protocols.insert(.tcp)
                    case "IPPROTO_UDP", "17": protocols.insert(.udp)
                    default: warn(value, place, "protocol \(value.scalar ?? "") is not TCP or UDP; left out")
                    }
                }
            default:
                warn(arg["operator"] ?? arg, "\(place).operator", "operator \(op) is not imported for connect hooks "
                     + "(DAddr, NotDAddr, DPort, NotDPort, Family and Protocol are)")
            }
        }
        let everything = (families.isEmpty ? [.v4, .v6] : families).sorted { $0 == .v4 && $1 == .v6 }.compactMap {
            CIDR($0 == .v4 ? "0.0.0.0/0" : "::/0")
        }
        if let list = addresses, list.isEmpty {
            warn(selector, field, "no usable DAddr value; selector skipped")
            return
        }
        let line = selector.position.line
        let comment = why ?? "imported from \(field)"
        if notAddresses.isEmpty, notPorts.isEmpty {
            egressRules.append(EgressRule(id: nextID("egress-\(action.rawValue)"), cidrs: addresses ?? everything, ports: ports,
                                          protocols: protocols, action: action, line: line, comment: comment))
            return
        }
        // "Not…": the action applies outside the listed values; inside them the operation passes.
        let exceptions = RuntimeAction.allow
        if let addresses {
            for cidr in notAddresses where !addresses.contains(where: { $0.contains(cidr) }) {
                warn(selector, field, "NotDAddr \(cidr) lies outside the DAddr ranges; the exception is imported as given")
            }
            if !notAddresses.isEmpty {
                egressRules.append(EgressRule(id: nextID("egress-allow"), cidrs: notAddresses, ports: ports, protocols: protocols,
                                              action: exceptions, line: line, comment: "\(comment) (NotDAddr: excepted)"))
            }
            if !notPorts.isEmpty {
                egressRules.append(EgressRule(id: nextID("egress-allow"), cidrs: addresses, ports: notPorts, protocols: protocols,
                                              action: exceptions, line: line, comment: "\(comment) (NotDPort: excepted)"))
            }
            egressRules.append(EgressRule(id: nextID("egress-\(action.rawValue)"), cidrs: addresses, ports: ports, protocols: protocols,
                                          action: action, line: line, comment: comment))
            return
        }
        // Only negative address/port filters: the action is the default, the listed values are allowed.
        if action == .allow {
            warn(selector, field, "a NotDAddr/NotDPort selector whose action is NoPost imports as nothing")
            return
        }
        egressDefault = action
        egressComment = "Imported allowlist: destinations outside the listed ones get \(action.rawValue)."
        if !ports.isEmpty || !protocols.isEmpty {
            warn(selector, field, "DPort/Protocol narrow a NotDAddr rule in Tetragon; Bulwark's default applies to every port and protocol")
        }
        if !notAddresses.isEmpty {
            egressRules.append(EgressRule(id: nextID("egress-allow"), cidrs: notAddresses,
                                          action: .allow, line: line, comment: "\(comment) (NotDAddr)"))
        }
        if !notPorts.isEmpty {
            egressRules.append(EgressRule(id: nextID("egress-allow"), cidrs: everything, ports: notPorts, action: .allow, line: line,
                                          comment: "\(comment) (NotDPort)"))
        }
    }
}
