import BulwarkCore
import BulwarkKubernetes
import Testing

/// Reasons and details compared to the reference's own unit tests
/// (kubernetes/pod-security-admission `policy/check_*_test.go`), pod for pod.
@Suite struct PodSecurityCheckTests {
    struct WordingCase: Sendable, CustomTestStringConvertible {
        let check: String
        let version: PSSVersion
        let spec: String
        let metadata: String
        let reason: String
        let detail: String

        init(_ check: String, _ version: PSSVersion = .latest, metadata: String = "{name: p}", spec: String, reason: String, detail: String) {
            self.check = check
            self.version = version
            self.spec = spec
            self.metadata = metadata
            self.reason = reason
            self.detail = detail
        }

        var testDescription: String { "\(check) at \(version): \(reason)" }
    }

    static let cases: [WordingCase] = [
        WordingCase("hostNamespaces", spec: "{hostNetwork: true, hostIPC: true, hostPID: true}",
                    reason: "host namespaces", detail: "hostNetwork=true, hostPID=true, hostIPC=true"),
        WordingCase("privileged", spec: """
            {containers: [{name: a}, {name: b, securityContext: {}}, {name: c, securityContext: {privileged: false}},
                          {name: d, securityContext: {privileged: true}}, {name: e, securityContext: {privileged: true}}]}
            """,
                    reason: "privileged", detail: #"containers "d", "e" must not set securityContext.privileged=true"#),
        WordingCase("capabilities_baseline", spec: """
            {containers: [{name: a, securityContext: {capabilities: {add: [FOO, BAR]}}},
                          {name: b, securityContext: {capabilities: {add: [BAR, BAZ]}}}]}
            """,
                    reason: "non-default capabilities", detail: #"containers "a", "b" must not include "BAR", "BAZ", "FOO" in securityContext.capabilities.add"#),
        WordingCase("hostPathVolumes", spec: "{volumes: [{name: a, hostPath: {}}, {name: b, hostPath: {}}, {name: c, emptyDir: {}}]}",
                    reason: "hostPath volumes", detail: #"volumes "a", "b""#),
        WordingCase("hostPorts", spec: "{containers: [{name: a, ports: [{hostPort: 0}]}, {name: b, ports: [{hostPort: 0}, {hostPort: 20}]}]}",
                    reason: "hostPort", detail: #"container "b" uses hostPort 20"#),
        WordingCase("hostPorts", spec: """
            {containers: [{name: a, ports: [{hostPort: 0}]}, {name: b, ports: [{hostPort: 0}, {hostPort: 10}, {hostPort: 20}]},
                          {name: c, ports: [{hostPort: 0}, {hostPort: 10}, {hostPort: 30}]}]}
            """,
                    reason: "hostPort", detail: #"containers "b", "c" use hostPorts 10, 20, 30"#),
        // Port numbers are sorted as strings, as the reference's string set does.
        WordingCase("hostPorts", spec: "{containers: [{name: a, ports: [{hostPort: 8080}, {hostPort: 443}, {hostPort: 80}]}]}",
                    reason: "hostPort", detail: #"container "a" uses hostPorts 443, 80, 8080"#),
        WordingCase("appArmorProfile", metadata: """
            {name: p, annotations: {
              "container.apparmor.security.beta.kubernetes.io/": bogus,
              "container.apparmor.security.beta.kubernetes.io/a": "",
              "container.apparmor.security.beta.kubernetes.io/b": runtime/default,
              "container.apparmor.security.beta.kubernetes.io/c": localhost/,
              "container.apparmor.security.beta.kubernetes.io/d": localhost/foo,
              "container.apparmor.security.beta.kubernetes.io/e": unconfined,
              "container.apparmor.security.beta.kubernetes.io/f": unknown}}
            """, spec: "{}",
                    reason: "forbidden AppArmor profiles",
                    detail: #"annotations must not set AppArmor profile type to "container.apparmor.security.beta.kubernetes.io/="bogus"", "container.apparmor.security.beta.kubernetes.io/e="unconfined"", "container.apparmor.security.beta.kubernetes.io/f="unknown"""#),
        WordingCase("appArmorProfile", spec: """
            {securityContext: {appArmorProfile: {type: Unconfined}},
             containers: [{name: a, securityContext: {appArmorProfile: {type: RuntimeDefault}}},
                          {name: b, securityContext: {appArmorProfile: {type: Localhost, localhostProfile: x}}},
                          {name: c, securityContext: {appArmorProfile: {type: Unconfined}}}]}
            """,
                    reason: "forbidden AppArmor profile", detail: #"pod and container "c" must not set AppArmor profile type to "Unconfined""#),
        WordingCase("seLinuxOptions", spec: """
            {securityContext: {seLinuxOptions: {type: foo, user: bar, role: baz}},
             containers: [{name: a, securityContext: {seLinuxOptions: {type: container_t}}},
                          {name: b, securityContext: {seLinuxOptions: {type: container_init_t}}},
                          {name: c, securityContext: {seLinuxOptions: {type: container_kvm_t}}},
                          {name: d, securityContext: {seLinuxOptions: {type: container_engine_t}}},
                          {name: e, securityContext: {seLinuxOptions: {type: bar}}},
                          {name: f, securityContext: {seLinuxOptions: {user: bar}}},
                          {name: g, securityContext: {seLinuxOptions: {role: baz}}}]}
            """,
                    reason: "seLinuxOptions",
                    detail: #"pod and containers "e", "f", "g" set forbidden securityContext.seLinuxOptions: types "bar", "foo"; user may not be set; role may not be set"#),
        WordingCase("seLinuxOptions", spec: "{securityContext: {seLinuxOptions: {type: bad}}}",
                    reason: "seLinuxOptions", detail: #"pod set forbidden securityContext.seLinuxOptions: type "bad""#),
        WordingCase("seLinuxOptions", spec: "{securityContext: {seLinuxOptions: {user: bad}}}",
                    reason: "seLinuxOptions", detail: "pod set forbidden securityContext.seLinuxOptions: user may not be set"),
        WordingCase("seLinuxOptions", .v1(30), spec: "{containers: [{name: d, securityContext: {seLinuxOptions: {type: container_engine_t}}}]}",
                    reason: "seLinuxOptions", detail: #"container "d" set forbidden securityContext.seLinuxOptions: type "container_engine_t""#),
        WordingCase("procMount", .v1(34), spec: """
            {hostUsers: false, containers: [{name: a, securityContext: {procMount: Unmasked}}, {name: b, securityContext: {procMount: Default}},
                                            {name: c, securityContext: {procMount: Unmasked}}]}
            """,
                    reason: "procMount", detail: #"containers "a", "c" must not set securityContext.procMount to "Unmasked""#),
        WordingCase("procMount_restricted", spec: "{hostUsers: false, containers: [{name: a, securityContext: {procMount: Unmasked}}]}",
                    reason: "procMount", detail: #"container "a" must not set securityContext.procMount to "Unmasked""#),
        WordingCase("seccompProfile_baseline", .v1(18), metadata: """
            {name: p, annotations: {
              seccomp.security.alpha.kubernetes.io/pod: unconfined,
              container.seccomp.security.alpha.kubernetes.io/a: runtime/default,
              container.seccomp.security.alpha.kubernetes.io/b: "",
              container.seccomp.security.alpha.kubernetes.io/x: unconfined}}
            """, spec: "{containers: [{name: a}, {name: b}]}",
                    reason: "seccompProfile",
                    detail: #"forbidden annotations container.seccomp.security.alpha.kubernetes.io/b="", seccomp.security.alpha.kubernetes.io/pod="unconfined""#),
        WordingCase("seccompProfile_baseline", spec: """
            {securityContext: {seccompProfile: {type: Unconfined}},
             containers: [{name: a, securityContext: {seccompProfile: {type: Unconfined}}}, {name: b},
                          {name: c, securityContext: {seccompProfile: {type: Bogus}}}]}
            """,
                    reason: "seccompProfile", detail: #"pod and containers "a", "c" must not set securityContext.seccompProfile.type to "Bogus", "Unconfined""#),
        WordingCase("seccompProfile_restricted", spec: """
            {containers: [{name: a}, {name: b, securityContext: {}}, {name: c, securityContext: {seccompProfile: {type: RuntimeDefault}}}]}
            """,
                    reason: "seccompProfile",
                    detail: #"pod or containers "a", "b" must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost""#),
        WordingCase("seccompProfile_restricted", spec: """
            {securityContext: {seccompProfile: {type: Localhost}},
             containers: [{name: a}, {name: b, securityContext: {seccompProfile: {}}}]}
            """,
                    reason: "seccompProfile", detail: #"container "b" must not set securityContext.seccompProfile.type to """#),
        WordingCase("sysctls", .v1(26), spec: "{securityContext: {sysctls: [{name: a}, {name: b}, {name: net.ipv4.ip_local_reserved_ports}]}}",
                    reason: "forbidden sysctls", detail: "a, b, net.ipv4.ip_local_reserved_ports"),
        WordingCase("windowsHostProcess", spec: """
            {securityContext: {windowsOptions: {hostProcess: true}},
             containers: [{name: a, securityContext: {windowsOptions: {hostProcess: true}}},
                          {name: b, securityContext: {windowsOptions: {hostProcess: false}}},
                          {name: c, securityContext: {windowsOptions: {hostProcess: true}}}]}
            """,
                    reason: "hostProcess", detail: #"pod and containers "a", "c" must not set securityContext.windowsOptions.hostProcess=true"#),
        WordingCase("hostProbesAndHostLifecycle", spec: """
            {containers: [{name: a, livenessProbe: {httpGet: {host: 127.0.0.1}}, readinessProbe: {tcpSocket: {host: "::1"}},
                                    startupProbe: {httpGet: {host: localhost}}}]}
            """,
                    reason: "probe or lifecycle host", detail: #"container "a" uses probe or lifecycle hosts "127.0.0.1", "::1", "localhost""#),
        WordingCase("hostProbesAndHostLifecycle", spec: """
            {containers: [{name: valid},
                          {name: invalid2, lifecycle: {preStop: {tcpSocket: {host: b.com}}}, startupProbe: {httpGet: {host: a.com}}},
                          {name: invalid1, livenessProbe: {httpGet: {host: a.com}}}]}
            """,
                    reason: "probe or lifecycle host", detail: #"containers "invalid1", "invalid2" use probe or lifecycle hosts "a.com", "b.com""#),
        WordingCase("restrictedVolumes", spec: """
            {volumes: [
              {name: a1, emptyDir: {}}, {name: a2, secret: {}}, {name: a3, persistentVolumeClaim: {}}, {name: a4, downwardAPI: {}},
              {name: a5, configMap: {}}, {name: a6, projected: {}}, {name: a7, csi: {}}, {name: a8, ephemeral: {}}, {name: a9, image: {}},
              {name: b1, hostPath: {}}, {name: b2, gcePersistentDisk: {}}, {name: b3, awsElasticBlockStore: {}}, {name: b4, gitRepo: {}},
              {name: b5, nfs: {}}, {name: b6, iscsi: {}}, {name: b7, glusterfs: {}}, {name: b8, rbd: {}}, {name: b9, flexVolume: {}},
              {name: b10, cinder: {}}, {name: b11, cephfs: {}}, {name: b12, flocker: {}}, {name: b13, fc: {}}, {name: b14, azureFile: {}},
              {name: b15, vsphereVolume: {}}, {name: b16, quobyte: {}}, {name: b17, azureDisk: {}}, {name: b18, photonPersistentDisk: {}},
              {name: b19, portworxVolume: {}}, {name: b20, scaleIO: {}}, {name: b21, storageos: {}},
              {name: c1}]}
            """,
                    // The reference's unit test also has a volume without a source ("unknown"): the
                    // API server makes it an emptyDir before admission (PodSecurityDefaultingTests).
                    reason: "restricted volume types",
                    detail: #"volumes "b1", "b2", "b3", "b4", "b5", "b6", "b7", "b8", "b9", "b10", "b11", "b12", "b13", "b14", "b15", "b16", "b17", "b18", "b19", "b20", "b21" use restricted volume types "awsElasticBlockStore", "azureDisk", "azureFile", "cephfs", "cinder", "fc", "flexVolume", "flocker", "gcePersistentDisk", "gitRepo", "glusterfs", "hostPath", "iscsi", "nfs", "photonPersistentDisk", "portworxVolume", "quobyte", "rbd", "scaleIO", "storageos", "vsphereVolume""#),
        WordingCase("allowPrivilegeEscalation", spec: """
            {containers: [{name: a, securityContext: {allowPrivilegeEscalation: false}}, {name: b}, {name: c, securityContext: {allowPrivilegeEscalation: true}}]}
            """,
                    reason: "allowPrivilegeEscalation != false", detail: #"containers "b", "c" must set securityContext.allowPrivilegeEscalation=false"#),
        WordingCase("capabilities_restricted", spec: """
            {containers: [{name: a}, {name: b, securityContext: {capabilities: {drop: [all]}}},
                          {name: c, securityContext: {capabilities: {drop: [ALL], add: [SYS_ADMIN, NET_BIND_SERVICE, CHOWN]}}},
                          {name: d, securityContext: {capabilities: {drop: [ALL], add: [NET_BIND_SERVICE]}}}]}
            """,
                    reason: "unrestricted capabilities",
                    detail: #"containers "a", "b" must set securityContext.capabilities.drop=["ALL"]; container "c" must not include "CHOWN", "SYS_ADMIN" in securityContext.capabilities.add"#),
        WordingCase("runAsNonRoot", spec: "{containers: [{name: a}]}",
                    reason: "runAsNonRoot != true", detail: #"pod or container "a" must set securityContext.runAsNonRoot=true"#),
        WordingCase("runAsNonRoot", spec: "{securityContext: {runAsNonRoot: false}, containers: [{name: a}]}",
                    reason: "runAsNonRoot != true", detail: "pod must not set securityContext.runAsNonRoot=false"),
        WordingCase("runAsNonRoot", spec: """
            {securityContext: {runAsNonRoot: true},
             containers: [{name: a}, {name: b, securityContext: {}}, {name: c, securityContext: {runAsNonRoot: false}},
                          {name: d, securityContext: {runAsNonRoot: false}}, {name: e, securityContext: {runAsNonRoot: true}}]}
            """,
                    reason: "runAsNonRoot != true", detail: #"containers "c", "d" must not set securityContext.runAsNonRoot=false"#),
        WordingCase("runAsNonRoot", spec: """
            {containers: [{name: a}, {name: b, securityContext: {}}, {name: d, securityContext: {runAsNonRoot: true}}]}
            """,
                    reason: "runAsNonRoot != true", detail: #"pod or containers "a", "b" must set securityContext.runAsNonRoot=true"#),
        WordingCase("runAsUser", spec: "{securityContext: {runAsUser: 0}, containers: [{name: a}]}",
                    reason: "runAsUser=0", detail: "pod must not set runAsUser=0"),
        WordingCase("runAsUser", spec: """
            {securityContext: {runAsUser: 1000},
             containers: [{name: a}, {name: b, securityContext: {}}, {name: c, securityContext: {runAsUser: 0}},
                          {name: d, securityContext: {runAsUser: 0}}, {name: e, securityContext: {runAsUser: 1}}]}
            """,
                    reason: "runAsUser=0", detail: #"containers "c", "d" must not set runAsUser=0"#),
    ]

    @Test("reasons and details match the reference", arguments: cases)
    func wording(_ testCase: WordingCase) throws {
        let check = try #require(PSSChecks.check(testCase.check))
        let yaml = "apiVersion: v1\nkind: Pod\nmetadata: \(testCase.metadata)\nspec: \(testCase.spec)\n"
        let pod = try #require(PSSFixture.pods(yaml).first)
        let result = check.evaluate(pod, version: testCase.version)
        #expect(!result.allowed)
        #expect(result.forbiddenReason == testCase.reason)
        #expect(result.forbiddenDetail == testCase.detail)
        #expect(!result.evidence.isEmpty)
    }

    @Test func capabilityNamesAreCaseSensitive() throws {
        let pod = try #require(PSSFixture.pods("""
            apiVersion: v1
            kind: Pod
            metadata: {name: p}
            spec:
              containers:
                - name: c
                  securityContext:
                    capabilities: {drop: [all], add: [chown, Chown, CHOWN]}
            """).first)
        let baseline = PSSChecks.capabilitiesBaseline.evaluate(pod)
        #expect(baseline.forbiddenDetail == #"container "c" must not include "Chown", "chown" in securityContext.capabilities.add"#)
        #expect(baseline.evidence.count == 2)
        #expect(baseline.evidence.allSatisfy { $0.message.contains("case-sensitive") })
        let restricted = PSSChecks.capabilitiesRestricted.evaluate(pod)
        #expect(restricted.forbiddenDetail.hasPrefix(#"container "c" must set securityContext.capabilities.drop=["ALL"]"#))
        #expect(restricted.evidence.first?.message.contains("case-sensitive") == true)
    }

    @Test func evidencePointsAtTheOffendingLine() throws {
        let yaml = """
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: d, namespace: ml}
            spec:
              template:
                spec:
                  containers:
                    - name: server
                      image: x
                      securityContext:
                        privileged: true
                    - name: sidecar
                      image: y
            """
        let pod = try #require(PSSFixture.pods(yaml).first)
        let privileged = PSSChecks.privileged.evaluate(pod).evidence
        #expect(privileged.map { $0.node?.position.line } == [11])
        #expect(privileged.first?.field == "spec.template.spec.containers[0].securityContext.privileged")
        #expect(privileged.first?.message == #"container "server" of Deployment ml/d sets securityContext.privileged: true"#)
        // Missing fields point at the parent key, or at the container's name.
        let escalation = PSSChecks.allowPrivilegeEscalation.evaluate(pod).evidence
        #expect(escalation.map { $0.node?.position.line } == [10, 12])
        #expect(escalation.map(\.container) == ["server", "sidecar"])
    }

    @Test func kserveModelContainersAreChecked() throws {
        let pod = try #require(PSSFixture.pods("""
            apiVersion: serving.kserve.io/v1beta1
            kind: InferenceService
            metadata: {name: m, namespace: ml}
            spec:
              predictor:
                model:
                  modelFormat: {name: sklearn}
                  storageUri: s3://models/m
                  securityContext: {privileged: true}
            """).first)
        let decision = PodSecurityEvaluator.evaluate(pod: pod, level: .baseline)
        #expect(decision.violations.map(\.check) == ["privileged"])
    }
}
