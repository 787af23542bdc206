import BulwarkTestSupport
import Foundation
import Testing

/// Whether the `rbac` subcommand is registered in `Bulwark.swift` yet.
let rbacCommandIsRegistered: Bool = (try? CommandRunner.run(["rbac", "--help"]))?.stdout.contains("--subject") ?? false

/// `bulwark rbac` end to end. Enabled once the command is registered in `Bulwark.swift`.
@Suite(.enabled(if: rbacCommandIsRegistered, "bulwark rbac is not registered yet"))
struct RBACCommandTests {
    func json(_ result: CommandResult) throws -> [String: Any] {
        let object = try JSONSerialization.jsonObject(with: result.stdoutData)
        return try #require(object as? [String: Any], "stdout is not a JSON object: \(result.stdout.prefix(400))")
    }

    @Test func subjectJSONHasTheContractShape() async throws {
        let result = await CLI.run(["rbac", "examples/inference-stack/k8s", "--subject", "serviceaccount:ml-inference:model-server",
                                            "--format", "json"])
        #expect(result.status == 1, "stderr: \(result.stderr)")
        let report = try json(result)
        let subject = try #require(report["subject"] as? [String: Any])
        #expect(subject["kind"] as? String == "ServiceAccount")
        #expect(subject["namespace"] as? String == "ml-inference")
        #expect(subject["name"] as? String == "model-server")
        let permissions = try #require(report["permissions"] as? [[String: Any]])
        #expect(permissions.contains {
            $0["namespace"] as? String == "*" && $0["apiGroup"] as? String == "" && $0["resource"] as? String == "secrets"
                && ($0["verbs"] as? [String] ?? []).contains("list")
        })
        for permission in permissions where permission["nonResourceURL"] == nil {
            for key in ["namespace", "apiGroup", "resource", "verbs"] {
                #expect(permission[key] != nil, "permission lacks \(key): \(permission)")
            }
        }
        let findings = try #require(report["findings"] as? [[String: Any]])
        #expect(!findings.isEmpty)
        #expect(findings.allSatisfy { ($0["ruleId"] as? String)?.hasPrefix("rbac/") == true })
        #expect(report["summary"] != nil && report["errors"] != nil && report["schemaVersion"] as? Int == 1)
    }

    @Test func theHardenedModelServerCanOnlyReadItsConfigMap() async throws {
        let result = await CLI.run(["rbac", "examples/inference-stack/hardened/k8s", "--subject", "sa:ml-inference:model-server",
                                            "--format", "json"])
        #expect(result.status == 0, "stdout: \(result.stdout)\nstderr: \(result.stderr)")
        let permissions = try #require(try json(result)["permissions"] as? [[String: Any]])
        #expect(permissions.count == 1)
        #expect(permissions.first?["resource"] as? String == "configmaps")
        #expect(permissions.first?["resourceNames"] as? [String] == ["model-server-config"])
    }

    @Test func theSummaryListsRiskySubjects() async throws {
        let result = await CLI.run(["rbac", "examples/inference-stack/k8s"])
        #expect(result.status == 1)
        #expect(result.stdout.contains("ServiceAccount ml-inference/model-server"))
        #expect(result.stdout.contains("Deployment ml-inference/model-server (inference)"))
        let json = try self.json(await CLI.run(["rbac", "examples/inference-stack/k8s", "--format", "json"]))
        let subjects = try #require(json["subjects"] as? [[String: Any]])
        #expect(subjects.first?["severity"] as? String == "critical")
    }

    @Test func aSubjectTableReadsLikeKubectlAuthCanIList() throws {
        let rbac = """
        apiVersion: rbac.authorization.k8s.io/v1
        kind: RoleBinding
        metadata: {name: viewers, namespace: ml}
        roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: view}
        subjects: [{kind: Group, name: "system:serviceaccounts:ml"}]
        """
        let result = try CommandRunner.run(["rbac", "-", "--subject", "serviceaccount:ml:trainer"], stdin: rbac)
        #expect(result.status == 0, "stderr: \(result.stderr)")
        #expect(result.stdout.contains("RoleBinding ml/viewers → built-in ClusterRole view (via Group system:serviceaccounts:ml)"))
        #expect(result.stdout.contains("NAMESPACE  RESOURCE"))
        #expect(result.stdout.contains("deployments.apps/scale"))
    }

    @Test func aMalformedSubjectIsAUsageError() async throws {
        let result = await CLI.run(["rbac", "examples/inference-stack/k8s", "--subject", "model-server"])
        #expect(result.status == 2)
        #expect(result.stderr.contains("--subject"))
    }

    /// `examples/inference-stack` holds two versions of one cluster; permissions of one identity
    /// across both would mix them, so the command says which directories contradict each other.
    @Test(arguments: [["rbac"], ["netpol"], ["netpol", "--from", "ml-inference/model-server", "--to", "metadata"]])
    func contradictingInputsAreRefused(_ command: [String]) async throws {
        let result = await CLI.run([command[0], "examples/inference-stack"] + command.dropFirst())
        #expect(result.status == 2, "\(result.stdout)")
        let hardened = CLI.repo("examples/inference-stack/hardened/k8s"), insecure = CLI.repo("examples/inference-stack/k8s")
        #expect(result.stderr.contains("the inputs describe 2 different clusters: \(hardened) and \(insecure) both define Deployment ml-inference/model-server"), "\(result.stderr)")
        #expect(result.stdout.isEmpty)
    }
}
