import BulwarkCore
import BulwarkKubernetes

/// Reads `bulwark.dev/v1alpha1 RuntimePolicy` documents (YAML, several per file):
///
/// ```yaml
/// apiVersion: bulwark.dev/v1alpha1
/// kind: RuntimePolicy
/// metadata: {name: model-server}
/// spec:
///   selector: {cgroupPaths: [...], podSelector: {matchLabels: {...}}, namespaces: [...]}
///   exec:
///     default: deny                      # or alert
///     rules:
///     - {id: python, path: python3, action: allow}   # bare name: resolved on the search path at load
///     - {path: /usr/local/bin/gunicorn, sha256: "…", action: allow}
///     scripts:
///     - {interpreter: python3, inlineCode: deny, allow: ["/app/**"]}
///   egress:
///     default: deny
///     rules:
///     - {id: dns, cidrs: [10.96.0.10/32], ports: [53], protocols: [UDP, TCP], action: allow}
///     - {cidrs: ["10.0.0.0/8"], ports: ["8000-8100"], action: alert}
/// ```
///
/// Every problem is an `InputError` with the file, line and column of the offending node and the field's
/// path (`spec.egress.rules[1].ports[0]`): unknown keys (a misspelt `protocol` must not silently widen a
/// rule), bad CIDRs, ports, actions, kinds. A document with an error yields no policy (enforcing half of
/// one is worse than refusing it); the other documents of the file are still read.
public enum RuntimePolicyReader {
    public static let apiVersion = "bulwark.dev/v1alpha1"
    public static let kind = "RuntimePolicy"

    public struct Result: Sendable {
        public var policies: [RuntimePolicy] = []
        public var errors: [InputError] = []

        public init(policies: [RuntimePolicy] = [], errors: [InputError] = []) {
            self.policies = policies
            self.errors = errors
        }
    }

    /// The largest policy file read.
    static let sizeLimit = ByteLimit(bytes: 4 << 20)

    /// Reads a policy file from disk (at most 4 MiB).
    public static func read(path: String) -> Result {
        switch InputFile.read(path, limit: sizeLimit) {
        case .failure(let error): return Result(errors: [error])
        case .success(let bytes): return read(bytes: bytes, file: path)
        }
    }

    /// What `bulwark runtime run|enforce --policy FILE` reads: `RuntimePolicy` documents, or a Tetragon
    /// `TracingPolicy` (`apiVersion: cilium.io/…`) imported, its untranslatable parts as warnings. The file is
    /// read once, through the bounded reader (a FIFO, a device or a huge file is an error, not a hang).
    public static func readPolicyFile(path: String) -> (result: Result, warnings: [ImportWarning]) {
        let bytes: [UInt8]
        switch InputFile.read(path, limit: sizeLimit) {
        case .failure(let error): return (Result(errors: [error]), [])
        case .success(let read): bytes = read
        }
        switch TextEncoding.utf8(bytes, fileKind: "RuntimePolicy document") {
        case .failure(let error): return (Result(errors: [error.located(in: path)]), [])
        case .success(let utf8):
            let text = String(decoding: utf8, as: UTF8.self)
            guard text.contains("apiVersion: cilium.io/") || text.contains("\"apiVersion\": \"cilium.io/") else {
                return (read(utf8: utf8, file: path), [])
            }
            let imported = TracingPolicyImporter.import(yaml: text, file: path)
            return (Result(policies: imported.policies), imported.warnings)
        }
    }

    public static func read(bytes: [UInt8], file: String) -> Result {
        switch TextEncoding.utf8(bytes, fileKind: "RuntimePolicy document") {
        case .failure(let error): return Result(errors: [error.located(in: file)])
        case .success(let utf8): return read(utf8: utf8, file: file)
        }
    }

    public static func read(text: String, file: String) -> Result {
        read(utf8: Array(text.utf8), file: file)
    }

    private static func read(utf8: [UInt8], file: String) -> Result {
        var result = Result()
        let parsed = YAMLReader.read(bytes: utf8)
        result.errors += parsed.errors.map { $0.located(in: file) }
        for document in parsed.documents {
            guard let root = document.root, !root.isNull else { continue }
            var reader = RuntimePolicyDocumentReader(file: file)
            let policy = reader.read(root)
            result.errors += reader.errors
            if let policy, reader.errors.isEmpty { result.policies.append(policy) }
        }
        return result
    }
}

