import BulwarkCore
import BulwarkKubernetes
import Testing

/// Pod specs from inline YAML, and a restricted-compliant pod to vary.
enum PSSFixture {
    static func pods(_ yaml: String, file: String = "pod.yaml") -> [PodSpecView] {
        KubernetesLoader.parse(text: yaml, file: file).objects.flatMap(PodSpecExtractor.podSpecs(in:))
    }

    static func inventory(_ yaml: String, file: String = "manifests.yaml") -> Inventory {
        KubernetesLoader.parse(text: yaml, file: file)
    }

    /// A Pod that passes `restricted` at every version. Base fields can be removed (by key) and
    /// fields added at pod level, pod securityContext, container and container securityContext.
    static func restrictedPod(
        removingPodSC: [String] = [], podSC: [String] = [], removingContainerSC: [String] = [], containerSC: [String] = [],
        container: [String] = [], spec: [String] = [], annotations: [String] = []
    ) -> String {
        let basePodSC = ["runAsNonRoot: true", "seccompProfile: {type: RuntimeDefault}"]
        let baseContainerSC = ["allowPrivilegeEscalation: false", "capabilities: {drop: [ALL]}"]
        func keep(_ base: [String], removing: [String]) -> [String] {
            base.filter { entry in !removing.contains { entry.hasPrefix($0 + ":") } }
        }
        let podContext = (keep(basePodSC, removing: removingPodSC) + podSC).joined(separator: ", ")
        let containerContext = (keep(baseContainerSC, removing: removingContainerSC) + containerSC).joined(separator: ", ")
        let containerFields = (["name: c", "image: registry.example.com/c:1.0", "securityContext: {\(containerContext)}"] + container)
            .joined(separator: ", ")
        return """
        apiVersion: v1
        kind: Pod
        metadata: {name: p, namespace: ml, annotations: {\(annotations.joined(separator: ", "))}}
        spec:
          securityContext: {\(podContext)}
          containers:
            - {\(containerFields)}
        \(spec.map { "  " + $0 }.joined(separator: "\n"))
        """
    }
}

@Suite struct PodSecurityVersionTests {
    struct ParseCase: Sendable, CustomTestStringConvertible {
        let text: String
        let expected: PSSVersion?
        var testDescription: String { "\"\(text)\"" }
    }

    @Test("versions parse with the reference's regex", arguments: [
        ParseCase(text: "latest", expected: .latest),
        ParseCase(text: "v1.0", expected: .v1(0)),
        ParseCase(text: "v1.9", expected: .v1(9)),
        ParseCase(text: "v1.35", expected: .v1(35)),
        ParseCase(text: "v1.37", expected: .v1(37)),
        ParseCase(text: "v1.10000", expected: .v1(10000)),
        ParseCase(text: "v1.01", expected: nil),
        ParseCase(text: "v1.", expected: nil),
        ParseCase(text: "v2.0", expected: nil),
        ParseCase(text: "1.25", expected: nil),
        ParseCase(text: "V1.25", expected: nil),
        ParseCase(text: "v1.25.0", expected: nil),
        ParseCase(text: "v1.-1", expected: nil),
        ParseCase(text: "Latest", expected: nil),
        ParseCase(text: "", expected: nil),
    ])
    func parsing(_ testCase: ParseCase) {
        #expect(PSSVersion(parsing: testCase.text) == testCase.expected)
    }

    @Test func invalidLabelValuesFallBackLikeTheReference() {
        #expect(PSSVersion.parseLabel("v1.x").version == .latest)
        #expect(PSSVersion.parseLabel("v1.x").error == "must be \"latest\" or \"v1.x\"")
        #expect(PSSLevel.parseLabel("strict").level == .restricted)
        #expect(PSSLevel.parseLabel("Baseline").level == .restricted)
        #expect(PSSLevel.parseLabel("baseline") == (.baseline, nil))
    }

    @Test func latestResolvesToTheNewestReleasedPolicyAndNewerVersionsClamp() {
        #expect(PSSVersion.latest.effectiveMinor == 35)
        #expect(PSSVersion.latest.resolvedDescription == "v1.35")
        #expect(PSSVersion.v1(36).effectiveMinor == 36)
        #expect(PSSVersion.v1(99).effectiveMinor == 37)
        #expect(PSSVersion.v1(99).description == "v1.99")
        #expect(PSSVersion.v1(3) < .v1(20))
        #expect(PSSVersion.v1(99) < .latest)
    }

