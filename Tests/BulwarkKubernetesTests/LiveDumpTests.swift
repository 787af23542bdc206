import BulwarkCore
import BulwarkKubernetes
import Foundation
import Testing

/// Objects read back from a cluster (`kubectl get all,cm,secret,sa,rolebinding,networkpolicy -A -o
/// yaml`): a controller's objects are judged through it, once; `status` and `managedFields` never
/// produce findings.
@Suite struct LiveDumpTests {
    /// A pod template, indented for `spec.template` (or a Pod's `spec` with `podOnly`).
    static func podSpec(indent: Int, privileged: Bool = true) -> String {
        let pad = String(repeating: " ", count: indent)
        return """
        \(pad)containers:
        \(pad)- name: server
        \(pad)  image: registry.example.com/ml/server:1.0
        \(pad)  securityContext: {privileged: \(privileged)}
        """
    }

    static func managedFields(indent: Int = 4) -> String {
        let pad = String(repeating: " ", count: indent)
        return """
        \(pad)managedFields:
        \(pad)- apiVersion: v1
        \(pad)  fieldsType: FieldsV1
        \(pad)  fieldsV1: {"f:spec": {"f:containers": {"k:{\\"name\\":\\"server\\"}": {"f:securityContext": {"f:privileged": {}}}}}}
        \(pad)  manager: kube-controller-manager
        \(pad)  operation: Update
        """
    }

    /// A Pod owned by `owner` (kind, name, uid), as the API returns it.
    static func pod(_ name: String, uid: String, owner: (String, String, String)?, labels: String = "{app: server}",
                    namespace: String = "ml", apiVersion: String = "apps/v1") -> String {
        let references = owner.map { kind, ownerName, ownerUID in
            """

                ownerReferences:
                - {apiVersion: \(apiVersion), kind: \(kind), name: \(ownerName), uid: \(ownerUID), controller: true, blockOwnerDeletion: true}
            """
        } ?? ""
        return """
        - apiVersion: v1
          kind: Pod
          metadata:
            name: \(name)
            namespace: \(namespace)
            uid: \(uid)
            labels: \(labels)\(references)
        \(managedFields())
          spec:
            serviceAccountName: default
        \(podSpec(indent: 4))
          status:
            phase: Running
            message: "token=ghp_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789"
            containerStatuses:
            - {name: server, ready: true, restartCount: 0, image: "registry.example.com/ml/server:latest"}
        """
    }