/// One document; collects every error rather than stopping at the first, so one run shows them all.
struct RuntimePolicyDocumentReader {
    let file: String
    var errors: [InputError] = []

    init(file: String) {
        self.file = file
    }

    static let topKeys = ["apiVersion", "kind", "metadata", "spec"]
    static let metadataKeys = ["name", "namespace", "labels", "annotations"]
    static let specKeys = ["selector", "exec", "egress"]
    static let selectorKeys = ["cgroupPaths", "podSelector", "namespaces"]
    static let podSelectorKeys = ["matchLabels"]
    static let execKeys = ["default", "rules", "scripts"]
    static let execRuleKeys = ["id", "path", "sha256", "action"]
    static let scriptKeys = ["id", "interpreter", "inlineCode", "allow"]
    static let egressKeys = ["default", "rules"]
    static let egressRuleKeys = ["id", "cidrs", "ports", "protocols", "action"]

    mutating func read(_ root: YAMLNode) -> RuntimePolicy? {
        guard root.isMapping else {
            fail(root, "a RuntimePolicy document must be a mapping with apiVersion, kind, metadata and spec")
            return nil
        }
        checkKeys(root, "", Self.topKeys)
        let kind = root["kind"]?.string
        guard kind == RuntimePolicyReader.kind else {
            fail(root["kind"] ?? root, "kind must be \(RuntimePolicyReader.kind)" + (kind.map { ", not \($0)" } ?? ""))
            return nil
        }
        if root["apiVersion"]?.string != RuntimePolicyReader.apiVersion {
            fail(root["apiVersion"] ?? root, "apiVersion must be \(RuntimePolicyReader.apiVersion)")
        }
        var name = ""
        if let metadata = root["metadata"], metadata.isMapping {
            checkKeys(metadata, "metadata", Self.metadataKeys)
            if let text = metadata["name"]?.string, !text.isEmpty {
                name = text
            } else {
                fail(metadata["name"] ?? metadata, "metadata.name is required")
            }
        } else {
            fail(root["metadata"] ?? root, "metadata with a name is required")
        }
        var policy = RuntimePolicy(name: name, location: root.position.located(in: file))
        guard let spec = root["spec"], spec.isMapping else {
            fail(root["spec"] ?? root, "spec must be a mapping with selector, exec and/or egress")
            return nil
        }
        checkKeys(spec, "spec", Self.specKeys)
        if let selector = spec["selector"], !selector.isNull { policy.scope = scope(selector) }
        if let exec = spec["exec"], !exec.isNull { policy.exec = execPolicy(exec) }
        if let egress = spec["egress"], !egress.isNull { policy.egress = egressPolicy(egress) }
        if policy.exec == nil, policy.egress == nil {
            fail(spec, "spec has neither exec nor egress: the policy would judge nothing")
        }
        return policy
    }

    // MARK: - Sections

    private mutating func scope(_ node: YAMLNode) -> RuntimePolicy.Scope {
        var scope = RuntimePolicy.Scope()
        guard mapping(node, "spec.selector", Self.selectorKeys) else { return scope }
        scope.cgroupPaths = strings(node["cgroupPaths"], "spec.selector.cgroupPaths")
        scope.namespaces = strings(node["namespaces"], "spec.selector.namespaces")
        if let pods = node["podSelector"], !pods.isNull, mapping(pods, "spec.selector.podSelector", Self.podSelectorKeys) {
            if let labels = pods["matchLabels"], !labels.isNull {
                if labels.isMapping {
                    for pair in labels.pairs ?? [] {
                        guard let key = pair.key.scalar, let value = pair.value.string else {
                            fail(pair.value, "spec.selector.podSelector.matchLabels: each label needs a string value")
                            continue
                        }
                        scope.podLabels[key] = value
                    }
                } else {
                    fail(labels, "spec.selector.podSelector.matchLabels must be a mapping of labels")
                }
            }
        }
        return scope
    }

