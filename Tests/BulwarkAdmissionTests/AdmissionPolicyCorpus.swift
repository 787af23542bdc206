@testable import BulwarkAdmission
import BulwarkTestSupport

/// A seeded, deterministic corpus of workload objects for the differential test: random
/// combinations of every field the translated rules read, at pod and container level, over Pod,
/// Deployment, Job and CronJob wrappers, with init and ephemeral containers.
struct AdmissionPolicyCorpus {
    /// The seeded generator of BulwarkTestSupport (SplitMix64), with the picks the corpus needs.
    struct Generator {
        var source: Mutator
        mutating func below(_ bound: Int) -> Int { source.below(bound) }
        mutating func chance(_ percent: Int) -> Bool { below(100) < percent }
        mutating func pick<T>(_ items: [T]) -> T { items[below(items.count)] }
        /// nil about a third of the time: the field is left out.
        mutating func maybe<T>(_ items: [T]) -> T? { chance(35) ? nil : pick(items) }
    }

    var random: Generator

    init(seed: UInt64) { random = Generator(source: Mutator(seed: seed)) }

    /// `count` objects as YAML text.
    mutating func objects(_ count: Int) -> [String] {
        (0..<count).map { index in object(index).document }
    }

    private typealias Pairs = [(String, PolicyYAML)]

    mutating func object(_ index: Int) -> PolicyYAML {
        let kind = random.pick(["Pod", "Pod", "Deployment", "CronJob", "Job", "StatefulSet"])
        let spec = podSpec(isPod: kind == "Pod")
        let metadata = PolicyYAML.map([("name", .string("obj-\(index)")), ("namespace", .string("ml"))])
        let template = PolicyYAML.map([("metadata", .map([("labels", .map([("app", .string("a"))]))])), ("spec", spec)])
        switch kind {
        case "Pod":
            return .map([("apiVersion", .string("v1")), ("kind", .string("Pod")), ("metadata", metadata), ("spec", spec)])
        case "CronJob":
            return .map([("apiVersion", .string("batch/v1")), ("kind", .string("CronJob")), ("metadata", metadata),
                         ("spec", .map([("schedule", .string("0 3 * * *")),
                                        ("jobTemplate", .map([("spec", .map([("template", template)]))]))]))])
        case "Job":
            return .map([("apiVersion", .string("batch/v1")), ("kind", .string("Job")), ("metadata", metadata),
                         ("spec", .map([("template", template)]))])
        default:
            return .map([("apiVersion", .string("apps/v1")), ("kind", .string(kind)), ("metadata", metadata),
                         ("spec", .map([("selector", .map([("matchLabels", .map([("app", .string("a"))]))])), ("template", template)]))])
        }
    }

    private mutating func podSpec(isPod: Bool) -> PolicyYAML {
        var pairs: Pairs = []
        for key in ["hostNetwork", "hostPID", "hostIPC", "shareProcessNamespace", "hostUsers"] where random.chance(25) {
            pairs.append((key, .bool(random.chance(50))))
        }
        if random.chance(15) { pairs.append(("os", .map([("name", .string(random.pick(["windows", "linux", "Windows"])))]))) }
        if random.chance(70) { pairs.append(("securityContext", podSecurityContext())) }
        if random.chance(50) { pairs.append(("volumes", .list((0..<(1 + random.below(3))).map { volume($0) }))) }
        if random.chance(40) { pairs.append(("initContainers", .list((0..<(1 + random.below(2))).map { container("init-\($0)") }))) }
        pairs.append(("containers", .list((0..<(1 + random.below(3))).map { container("c-\($0)") })))
        if isPod && random.chance(20) { pairs.append(("ephemeralContainers", .list([container("debug")]))) }
        return .map(pairs)
    }

    private mutating func podSecurityContext() -> PolicyYAML {
        var pairs: Pairs = []
        if let value = random.maybe([true, false]) { pairs.append(("runAsNonRoot", .bool(value))) }
        if let value = random.maybe([0, 1000, 10000, 65534]) { pairs.append(("runAsUser", .int(value))) }
        if random.chance(40) { pairs.append(("seccompProfile", seccompProfile())) }
        if random.chance(20) { pairs.append(("seLinuxOptions", seLinuxOptions())) }
        if random.chance(15) { pairs.append(("windowsOptions", .map([("hostProcess", .bool(random.chance(50)))]))) }
        if random.chance(25) {
            let names = ["kernel.shm_rmid_forced", "net.ipv4.tcp_syncookies", "net.ipv4.tcp_wmem", "net.ipv4.ip_forward",
                         "kernel.msgmax", "net.ipv4.tcp_slow_start_after_idle"] + CELRuleTranslations.allowedSysctls
            pairs.append(("sysctls", .list((0..<(1 + random.below(2))).map { _ in
                .map([("name", .string(random.pick(names))), ("value", .string("1"))])
            })))
        }
        return .map(pairs)
    }

