import BulwarkArtifacts
import BulwarkTestSupport
import Foundation
import Testing

/// joblib files and compressed pickles: each compressor joblib has, the array data joblib writes
/// between pickle opcodes, object arrays' nested pickles, compressed zip members and bombs.
@Suite struct JoblibTests {
    static func fixture(_ name: String) throws -> [UInt8] {
        let folder = try #require(Bundle.module.resourceURL?.appendingPathComponent("Fixtures/joblib"))
        return [UInt8](try Data(contentsOf: folder.appendingPathComponent(name)))
    }

    func imports(_ artifact: ModelArtifact) -> [String] {
        artifact.programs.flatMap { $0.program.imports.map { "\($0.global)" } }
    }

    /// Every import a real joblib file of arrays makes is on the allowlist, and the program is
    /// followed to its end: the array bytes (one array holds `cposix\nsystem\n…`) are skipped as
    /// joblib's NumpyUnpickler skips them, and the object array's nested pickle is read.
    @Test(arguments: [
        ("benign.joblib", nil), ("benign.joblib.z", Compression.zlib), ("benign.joblib.gz", .gzip),
        ("benign.joblib.bz2", .bzip2), ("benign.joblib.xz", .xz), ("benign.joblib.lzma", .lzma),
    ] as [(String, Compression?)])
    func benignJoblibFilesAreFollowedToTheEnd(name: String, compression: Compression?) throws {
        let artifact = ModelArtifact(bytes: try Self.fixture(name))
        #expect(artifact.format == (compression == nil ? .pickle : .compressedPickle))
        #expect(artifact.compression == compression)
        #expect(artifact.notes.isEmpty, "\(artifact.notes)")
        let program = try #require(artifact.programs.first?.program)
        #expect(program.problems.isEmpty, "\(name): \(program.problems)")
        #expect(program.pickles == 1)
        for item in artifact.programs.flatMap(\.program.imports) {
            guard case .allowed = PicklePolicy.standard.verdict(item.global, written: item.written) else {
                Issue.record("\(name): \(item.global) is not allowed")
                continue
            }
        }
        #expect(!imports(artifact).contains("posix.system"), "array bytes were read as opcodes in \(name)")
    }

    /// The payload sits in the pickle joblib writes after an object array's NumpyArrayWrapper.
    @Test(arguments: ["malicious-TEST-ONLY-object-array.joblib", "malicious-TEST-ONLY-object-array.joblib.z"])
    func objectArrayPickleIsAnalysed(name: String) throws {
        let artifact = ModelArtifact(bytes: try Self.fixture(name))
        #expect(imports(artifact).contains("posix.system"), "\(imports(artifact))")
        #expect(artifact.programs.allSatisfy { $0.program.problems.isEmpty })
    }

    /// A wrapper whose array data runs past the end of the file: joblib fails there, and so does the
    /// analysis, naming why.
    @Test func arrayDataPastTheEndIsAProblem() throws {
        var bytes = try Self.fixture("benign.joblib")
        // The first array is 3 × 4 float64 = 96 bytes after its padding; cut inside it.
        let marker = Array("NumpyArrayWrapper".utf8)
        let at = try #require((0..<bytes.count - marker.count).first { Array(bytes[$0..<$0 + marker.count]) == marker })
        let build = try #require((at..<bytes.count).first { bytes[$0] == 0x62 && bytes[$0 + 1] < 17 })  // BUILD, then the padding length
        bytes = Array(bytes[..<(build + 40)])
        let program = try #require(ModelArtifact(bytes: bytes).programs.first?.program)
        #expect(program.problems.contains { $0.message.contains("joblib array") }, "\(program.problems)")
    }