    private mutating func execPolicy(_ node: YAMLNode) -> ExecPolicy? {
        guard mapping(node, "spec.exec", Self.execKeys) else { return nil }
        var policy = ExecPolicy(defaultAction: defaultAction(node, "spec.exec"))
        var ids: [String: YAMLNode] = [:]
        for (index, item) in sequence(node["rules"], "spec.exec.rules").enumerated() {
            let field = "spec.exec.rules[\(index)]"
            guard mapping(item, field, Self.execRuleKeys) else { continue }
            let action = parseAction(item["action"], "\(field).action") ?? .allow
            guard let path = item["path"]?.string, !path.isEmpty else {
                fail(item["path"] ?? item, "\(field).path is required (an absolute path or a bare program name)")
                continue
            }
            if path.contains("\u{0}") || (!path.hasPrefix("/") && path.contains("/")) {
                fail(item["path"] ?? item, "\(field).path must be absolute or a bare program name, not \"\(path)\"")
                continue
            }
            var sha: String?
            if let node = item["sha256"], !node.isNull {
                let text = (node.scalar ?? "").lowercased()
                if text.count == 64, text.allSatisfy(\.isHexDigit) {
                    sha = text
                } else {
                    fail(node, "\(field).sha256 must be 64 hex digits")
                }
            }
            let id = ruleID(item, field, default: "exec-\(action.rawValue)-\(index + 1)", seen: &ids)
            policy.rules.append(ExecRule(id: id, path: path, sha256: sha, action: action, line: item.position.line))
        }
        for (index, item) in sequence(node["scripts"], "spec.exec.scripts").enumerated() {
            let field = "spec.exec.scripts[\(index)]"
            guard mapping(item, field, Self.scriptKeys) else { continue }
            guard let interpreter = item["interpreter"]?.string, !interpreter.isEmpty else {
                fail(item["interpreter"] ?? item, "\(field).interpreter is required")
                continue
            }
            let inline = parseAction(item["inlineCode"], "\(field).inlineCode") ?? .deny
            let globs = strings(item["allow"], "\(field).allow")
            let id = ruleID(item, field, default: "script-\(index + 1)", seen: &ids)
            policy.scripts.append(ScriptRule(id: id, interpreter: interpreter, inlineCode: inline, allowedScripts: globs,
                                             line: item.position.line))
        }
        return policy
    }

    private mutating func egressPolicy(_ node: YAMLNode) -> EgressPolicy? {
        guard mapping(node, "spec.egress", Self.egressKeys) else { return nil }
        var policy = EgressPolicy(defaultAction: defaultAction(node, "spec.egress"))
        var ids: [String: YAMLNode] = [:]
        for (index, item) in sequence(node["rules"], "spec.egress.rules").enumerated() {
            let field = "spec.egress.rules[\(index)]"
            guard mapping(item, field, Self.egressRuleKeys) else { continue }
            let action = parseAction(item["action"], "\(field).action") ?? .allow
            var cidrs: [CIDR] = []
            let cidrNodes = sequence(item["cidrs"], "\(field).cidrs")
            if cidrNodes.isEmpty, item["cidrs"]?.isSequence ?? true {
                fail(item["cidrs"] ?? item, "\(field).cidrs must list at least one CIDR (0.0.0.0/0 and ::/0 for any)")
            }
            for (position, cidrNode) in cidrNodes.enumerated() {
                guard let text = cidrNode.string, let cidr = CIDR(text) else {
                    fail(cidrNode, "\(field).cidrs[\(position)]: \(describe(cidrNode)) is not an IPv4 or IPv6 CIDR")
                    continue
                }
                cidrs.append(cidr)
            }
            var ports: [ClosedRange<Int>] = []
            for (position, portNode) in sequence(item["ports"], "\(field).ports").enumerated() {
                guard let range = Self.portRange(portNode) else {
                    fail(portNode, "\(field).ports[\(position)]: \(describe(portNode)) is not a port (0-65535) or a range \"LOW-HIGH\"")
                    continue
                }
                ports.append(range)
            }
            var protocols: Set<TransportProtocol> = []
            for (position, protoNode) in sequence(item["protocols"], "\(field).protocols").enumerated() {
                guard let text = protoNode.string, let proto = TransportProtocol(rawValue: text.lowercased()) else {
                    fail(protoNode, "\(field).protocols[\(position)]: \(describe(protoNode)) is not TCP or UDP")
                    continue
                }
                protocols.insert(proto)
            }
            let id = ruleID(item, field, default: "egress-\(action.rawValue)-\(index + 1)", seen: &ids)
            policy.rules.append(EgressRule(id: id, cidrs: cidrs, ports: ports, protocols: protocols, action: action,
                                           line: item.position.line))
        }
        return policy
    }

