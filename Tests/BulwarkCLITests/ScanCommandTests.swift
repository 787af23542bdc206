import BulwarkTestSupport
import Foundation
import Testing

@Suite struct ScanCommandTests {
    func json(_ result: CommandResult) throws -> [String: Any] {
        let object = try JSONSerialization.jsonObject(with: result.stdoutData)
        return try #require(object as? [String: Any], "stdout is not a JSON object: \(result.stdout.prefix(400))")
    }

    @Test func readmeMainCommandFindsProblemsInTheExample() async throws {
        let result = await CLI.run(["scan", "examples/inference-stack"])
        #expect(result.status == 1, "stderr: \(result.stderr)")
        #expect(result.stdout.contains("examples/inference-stack/k8s/deployment.yaml"))
    }

    @Test func hardenedExampleScansClean() async throws {
        let result = await CLI.run(["scan", "examples/inference-stack/hardened/k8s"])
        #expect(result.status == 0, "stdout: \(result.stdout)\nstderr: \(result.stderr)")
    }

    @Test func jsonReportHasTheContractShape() async throws {
        let result = await CLI.run(["scan", "examples/inference-stack/k8s", "--format", "json"])
        #expect(result.status == 1)
        let report = try json(result)
        #expect(report["schemaVersion"] as? Int == 1)
        #expect((report["tool"] as? [String: Any])?["name"] as? String == "bulwark")
        let findings = try #require(report["findings"] as? [[String: Any]])
        #expect(!findings.isEmpty)
        for finding in findings {
            for key in ["ruleId", "severity", "title", "message", "remediation", "location", "controls", "suppressed"] {
                #expect(finding[key] != nil, "finding lacks \(key): \(finding)")
            }
            let location = try #require(finding["location"] as? [String: Any])
            #expect((location["line"] as? Int ?? 0) >= 1)
        }
        let summary = try #require(report["summary"] as? [String: Any])
        #expect(summary["files"] as? Int == 5)
        #expect(summary["objects"] as? Int == 6)
    }

    @Test func readsStandardInput() throws {
        let pod = "apiVersion: v1\nkind: Pod\nmetadata: {name: p, namespace: ml}\nspec:\n  containers:\n    - name: c\n      image: nginx\n      securityContext: {privileged: true}\n"
        let result = try CommandRunner.run(["scan", "-", "--format", "json"], stdin: pod)
        #expect(result.status == 1)
        let findings = try #require(try json(result)["findings"] as? [[String: Any]])
        #expect(findings.contains { ($0["location"] as? [String: Any])?["file"] as? String == "-" })
    }

    @Test func unreadableInputExitsTwoButStillReports() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("bulwark-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        try "apiVersion: v1\nkind: Pod\nmetadata: {name: [oops\n".write(to: directory.appendingPathComponent("broken.yaml"), atomically: true, encoding: .utf8)
        try "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers: [{name: c, image: nginx, securityContext: {privileged: true}}]\n"
            .write(to: directory.appendingPathComponent("pod.yaml"), atomically: true, encoding: .utf8)
        let result = await CLI.run(["scan", directory.path, "--format", "json"])
        #expect(result.status == 2)
        let report = try json(result)
        let errors = try #require(report["errors"] as? [[String: Any]])
        #expect(errors.count == 1)
        #expect((errors.first?["file"] as? String)?.hasSuffix("broken.yaml") == true)
        #expect(errors.first?["line"] as? Int == 4)
        #expect(!((report["findings"] as? [Any]) ?? []).isEmpty)
    }

    @Test func failOnNoneExitsZero() async throws {
        let result = await CLI.run(["scan", "examples/inference-stack/k8s", "--fail-on", "none"])
        #expect(result.status == 0)
    }

    @Test func usageErrorsExitTwo() async throws {
        #expect(await CLI.run(["scan"]).status == 2)
        #expect(await CLI.run(["scan", "examples", "--fail-on", "severe"]).status == 2)
        #expect(await CLI.run(["scan", "examples", "--format", "pdf"]).status == 2)
    }

    @Test func versionIsPrinted() async throws {
        let result = await CLI.run(["--version"])
        #expect(result.status == 0)
        #expect(result.stdout.hasPrefix("0.1.0 (commit "), "\(result.stdout)")
    }
}

@Suite struct ScanDockerfileTests {
    @Test func mainCommandReportsDockerfileFindingsWithLines() async throws {
        let result = await CLI.run(["scan", "examples/inference-stack", "--format", "json"])
        #expect(result.status == 1)
        let report = try #require(try JSONSerialization.jsonObject(with: result.stdoutData) as? [String: Any])
        let findings = try #require(report["findings"] as? [[String: Any]])
        let dockerfile = findings.filter { ($0["location"] as? [String: Any])?["file"] as? String == CLI.repo("examples/inference-stack/Dockerfile") }
        let ids = Set(dockerfile.compactMap { $0["ruleId"] as? String })
        #expect(ids.isSuperset(of: ["dockerfile/root-user", "dockerfile/base-image-eol", "dockerfile/no-healthcheck"]), "\(ids)")
        #expect(dockerfile.allSatisfy { (($0["location"] as? [String: Any])?["line"] as? Int ?? 0) >= 1 })
    }

    @Test func catalogueListsBothDomains() async throws {
        let result = await CLI.run(["rules", "--format", "json"])
        let rules = try #require(try JSONSerialization.jsonObject(with: result.stdoutData) as? [[String: Any]])
        let ids = rules.compactMap { $0["id"] as? String }
        #expect(ids.filter { $0.hasPrefix("dockerfile/") }.count >= 35)
        #expect(ids.filter { !$0.hasPrefix("dockerfile/") }.count >= 60)
        #expect(rules.allSatisfy { !(($0["controls"] as? [Any]) ?? []).isEmpty && !(($0["remediation"] as? String) ?? "").isEmpty })
    }
}

@Suite struct FixDockerfileCommandTests {
    @Test func rewriteOfTheExampleIsTheCommittedHardenedFile() async throws {
        let result = await CLI.run(["fix", "dockerfile", "examples/inference-stack/Dockerfile"])
        #expect(result.status == 0, "\(result.stderr)")
        let committed = try String(contentsOf: CommandRunner.packageRoot.appendingPathComponent("examples/inference-stack/hardened/Dockerfile"), encoding: .utf8)
        #expect(result.stdout == committed)
    }

    @Test func hardenedExampleHasNothingAtOrAboveMedium() async throws {
        let result = await CLI.run(["scan", "examples/inference-stack/hardened", "--fail-on", "medium"])
        #expect(result.status == 0, "\(result.stdout)")
    }
}
