import BulwarkCore
import BulwarkKubernetes
import Testing

/// Version boundaries of docs/facts.md §1.3: the same pod on both sides of each policy change.
@Suite struct PodSecurityEvaluatorTests {
    struct BoundaryCase: Sendable, CustomTestStringConvertible {
        let name: String
        let yaml: String
        let level: PSSLevel
        let version: PSSVersion
        /// The failing check ids, in the reference's order.
        let failing: [String]

        init(_ name: String, _ yaml: String, _ level: PSSLevel, _ version: PSSVersion, _ failing: [String]) {
            self.name = name
            self.yaml = yaml
            self.level = level
            self.version = version
            self.failing = failing
        }

        var testDescription: String { "\(name) at \(level):\(version)" }
    }

    static let noEscalationSetting = PSSFixture.restrictedPod(removingContainerSC: ["allowPrivilegeEscalation"])
    static let seccompAnnotation = PSSFixture.restrictedPod(annotations: ["seccomp.security.alpha.kubernetes.io/pod: unconfined"])
    static let seccompUnconfinedField = PSSFixture.restrictedPod(removingPodSC: ["seccompProfile"], podSC: ["seccompProfile: {type: Unconfined}"])
    static let noCapabilities = PSSFixture.restrictedPod(removingContainerSC: ["capabilities"])
    static let netRaw = PSSFixture.restrictedPod(removingContainerSC: ["capabilities"], containerSC: ["capabilities: {drop: [ALL], add: [NET_RAW]}"])
    static let rootUser = PSSFixture.restrictedPod(podSC: ["runAsUser: 0"])
    static let windows = PSSFixture.restrictedPod(
        removingPodSC: ["seccompProfile"], removingContainerSC: ["allowPrivilegeEscalation", "capabilities"], spec: ["os: {name: windows}"])
    static let linuxNamedLikeWindows = PSSFixture.restrictedPod(
        removingPodSC: ["seccompProfile"], removingContainerSC: ["allowPrivilegeEscalation", "capabilities"], spec: ["os: {name: Windows}"])
    static func sysctl(_ name: String) -> String { PSSFixture.restrictedPod(podSC: ["sysctls: [{name: \(name), value: \"1\"}]"]) }
    static let engineType = PSSFixture.restrictedPod(containerSC: ["seLinuxOptions: {type: container_engine_t}"])
    static let probeHost = PSSFixture.restrictedPod(container: ["livenessProbe: {httpGet: {host: 10.0.0.1, port: 8080}}"])
    static let userNamespaceRoot = PSSFixture.restrictedPod(removingPodSC: ["runAsNonRoot"], podSC: ["runAsUser: 0"], spec: ["hostUsers: false"])
    static let userNamespaceUnmasked = PSSFixture.restrictedPod(containerSC: ["procMount: Unmasked"], spec: ["hostUsers: false"])
    static let hostUsersTrueRoot = PSSFixture.restrictedPod(removingPodSC: ["runAsNonRoot"], podSC: ["runAsUser: 0"], spec: ["hostUsers: true"])
    static let unmasked = PSSFixture.restrictedPod(containerSC: ["procMount: Unmasked"])
    static let lowerCaseDropAll = PSSFixture.restrictedPod(removingContainerSC: ["capabilities"], containerSC: ["capabilities: {drop: [all]}"])
    static let lowerCaseChown = PSSFixture.restrictedPod(removingContainerSC: ["capabilities"], containerSC: ["capabilities: {drop: [ALL], add: [chown]}"])
    static let upperCaseChown = PSSFixture.restrictedPod(removingContainerSC: ["capabilities"], containerSC: ["capabilities: {drop: [ALL], add: [CHOWN]}"])
    static let hostPath = PSSFixture.restrictedPod(spec: ["volumes: [{name: host, hostPath: {path: /}}]"])
    static let privilegedEphemeral = """
        apiVersion: v1
        kind: Pod
        metadata: {name: p, namespace: ml}
        spec:
          securityContext: {runAsNonRoot: true, seccompProfile: {type: RuntimeDefault}}
          containers:
            - {name: c, image: x, securityContext: {allowPrivilegeEscalation: false, capabilities: {drop: [ALL]}}}
          ephemeralContainers:
            - {name: debug, image: busybox, securityContext: {privileged: true}}
        """
    static let bareEphemeral = """
        apiVersion: v1
        kind: Pod
        metadata: {name: p, namespace: ml}
        spec:
          securityContext: {runAsNonRoot: true, seccompProfile: {type: RuntimeDefault}}
          containers:
            - {name: c, image: x, securityContext: {allowPrivilegeEscalation: false, capabilities: {drop: [ALL]}}}
          ephemeralContainers:
            - {name: debug, image: busybox}
        """
    static let everything = """
        apiVersion: v1
        kind: Pod
        metadata: {name: p, namespace: ml}
        spec:
          hostNetwork: true
          volumes: [{name: host, hostPath: {path: /}}]
          containers:
            - name: c
              image: x
              securityContext: {privileged: true, runAsUser: 0, capabilities: {add: [SYS_ADMIN]}}
        """

