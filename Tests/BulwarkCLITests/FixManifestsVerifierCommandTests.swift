import BulwarkTestSupport
import Foundation
import Testing

/// `bulwark fix manifests --rbac … --tmpfs --scratch-size …`: the verifier as users run it.
@Suite struct FixManifestsVerifierCommandTests {
    static let deployment = """
    apiVersion: apps/v1
    kind: Deployment
    metadata: {name: model-operator, namespace: ops}
    spec:
      template:
        spec:
          serviceAccountName: model-operator
          containers:
            - name: manager
              image: registry.example.com/model-operator:1.2.0
              resources: {limits: {cpu: "1", memory: 1Gi, ephemeral-storage: 1Gi}}

    """

    static let binding = """
    apiVersion: rbac.authorization.k8s.io/v1
    kind: RoleBinding
    metadata: {name: model-operator, namespace: ops}
    roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: edit}
    subjects:
      - {kind: ServiceAccount, name: model-operator}

    """

    /// A temporary directory with the files, removed by the caller.
    static func directory(_ files: [String: String]) throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("bulwark-verifier-\(UUID().uuidString)")
        for (name, text) in files {
            let url = directory.appendingPathComponent(name)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(text.utf8).write(to: url)
        }
        return directory
    }

    @Test func rbacDirectoryKeepsTheTokenAndIsNotRewritten() async throws {
        let directory = try Self.directory(["app/deploy.yaml": Self.deployment, "cluster/rbac.yaml": Self.binding])
        defer { try? FileManager.default.removeItem(at: directory) }
        let app = directory.appendingPathComponent("app/deploy.yaml").path
        let rbac = directory.appendingPathComponent("cluster").path

        let without = await CLI.run(["fix", "manifests", app])
        #expect(without.status == 0, "\(without.stderr)")
        #expect(without.stdout.contains("automountServiceAccountToken: false"))

        let with = await CLI.run(["fix", "manifests", app, "--rbac", rbac])
        #expect(with.status == 0, "\(with.stderr)")
        #expect(!with.stdout.contains("automountServiceAccountToken"))
        #expect(!with.stdout.contains("--- # file:"), "the --rbac file is not printed")
        #expect(with.stderr.contains("keeps its API token (automountServiceAccountToken left unset): ServiceAccount ops/model-operator is bound by RoleBinding ops/model-operator → ClusterRole edit"))
        #expect(with.stderr.contains("--rbac)"))

        let written = await CLI.run(["fix", "manifests", app, "--rbac", rbac, "--write"])
        #expect(written.status == 0, "\(written.stderr)")
        #expect(try String(contentsOfFile: rbac + "/rbac.yaml", encoding: .utf8) == Self.binding)
    }

    @Test func projectedTokenForABoundWorkload() async throws {
        let directory = try Self.directory(["app/deploy.yaml": Self.deployment, "cluster/rbac.yaml": Self.binding])
        defer { try? FileManager.default.removeItem(at: directory) }
        let app = directory.appendingPathComponent("app/deploy.yaml").path
        let rbac = directory.appendingPathComponent("cluster/rbac.yaml").path
        let result = await CLI.run(["fix", "manifests", app, "--rbac", rbac, "--projected-token", "--token-expiration", "1800"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("automountServiceAccountToken: false"))
        #expect(result.stdout.contains("expirationSeconds: 1800"))
        #expect(result.stdout.contains("mountPath: /var/run/secrets/kubernetes.io/serviceaccount"))
        #expect(result.stderr.contains("keeps API access through a projected token that expires after 1800 s"))
    }

    @Test func tmpfsAndScratchSize() async throws {
        let directory = try Self.directory(["deploy.yaml": Self.deployment])
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("deploy.yaml").path
        let disk = await CLI.run(["fix", "manifests", file, "--scratch-size", "128Mi"])
        #expect(disk.status == 0, "\(disk.stderr)")
        #expect(disk.stdout.contains("emptyDir:\n            sizeLimit: 128Mi\n"), "\(disk.stdout)")
        let memory = await CLI.run(["fix", "manifests", file, "--tmpfs"])
        #expect(memory.status == 0, "\(memory.stderr)")
        #expect(memory.stdout.contains("emptyDir:\n            medium: Memory\n            sizeLimit: 256Mi\n"), "\(memory.stdout)")
    }

    @Test func nodeAgentWarningProposesTheNamespaceExemption() async throws {
        let agent = """
        apiVersion: apps/v1
        kind: DaemonSet
        metadata: {name: node-exporter, namespace: monitoring}
        spec:
          template:
            spec:
              hostPID: true
              containers: [{name: node-exporter, image: quay.io/prometheus/node-exporter:v1.8.2}]

        """
        let directory = try Self.directory(["ds.yaml": agent])
        defer { try? FileManager.default.removeItem(at: directory) }
        let result = await CLI.run(["fix", "manifests", directory.appendingPathComponent("ds.yaml").path])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("hostPID: true"))
        #expect(result.stderr.contains("DaemonSet monitoring/node-exporter needs access to its node (hostPID: true)"))
        #expect(result.stderr.contains("label namespace monitoring pod-security.kubernetes.io/enforce=privileged"))
    }

    @Test(arguments: [
        ["fix", "manifests", "examples", "--scratch-size", "lots"],
        ["fix", "manifests", "examples", "--scratch-size", "0"],
        ["fix", "manifests", "examples", "--rbac", "-"],
        ["fix", "manifests", "examples", "--rbac", "/nonexistent/rbac"],
        ["fix", "manifests", "examples", "--token-expiration", "7200"],
        ["fix", "manifests", "examples", "--projected-token", "--token-expiration", "599"],
    ])
    func badVerifierFlagsExitWithTwo(_ arguments: [String]) async throws {
        #expect(await CLI.run(arguments).status == 2)
    }
}