    static let dump = """
    apiVersion: v1
    kind: List
    metadata: {resourceVersion: ""}
    items:
    - apiVersion: apps/v1
      kind: Deployment
      metadata:
        name: server
        namespace: ml
        uid: 11111111-0000-0000-0000-000000000001
        generation: 1
    \(managedFields())
      spec:
        replicas: 3
        selector: {matchLabels: {app: server}}
        template:
          metadata: {labels: {app: server}}
          spec:
    \(podSpec(indent: 8))
      status: {replicas: 3, readyReplicas: 3}
    - apiVersion: apps/v1
      kind: ReplicaSet
      metadata:
        name: server-5d8f7
        namespace: ml
        uid: 11111111-0000-0000-0000-000000000002
        ownerReferences:
        - {apiVersion: apps/v1, kind: Deployment, name: server, uid: 11111111-0000-0000-0000-000000000001, controller: true, blockOwnerDeletion: true}
      spec:
        replicas: 3
        selector: {matchLabels: {app: server, pod-template-hash: 5d8f7}}
        template:
          metadata: {labels: {app: server, pod-template-hash: 5d8f7}}
          spec:
    \(podSpec(indent: 8))
      status: {replicas: 3}
    \(pod("server-5d8f7-a", uid: "11111111-0000-0000-0000-00000000000a", owner: ("ReplicaSet", "server-5d8f7", "11111111-0000-0000-0000-000000000002")))
    \(pod("server-5d8f7-b", uid: "11111111-0000-0000-0000-00000000000b", owner: ("ReplicaSet", "server-5d8f7", "11111111-0000-0000-0000-000000000002")))
    \(pod("server-5d8f7-c", uid: "11111111-0000-0000-0000-00000000000c", owner: ("ReplicaSet", "server-5d8f7", "11111111-0000-0000-0000-000000000002")))
    - apiVersion: batch/v1
      kind: CronJob
      metadata: {name: retrain, namespace: ml, uid: 22222222-0000-0000-0000-000000000001}
      spec:
        schedule: "0 3 * * *"
        jobTemplate:
          spec:
            template:
              spec:
                restartPolicy: OnFailure
    \(podSpec(indent: 12))
    - apiVersion: batch/v1
      kind: Job
      metadata:
        name: retrain-29000000
        namespace: ml
        uid: 22222222-0000-0000-0000-000000000002
        ownerReferences:
        - {apiVersion: batch/v1, kind: CronJob, name: retrain, uid: 22222222-0000-0000-0000-000000000001, controller: true}
      spec:
        template:
          spec:
            restartPolicy: OnFailure
    \(podSpec(indent: 8))
    \(pod("retrain-29000000-x", uid: "22222222-0000-0000-0000-00000000000a", owner: ("Job", "retrain-29000000", "22222222-0000-0000-0000-000000000002"), labels: "{job-name: retrain-29000000}", apiVersion: "batch/v1"))
    - apiVersion: apps/v1
      kind: StatefulSet
      metadata: {name: cache, namespace: ml}
      spec:
        serviceName: cache
        selector: {matchLabels: {app: cache}}
        template:
          metadata: {labels: {app: cache}}
          spec:
    \(podSpec(indent: 8))
    \(pod("cache-0", uid: "33333333-0000-0000-0000-00000000000a", owner: ("StatefulSet", "cache", "33333333-0000-0000-0000-000000000001"), labels: "{app: cache}"))
    \(pod("orphan-7c9d-q", uid: "44444444-0000-0000-0000-00000000000a", owner: ("ReplicaSet", "orphan-7c9d", "44444444-0000-0000-0000-000000000002"), labels: "{app: orphan}"))
    - apiVersion: apps/v1
      kind: DaemonSet
      metadata: {name: node-agent, namespace: ml, uid: 77777777-0000-0000-0000-000000000001}
      spec:
        selector: {matchLabels: {app: node-agent}}
        template:
          metadata: {labels: {app: node-agent}}
          spec:
    \(podSpec(indent: 8))
      status: {desiredNumberScheduled: 2, numberReady: 2}
    \(pod("node-agent-x1", uid: "77777777-0000-0000-0000-00000000000a", owner: ("DaemonSet", "node-agent", "77777777-0000-0000-0000-000000000001"), labels: "{app: node-agent}"))
    \(pod("node-agent-x2", uid: "77777777-0000-0000-0000-00000000000b", owner: ("DaemonSet", "node-agent", "77777777-0000-0000-0000-000000000001"), labels: "{app: node-agent}"))
    - apiVersion: v1
      kind: ConfigMap
      metadata: {name: kube-root-ca.crt, namespace: ml, uid: 88888888-0000-0000-0000-000000000001}
      data: {ca.crt: "-----BEGIN CERTIFICATE-----\\nMIIB\\n-----END CERTIFICATE-----\\n"}
    - apiVersion: v1
      kind: ServiceAccount
      metadata: {name: default, namespace: ml, uid: 88888888-0000-0000-0000-000000000002}
    - apiVersion: rbac.authorization.k8s.io/v1
      kind: RoleBinding
      metadata: {name: server-view, namespace: ml, uid: 88888888-0000-0000-0000-000000000003}
      roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: view}
      subjects: [{kind: ServiceAccount, name: default, namespace: ml}]
    - apiVersion: v1
      kind: Service
      metadata: {name: server, namespace: ml, uid: 55555555-0000-0000-0000-000000000001}
      spec:
        type: ClusterIP
        selector: {app: server}
        ports: [{port: 80, targetPort: 8080}]
    - apiVersion: networking.k8s.io/v1
      kind: NetworkPolicy
      metadata: {name: orphan-only, namespace: ml, uid: 66666666-0000-0000-0000-000000000001}
      spec:
        podSelector: {matchLabels: {app: orphan}}
        policyTypes: [Ingress]
    """

    static func scan(_ text: String, rules: [KubernetesRule] = KubernetesRules.all) -> [Finding] {
        let inventory = KubernetesLoader.parse(text: text, file: "dump.yaml")
        #expect(inventory.errors.isEmpty, "\(inventory.errors)")
        return KubernetesScanner(rules: rules).scan(inventory).sorted(by: Finding.reportOrder)
    }

