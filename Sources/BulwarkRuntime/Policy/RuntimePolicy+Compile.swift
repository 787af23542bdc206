import BulwarkCore
import BulwarkKubernetes

/// A policy that cannot be enforced as written: a SHA-256 mismatch, too many port rules on one prefix, too
/// many rules. The message names the rule (and its line) and the file or CIDR.
public struct RuntimePolicyCompileError: Error, Sendable, Hashable, CustomStringConvertible {
    public var policy: String
    public var message: String

    public init(policy: String, message: String) {
        self.policy = policy
        self.message = message
    }

    public var description: String { "policy \(policy): \(message)" }
}

extension RuntimePolicy {
    /// Resolves the policy for enforcement.
    ///
    /// Exec: every rule's path becomes the files it names (`ExecPathResolver`); first rule naming a file wins.
    /// Then, for each *allowed* file, what the kernel executes with it is added as a derived allow entry: an
    /// ELF's dynamic loader (`PT_INTERP`), a script's `#!` interpreter (and that interpreter's loader), the
    /// program `#!/usr/bin/env NAME` runs. Derived ids say so (`gunicorn/interpreter`, `python/loader`). A
    /// derived file an explicit rule already judges keeps the explicit rule (and a warning when it is denied:
    /// the allowed program cannot start). Script rules attach to the interpreter's entry.
    ///
    /// Egress: see `CompiledNetwork` for the longest-prefix semantics.
    ///
    /// Missing files are `warnings`; a SHA-256 mismatch, more than `CompiledNetwork.maximumPortRules` port
    /// rules on a prefix, or more than 65,534 rule ids are errors.
    public func compile(resolver: ExecPathResolver) throws(RuntimePolicyCompileError) -> CompiledPolicy {
        var ruleIDs: [String] = []
        var indexByID: [String: UInt16] = [:]
        func index(for id: String) throws(RuntimePolicyCompileError) -> UInt16 {
            if let known = indexByID[id] { return known }
            guard ruleIDs.count < Int(CompiledPolicy.defaultRuleIndex) else {
                throw RuntimePolicyCompileError(policy: name, message: "more than \(CompiledPolicy.defaultRuleIndex) rule ids")
            }
            let value = UInt16(ruleIDs.count)
            ruleIDs.append(id)
            indexByID[id] = value
            return value
        }
        var warnings: [String] = []
        let compiledExec = try exec.map { (exec) throws(RuntimePolicyCompileError) -> CompiledExec in
            try compileExec(exec, resolver: resolver, index: index, warnings: &warnings)
        }
        let compiledNetwork = try egress.map { (egress) throws(RuntimePolicyCompileError) -> CompiledNetwork in
            try compileEgress(egress, index: index)
        }
        return CompiledPolicy(name: name, ruleIDs: ruleIDs, exec: compiledExec, network: compiledNetwork, warnings: warnings)
    }

    private func place(_ line: Int?) -> String {
        line.map { " (line \($0))" } ?? ""
    }

