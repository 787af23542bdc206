extension CompiledPolicy {
    /// The same policy with every `deny` turned into `alert`: what `--alert-only` enforces, to see what a policy
    /// would break before it breaks it.
    public var alertOnly: CompiledPolicy {
        func soften(_ action: RuntimeAction) -> RuntimeAction { action == .deny ? .alert : action }
        var copy = self
        if var exec = copy.exec {
            exec.defaultAction = soften(exec.defaultAction)
            exec.entries = exec.entries.map { entry in
                var entry = entry
                entry.action = soften(entry.action)
                entry.inlineCode = entry.inlineCode.map(soften)
                return entry
            }
            copy.exec = exec
        }
        if var network = copy.network {
            network.defaultAction = soften(network.defaultAction)
            network.prefixes = network.prefixes.map { prefix in
                var prefix = prefix
                prefix.ports = prefix.ports.map { rule in
                    var rule = rule
                    rule.action = soften(rule.action)
                    return rule
                }
                return prefix
            }
            copy.network = network
        }
        return copy
    }
}