    @Test func ownershipFollowsControllerChains() {
        let objects = KubernetesLoader.parse(text: Self.dump, file: "dump.yaml").objects
        let ownership = Ownership(objects)
        let names = objects.map(\.name)
        func top(_ name: String) -> String? {
            guard let position = names.firstIndex(of: name) else { return "missing" }
            return ownership.judgedThrough[position].map { names[$0] }
        }
        #expect(top("server") == nil)
        #expect(top("server-5d8f7") == "server")
        #expect(top("server-5d8f7-a") == "server")
        #expect(top("retrain-29000000") == "retrain")
        #expect(top("retrain-29000000-x") == "retrain")
        // A StatefulSet without uid is matched by kind, name and namespace.
        #expect(top("cache-0") == "cache")
        // The owner is not in the input: judged itself.
        #expect(top("orphan-7c9d-q") == nil)
        #expect(ownership.sharedSuffix(position: 0, kind: "Deployment") == " (also in 1 ReplicaSet and 3 Pods of this Deployment)")
    }

    @Test func aUIDThatDiffersIsAnotherObject() {
        let text = """
        apiVersion: apps/v1
        kind: ReplicaSet
        metadata: {name: web, namespace: ml, uid: aaaa}
        spec:
          template:
            spec:
        \(Self.podSpec(indent: 6))
        ---
        apiVersion: v1
        kind: Pod
        metadata:
          name: web-1
          namespace: ml
          uid: cccc
          ownerReferences: [{apiVersion: apps/v1, kind: ReplicaSet, name: web, uid: bbbb, controller: true}]
        spec:
        \(Self.podSpec(indent: 2))
        """
        let findings = Self.scan(text, rules: [rule("pss/privileged")])
        #expect(findings.map(\.object?.kind) == ["ReplicaSet", "Pod"])
    }