    private func compileExec(_ exec: ExecPolicy, resolver: ExecPathResolver,
                             index: (String) throws(RuntimePolicyCompileError) -> UInt16,
                             warnings: inout [String]) throws(RuntimePolicyCompileError) -> CompiledExec {
        var entries: [CompiledExec.ExecEntry] = []
        var position: [FileIdentity: Int] = [:]
        var ruleOf: [FileIdentity: String] = [:]
        // Explicit rules first: they decide about their files, whatever is derived later.
        var allowed: [(file: ExecPathResolver.ResolvedFile, rule: String)] = []
        for rule in exec.rules {
            let ruleIndex = try index(rule.id)
            let files = resolver.resolve(rule.path)
            if files.isEmpty {
                let how = rule.path.hasPrefix("/") ? "does not exist under \(resolver.root)" : "is not on the search path"
                warnings.append("exec rule \(rule.id)\(place(rule.line)): \(rule.path) \(how); "
                                + (rule.action == .allow ? "the allowlist is narrower for it" : "nothing to \(rule.action.rawValue)"))
                continue
            }
            for file in files {
                if let sha = rule.sha256 {
                    guard let actual = ExecPathResolver.sha256(ofHostPath: file.hostPath) else {
                        throw RuntimePolicyCompileError(policy: name, message: "exec rule \(rule.id)\(place(rule.line)): cannot read \(file.path) to check its sha256")
                    }
                    guard actual == sha.lowercased() else {
                        throw RuntimePolicyCompileError(
                            policy: name, message: "exec rule \(rule.id)\(place(rule.line)): \(file.path) has sha256 \(actual), not \(sha.lowercased())")
                    }
                }
                guard position[file.identity] == nil else { continue }
                position[file.identity] = entries.count
                ruleOf[file.identity] = rule.id
                entries.append(CompiledExec.ExecEntry(identity: file.identity, path: file.path, sha256: rule.sha256?.lowercased(),
                                                      action: rule.action, ruleIndex: ruleIndex))
                if rule.action == .allow { allowed.append((file, rule.id)) }
            }
        }
        // What the kernel runs with each allowed file (breadth first; interpreters may have loaders).
        var queue = allowed
        var visited: Set<FileIdentity> = []
        while !queue.isEmpty {
            let (file, ruleID) = queue.removeFirst()
            guard visited.insert(file.identity).inserted else { continue }
            for companion in resolver.companions(ofHostPath: file.hostPath) {
                let derived: [ExecPathResolver.ResolvedFile]
                let id: String
                let what: String
                switch companion {
                case .loader(let path):
                    derived = resolver.resolveAbsolute(path).map { [$0] } ?? []
                    id = ruleID.hasSuffix("/loader") ? ruleID : "\(ruleID)/loader"
                    what = "dynamic loader \(path)"
                case .interpreter(let path):
                    derived = resolver.resolveAbsolute(path).map { [$0] } ?? []
                    id = "\(ruleID)/interpreter"
                    what = "interpreter \(path)"
                case .envProgram(let program):
                    derived = resolver.resolve(program)
                    id = "\(ruleID)/interpreter"
                    what = "program \(program) that env runs"
                }
                if derived.isEmpty {
                    warnings.append("exec rule \(ruleID): the \(what) of \(file.path) was not found; \(file.path) cannot start")
                }
                for target in derived {
                    if let existing = position[target.identity] {
                        if entries[existing].action == .deny {
                            warnings.append("exec rule \(ruleID): the \(what) of \(file.path) is denied by rule "
                                            + "\(ruleOf[target.identity] ?? "?"); \(file.path) cannot start")
                        } else if entries[existing].action == .allow {
                            queue.append((target, ruleOf[target.identity] ?? id))
                        }
                        continue
                    }
                    let ruleIndex = try index(id)
                    position[target.identity] = entries.count
                    ruleOf[target.identity] = id
                    entries.append(CompiledExec.ExecEntry(identity: target.identity, path: target.path, action: .allow, ruleIndex: ruleIndex))
                    queue.append((target, id))
                }
            }
        }
        for script in exec.scripts {
            _ = try index(script.id)
            let files = resolver.resolve(script.interpreter)
            if files.isEmpty {
                warnings.append("script rule \(script.id)\(place(script.line)): interpreter \(script.interpreter) not found")
            }
            for file in files {
                guard let at = position[file.identity] else {
                    warnings.append("script rule \(script.id)\(place(script.line)): no exec rule allows the interpreter \(file.path); "
                                    + "the script rule has nothing to narrow")
                    continue
                }
                // The first script rule for an interpreter decides, like exec rules.
                guard entries[at].inlineCode == nil else { continue }
                entries[at].inlineCode = script.inlineCode
                entries[at].allowedScripts = script.allowedScripts
            }
        }
        return CompiledExec(defaultAction: exec.defaultAction, entries: entries)
    }

