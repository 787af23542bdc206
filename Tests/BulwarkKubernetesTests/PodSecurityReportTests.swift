import BulwarkCore
import BulwarkKubernetes
import Foundation
import Testing

@Suite struct PodSecurityReportTests {
    /// Passes baseline, fails restricted (no securityContext at all).
    static let plainPod = """
        apiVersion: v1
        kind: Pod
        metadata: {name: web, namespace: team}
        spec:
          containers: [{name: c, image: x}]
        """

    static func namespace(_ name: String, labels: [String: String]) -> String {
        let entries = labels.sorted { $0.key < $1.key }.map { "\($0.key): \"\($0.value)\"" }.joined(separator: ", ")
        return "apiVersion: v1\nkind: Namespace\nmetadata: {name: \(name), labels: {\(entries)}}\n---\n"
    }

    static func results(_ yaml: String, level: PSSLevel? = nil, version: PSSVersion? = nil,
                        configuration: Configuration = Configuration()) -> [PSSObjectResult] {
        PodSecurityReport.evaluate(inventory: PSSFixture.inventory(yaml), level: level, version: version, configuration: configuration)
    }

    struct LabelCase: Sendable, CustomTestStringConvertible {
        let name: String
        let labels: [String: String]
        let level: PSSLevel
        let version: String
        let allowed: Bool
        let errors: Int
        var testDescription: String { name }
    }

    @Test("the namespace's enforce labels choose level and version", arguments: [
        LabelCase(name: "no labels: default privileged", labels: [:], level: .privileged, version: "v1.35", allowed: true, errors: 0),
        LabelCase(name: "enforce baseline", labels: ["pod-security.kubernetes.io/enforce": "baseline"], level: .baseline, version: "v1.35", allowed: true, errors: 0),
        LabelCase(name: "enforce restricted", labels: ["pod-security.kubernetes.io/enforce": "restricted"], level: .restricted, version: "v1.35", allowed: false, errors: 0),
        LabelCase(name: "enforce restricted at v1.7", labels: ["pod-security.kubernetes.io/enforce": "restricted", "pod-security.kubernetes.io/enforce-version": "v1.7"],
                  level: .restricted, version: "v1.7", allowed: false, errors: 0),
        LabelCase(name: "invalid enforce level fails closed", labels: ["pod-security.kubernetes.io/enforce": "strict"], level: .restricted, version: "v1.35", allowed: false, errors: 1),
        LabelCase(name: "invalid version means latest", labels: ["pod-security.kubernetes.io/enforce": "baseline", "pod-security.kubernetes.io/enforce-version": "1.25"],
                  level: .baseline, version: "v1.35", allowed: true, errors: 1),
        LabelCase(name: "audit and warn alone do not enforce", labels: ["pod-security.kubernetes.io/audit": "restricted", "pod-security.kubernetes.io/warn": "restricted"],
                  level: .privileged, version: "v1.35", allowed: true, errors: 0),
    ])
    func namespaceLabels(_ testCase: LabelCase) throws {
        let yaml = Self.namespace("team", labels: testCase.labels) + Self.plainPod
        let result = try #require(Self.results(yaml).first)
        #expect(result.kind == "Pod")
        #expect(result.level == testCase.level)
        #expect(result.version == testCase.version)
        #expect(result.allowed == testCase.allowed)
        #expect(result.mode == "enforce")
        #expect((result.labelErrors ?? []).count == testCase.errors)
    }