    @Test func aPrivilegedDeploymentIsOneFindingWithItsSharers() {
        let findings = Self.scan(Self.dump, rules: [rule("pss/privileged")])
        #expect(findings.map { "\($0.object?.kind ?? "") \($0.object?.name ?? "")" }
            == ["Deployment server", "CronJob retrain", "StatefulSet cache", "Pod orphan-7c9d-q", "DaemonSet node-agent"])
        #expect(findings.allSatisfy { $0.severity == .critical })
        #expect(findings[4].message.hasSuffix("(also in 2 Pods of this DaemonSet)"), "\(findings[4].message)")
        #expect(findings[0].message.hasSuffix("(also in 1 ReplicaSet and 3 Pods of this Deployment)"), "\(findings[0].message)")
        #expect(findings[1].message.hasSuffix("(also in 1 Job and 1 Pod of this CronJob)"), "\(findings[1].message)")
        #expect(findings[2].message.hasSuffix("(also in 1 Pod of this StatefulSet)"), "\(findings[2].message)")
        #expect(!findings[3].message.contains("also in"))
    }

    @Test func everyRuleReportsAControllersObjectsOnceThroughIt() {
        let findings = Self.scan(Self.dump)
        let owned: Set<String> = ["server-5d8f7", "server-5d8f7-a", "server-5d8f7-b", "server-5d8f7-c", "retrain-29000000",
                                  "retrain-29000000-x", "cache-0", "node-agent-x1", "node-agent-x2"]
        let onOwned = findings.filter { owned.contains($0.object?.name ?? "") }
        #expect(onOwned.isEmpty, "\(onOwned.map { "\($0.ruleId) \($0.message)" })")
        // No finding is repeated for one object.
        var seen: Set<String> = []
        for finding in findings {
            let key = "\(finding.ruleId) \(finding.object?.displayName ?? "") \(finding.location.line):\(finding.location.column)"
            #expect(seen.insert(key).inserted, "\(key)")
        }
    }

    /// Whole-inventory analyses still see the pods: their labels are the real endpoints.
    @Test func ownedPodsStayEndpoints() {
        let findings = Self.scan(Self.dump)
        // The Service selects the Deployment's pods, and the policy the orphan pod.
        #expect(!findings.contains { $0.ruleId == "netpol/policy-selects-nothing" })
        #expect(!findings.contains { $0.message.contains("selects no pod") && $0.object?.kind == "Service" })
    }

    /// `status` and `managedFields` are what the cluster reports, not what was asked: the findings
    /// of an object do not change when they are added (here a token in a status message and
    /// managed-field keys naming `privileged`).
    @Test func statusAndManagedFieldsNeverProduceFindings() {
        let bare = """
        apiVersion: v1
        kind: Pod
        metadata: {name: lone, namespace: ml}
        spec:
        \(Self.podSpec(indent: 2, privileged: false))
        """
        let live = """
        apiVersion: v1
        kind: Pod
        metadata:
          name: lone
          namespace: ml
        \(Self.managedFields(indent: 2))
        spec:
        \(Self.podSpec(indent: 2, privileged: false))
        status:
          phase: Running
          message: "password=hunter2-and-token ghp_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789"
          containerStatuses:
          - {name: server, image: "registry.example.com/ml/server:latest", securityContext: {privileged: true}}
        """
        func summary(_ text: String) -> [String] { Self.scan(text).map { "\($0.ruleId) \($0.severity) \($0.message)" } }
        #expect(summary(live) == summary(bare))
    }

    /// A whole-inventory rule that names a Pod of a Deployment (the first workload of a namespace
    /// in a dump, which lists Pods first) reports on the Deployment instead, once.
    @Test func namespaceFindingsNamingAnOwnedPodMoveToItsOwner() {
        let text = """
        apiVersion: v1
        kind: List
        items:
        \(Self.pod("web-6f-1", uid: "p1", owner: ("ReplicaSet", "web-6f", "r1"), namespace: "shop"))
        \(Self.pod("web-6f-2", uid: "p2", owner: ("ReplicaSet", "web-6f", "r1"), namespace: "shop"))
        - apiVersion: apps/v1
          kind: Deployment
          metadata: {name: web, namespace: shop, uid: d1}
          spec:
            template:
              spec:
        \(Self.podSpec(indent: 8))
        - apiVersion: apps/v1
          kind: ReplicaSet
          metadata:
            name: web-6f
            namespace: shop
            uid: r1
            ownerReferences: [{apiVersion: apps/v1, kind: Deployment, name: web, uid: d1, controller: true}]
          spec:
            template:
              spec:
        \(Self.podSpec(indent: 8))
        """
        let findings = Self.scan(text, rules: [rule("netpol/missing-default-deny-ingress")])
        #expect(findings.map { "\($0.object?.kind ?? "") \($0.object?.name ?? "")" } == ["Deployment web"])
        #expect(findings.first?.message.hasSuffix("(also in 1 ReplicaSet and 2 Pods of this Deployment)") == true)
        // The workloads it lists are the judged ones.
        #expect(findings.first?.message.contains("namespace shop runs 1 workload (Deployment shop/web)") == true, "\(findings.first?.message ?? "")")
    }

    /// A whole-inventory rule that reports on Pods: a Pod judged through its controller moves the
    /// finding to the controller, once; a Pod whose owner is absent keeps it.
    @Test func inventoryViolationsOnOwnedObjectsMoveToTheController() {
        let podRule = KubernetesRule(
            RuleDescriptor(id: "k8s/test-every-pod", severity: .low, title: "t", summary: "s.", remediation: "r.", controls: [],
                           failing: [], passing: []),
            check: .inventory { index in
                index.objects(ofKind: "Pod").map { Violation("\($0.displayName) is a pod", at: $0.root, object: $0) }
            })
        let findings = Self.scan(Self.dump, rules: [podRule])
        #expect(findings.map { "\($0.object?.kind ?? "") \($0.object?.name ?? "")" }
            == ["Deployment server", "CronJob retrain", "StatefulSet cache", "Pod orphan-7c9d-q", "DaemonSet node-agent"])
        #expect(findings.first?.message == "Pod ml/server-5d8f7-a is a pod (also in 1 ReplicaSet and 3 Pods of this Deployment)")
    }

    /// No rule, and nothing the rules read through, names `status` or `managedFields`.
    @Test func noRuleReadsStatusOrManagedFields() throws {
        let sources = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Sources/BulwarkKubernetes")
        let files = try #require(FileManager.default.enumerator(at: sources, includingPropertiesForKeys: nil)?.allObjects as? [URL])
        let swiftFiles = files.filter { $0.pathExtension == "swift" && !$0.path.contains("/Fix/") }
        #expect(swiftFiles.count > 50)
        for file in swiftFiles {
            let text = try String(contentsOf: file, encoding: .utf8)
            #expect(!text.contains("\"status\"") && !text.contains("\"managedFields\""), "\(file.lastPathComponent) reads status or managedFields")
        }
    }
}