    static let cases: [BoundaryCase] = [
        BoundaryCase("allowPrivilegeEscalation absent", noEscalationSetting, .restricted, .v1(7), []),
        BoundaryCase("allowPrivilegeEscalation absent", noEscalationSetting, .restricted, .v1(8), ["allowPrivilegeEscalation"]),
        BoundaryCase("allowPrivilegeEscalation absent", noEscalationSetting, .baseline, .latest, []),

        BoundaryCase("seccomp annotation unconfined", seccompAnnotation, .baseline, .v1(18), ["seccompProfile_baseline"]),
        BoundaryCase("seccomp annotation unconfined", seccompAnnotation, .restricted, .v1(18), ["seccompProfile_baseline"]),
        BoundaryCase("seccomp annotation unconfined", seccompAnnotation, .baseline, .v1(19), []),
        BoundaryCase("seccomp annotation unconfined", seccompAnnotation, .restricted, .v1(19), []),
        BoundaryCase("seccomp annotation empty", PSSFixture.restrictedPod(annotations: ["seccomp.security.alpha.kubernetes.io/pod: \"\""]), .baseline, .v1(18), ["seccompProfile_baseline"]),
        BoundaryCase("seccomp container annotation docker/default", PSSFixture.restrictedPod(annotations: ["container.seccomp.security.alpha.kubernetes.io/c: docker/default"]), .baseline, .v1(18), []),
        BoundaryCase("seccomp container annotation unconfined", PSSFixture.restrictedPod(annotations: ["container.seccomp.security.alpha.kubernetes.io/c: unconfined"]), .baseline, .v1(18), ["seccompProfile_baseline"]),
        BoundaryCase("seccomp annotation for another container", PSSFixture.restrictedPod(annotations: ["container.seccomp.security.alpha.kubernetes.io/other: unconfined"]), .baseline, .v1(18), []),
        BoundaryCase("seccompProfile Unconfined field", seccompUnconfinedField, .baseline, .v1(18), []),
        BoundaryCase("seccompProfile Unconfined field", seccompUnconfinedField, .baseline, .v1(19), ["seccompProfile_baseline"]),
        BoundaryCase("seccompProfile Unconfined field", seccompUnconfinedField, .restricted, .v1(19), ["seccompProfile_restricted"]),

        BoundaryCase("no capabilities", noCapabilities, .restricted, .v1(21), []),
        BoundaryCase("no capabilities", noCapabilities, .restricted, .v1(22), ["capabilities_restricted"]),
        BoundaryCase("NET_RAW added", netRaw, .baseline, .latest, ["capabilities_baseline"]),
        BoundaryCase("NET_RAW added", netRaw, .restricted, .v1(21), ["capabilities_baseline"]),
        BoundaryCase("NET_RAW added", netRaw, .restricted, .v1(22), ["capabilities_restricted"]),

        BoundaryCase("runAsUser 0", rootUser, .restricted, .v1(22), []),
        BoundaryCase("runAsUser 0", rootUser, .restricted, .v1(23), ["runAsUser"]),
        BoundaryCase("runAsUser 0", rootUser, .baseline, .latest, []),

        BoundaryCase("windows pod without linux fields", windows, .restricted, .v1(24), ["allowPrivilegeEscalation", "capabilities_restricted", "seccompProfile_restricted"]),
        BoundaryCase("windows pod without linux fields", windows, .restricted, .v1(25), []),
        BoundaryCase("windows pod without linux fields", windows, .restricted, .latest, []),
        BoundaryCase("os.name Windows (wrong case)", linuxNamedLikeWindows, .restricted, .latest, ["allowPrivilegeEscalation", "capabilities_restricted", "seccompProfile_restricted"]),

        BoundaryCase("sysctl ip_local_reserved_ports", sysctl("net.ipv4.ip_local_reserved_ports"), .baseline, .v1(26), ["sysctls"]),
        BoundaryCase("sysctl ip_local_reserved_ports", sysctl("net.ipv4.ip_local_reserved_ports"), .baseline, .v1(27), []),
        BoundaryCase("sysctl tcp_keepalive_time", sysctl("net.ipv4.tcp_keepalive_time"), .baseline, .v1(28), ["sysctls"]),
        BoundaryCase("sysctl tcp_keepalive_probes", sysctl("net.ipv4.tcp_keepalive_probes"), .baseline, .v1(29), []),
        BoundaryCase("sysctl tcp_rmem", sysctl("net.ipv4.tcp_rmem"), .baseline, .v1(31), ["sysctls"]),
        BoundaryCase("sysctl tcp_wmem", sysctl("net.ipv4.tcp_wmem"), .baseline, .v1(32), []),
        BoundaryCase("sysctl tcp_slow_start_after_idle", sysctl("net.ipv4.tcp_slow_start_after_idle"), .baseline, .latest, ["sysctls"]),
        BoundaryCase("sysctl tcp_slow_start_after_idle", sysctl("net.ipv4.tcp_slow_start_after_idle"), .baseline, .v1(36), ["sysctls"]),
        BoundaryCase("sysctl tcp_notsent_lowat", sysctl("net.ipv4.tcp_notsent_lowat"), .baseline, .v1(37), []),
        BoundaryCase("sysctl tcp_notsent_lowat", sysctl("net.ipv4.tcp_notsent_lowat"), .restricted, .v1(99), []),
        BoundaryCase("sysctl kernel.msgmax", sysctl("kernel.msgmax"), .baseline, .v1(99), ["sysctls"]),

        BoundaryCase("SELinux container_engine_t", engineType, .baseline, .v1(30), ["seLinuxOptions"]),
        BoundaryCase("SELinux container_engine_t", engineType, .baseline, .v1(31), []),

        BoundaryCase("probe host", probeHost, .baseline, .v1(33), []),
        BoundaryCase("probe host", probeHost, .baseline, .v1(34), ["hostProbesAndHostLifecycle"]),

        BoundaryCase("hostUsers false, root", userNamespaceRoot, .restricted, .v1(34), ["runAsNonRoot", "runAsUser"]),
        BoundaryCase("hostUsers false, root", userNamespaceRoot, .restricted, .v1(35), []),
        BoundaryCase("hostUsers true, root", hostUsersTrueRoot, .restricted, .v1(35), ["runAsNonRoot", "runAsUser"]),
        BoundaryCase("hostUsers false, Unmasked", userNamespaceUnmasked, .baseline, .v1(34), ["procMount"]),
        BoundaryCase("hostUsers false, Unmasked", userNamespaceUnmasked, .baseline, .v1(35), []),
        BoundaryCase("hostUsers false, Unmasked", userNamespaceUnmasked, .restricted, .v1(34), ["procMount"]),
        BoundaryCase("hostUsers false, Unmasked", userNamespaceUnmasked, .restricted, .v1(35), ["procMount_restricted"]),
        BoundaryCase("Unmasked", unmasked, .restricted, .v1(34), ["procMount"]),
        BoundaryCase("Unmasked", unmasked, .restricted, .v1(35), ["procMount_restricted"]),
        BoundaryCase("Unmasked", unmasked, .baseline, .v1(35), ["procMount"]),
        BoundaryCase("procMount Default", PSSFixture.restrictedPod(containerSC: ["procMount: Default"]), .restricted, .latest, []),

        BoundaryCase("drop [all] in lower case", lowerCaseDropAll, .restricted, .latest, ["capabilities_restricted"]),
        BoundaryCase("add [chown] in lower case", lowerCaseChown, .baseline, .latest, ["capabilities_baseline"]),
        BoundaryCase("add [CHOWN]", upperCaseChown, .baseline, .latest, []),
        BoundaryCase("add [CHOWN]", upperCaseChown, .restricted, .latest, ["capabilities_restricted"]),

        BoundaryCase("privileged ephemeral container", privilegedEphemeral, .baseline, .latest, ["privileged"]),
        BoundaryCase("ephemeral container without securityContext", bareEphemeral, .baseline, .latest, []),
        BoundaryCase("ephemeral container without securityContext", bareEphemeral, .restricted, .latest, ["allowPrivilegeEscalation", "capabilities_restricted"]),

        BoundaryCase("hostPath volume", hostPath, .baseline, .latest, ["hostPathVolumes"]),
        BoundaryCase("hostPath volume", hostPath, .restricted, .latest, ["restrictedVolumes"]),
        BoundaryCase("hostPath volume", hostPath, .restricted, .v1(0), ["restrictedVolumes"]),

        BoundaryCase("everything wrong", everything, .privileged, .latest, []),
        BoundaryCase("everything wrong", everything, .baseline, .latest, ["capabilities_baseline", "hostNamespaces", "hostPathVolumes", "privileged"]),
        BoundaryCase("everything wrong", everything, .restricted, .latest, [
            "hostNamespaces", "privileged", "allowPrivilegeEscalation", "capabilities_restricted", "restrictedVolumes", "runAsNonRoot",
            "runAsUser", "seccompProfile_restricted",
        ]),
    ]