    /// `53`, `"53"`, `"8000-8100"`.
    static func portRange(_ node: YAMLNode) -> ClosedRange<Int>? {
        node.scalar.flatMap(portRange)
    }

    static func portRange(_ text: String) -> ClosedRange<Int>? {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 1 || parts.count == 2,
              parts.allSatisfy({ !$0.isEmpty && $0.count <= 5 && $0.allSatisfy { $0.isASCII && $0.isNumber } }),
              let low = Int(parts[0]), let high = Int(parts[parts.count - 1]), low <= high, high <= 65535 else { return nil }
        return low...high
    }

    // MARK: - Helpers

    private mutating func defaultAction(_ node: YAMLNode, _ field: String) -> RuntimeAction {
        guard let value = node["default"], !value.isNull else { return .deny }
        let action = parseAction(value, "\(field).default") ?? .deny
        if action == .allow {
            fail(value, "\(field).default must be deny or alert: an allowlist whose default is allow enforces nothing")
        }
        return action
    }

    private mutating func parseAction(_ node: YAMLNode?, _ field: String) -> RuntimeAction? {
        guard let node, !node.isNull else { return nil }
        guard let text = node.string, let action = RuntimeAction(rawValue: text.lowercased()) else {
            fail(node, "\(field): \(describe(node)) is not an action (allow, deny or alert)")
            return nil
        }
        return action
    }

    private mutating func ruleID(_ item: YAMLNode, _ field: String, default fallback: String, seen: inout [String: YAMLNode]) -> String {
        var id = fallback
        if let node = item["id"], !node.isNull {
            if let text = node.string, !text.isEmpty, text.allSatisfy({ !$0.isWhitespace }) {
                id = text
            } else {
                fail(node, "\(field).id must be a non-empty word")
            }
        }
        if let first = seen[id] {
            fail(item["id"] ?? item, "\(field).id \"\(id)\" is already used by the rule at line \(first.position.line)")
        } else {
            seen[id] = item
        }
        return id
    }

    @discardableResult
    private mutating func mapping(_ node: YAMLNode, _ field: String, _ keys: [String]) -> Bool {
        guard node.isMapping else {
            fail(node, "\(field) must be a mapping with the keys \(keys.joined(separator: ", ")), not \(describe(node))")
            return false
        }
        checkKeys(node, field, keys)
        return true
    }

    private mutating func sequence(_ node: YAMLNode?, _ field: String) -> [YAMLNode] {
        guard let node, !node.isNull else { return [] }
        guard let items = node.sequence else {
            fail(node, "\(field) must be a list, not \(describe(node))")
            return []
        }
        return items
    }

    private mutating func strings(_ node: YAMLNode?, _ field: String) -> [String] {
        var values: [String] = []
        for (index, item) in sequence(node, field).enumerated() {
            guard let text = item.string else {
                fail(item, "\(field)[\(index)] must be a string, not \(describe(item))")
                continue
            }
            values.append(text)
        }
        return values
    }

    private mutating func checkKeys(_ node: YAMLNode, _ field: String, _ keys: [String]) {
        for pair in node.pairs ?? [] {
            guard let key = pair.key.scalar else {
                fail(pair.key, "\(field.isEmpty ? "the document" : field) has a key that is not a string")
                continue
            }
            if !keys.contains(key) {
                let place = field.isEmpty ? key : "\(field).\(key)"
                let hint = SpellingSuggestion.didYouMean(key, among: keys)
                fail(pair.key, "unknown field \(place)\(hint); expected one of \(keys.joined(separator: ", "))")
            }
        }
    }

    private func describe(_ node: YAMLNode) -> String {
        switch node.content {
        case .scalar(let text, _): node.isNull ? "null" : "\"\(text)\""
        case .sequence: "a list"
        case .mapping: "a mapping"
        }
    }

    private mutating func fail(_ node: YAMLNode, _ message: String) {
        errors.append(InputError(file: file, line: node.position.line, column: node.position.column, message: message))
    }
}
