import BulwarkKubernetes

/// The catalogue's Kubernetes rules as CEL: one translation per rule CEL can express exactly on
/// one object, and, for every other rule, why it stays with the webhook.
///
/// Each translation restates the Swift check (`Sources/BulwarkKubernetes/PodSecurity/PSSChecks+*.swift`
/// at the `latest` policy version, `Sources/BulwarkKubernetes/Rules/Workload/*.swift`), including its
/// odd cases: Windows pods and pods in a user namespace where the check exempts them, a container's
/// own setting overriding the pod's, a missing field read as Go's zero value, and the API server's
/// defaulting of `hostPort` on a Pod with `hostNetwork`.
public enum CELRuleTranslations {
    /// `sysctls` at the latest released policy version, SELinux types allowed from v1.31 ("" is an
    /// unset type), and the volume sources: the Swift checks' own lists, sorted for stable output.
    static let allowedSysctls = PSSChecks.sysctlsV1Dot32.sorted()
    static let seLinuxTypes = PSSChecks.seLinuxTypesV1Dot31.sorted()
    static let allowedVolumeSources = PSSChecks.allowedVolumeSources
    static let restrictedVolumeSources = PSSChecks.restrictedVolumeSources

    private static func securityContext(_ c: CELExpr) -> CELExpr { c["securityContext"] }
    private static let podSecurityContext = CELPolicyVariables.podSpec["securityContext"]

    /// `x.path == value`, false when a field on the way is missing.
    private static func set(_ base: CELExpr, _ path: [String], _ value: CELExpr) -> CELExpr {
        base.field(path, equals: value)
    }

    /// True when the string at `base.path` is in the named set variable; a missing field reads as "".
    private static func inSet(_ base: CELExpr, _ path: [String], _ set: String, emptyAllowed: Bool) -> CELExpr {
        let value = path.reduce(base) { .select($0, $1) }
        let present = CELExpr.and([base.hasPath(path), value.isIn(.variable(set))])
        return emptyAllowed ? .or([.not(base.hasPath(path)), present]) : present
    }

