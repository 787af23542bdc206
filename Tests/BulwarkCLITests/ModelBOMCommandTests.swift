import BulwarkTestSupport
import Foundation
import Testing

/// `--format cyclonedx` end to end: BOMs of real model files (a raw pickle, a PyTorch zip
/// checkpoint, NumPy arrays with and without objects, a malicious pickle, a signature file) are
/// validated against the official CycloneDX 1.6 JSON schema by `scripts/validate-cyclonedx`.
@Suite struct ModelBOMCommandTests {
    /// Writes the fixtures with Python's standard library (the zip as `torch.save` lays it out, the
    /// `.npy` header as `np.save` writes it), so no model library is needed.
    static func directory() throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("bulwark-bom-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory.appendingPathComponent("signed"), withIntermediateDirectories: true)
        let script = #"""
        import io, os, struct, sys, zipfile
        os.chdir(sys.argv[1])
        BENIGN = b"\x80\x02ccollections\nOrderedDict\n)R."
        TORCH = b"\x80\x02ccollections\nOrderedDict\n)Rq\x00X\x01\x00\x00\x00wctorch._utils\n_rebuild_tensor_v2\n)Rs."
        PAYLOAD = b"\x80\x02cposix\nsystem\nX\x02\x00\x00\x00id\x85R."
        def npy(descr, data):
            header = ("{'descr': '%s', 'fortran_order': False, 'shape': (2,), }" % descr).encode()
            header += b" " * (63 - (10 + len(header)) % 64) + b"\n"
            return b"\x93NUMPY\x01\x00" + struct.pack("<H", len(header)) + header + data
        def zipped(members):
            out = io.BytesIO()
            with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as z:
                for name, data in members: z.writestr(name, data)
            return out.getvalue()
        open("clean.pkl", "wb").write(BENIGN)
        open("checkpoint.pt", "wb").write(zipped([("archive/data.pkl", TORCH), ("archive/data/0", b"\0" * 64), ("archive/version", b"3\n")]))
        open("signed/array.npy", "wb").write(npy("<f4", b"\0" * 8))
        open("signed/model.sig", "wb").write(b"not checked yet")
        open("objects.npy", "wb").write(npy("|O", BENIGN))
        open("malicious.bin", "wb").write(PAYLOAD)
        """#
        let result = try CommandRunner.runTool("/usr/bin/env", ["python3", "-c", script, directory.path])
        try #require(result.status == 0, "\(result.stderr)")
        return directory
    }

    /// Runs the validator; nil when it could not be installed outside CI (the reason is printed).
    static func validate(_ files: [URL]) throws -> CommandResult? {
        let script = CommandRunner.packageRoot.appendingPathComponent("scripts/validate-cyclonedx").path
        let result = try CommandRunner.runTool(script, files.map(\.path))
        if result.status == 3 {
            let inCI = ProcessInfo.processInfo.environment["CI"] != nil
            if !inCI {
                print("ModelBOMCommandTests: schema validation not run: the validator could not be installed (\(result.stderr.trimmingCharacters(in: .whitespacesAndNewlines)))")
                return nil
            }
            Issue.record("CI is set and the CycloneDX validator could not be installed: \(result.stderr)")
        }
        return result
    }

    @Test func bomsOfModelScanAndScanAreValidCycloneDX16() async throws {
        let directory = try Self.directory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let modelBOM = directory.appendingPathComponent("model-scan.cdx.json")
        let scanBOM = directory.appendingPathComponent("scan.cdx.json")
        let model = await CLI.run(["model", "scan", directory.path, "--format", "cyclonedx", "-o", modelBOM.path])
        #expect(model.status == 1, "\(model.stderr)")
        let scan = await CLI.run(["scan", directory.path, "examples", "--format", "cyclonedx", "-o", scanBOM.path])
        #expect(scan.status == 1, "\(scan.stderr)")

        let bom = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: modelBOM)) as? [String: Any])
        let components = try #require(bom["components"] as? [[String: Any]])
        #expect(components.compactMap { $0["name"] as? String } == ["checkpoint.pt", "clean.pkl", "malicious.bin", "objects.npy", "array.npy"])
        func property(_ component: [String: Any], _ name: String) -> [String] {
            ((component["properties"] as? [[String: String]]) ?? []).filter { $0["name"] == name }.compactMap { $0["value"] }
        }
        #expect(property(components[0], "bulwark:framework") == ["torch"])
        #expect(property(components[2], "bulwark:verdict") == ["findings"])
        #expect(property(components[2], "bulwark:highestSeverity") == ["critical"])
        #expect(property(components[4], "bulwark:signature") == ["signature present (not verified)"])
        #expect(property(components[1], "bulwark:signature") == ["unsigned"])
        // The digest is the file's.
        let sum = try CommandRunner.runTool("/usr/bin/env", ["sha256sum", directory.appendingPathComponent("malicious.bin").path])
        let hashes = try #require(components[2]["hashes"] as? [[String: String]])
        #expect(hashes.first { $0["alg"] == "SHA-256" }?["content"] == String(sum.stdout.prefix(64)))
        #expect(hashes.first { $0["alg"] == "SHA-512" }?["content"]?.count == 128)
        let vulnerabilities = try #require(bom["vulnerabilities"] as? [[String: Any]])
        #expect(vulnerabilities.compactMap { $0["id"] as? String } == ["model/pickle-dangerous-global"])

        guard let validation = try Self.validate([modelBOM, scanBOM]) else { return }
        #expect(validation.status == 0, "\(validation.stdout)\(validation.stderr)")

        // The validator is not vacuous: a member the schema does not know fails.
        let broken = directory.appendingPathComponent("broken.cdx.json")
        try Data(String(decoding: Data(contentsOf: modelBOM), as: UTF8.self)
            .replacingOccurrences(of: "\"bom-ref\": \"model:", with: "\"bogus\": 1, \"bom-ref\": \"model:").utf8).write(to: broken)
        let refused = try #require(try Self.validate([broken]))
        #expect(refused.status == 1)
        #expect(refused.stdout.contains("'bogus' was unexpected"), "\(refused.stdout)")
    }

    @Test(arguments: [["rbac", "examples"], ["netpol", "examples"]])
    func commandsWithoutModelsRefuseCycloneDX(_ arguments: [String]) async {
        let result = await CLI.run(arguments + ["--format", "cyclonedx"])
        #expect(result.status == 2)
        #expect(result.stderr.contains("--format cyclonedx lists model files"), "\(result.stderr)")
        let spdx = await CLI.run(arguments + ["--format", "spdx"])
        #expect(spdx.status == 2)
        #expect(spdx.stderr.contains("--format spdx lists model files"), "\(spdx.stderr)")
    }

    /// `--format spdx` of model scan: one `FILE` package per model file with the file's digests,
    /// valid against the SPDX 2.3 schema and spdx-tools (`scripts/validate-spdx`).
    @Test func spdxOfModelScanIsValidSPDX23() async throws {
        let directory = try Self.directory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let document = directory.appendingPathComponent("model-scan.spdx.json")
        let model = await CLI.run(["model", "scan", directory.path, "--format", "spdx", "-o", document.path])
        #expect(model.status == 1, "\(model.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: document)) as? [String: Any])
        let packages = try #require(object["packages"] as? [[String: Any]])
        #expect(packages.compactMap { $0["name"] as? String } == ["checkpoint.pt", "clean.pkl", "malicious.bin", "objects.npy", "array.npy"])
        #expect(packages.allSatisfy { $0["primaryPackagePurpose"] as? String == "FILE" })
        let sum = try CommandRunner.runTool("/usr/bin/env", ["sha256sum", directory.appendingPathComponent("malicious.bin").path])
        let checksums = try #require(packages[2]["checksums"] as? [[String: String]])
        #expect(checksums.first { $0["algorithm"] == "SHA256" }?["checksumValue"] == String(sum.stdout.prefix(64)))

        let script = CommandRunner.packageRoot.appendingPathComponent("scripts/validate-spdx").path
        let validation = try CommandRunner.runTool(script, [document.path])
        if validation.status == 3 {
            if ProcessInfo.processInfo.environment["CI"] == nil {
                print("ModelBOMCommandTests: SPDX validation not run: the validator could not be installed (\(validation.stderr.trimmingCharacters(in: .whitespacesAndNewlines)))")
                return
            }
            Issue.record("CI is set and the SPDX validator could not be installed: \(validation.stderr)")
        }
        #expect(validation.status == 0, "\(validation.stdout)\(validation.stderr)")
    }
}