    private mutating func seccompProfile() -> PolicyYAML {
        var pairs: Pairs = []
        if let type = random.maybe(["RuntimeDefault", "Localhost", "Unconfined", "runtimedefault"]) { pairs.append(("type", .string(type))) }
        if random.chance(20) { pairs.append(("localhostProfile", .string("p.json"))) }
        return .map(pairs)
    }

    private mutating func seLinuxOptions() -> PolicyYAML {
        var pairs: Pairs = []
        if let type = random.maybe(["container_t", "spc_t", "", "container_engine_t", "container_init_t"]) { pairs.append(("type", .string(type))) }
        if random.chance(20) { pairs.append(("user", .string(random.pick(["", "system_u"])))) }
        if random.chance(20) { pairs.append(("role", .string(random.pick(["", "system_r"])))) }
        if random.chance(30) { pairs.append(("level", .string("s0:c1"))) }
        return .map(pairs)
    }

    private mutating func volume(_ index: Int) -> PolicyYAML {
        var pairs: Pairs = [("name", .string("v\(index)"))]
        switch random.below(7) {
        case 0: pairs.append(("hostPath", .map([("path", .string(random.pick(["/var/run/docker.sock", "/data"])))])))
        case 1: pairs.append(("emptyDir", .map([])))
        case 2: pairs.append(("nfs", .map([("server", .string("nfs")), ("path", .string("/x"))])))
        case 3: pairs.append(("configMap", .map([("name", .string("cm"))])))
        case 4: break // no source: an emptyDir after defaulting
        case 5:
            pairs.append(("hostPath", .map([("path", .string("/data"))])))
            pairs.append(("configMap", .map([("name", .string("cm"))])))
        default: pairs.append(("persistentVolumeClaim", .map([("claimName", .string("c"))])))
        }
        return .map(pairs)
    }

    private mutating func container(_ name: String) -> PolicyYAML {
        var pairs: Pairs = [("name", .string(name))]
        pairs.append(("image", .string(random.pick([
            "registry.example.com/server:1.0", "registry.example.com/server", "server:latest",
            "registry.example.com/server@sha256:" + String(repeating: "a", count: 64),
        ]))))
        if random.chance(40) {
            pairs.append(("ports", .list((0..<(1 + random.below(2))).map { _ in
                var port: Pairs = [("containerPort", .int(random.pick([8080, 443, 0])))]
                if let host = random.maybe([0, 8080, 30080]) { port.append(("hostPort", .int(host))) }
                return .map(port)
            })))
        }
        if random.chance(25) {
            let probe = random.pick(["livenessProbe", "readinessProbe", "startupProbe"])
            let action = random.pick(["httpGet", "tcpSocket"])
            var handler: Pairs = [("port", .int(8080))]
            if let host = random.maybe(["", "10.0.0.1"]) { handler.append(("host", .string(host))) }
            pairs.append((probe, .map([(action, .map(handler))])))
        }
        if random.chance(10) {
            pairs.append(("lifecycle", .map([(random.pick(["postStart", "preStop"]),
                                               .map([("httpGet", .map([("port", .int(80)), ("host", .string("metadata"))]))]))])))
        }
        if random.chance(80) { pairs.append(("securityContext", containerSecurityContext())) }
        return .map(pairs)
    }

    private mutating func containerSecurityContext() -> PolicyYAML {
        var pairs: Pairs = []
        for key in ["privileged", "allowPrivilegeEscalation", "runAsNonRoot", "readOnlyRootFilesystem"] {
            if let value = random.maybe([true, false]) { pairs.append((key, .bool(value))) }
        }
        if let value = random.maybe([0, 1000, 10001]) { pairs.append(("runAsUser", .int(value))) }
        if random.chance(50) {
            var capabilities: Pairs = []
            if random.chance(70) {
                capabilities.append(("drop", .list((0..<random.below(3)).map { _ in .string(random.pick(["ALL", "all", "NET_RAW"])) })))
            }
            if random.chance(50) {
                capabilities.append(("add", .list((0..<random.below(3)).map { _ in
                    .string(random.pick(["NET_BIND_SERVICE", "CHOWN", "chown", "NET_RAW", "SYS_ADMIN", "SETUID"]))
                })))
            }
            pairs.append(("capabilities", .map(capabilities)))
        }
        if random.chance(30) { pairs.append(("seccompProfile", seccompProfile())) }
        if random.chance(15) { pairs.append(("seLinuxOptions", seLinuxOptions())) }
        if let mount = random.maybe(["Default", "Unmasked"]), random.chance(30) { pairs.append(("procMount", .string(mount))) }
        if random.chance(10) { pairs.append(("windowsOptions", .map([("hostProcess", .bool(random.chance(50)))]))) }
        return .map(pairs)
    }
}