    /// Every translation, by rule id order of the catalogue's PSS rules, then workload rules.
    public static let all: [CELRuleTranslation] = [
        CELRuleTranslation(
            "pss/host-namespaces",
            pod: .or(["hostNetwork", "hostPID", "hostIPC"].map { set(CELPolicyVariables.podSpec, [$0], .bool(true)) }),
            problem: "shares a host namespace (hostNetwork, hostPID or hostIPC: true)"),
        CELRuleTranslation(
            "pss/privileged",
            container: { c in set(c, ["securityContext", "privileged"], .bool(true)) },
            problem: "sets securityContext.privileged: true"),
        CELRuleTranslation(
            "pss/capabilities-baseline",
            container: { c in
                c.listOrEmpty(["securityContext", "capabilities", "add"]).exists("a") { !$0.isIn(.variable("baselineCapabilities")) }
            },
            problem: "adds a capability beyond the baseline default set"),
        CELRuleTranslation(
            "pss/host-path-volumes",
            pod: CELPolicyVariables.podSpec.listOrEmpty(["volumes"]).exists("v") { .has($0, "hostPath") },
            problem: "mounts a hostPath volume"),
        CELRuleTranslation(
            "pss/host-ports",
            container: { c in
                c.listOrEmpty(["ports"]).exists("p") { p in .and([.has(p, "hostPort"), p["hostPort"].ne(.int(0))]) }
            },
            // SetDefaults_Pod: on a Pod (not a template) with hostNetwork, an unset hostPort of an
            // init or regular container becomes its containerPort.
            pod: .and([
                CELExpr.object["kind"].eq(.string("Pod")),
                set(CELPolicyVariables.podSpec, ["hostNetwork"], .bool(true)),
                CELPolicyVariables.podContainers.exists("c") { c in
                    c.listOrEmpty(["ports"]).exists("p") { p in
                        .and([.or([.not(.has(p, "hostPort")), p["hostPort"].eq(.int(0))]),
                              .has(p, "containerPort"), p["containerPort"].ne(.int(0))])
                    }
                },
            ]),
            problem: "uses a hostPort"),
        CELRuleTranslation(
            "pss/se-linux-options",
            container: { c in
                .and([c.hasPath(["securityContext", "seLinuxOptions"]), invalidSELinux(securityContext(c)["seLinuxOptions"])])
            },
            pod: .and([CELPolicyVariables.podSpec.hasPath(["securityContext", "seLinuxOptions"]), invalidSELinux(podSecurityContext["seLinuxOptions"])]),
            problem: "sets forbidden securityContext.seLinuxOptions"),
        CELRuleTranslation(
            "pss/proc-mount",
            container: { c in procMountNotDefault(c) },
            exempt: CELPolicyVariables.userNamespace,
            problem: "sets securityContext.procMount other than Default"),
        CELRuleTranslation(
            "pss/seccomp-profile-baseline",
            container: { c in invalidSeccomp(securityContext(c), in: c, path: ["securityContext"]) },
            pod: invalidSeccomp(podSecurityContext, in: CELPolicyVariables.podSpec, path: ["securityContext"]),
            problem: "sets a seccompProfile.type other than RuntimeDefault or Localhost"),
        CELRuleTranslation(
            "pss/sysctls",
            pod: CELPolicyVariables.podSpec.listOrEmpty(["securityContext", "sysctls"]).exists("s") { s in
                .not(inSet(s, ["name"], "allowedSysctls", emptyAllowed: false))
            },
            problem: "sets a sysctl outside the safe set"),
        CELRuleTranslation(
            "pss/windows-host-process",
            container: { c in set(c, ["securityContext", "windowsOptions", "hostProcess"], .bool(true)) },
            pod: set(CELPolicyVariables.podSpec, ["securityContext", "windowsOptions", "hostProcess"], .bool(true)),
            problem: "sets securityContext.windowsOptions.hostProcess: true"),
        CELRuleTranslation(
            "pss/host-probes-and-host-lifecycle",
            container: { c in
                let handlers: [[String]] = [["livenessProbe"], ["readinessProbe"], ["startupProbe"], ["lifecycle", "postStart"], ["lifecycle", "preStop"]]
                return .or(handlers.flatMap { handler in
                    ["httpGet", "tcpSocket"].map { action in
                        .and([c.hasPath(handler + [action, "host"]), (handler + [action, "host"]).reduce(c) { .select($0, $1) }.ne(.string(""))])
                    }
                })
            },
            problem: "points a probe or lifecycle handler at another host"),
        CELRuleTranslation(
            "pss/allow-privilege-escalation",
            container: { c in .not(set(c, ["securityContext", "allowPrivilegeEscalation"], .bool(false))) },
            exempt: CELPolicyVariables.isWindows,
            problem: "does not set securityContext.allowPrivilegeEscalation: false"),
        CELRuleTranslation(
            "pss/capabilities-restricted",
            container: { c in
                .or([
                    .not(.and([c.hasPath(["securityContext", "capabilities", "drop"]),
                               CELExpr.string("ALL").isIn(c.path("securityContext", "capabilities", "drop"))])),
                    c.listOrEmpty(["securityContext", "capabilities", "add"]).exists("a") { $0.ne(.string("NET_BIND_SERVICE")) },
                ])
            },
            exempt: CELPolicyVariables.isWindows,
            problem: "does not drop ALL capabilities or adds one other than NET_BIND_SERVICE"),
        CELRuleTranslation(
            "pss/run-as-non-root",
            container: { c in
                .conditional(c.hasPath(["securityContext", "runAsNonRoot"]),
                             c.path("securityContext", "runAsNonRoot").eq(.bool(false)),
                             .not(set(CELPolicyVariables.podSpec, ["securityContext", "runAsNonRoot"], .bool(true))))
            },
            pod: set(CELPolicyVariables.podSpec, ["securityContext", "runAsNonRoot"], .bool(false)),
            exempt: CELPolicyVariables.userNamespace,
            problem: "does not set securityContext.runAsNonRoot: true (nor does the pod)"),
        CELRuleTranslation(
            "pss/seccomp-profile-restricted",
            container: { c in
                .conditional(c.hasPath(["securityContext", "seccompProfile"]),
                             .not(inSet(c.path("securityContext", "seccompProfile"), ["type"], "seccompTypes", emptyAllowed: false)),
                             .not(.and([CELPolicyVariables.podSpec.hasPath(["securityContext", "seccompProfile"]),
                                        inSet(podSecurityContext["seccompProfile"], ["type"], "seccompTypes", emptyAllowed: false)])))
            },
            pod: invalidSeccomp(podSecurityContext, in: CELPolicyVariables.podSpec, path: ["securityContext"]),
            exempt: CELPolicyVariables.isWindows,
            problem: "has no seccompProfile.type RuntimeDefault or Localhost (nor does the pod)"),
        CELRuleTranslation(
            "pss/restricted-volumes",
            // A volume with no known source defaults to emptyDir; one with an allowed source passes.
            pod: CELPolicyVariables.podSpec.listOrEmpty(["volumes"]).exists("v") { v in
                .and([.or(restrictedVolumeSources.map { .has(v, $0) }), .not(.or(allowedVolumeSources.map { .has(v, $0) }))])
            },
            problem: "uses a volume type the restricted profile forbids"),
        CELRuleTranslation(
            "pss/run-as-user",
            container: { c in set(c, ["securityContext", "runAsUser"], .int(0)) },
            pod: set(CELPolicyVariables.podSpec, ["securityContext", "runAsUser"], .int(0)),
            exempt: CELPolicyVariables.userNamespace,
            problem: "sets securityContext.runAsUser: 0"),
        CELRuleTranslation(
            "pss/proc-mount-restricted",
            container: { c in procMountNotDefault(c) },
            problem: "sets securityContext.procMount other than Default"),
        CELRuleTranslation(
            "k8s/share-process-namespace",
            pod: set(CELPolicyVariables.podSpec, ["shareProcessNamespace"], .bool(true)),
            problem: "sets shareProcessNamespace: true"),
        CELRuleTranslation(
            "k8s/read-only-root-filesystem", containers: CELPolicyVariables.podContainers,
            container: { c in .not(set(c, ["securityContext", "readOnlyRootFilesystem"], .bool(true))) },
            problem: "does not set securityContext.readOnlyRootFilesystem: true"),
        CELRuleTranslation(
            "k8s/run-as-high-uid",
            container: { c in
                .conditional(c.hasPath(["securityContext", "runAsUser"]),
                             .compare(c.path("securityContext", "runAsUser"), .less, .int(10000)),
                             .conditional(CELPolicyVariables.podSpec.hasPath(["securityContext", "runAsUser"]),
                                          .compare(podSecurityContext["runAsUser"], .less, .int(10000)),
                                          .bool(true)))
            },
            exempt: .or([CELPolicyVariables.isWindows, CELPolicyVariables.userNamespace]),
            problem: "may run with a UID below 10000"),
    ]

    /// `seLinuxOptions` with a type outside the allowed set, or a user or role.
    private static func invalidSELinux(_ options: CELExpr) -> CELExpr {
        .or([
            .not(inSet(options, ["type"], "seLinuxTypes", emptyAllowed: true)),
            .and([.has(options, "user"), options["user"].ne(.string(""))]),
            .and([.has(options, "role"), options["role"].ne(.string(""))]),
        ])
    }

    /// `securityContext.procMount` set to anything but `Default`.
    private static func procMountNotDefault(_ c: CELExpr) -> CELExpr {
        .and([c.hasPath(["securityContext", "procMount"]), c.path("securityContext", "procMount").ne(.string("Default"))])
    }

    /// A `seccompProfile` that is set with a type other than RuntimeDefault or Localhost.
    private static func invalidSeccomp(_ context: CELExpr, in owner: CELExpr, path: [String]) -> CELExpr {
        .and([owner.hasPath(path + ["seccompProfile"]),
              .not(inSet(context["seccompProfile"], ["type"], "seccompTypes", emptyAllowed: false))])
    }
}