    private func compileEgress(_ egress: EgressPolicy,
                               index: (String) throws(RuntimePolicyCompileError) -> UInt16) throws(RuntimePolicyCompileError) -> CompiledNetwork {
        struct Key: Hashable {
            var address: [UInt8]
            var prefixLength: Int
        }
        var order: [Key] = []
        var own: [Key: [CompiledNetwork.PortRule]] = [:]
        var cidrText: [Key: String] = [:]
        for rule in egress.rules {
            let ruleIndex = try index(rule.id)
            let protocols = rule.protocols.isEmpty ? Set(TransportProtocol.allCases) : rule.protocols
            let ranges = rule.ports.isEmpty ? [0...65535] : rule.ports
            let portRules = ranges.map { CompiledNetwork.PortRule(ports: $0, protocols: protocols, action: rule.action, ruleIndex: ruleIndex) }
            for cidr in rule.cidrs {
                let (address, length) = CompiledNetwork.key(cidr)
                let key = Key(address: address, prefixLength: length)
                if own[key] == nil {
                    order.append(key)
                    cidrText[key] = cidr.description
                }
                own[key, default: []] += portRules
            }
        }
        var prefixes: [CompiledNetwork.Prefix] = []
        for key in order {
            // Less specific prefixes containing this one, most specific first (then document order).
            let containing = order.enumerated()
                .filter { $0.element.prefixLength < key.prefixLength
                    && CompiledNetwork.contains(prefix: $0.element.address, length: $0.element.prefixLength, key.address) }
                .sorted { ($0.element.prefixLength, -$0.offset) > ($1.element.prefixLength, -$1.offset) }
            var ports = own[key] ?? []
            for outer in containing { ports += own[outer.element] ?? [] }
            guard ports.count <= CompiledNetwork.maximumPortRules else {
                throw RuntimePolicyCompileError(
                    policy: name,
                    message: "egress prefix \(cidrText[key] ?? "?") needs \(ports.count) port rules (its own and those of the wider "
                        + "CIDRs containing it); at most \(CompiledNetwork.maximumPortRules) fit: merge port ranges or rules")
            }
            prefixes.append(CompiledNetwork.Prefix(address: key.address, prefixLength: key.prefixLength, ports: ports))
        }
        return CompiledNetwork(defaultAction: egress.defaultAction, prefixes: prefixes)
    }
}

extension CompiledNetwork {
    /// The LPM key of a CIDR: 16 bytes (IPv4 as `::ffff:a.b.c.d`) and the prefix length over 128 bits.
    public static func key(_ cidr: CIDR) -> (address: [UInt8], prefixLength: Int) {
        let address = bytes(cidr.network)
        return (address, cidr.family == .v4 ? cidr.prefixLength + 96 : cidr.prefixLength)
    }

    /// An address as the 16 bytes the kernel programs compare (IPv4 mapped into IPv6).
    public static func bytes(_ address: IPAddress) -> [UInt8] {
        if address.family == .v4 {
            return [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff] + (0..<4).map { UInt8(truncatingIfNeeded: address.low >> UInt64(24 - 8 * $0)) }
        }
        return (0..<8).map { UInt8(truncatingIfNeeded: address.high >> UInt64(56 - 8 * $0)) }
            + (0..<8).map { UInt8(truncatingIfNeeded: address.low >> UInt64(56 - 8 * $0)) }
    }

    /// Whether the first `length` bits of `address` equal those of `prefix`.
    public static func contains(prefix: [UInt8], length: Int, _ address: [UInt8]) -> Bool {
        guard prefix.count == 16, address.count == 16 else { return false }
        var remaining = max(0, min(128, length))
        var byte = 0
        while remaining >= 8 {
            if prefix[byte] != address[byte] { return false }
            remaining -= 8
            byte += 1
        }
        guard remaining > 0 else { return true }
        let mask = UInt8(truncatingIfNeeded: 0xff << (8 - remaining))
        return prefix[byte] & mask == address[byte] & mask
    }

    /// The decision for a destination, exactly as the kernel's one LPM lookup makes it: the longest prefix
    /// containing `address`, then its first port rule covering `port` and `protocol`; no prefix or no rule
    /// → the default action and `CompiledPolicy.defaultRuleIndex`. Because each prefix carries the rules of
    /// every wider prefix after its own, this equals "the matching rule with the longest CIDR, then the
    /// first in document order" over the rule list.
    public func decide(address: [UInt8], port: UInt16, protocol proto: TransportProtocol) -> (RuntimeAction, UInt16) {
        var best: Prefix?
        for prefix in prefixes where Self.contains(prefix: prefix.address, length: prefix.prefixLength, address) {
            if best.map({ prefix.prefixLength > $0.prefixLength }) ?? true { best = prefix }
        }
        guard let best else { return (defaultAction, CompiledPolicy.defaultRuleIndex) }
        for rule in best.ports where rule.ports.contains(Int(port)) && rule.protocols.contains(proto) {
            return (rule.action, rule.ruleIndex)
        }
        return (defaultAction, CompiledPolicy.defaultRuleIndex)
    }
}

extension CompiledExec {
    /// The decision for an exec'd file: its entry's action and rule, else the default.
    public func decide(_ identity: FileIdentity) -> (RuntimeAction, UInt16) {
        guard let entry = entries.first(where: { $0.identity == identity }) else {
            return (defaultAction, CompiledPolicy.defaultRuleIndex)
        }
        return (entry.action, entry.ruleIndex)
    }
}
