import BulwarkTestSupport
import Foundation
import Testing
import Yams
@testable import bulwark

/// `bulwark model init-container` prints a manifest that Bulwark's own rules and the Pod Security
/// Standards accept: rendered, read back as YAML, scanned and judged in-process, so a future rule
/// that flags the pattern fails here.
@Suite struct ModelInitContainerCommandTests {
    static let bulwarkImage = "registry.example.com/security/bulwark:0.1.0@sha256:" + String(repeating: "a1", count: 32)
    static let serverImage = "registry.example.com/ml/model-server:2.3.0@sha256:" + String(repeating: "b2", count: 32)

    static let variants: [[String]] = [
        [],
        ["--key-secret", "model-signing-key", "--size-limit", "40Gi", "--name", "llama", "--namespace", "llm"],
        ["--encrypted-image", "registry.example.com/models/llama-encrypted:3@sha256:" + String(repeating: "c3", count: 32), "--size-limit", "1536Mi"],
        ["--encrypted-claim", "weights.v2", "--size-limit", "1Ti"],
    ]

    static func render(_ extra: [String]) async throws -> (text: String, file: URL) {
        let result = await CLI.run(["model", "init-container", "--image", bulwarkImage, "--secret", "model-kek",
                                    "--model-image", serverImage] + extra)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.isEmpty, "\(result.stderr)")
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("bulwark-init-container-\(UUID().uuidString).yaml")
        try result.stdoutData.write(to: file)
        return (result.stdout, file)
    }

    @Test(arguments: variants) func manifestIsValidYAMLWithTheVerifyAndDecryptPattern(_ extra: [String]) async throws {
        let (text, file) = try await Self.render(extra)
        defer { try? FileManager.default.removeItem(at: file) }
        let documents = try Array(Yams.load_all(yaml: text)).compactMap { $0 as? [String: Any] }
        #expect(documents.map { $0["kind"] as? String } == ["Deployment", "NetworkPolicy", "NetworkPolicy"])
        let deployment = try #require(documents.first)
        let pod = try #require(((deployment["spec"] as? [String: Any])?["template"] as? [String: Any])?["spec"] as? [String: Any])
        let initContainer = try #require((pod["initContainers"] as? [[String: Any]])?.first)
        let server = try #require((pod["containers"] as? [[String: Any]])?.first)
        #expect(initContainer["image"] as? String == Self.bulwarkImage)
        #expect(server["image"] as? String == Self.serverImage)

        // One script: verify first, then decrypt, stopping at the first failure.
        #expect(initContainer["command"] as? [String] == ["/bin/sh", "-ec"])
        let script = try #require((initContainer["args"] as? [String])?.first)
        #expect(script == ModelInitContainerCommands.verify.joined(separator: " ") + "\n" + ModelInitContainerCommands.decrypt.joined(separator: " ") + "\n")

        for container in [initContainer, server] {
            let security = try #require(container["securityContext"] as? [String: Any])
            #expect(security["runAsNonRoot"] as? Bool == true)
            #expect(security["readOnlyRootFilesystem"] as? Bool == true)
            #expect(security["allowPrivilegeEscalation"] as? Bool == false)
            #expect((security["capabilities"] as? [String: Any])?["drop"] as? [String] == ["ALL"])
            #expect((security["seccompProfile"] as? [String: Any])?["type"] as? String == "RuntimeDefault")
            #expect((container["resources"] as? [String: Any])?["limits"] != nil)
        }

        // The decrypted model: memory-backed, bounded, read-only for the server; the keys only in the init container.
        let volumes = try #require(pod["volumes"] as? [[String: Any]])
        let model = try #require(volumes.first { $0["name"] as? String == "model" }?["emptyDir"] as? [String: Any])
        #expect(model["medium"] as? String == "Memory")
        let size = extra.firstIndex(of: "--size-limit").map { extra[$0 + 1] } ?? "16Gi"
        #expect(model["sizeLimit"] as? String == size)
        let serverMounts = try #require(server["volumeMounts"] as? [[String: Any]])
        #expect(serverMounts.first { $0["name"] as? String == "model" }?["readOnly"] as? Bool == true)
        #expect(!serverMounts.contains { $0["name"] as? String == "model-keys" || $0["name"] as? String == "encrypted-model" })
        let initMounts = try #require(initContainer["volumeMounts"] as? [[String: Any]])
        for name in ["model-keys", "encrypted-model"] {
            #expect(initMounts.first { $0["name"] as? String == name }?["readOnly"] as? Bool == true)
        }
        let encrypted = try #require(volumes.first { $0["name"] as? String == "encrypted-model" })
        if extra.contains("--encrypted-image") {
            #expect((encrypted["image"] as? [String: Any])?["reference"] as? String == extra[1])
        } else {
            #expect((encrypted["persistentVolumeClaim"] as? [String: Any])?["readOnly"] as? Bool == true)
        }
        let sources = try #require((volumes.first { $0["name"] as? String == "model-keys" }?["projected"] as? [String: Any])?["sources"] as? [[String: Any]])
        let secrets = sources.compactMap { ($0["secret"] as? [String: Any])?["name"] as? String }
        #expect(secrets == (extra.contains("--key-secret") ? ["model-kek", "model-signing-key"] : ["model-kek"]))
    }

    @Test(arguments: variants) func manifestPassesScanAndRestrictedPodSecurity(_ extra: [String]) async throws {
        let (_, file) = try await Self.render(extra)
        defer { try? FileManager.default.removeItem(at: file) }
        let scan = await CLI.run(["scan", file.path, "--fail-on", "medium", "--format", "json"])
        let report = try #require(try JSONSerialization.jsonObject(with: scan.stdoutData) as? [String: Any])
        let findings = (report["findings"] as? [[String: Any]]) ?? []
        let serious = findings.filter { ["critical", "high", "medium"].contains($0["severity"] as? String ?? "") }
        #expect(serious.isEmpty, "\(serious.map { "\($0["ruleId"] ?? "") \($0["message"] ?? "")" })")
        #expect(scan.status == 0, "\(scan.stderr)")
        #expect((report["errors"] as? [Any])?.isEmpty ?? true)

        let pss = await CLI.run(["pss", "--level", "restricted", file.path, "--format", "json"])
        #expect(pss.status == 0, "\(pss.stdout)\n\(pss.stderr)")
        let entries = try #require(try JSONSerialization.jsonObject(with: pss.stdoutData) as? [[String: Any]])
        #expect(entries.count == 1)
        #expect(entries.allSatisfy { $0["allowed"] as? Bool == true })
    }

    @Test func theModelRulesJudgeThePatternAndItsWeakenedForm() async throws {
        let (text, file) = try await Self.render([])
        defer { try? FileManager.default.removeItem(at: file) }
        // The server's mount made writable and the volume unbounded: both new rules fire.
        let weakened = text.replacingOccurrences(of: "              mountPath: /models\n              readOnly: true\n",
                                                 with: "              mountPath: /models\n")
            .replacingOccurrences(of: "            medium: Memory\n            sizeLimit: 16Gi\n", with: "            medium: Memory\n")
        #expect(weakened != text)
        try Data(weakened.utf8).write(to: file)
        let scan = await CLI.run(["scan", file.path, "--format", "json"])
        let report = try #require(try JSONSerialization.jsonObject(with: scan.stdoutData) as? [String: Any])
        let ids = Set(((report["findings"] as? [[String: Any]]) ?? []).compactMap { $0["ruleId"] as? String })
        #expect(ids.isSuperset(of: ["serving/model-volume-writable", "serving/model-volume-memory-without-size-limit"]), "\(ids)")
        #expect(!ids.contains("serving/shm-without-size-limit"))
        #expect(scan.status == 1)
    }

    @Test func unpinnedImagesAreWarnedAbout() async throws {
        let result = await CLI.run(["model", "init-container", "--image", "bulwark:0.1.0", "--secret", "kek"])
        #expect(result.status == 0)
        #expect(result.stderr.contains("--image bulwark:0.1.0 is not pinned by a digest"), "\(result.stderr)")
        #expect(result.stderr.contains("--model-image"), "\(result.stderr)")
    }

    @Test(arguments: [
        ["--size-limit", "16G"], ["--size-limit", "0Gi"], ["--size-limit", "-1Gi"], ["--size-limit", "99999999Gi"],
        ["--name", "Model_Server"], ["--namespace", "a.b"], ["--secret", "bad secret"],
        ["--encrypted-claim", "c", "--encrypted-image", "registry.example.com/m:1"], ["--model-image", "two words"],
    ])
    func badOptionsAreUsageErrors(_ extra: [String]) async throws {
        var arguments = ["model", "init-container", "--image", Self.bulwarkImage, "--secret", "kek"]
        for pair in stride(from: 0, to: extra.count, by: 2) {
            if let index = arguments.firstIndex(of: extra[pair]) {
                arguments[index + 1] = extra[pair + 1]
            } else {
                arguments += [extra[pair], extra[pair + 1]]
            }
        }
        let result = await CLI.run(arguments)
        #expect(result.status == 2, "\(arguments)")
        #expect(result.stdout.isEmpty)
    }

    @Test func missingRequiredOptionsAreUsageErrors() async throws {
        #expect(await CLI.run(["model", "init-container", "--secret", "kek"]).status == 2)
        #expect(await CLI.run(["model", "init-container", "--image", Self.bulwarkImage]).status == 2)
    }
}
