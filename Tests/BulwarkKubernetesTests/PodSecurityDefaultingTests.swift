import BulwarkCore
import BulwarkKubernetes
import Testing

/// The reference policy runs on the object the API server hands to admission: decoded with the
/// v1 defaulting functions and, for a Pod, prepared by the Pod strategy. These cases are pods whose
/// verdict or wording changes because of that (issue 8: a volume without a source is an emptyDir,
/// not an "unknown" type), and absent fields that stay absent. Expected strings are what
/// kubernetes/pod-security-admission writes for the defaulted pod.
@Suite struct PodSecurityDefaultingTests {
    struct Case: Sendable, CustomTestStringConvertible {
        let name: String
        let yaml: String
        let level: PSSLevel
        let version: PSSVersion
        /// The aggregated `reason (detail), …` of the decision; "" when allowed.
        let message: String

        init(_ name: String, _ yaml: String, _ message: String) {
            self.init(name, yaml, .restricted, .latest, message)
        }

        init(_ name: String, _ yaml: String, _ level: PSSLevel, _ version: PSSVersion, _ message: String) {
            self.name = name
            self.yaml = yaml
            self.level = level
            self.version = version
            self.message = message
        }

        var testDescription: String { name }
    }

    /// A Pod that passes restricted, with extra pod-spec lines and container lines.
    static func pod(kind: String = "Pod", podSC: [String] = [], spec: [String] = [], container: [String] = [], annotations: [String] = []) -> String {
        let containerLines = (["- name: c", "  image: registry.example.com/c:1.0",
                               "  securityContext: {allowPrivilegeEscalation: false, capabilities: {drop: [ALL]}}"]
            + container.map { "  " + $0 }).map { "    " + $0 }
        let context = (podSC + ["runAsNonRoot: true", "seccompProfile: {type: RuntimeDefault}"]).joined(separator: ", ")
        let podSpec = ["securityContext: {\(context)}"] + spec + ["containers:"] + containerLines
        let metadata = "{name: p, namespace: ml, annotations: {\(annotations.joined(separator: ", "))}}"
        if kind == "Pod" {
            return "apiVersion: v1\nkind: Pod\nmetadata: \(metadata)\nspec:\n" + podSpec.map { "  " + $0 }.joined(separator: "\n") + "\n"
        }
        return """
            apiVersion: apps/v1
            kind: \(kind)
            metadata: {name: p, namespace: ml}
            spec:
              selector: {matchLabels: {app: p}}
              template:
                metadata: {labels: {app: p}, annotations: {\(annotations.joined(separator: ", "))}}
                spec:

            """ + podSpec.map { "      " + $0 }.joined(separator: "\n") + "\n"
    }

    // MARK: SetDefaults_Volume — a volume without a source is an emptyDir

