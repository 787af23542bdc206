import BulwarkArtifacts
import BulwarkCore
import BulwarkTestSupport
import Foundation
import Testing

/// TorchScript archives as `torch.jit.save` lays them out (written here by zipfile: torch is not a
/// test dependency): the format is named, the code's file operators are found, and the archive's
/// own pickle globals are not reported as unlisted.
@Suite struct TorchScriptTests {
    static func archive(code: String, method: String = "zipfile.ZIP_STORED") throws -> [UInt8] {
        try ModelArtifactTests.python("""
        DATA = (b"\\x80\\x02c__torch__\\nModel\\nq\\x00)\\x81}q\\x01X\\x08\\x00\\x00\\x00trainingq\\x02\\x88sb"
                b"ctorch.jit._pickle\\nbuild_intlist\\n]q\\x03K\\x01a\\x85R0.")
        data = zipped([("archive/data.pkl", DATA), ("archive/constants.pkl", b"\\x80\\x02).", ),
                       ("archive/code/__torch__.py", r'''\(code)'''.encode()), ("archive/version", b"3\\n")], \(method))
        """)
    }

    func findings(_ bytes: [UInt8]) -> [String: [ModelViolation]] {
        let file = ModelFile(path: "m.pt", artifact: ModelArtifact(bytes: bytes), policy: .standard)
        var result: [String: [ModelViolation]] = [:]
        for rule in ModelRules.all {
            let violations = rule.check.run(file)
            if !violations.isEmpty { result[rule.descriptor.id] = violations }
        }
        return result
    }

    @Test func torchScriptIsNamedAndItsOwnGlobalsAllowed() throws {
        let bytes = try Self.archive(code: "def forward(self, x):\n    return torch.relu(x)\n")
        let artifact = ModelArtifact(bytes: bytes)
        #expect(artifact.format == .torchScript)
        #expect(artifact.torchScript?.files == 1)
        #expect(artifact.programs.flatMap { $0.program.imports.map { "\($0.global)" } } == ["__torch__.Model", "torch.jit._pickle.build_intlist"])
        #expect(findings(bytes).isEmpty, "\(findings(bytes))")
    }

    /// Outside a TorchScript archive the same globals are judged as any pickle's.
    @Test func ownGlobalsAreAllowedOnlyInTorchScript() throws {
        let bytes = try ModelArtifactTests.python(#"data = b"\x80\x02c__torch__\nModel\n)\x81."; data = zipped([("archive/data.pkl", data)])"#)
        #expect(findings(bytes)["model/pickle-unlisted-global"]?.count == 1)
    }

    @Test(arguments: ["zipfile.ZIP_STORED", "zipfile.ZIP_DEFLATED"])
    func fileOperatorsInCodeAreFound(method: String) throws {
        let code = """
        def forward(self, x):
            a = torch.save(x, "/etc/cron.d/job")
            b = torch.ops.aten.from_file("/etc/shadow", None, 10)
            c = mytorch.save(x)
            return x
        """
        let bytes = try Self.archive(code: code, method: method)
        let artifact = ModelArtifact(bytes: bytes)
        let calls = try #require(artifact.torchScript?.calls)
        #expect(calls.map(\.op) == ["aten::save", "aten::from_file"])
        let found = findings(bytes)["model/torchscript-dangerous-op"] ?? []
        #expect(found.count == 2)
        if method == "zipfile.ZIP_STORED" {
            // The offset is the call's byte in the file.
            #expect(Array(bytes[calls[0].offset..<calls[0].offset + 11]) == Array("torch.save(".utf8))
        } else {
            #expect(calls.allSatisfy { $0.member == "archive/code/__torch__.py [deflate]" })
        }
    }
}