    @Test func invalidLabelsAreReportedInTheReferenceWording() throws {
        let yaml = Self.namespace("team", labels: [
            "pod-security.kubernetes.io/enforce": "strict", "pod-security.kubernetes.io/warn": "loud", "pod-security.kubernetes.io/audit-version": "v1",
        ]) + Self.plainPod
        let result = try #require(Self.results(yaml).first)
        #expect(result.labelErrors == [
            #"metadata.labels[pod-security.kubernetes.io/enforce]: Invalid value: "strict": must be one of privileged, baseline, restricted"#,
            #"metadata.labels[pod-security.kubernetes.io/audit-version]: Invalid value: "v1": must be "latest" or "v1.x""#,
            #"metadata.labels[pod-security.kubernetes.io/warn]: Invalid value: "loud": must be one of privileged, baseline, restricted"#,
        ])
        // An invalid warn level fails open (privileged), so there is no warn verdict.
        #expect(result.warn == nil)
    }

    @Test func auditAndWarnVerdictsAreReportedWhenTheyDifferFromEnforce() throws {
        let yaml = Self.namespace("team", labels: [
            "pod-security.kubernetes.io/enforce": "baseline", "pod-security.kubernetes.io/warn": "restricted",
            "pod-security.kubernetes.io/audit": "restricted", "pod-security.kubernetes.io/audit-version": "v1.7",
        ]) + Self.plainPod
        let result = try #require(Self.results(yaml).first)
        #expect(result.allowed)
        let warn = try #require(result.warn)
        #expect(warn.level == .restricted)
        #expect(warn.version == "v1.35")
        #expect(warn.violations.map(\.check) == ["allowPrivilegeEscalation", "capabilities_restricted", "runAsNonRoot", "seccompProfile_restricted"])
        let audit = try #require(result.audit)
        #expect(audit.version == "v1.7")
        #expect(audit.violations.map(\.check) == ["runAsNonRoot"])
    }

    @Test func warnFollowsAStricterEnforceLevel() {
        let policy = PSSNamespacePolicy.resolve(labels: [
            "pod-security.kubernetes.io/enforce": "restricted", "pod-security.kubernetes.io/enforce-version": "v1.30",
        ])
        #expect(policy.enforce == PSSLevelVersion(.restricted, .v1(30)))
        #expect(policy.warn == PSSLevelVersion(.restricted, .v1(30)))
        #expect(policy.audit == .privileged)
        let pinned = PSSNamespacePolicy.resolve(labels: [
            "pod-security.kubernetes.io/enforce": "baseline", "pod-security.kubernetes.io/warn-version": "v1.20",
        ])
        #expect(pinned.warn == PSSLevelVersion(.baseline, .v1(20)))
        let invalidAudit = PSSNamespacePolicy.resolve(labels: ["pod-security.kubernetes.io/audit": "nope"])
        #expect(invalidAudit.audit.level == .privileged)
        #expect(invalidAudit.errors.count == 1)
    }

    /// The reference defaults warn only from a valid enforce label (`hasEnforceLevel = (err ==
    /// nil)`): an invalid one fails closed for enforce and leaves warn alone.
    @Test func warnDoesNotFollowAnInvalidEnforceLevel() {
        let policy = PSSNamespacePolicy.resolve(labels: [
            "pod-security.kubernetes.io/enforce": "strict", "pod-security.kubernetes.io/warn-version": "v1.28",
        ])
        #expect(policy.enforce.level == .restricted)
        #expect(policy.warn == PSSLevelVersion(.privileged, .v1(28)))
        #expect(policy.errors.count == 1)
    }

    @Test func configuredDefaultsApplyToNamespacesWithoutLabels() throws {
        var configuration = Configuration()
        configuration.pss.defaultEnforce = "restricted"
        configuration.pss.defaultEnforceVersion = "v1.22"
        let result = try #require(Self.results(Self.plainPod, configuration: configuration).first)
        #expect(result.level == .restricted)
        #expect(result.version == "v1.22")
        #expect(result.violations.map(\.check) == ["allowPrivilegeEscalation", "capabilities_restricted", "runAsNonRoot", "seccompProfile_restricted"])
    }

    @Test func anExplicitLevelOverridesNamespaceLabels() throws {
        let yaml = Self.namespace("team", labels: ["pod-security.kubernetes.io/enforce": "privileged"]) + Self.plainPod
        let result = try #require(Self.results(yaml, level: .restricted, version: .v1(7)).first)
        #expect(result.level == .restricted)
        #expect(result.version == "v1.7")
        #expect(result.mode == nil)
        #expect(result.violations.map(\.check) == ["runAsNonRoot"])
        #expect(result.violations.first?.detail == #"pod or container "c" must set securityContext.runAsNonRoot=true"#)
    }

    @Test func anExplicitVersionOverridesTheNamespaceVersion() throws {
        let yaml = Self.namespace("team", labels: ["pod-security.kubernetes.io/enforce": "restricted", "pod-security.kubernetes.io/enforce-version": "v1.30"]) + Self.plainPod
        let result = try #require(Self.results(yaml, version: .v1(7)).first)
        #expect(result.level == .restricted)
        #expect(result.version == "v1.7")
    }

    @Test func runtimeClassAndNamespaceExemptions() throws {
        var configuration = Configuration()
        configuration.pss.exemptRuntimeClasses = ["gvisor"]
        configuration.pss.exemptNamespaces = ["kube-system"]
        let yaml = """
            apiVersion: v1
            kind: Pod
            metadata: {name: sandboxed, namespace: team}
            spec:
              runtimeClassName: gvisor
              containers: [{name: c, image: x, securityContext: {privileged: true}}]
            ---
            apiVersion: v1
            kind: Pod
            metadata: {name: kata, namespace: team}
            spec:
              runtimeClassName: kata
              containers: [{name: c, image: x, securityContext: {privileged: true}}]
            ---
            apiVersion: apps/v1
            kind: DaemonSet
            metadata: {name: proxy, namespace: kube-system}
            spec:
              template:
                spec:
                  hostNetwork: true
                  containers: [{name: c, image: x}]
            """
        let results = Self.results(yaml, level: .baseline, configuration: configuration)
        #expect(results.map(\.name) == ["sandboxed", "kata", "proxy"])
        #expect(results.map(\.allowed) == [true, false, true])
        #expect(results.map(\.exempt) == [true, nil, true])
        #expect(results[0].exemptReason == #"runtimeClassName "gvisor" is exempt"#)
        #expect(results[2].exemptReason == #"namespace "kube-system" is exempt"#)
        #expect(results[0].violations.isEmpty)
    }

    @Test func everyPodBearingObjectGetsOneEntryPerPodSpec() throws {
        let yaml = """
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: settings}
            ---
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: api}
            spec:
              template:
                spec:
                  containers: [{name: c, image: x}]
            ---
            apiVersion: batch/v1
            kind: CronJob
            metadata: {name: nightly, namespace: jobs}
            spec:
              schedule: "@daily"
              jobTemplate: {spec: {template: {spec: {containers: [{name: c, image: x}]}}}}
            ---
            apiVersion: ray.io/v1
            kind: RayCluster
            metadata: {name: ray, namespace: ml}
            spec:
              headGroupSpec:
                template: {spec: {containers: [{name: head, image: x}]}}
              workerGroupSpecs:
                - groupName: gpu
                  template: {spec: {containers: [{name: worker, image: x, securityContext: {privileged: true}}]}}
            """
        let results = Self.results(yaml, level: .baseline)
        #expect(results.map(\.kind) == ["Deployment", "CronJob", "RayCluster", "RayCluster"])
        #expect(results.map(\.namespace) == ["default", "jobs", "ml", "ml"])
        #expect(results.map(\.line) == [5, 13, 20, 20])
        #expect(results.map(\.role) == [nil, nil, "head group", "worker group \"gpu\""])
        #expect(results.map(\.allowed) == [true, true, true, false])
        #expect(results.allSatisfy { $0.file == "manifests.yaml" })
    }

    @Test func jsonEntryHasTheContractShape() throws {
        let result = try #require(Self.results(Self.plainPod.replacingOccurrences(of: "namespace: team", with: "namespace: default"),
                                               level: .restricted).first)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let json = String(decoding: try encoder.encode(result), as: UTF8.self)
        #expect(json == #"{"allowed":false,"file":"manifests.yaml","kind":"Pod","level":"restricted","line":1,"name":"web","namespace":"default","version":"v1.35","violations":[{"check":"allowPrivilegeEscalation","detail":"container \"c\" must set securityContext.allowPrivilegeEscalation=false","reason":"allowPrivilegeEscalation != false"},{"check":"capabilities_restricted","detail":"container \"c\" must set securityContext.capabilities.drop=[\"ALL\"]","reason":"unrestricted capabilities"},{"check":"runAsNonRoot","detail":"pod or container \"c\" must set securityContext.runAsNonRoot=true","reason":"runAsNonRoot != true"},{"check":"seccompProfile_restricted","detail":"pod or container \"c\" must set securityContext.seccompProfile.type to \"RuntimeDefault\" or \"Localhost\"","reason":"seccompProfile"}]}"#)
        let decoded = try JSONDecoder().decode(PSSObjectResult.self, from: Data(json.utf8))
        #expect(decoded == result)
    }
}