    static let volumes: [Case] = [
        Case("volume without a source in a Pod", pod(spec: ["volumes: [{name: v}]"]), ""),
        Case("volume without a source in a Deployment", pod(kind: "Deployment", spec: ["volumes: [{name: v}]"]), ""),
        Case("volume without a source at baseline", pod(spec: ["volumes: [{name: v}]"]), .baseline, .latest, ""),
        Case("volume without a source at v1.0", pod(spec: ["volumes: [{name: v}]"]), .restricted, .v1(0), ""),
        Case("volume whose only source is null", pod(spec: ["volumes: [{name: v, emptyDir: null}]"]), ""),
        Case("hostPath: null is no hostPath", pod(spec: ["volumes: [{name: v, hostPath: null}]"]), ""),
        Case("hostPath: null is no hostPath at baseline", pod(spec: ["volumes: [{name: v, hostPath: null}]"]), .baseline, .latest, ""),
        // `hostpath` is not a VolumeSource field: the API server drops it (or rejects the request
        // with fieldValidation=Strict); what is left has no source and becomes an emptyDir.
        Case("misspelt source is an unknown field", pod(spec: ["volumes: [{name: v, hostpath: {path: /}}]"]), ""),
        Case("forbidden source after defaulting", pod(spec: ["volumes: [{name: v}, {name: data, nfs: {server: nfs, path: /}}]"]),
             #"restricted volume types (volume "data" uses restricted volume type "nfs")"#),
        // Two sources fail API validation; the reference would still take an allowed one first.
        Case("allowed source next to a forbidden one", pod(spec: ["volumes: [{name: v, emptyDir: {}, hostPath: {path: /}}]"]), ""),
        Case("reference order: photonPersistentDisk before portworxVolume",
             pod(spec: ["volumes: [{name: v, portworxVolume: {volumeID: a}, photonPersistentDisk: {pdID: b}}]"]),
             #"restricted volume types (volume "v" uses restricted volume type "photonPersistentDisk")"#),
        // Not a volume object at all: the API server cannot decode it; Bulwark fails closed.
        Case("volume entry that is not a mapping", pod(spec: ["volumes: [v]"]),
             #"restricted volume types (volume "" uses restricted volume type "unknown")"#),
    ]

    // MARK: SetDefaults_Pod — hostNetwork makes each containerPort a hostPort (Pods only)

    static let hostPorts: [Case] = [
        Case("hostNetwork Pod with a containerPort", pod(spec: ["hostNetwork: true"], container: ["ports: [{containerPort: 8080}]"]),
             .baseline, .latest, #"host namespaces (hostNetwork=true), hostPort (container "c" uses hostPort 8080)"#),
        Case("hostNetwork Pod with hostPort: 0", pod(spec: ["hostNetwork: true"], container: ["ports: [{containerPort: 8080, hostPort: 0}]"]),
             .baseline, .latest, #"host namespaces (hostNetwork=true), hostPort (container "c" uses hostPort 8080)"#),
        Case("hostNetwork Pod with hostPort set", pod(spec: ["hostNetwork: true"], container: ["ports: [{containerPort: 8080, hostPort: 8080}]"]),
             .baseline, .latest, #"host namespaces (hostNetwork=true), hostPort (container "c" uses hostPort 8080)"#),
        Case("hostNetwork Pod: ports of init containers too", pod(spec: [
            "hostNetwork: true",
            "initContainers: [{name: i, image: x, securityContext: {allowPrivilegeEscalation: false, capabilities: {drop: [ALL]}}, ports: [{containerPort: 9090}]}]",
        ], container: ["ports: [{containerPort: 8080}, {containerPort: 10000}]"]),
             .baseline, .latest, #"host namespaces (hostNetwork=true), hostPort (containers "i", "c" use hostPorts 10000, 8080, 9090)"#),
        Case("hostNetwork Pod at restricted", pod(spec: ["hostNetwork: true"], container: ["ports: [{containerPort: 8080}]"]),
             .restricted, .latest, #"host namespaces (hostNetwork=true), hostPort (container "c" uses hostPort 8080)"#),
        Case("hostNetwork Pod without ports", pod(spec: ["hostNetwork: true"]), .baseline, .latest, "host namespaces (hostNetwork=true)"),
        Case("hostNetwork Deployment: the template keeps hostPort unset",
             pod(kind: "Deployment", spec: ["hostNetwork: true"], container: ["ports: [{containerPort: 8080}]"]),
             .baseline, .latest, "host namespaces (hostNetwork=true)"),
        Case("hostNetwork: false", pod(spec: ["hostNetwork: false"], container: ["ports: [{containerPort: 8080}]"]), .baseline, .latest, ""),
    ]

    // MARK: Pod strategy — AppArmor annotations are copied into the container field (Pods only)

    static let unconfined = #""container.apparmor.security.beta.kubernetes.io/c": unconfined"#
    static let appArmor: [Case] = [
        Case("Pod with an unconfined annotation", pod(annotations: [unconfined]), .baseline, .latest,
             #"forbidden AppArmor profiles (container "c" and annotation must not set AppArmor profile type to "Unconfined", "container.apparmor.security.beta.kubernetes.io/c="unconfined"")"#),
        Case("Deployment with an unconfined annotation", pod(kind: "Deployment", annotations: [unconfined]), .baseline, .latest,
             #"forbidden AppArmor profile (annotation must not set AppArmor profile type to "container.apparmor.security.beta.kubernetes.io/c="unconfined"")"#),
        Case("Pod whose own profile equals the annotation's", pod(podSC: ["appArmorProfile: {type: Unconfined}"], annotations: [unconfined]),
             .baseline, .latest,
             #"forbidden AppArmor profiles (pod and annotation must not set AppArmor profile type to "Unconfined", "container.apparmor.security.beta.kubernetes.io/c="unconfined"")"#),
        Case("Windows Pod: nothing is copied", pod(spec: ["os: {name: windows}"], annotations: [unconfined]), .baseline, .latest,
             #"forbidden AppArmor profile (annotation must not set AppArmor profile type to "container.apparmor.security.beta.kubernetes.io/c="unconfined"")"#),
        Case("Pod with a runtime/default annotation",
             pod(annotations: [#""container.apparmor.security.beta.kubernetes.io/c": runtime/default"#]), .baseline, .latest, ""),
        Case("Pod with a localhost annotation",
             pod(annotations: [#""container.apparmor.security.beta.kubernetes.io/c": localhost/model"#]), .baseline, .latest, ""),
        // Nothing to copy into (API validation rejects such a Pod before admission anyway).
        Case("annotation for a container the Pod does not have",
             pod(annotations: [#""container.apparmor.security.beta.kubernetes.io/other": unconfined"#]), .baseline, .latest,
             #"forbidden AppArmor profile (annotation must not set AppArmor profile type to "container.apparmor.security.beta.kubernetes.io/other="unconfined"")"#),
    ]

    // MARK: No defaulting — absent stays absent

    static let absent: [Case] = [
        Case("allowPrivilegeEscalation unset", PSSFixture.restrictedPod(removingContainerSC: ["allowPrivilegeEscalation"]),
             #"allowPrivilegeEscalation != false (container "c" must set securityContext.allowPrivilegeEscalation=false)"#),
        Case("capabilities unset", PSSFixture.restrictedPod(removingContainerSC: ["capabilities"]),
             #"unrestricted capabilities (container "c" must set securityContext.capabilities.drop=["ALL"])"#),
        Case("seccompProfile unset (the kubelet's SeccompDefault does not count)", PSSFixture.restrictedPod(removingPodSC: ["seccompProfile"]),
             #"seccompProfile (pod or container "c" must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost")"#),
        Case("runAsNonRoot unset", PSSFixture.restrictedPod(removingPodSC: ["runAsNonRoot"]),
             #"runAsNonRoot != true (pod or container "c" must set securityContext.runAsNonRoot=true)"#),
        Case("runAsUser unset", PSSFixture.restrictedPod(), ""),
        Case("procMount unset", PSSFixture.restrictedPod(), .baseline, .latest, ""),
        Case("hostUsers unset: no user-namespace relaxation", PSSFixture.restrictedPod(containerSC: ["procMount: Unmasked"]), .baseline, .latest,
             #"procMount (container "c" must not set securityContext.procMount to "Unmasked")"#),
        Case("os unset: not a Windows pod", PSSFixture.restrictedPod(removingContainerSC: ["capabilities"]), .restricted, .v1(25),
             #"unrestricted capabilities (container "c" must set securityContext.capabilities.drop=["ALL"])"#),
        Case("httpGet without host (path and scheme are defaulted, host is not)",
             PSSFixture.restrictedPod(container: ["readinessProbe: {httpGet: {port: 8080}}"]), .baseline, .latest, ""),
    ]

    @Test("volumes are defaulted before the reference runs", arguments: volumes)
    func volumeDefaulting(_ testCase: Case) throws { try check(testCase) }

    @Test("hostNetwork Pods get hostPorts before the reference runs", arguments: hostPorts)
    func hostPortDefaulting(_ testCase: Case) throws { try check(testCase) }

    @Test("AppArmor annotations of Pods become fields before the reference runs", arguments: appArmor)
    func appArmorVersionSkew(_ testCase: Case) throws { try check(testCase) }

    @Test("fields without a default stay absent", arguments: absent)
    func noDefault(_ testCase: Case) throws { try check(testCase) }

    func check(_ testCase: Case) throws {
        let pod = try #require(PSSFixture.pods(testCase.yaml).first)
        let decision = PodSecurityEvaluator.evaluate(pod: pod, level: testCase.level, version: testCase.version)
        #expect(decision.message == testCase.message)
        #expect(decision.allowed == testCase.message.isEmpty)
    }

    @Test func defaultedHostPortIsReportedAtTheContainerPort() throws {
        let yaml = Self.pod(spec: ["hostNetwork: true"], container: ["ports:", "  - containerPort: 8080"])
        let pod = try #require(PSSFixture.pods(yaml).first)
        let evidence = PSSChecks.hostPorts.evaluate(pod).evidence
        #expect(evidence.count == 1)
        #expect(evidence.first?.node?.string == "8080")
        #expect(evidence.first?.field == "spec.containers[0].ports[0].hostPort")
        #expect(evidence.first?.message == #"container "c" of Pod ml/p uses hostPort 8080: with hostNetwork: true the API server sets an unset hostPort to the containerPort"#)
    }

    @Test func sourcelessVolumeIsNoFinding() throws {
        let yaml = Self.pod(spec: ["volumes:", "  - name: v"])
        let findings = KubernetesScanner(rules: PodSecurityRules.all).scan(PSSFixture.inventory(yaml))
        #expect(findings.filter { $0.ruleId == "pss/restricted-volumes" }.isEmpty)
    }
}