    @Test func checkRegistryMatchesTheReference() {
        #expect(PSSChecks.all.map(\.id) == [
            "appArmorProfile", "capabilities_baseline", "hostNamespaces", "hostPathVolumes", "hostPorts",
            "hostProbesAndHostLifecycle", "privileged", "procMount", "seLinuxOptions", "seccompProfile_baseline", "sysctls",
            "windowsHostProcess",
            "allowPrivilegeEscalation", "capabilities_restricted", "procMount_restricted", "restrictedVolumes", "runAsNonRoot",
            "runAsUser", "seccompProfile_restricted",
        ])
        for check in PSSChecks.all {
            let minimums = check.versions.map(\.minimumVersion)
            #expect(minimums == minimums.sorted() && Set(minimums).count == minimums.count, "\(check.id) revisions must strictly increase")
        }
        let versions = Dictionary(uniqueKeysWithValues: PSSChecks.all.map { ($0.id, $0.versions.map(\.minimumVersion)) })
        #expect(versions["allowPrivilegeEscalation"] == [8, 25])
        #expect(versions["seccompProfile_baseline"] == [0, 19])
        #expect(versions["seccompProfile_restricted"] == [19, 25])
        #expect(versions["capabilities_restricted"] == [22, 25])
        #expect(versions["runAsUser"] == [23, 35])
        #expect(versions["runAsNonRoot"] == [0, 35])
        #expect(versions["procMount"] == [0, 35])
        #expect(versions["procMount_restricted"] == [35])
        #expect(versions["seLinuxOptions"] == [0, 31])
        #expect(versions["sysctls"] == [0, 27, 29, 32, 37])
        #expect(versions["hostProbesAndHostLifecycle"] == [34])
    }

    struct PlanCase: Sendable, CustomTestStringConvertible {
        let level: PSSLevel
        let version: PSSVersion
        let ids: [String]
        var testDescription: String { "\(level):\(version)" }
    }

    @Test("which checks run, in which order", arguments: [
        PlanCase(level: .privileged, version: .latest, ids: []),
        PlanCase(level: .baseline, version: .v1(0), ids: [
            "appArmorProfile", "capabilities_baseline", "hostNamespaces", "hostPathVolumes", "hostPorts", "privileged", "procMount",
            "seLinuxOptions", "seccompProfile_baseline", "sysctls", "windowsHostProcess",
        ]),
        PlanCase(level: .restricted, version: .v1(0), ids: [
            "appArmorProfile", "capabilities_baseline", "hostNamespaces", "hostPorts", "privileged", "procMount", "seLinuxOptions",
            "seccompProfile_baseline", "sysctls", "windowsHostProcess", "restrictedVolumes", "runAsNonRoot",
        ]),
        PlanCase(level: .restricted, version: .v1(22), ids: [
            "appArmorProfile", "hostNamespaces", "hostPorts", "privileged", "procMount", "seLinuxOptions", "sysctls",
            "windowsHostProcess", "allowPrivilegeEscalation", "capabilities_restricted", "restrictedVolumes", "runAsNonRoot",
            "seccompProfile_restricted",
        ]),
        PlanCase(level: .baseline, version: .v1(34), ids: [
            "appArmorProfile", "capabilities_baseline", "hostNamespaces", "hostPathVolumes", "hostPorts",
            "hostProbesAndHostLifecycle", "privileged", "procMount", "seLinuxOptions", "seccompProfile_baseline", "sysctls",
            "windowsHostProcess",
        ]),
        PlanCase(level: .restricted, version: .latest, ids: [
            "appArmorProfile", "hostNamespaces", "hostPorts", "hostProbesAndHostLifecycle", "privileged", "seLinuxOptions",
            "sysctls", "windowsHostProcess", "allowPrivilegeEscalation", "capabilities_restricted", "procMount_restricted",
            "restrictedVolumes", "runAsNonRoot", "runAsUser", "seccompProfile_restricted",
        ]),
    ])
    func plan(_ testCase: PlanCase) {
        #expect(PSSChecks.checks(level: testCase.level, version: testCase.version).map(\.check.id) == testCase.ids)
    }
}