    @Test("version boundaries", arguments: cases)
    func boundary(_ testCase: BoundaryCase) throws {
        let pod = try #require(PSSFixture.pods(testCase.yaml).first)
        let decision = PodSecurityEvaluator.evaluate(pod: pod, level: testCase.level, version: testCase.version)
        #expect(decision.violations.map(\.check) == testCase.failing, "\(decision.message)")
        #expect(decision.allowed == testCase.failing.isEmpty)
    }

    @Test("the compliant pod passes restricted at every version", arguments: Array(0...40).map(PSSVersion.v1) + [.latest])
    func compliantEverywhere(_ version: PSSVersion) throws {
        let pod = try #require(PSSFixture.pods(PSSFixture.restrictedPod()).first)
        let decision = PodSecurityEvaluator.evaluate(pod: pod, level: .restricted, version: version)
        #expect(decision.allowed, "\(decision.message)")
    }

    @Test func aggregatedMessageFollowsTheReferenceOrderAndFormat() throws {
        let pod = try #require(PSSFixture.pods(Self.everything).first)
        let decision = PodSecurityEvaluator.evaluate(pod: pod, level: .restricted, version: .latest)
        #expect(decision.message == """
            host namespaces (hostNetwork=true), \
            privileged (container "c" must not set securityContext.privileged=true), \
            allowPrivilegeEscalation != false (container "c" must set securityContext.allowPrivilegeEscalation=false), \
            unrestricted capabilities (container "c" must set securityContext.capabilities.drop=["ALL"]; container "c" must not include "SYS_ADMIN" in securityContext.capabilities.add), \
            restricted volume types (volume "host" uses restricted volume type "hostPath"), \
            runAsNonRoot != true (pod or container "c" must set securityContext.runAsNonRoot=true), \
            runAsUser=0 (container "c" must not set runAsUser=0), \
            seccompProfile (pod or container "c" must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost")
            """)
        #expect(decision.reasons == "host namespaces, privileged, allowPrivilegeEscalation != false, unrestricted capabilities, restricted volume types, runAsNonRoot != true, runAsUser=0, seccompProfile")
    }

    @Test func everyContainerKindIsVisitedInTheReferenceOrder() throws {
        let pod = try #require(PSSFixture.pods("""
            apiVersion: v1
            kind: Pod
            metadata: {name: p}
            spec:
              ephemeralContainers: [{name: e, image: x, securityContext: {privileged: true}}]
              containers: [{name: c, image: x, securityContext: {privileged: true}}]
              initContainers: [{name: i, image: x, securityContext: {privileged: true}}]
            """).first)
        let result = PSSChecks.privileged.evaluate(pod)
        #expect(result.forbiddenDetail == #"containers "i", "c", "e" must not set securityContext.privileged=true"#)
        #expect(result.evidence.map(\.field) == [
            "spec.initContainers[0].securityContext.privileged", "spec.containers[0].securityContext.privileged",
            "spec.ephemeralContainers[0].securityContext.privileged",
        ])
    }

    @Test func workloadTemplatesAreEvaluatedWithTheirTemplateMetadata() throws {
        let pod = try #require(PSSFixture.pods("""
            apiVersion: batch/v1
            kind: CronJob
            metadata:
              name: c
              annotations: {seccomp.security.alpha.kubernetes.io/pod: unconfined}
            spec:
              schedule: "@daily"
              jobTemplate:
                spec:
                  template:
                    metadata:
                      annotations: {container.apparmor.security.beta.kubernetes.io/c: unconfined}
                    spec:
                      containers: [{name: c, image: x}]
            """).first)
        let decision = PodSecurityEvaluator.evaluate(pod: pod, level: .baseline, version: .v1(18))
        // Only the pod template's annotations count, not the CronJob's own.
        #expect(decision.violations.map(\.check) == ["appArmorProfile"])
        #expect(decision.evidence["appArmorProfile"]?.map(\.field) == [
            "spec.jobTemplate.spec.template.metadata.annotations[container.apparmor.security.beta.kubernetes.io/c]",
        ])
        #expect(decision.evidence["appArmorProfile"]?.first?.node?.position.line == 12)
    }
}
