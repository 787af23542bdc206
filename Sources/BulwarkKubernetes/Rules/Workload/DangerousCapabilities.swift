import BulwarkCore

extension WorkloadRules {
    /// Capabilities that turn a container compromise into a node compromise, with what they allow.
    static let dangerousCapabilities: [String: String] = [
        "ALL": "every capability, SYS_ADMIN included",
        "SYS_ADMIN": "mounts, namespaces and most of root's powers; the usual container escape",
        "NET_ADMIN": "reconfiguring interfaces, routes and firewall rules to intercept or redirect traffic",
        "SYS_PTRACE": "tracing and injecting code into every process it can see",
        "SYS_MODULE": "loading kernel modules, i.e. full control of the node",
        "BPF": "loading BPF programs into the node's kernel",
        "PERFMON": "kernel and process tracing through perf and BPF",
        "DAC_READ_SEARCH": "bypassing read permission checks and open_by_handle_at (the \"shocker\" escape)",
        "SYS_RAWIO": "raw I/O ports and device memory",
        "SYS_BOOT": "rebooting the node and loading a new kernel with kexec",
        "MAC_ADMIN": "changing the AppArmor or SELinux policy",
        "MAC_OVERRIDE": "bypassing the AppArmor or SELinux policy",
    ]

    /// `cap_sys_admin`, `CAP_SYS_ADMIN`, `sys_admin` → `SYS_ADMIN`.
    static func canonicalCapability(_ name: String) -> String {
        let upper = name.uppercased()
        return upper.hasPrefix("CAP_") ? String(upper.dropFirst(4)) : upper
    }
}