    /// Zip members compressed with deflate (8), bzip2 (12) and lzma (14) are decompressed and
    /// analysed; np.savez_compressed's deflated object arrays too.
    @Test(arguments: ["ZIP_DEFLATED", "ZIP_BZIP2", "ZIP_LZMA"])
    func compressedZipMembersAreAnalysed(method: String) throws {
        let bytes = try ModelArtifactTests.python(#"data = zipped([("archive/data.pkl", PAYLOAD), ("archive/version", b"3\n")], zipfile.\#(method))"#)
        let artifact = ModelArtifact(bytes: bytes)
        let label = ["ZIP_DEFLATED": "deflate", "ZIP_BZIP2": "bzip2", "ZIP_LZMA": "zip-lzma"][method] ?? ""
        #expect(artifact.programs.map(\.member) == ["archive/data.pkl [\(label)]"], "\(artifact.notes)")
        #expect(imports(artifact) == ["posix.system"])
        #expect(artifact.notes.isEmpty, "\(artifact.notes)")
    }

    @Test func savezCompressedObjectArraysAreAnalysed() throws {
        let script = """
        import io, sys, numpy as np, posix
        class P:
            def __reduce__(self): return (posix.system, ("id",))
        out = io.BytesIO(); np.savez_compressed(out, weights=np.zeros(3), labels=np.array([P()], dtype=object))
        sys.stdout.write(out.getvalue().hex())
        """
        let result = try CommandRunner.runTool("/usr/bin/env", ["python3", "-c", script])
        try #require(result.status == 0, "\(result.stderr)")
        let artifact = ModelArtifact(bytes: try #require(PickleAnalyzerTests.hex(result.stdout)))
        #expect(artifact.programs.map(\.member) == ["labels.npy [deflate]"])
        #expect(imports(artifact).contains("posix.system"))
    }

    /// A nested checkpoint inside a deflated member is decompressed and read as a zip.
    @Test func nestedZipInACompressedMember() throws {
        let bytes = try ModelArtifactTests.python(#"data = zipped([("inner.pt", bytes(zipped([("archive/data.pkl", PAYLOAD)])))], zipfile.ZIP_DEFLATED)"#)
        let artifact = ModelArtifact(bytes: bytes)
        #expect(imports(artifact) == ["posix.system"], "\(artifact.notes)")
        #expect(artifact.programs.map(\.member) == ["inner.pt [deflate]!archive/data.pkl"])
    }

    /// A bomb: 64 MB of zeros inside a BINBYTES, compressed to kilobytes. Decompression stops at the
    /// limit with a note; memory never holds more than the limit's chunks.
    @Test func decompressionBombIsBoundedAndNoted() throws {
        let bytes = try ModelArtifactTests.python("""
        body = b"\\x80\\x02B" + struct.pack("<I", 64 << 20) + b"\\0" * (64 << 20) + b"0" + PAYLOAD[2:]
        data = zlib.compress(body, 9)
        """)
        var analyzer = PickleAnalyzer()
        analyzer.decompressedLimit = 1 << 20
        let artifact = ModelArtifact(bytes: bytes, analyzer: analyzer)
        #expect(artifact.format == .compressedPickle)
        #expect(artifact.notes.contains { $0.contains("decompresses to more than 1048576 bytes") }, "\(artifact.notes)")
        // Under the default limit the same file is followed through the zeros to the payload.
        #expect(imports(ModelArtifact(bytes: bytes)) == ["posix.system"])
    }

    /// A compressed stream cut short or corrupted: a note or a problem, never a crash. bzip2 makes no
    /// output before a whole block, so a cut or corrupt bz2 file does not even start like a pickle: it
    /// is not taken for a model (the scan counts it as unrecognised).
    @Test func brokenStreamsAreNoted() throws {
        let whole = try Self.fixture("benign.joblib.z")
        let cut = ModelArtifact(bytes: Array(whole.prefix(whole.count / 2)))
        #expect(!cut.notes.isEmpty || cut.programs.contains { !$0.program.problems.isEmpty })
        // A flipped byte may land in array data the loader skips too (zlib's checksum at the end is
        // never reached by a loader that stops at STOP); across positions, some must be noticed.
        var noticed = 0
        for position in stride(from: 10, to: whole.count - 10, by: 7) {
            var flipped = whole
            flipped[position] ^= 0xFF
            let corrupt = ModelArtifact(bytes: flipped)
            if !corrupt.notes.isEmpty || corrupt.programs.contains(where: { !$0.program.problems.isEmpty }) { noticed += 1 }
        }
        #expect(noticed > 0)
        let bz2 = try Self.fixture("benign.joblib.bz2")
        #expect(!ModelArtifact(bytes: Array(bz2.prefix(bz2.count / 2))).isModel)
    }

    /// Gzip that is not a pickle (a log, a tarball) is not taken for a model.
    @Test func gzipOfTextIsNotAModel() throws {
        let bytes = try ModelArtifactTests.python("import gzip\ndata = gzip.compress(b'hello world\\n' * 100)")
        #expect(!ModelArtifact(bytes: bytes).isModel)
    }

    /// Truncations and flips of every fixture: a result, never a crash.
    @Test func mutatedJoblibFilesNeverCrash() throws {
        let names = ["benign.joblib", "benign.joblib.z", "benign.joblib.gz", "benign.joblib.bz2", "benign.joblib.xz",
                     "benign.joblib.lzma", "malicious-TEST-ONLY-object-array.joblib"]
        let seeds = try names.map(Self.fixture) + [
            try ModelArtifactTests.python(#"data = zipped([("archive/data.pkl", PAYLOAD)], zipfile.ZIP_DEFLATED)"#),
            try ModelArtifactTests.python(#"data = zipped([("archive/data.pkl", PAYLOAD)], zipfile.ZIP_LZMA)"#),
        ]
        var mutator = Mutator(seed: 0x10B)
        for iteration in 0..<2000 {
            _ = ModelArtifact(bytes: mutator.mutate(seeds[iteration % seeds.count]))
        }
    }
}
