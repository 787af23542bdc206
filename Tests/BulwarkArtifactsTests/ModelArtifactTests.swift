import BulwarkArtifacts
import BulwarkTestSupport
import Foundation
import Testing

/// Container tricks that let malicious models past scanners with strict readers: each archive is
/// written by Python's zipfile and then altered as the published bypasses did.
@Suite struct ModelArtifactTests {
    /// Runs a Python snippet that writes the artifact's bytes as hex to standard output. `PAYLOAD`
    /// is a protocol-2 pickle calling posix.system('id'), built without pickling anything.
    static func python(_ body: String) throws -> [UInt8] {
        let script = """
        import io, struct, sys, zipfile, zlib
        PAYLOAD = b"\\x80\\x02cposix\\nsystem\\nX\\x02\\x00\\x00\\x00id\\x85R."
        BENIGN = b"\\x80\\x02ccollections\\nOrderedDict\\n)R."
        def zipped(members, method=zipfile.ZIP_STORED):
            out = io.BytesIO()
            with zipfile.ZipFile(out, "w", method) as z:
                for name, data in members: z.writestr(name, data)
            return bytearray(out.getvalue())
        \(body)
        sys.stdout.write(bytes(data).hex())
        """
        let result = try CommandRunner.runTool("/usr/bin/env", ["python3", "-c", script])
        try #require(result.status == 0, "\(result.stderr)")
        return try #require(PickleAnalyzerTests.hex(result.stdout))
    }

    func imports(_ artifact: ModelArtifact) -> [String] {
        artifact.programs.flatMap { $0.program.imports.map { "\($0.global)" } }
    }

    @Test func pytorchZipDataPickleIsFound() throws {
        let bytes = try Self.python(#"data = zipped([("archive/data.pkl", PAYLOAD), ("archive/data/0", b"\0" * 64), ("archive/version", b"3\n")])"#)
        let artifact = ModelArtifact(bytes: bytes)
        #expect(artifact.format == .zip)
        #expect(artifact.programs.map(\.member) == ["archive/data.pkl"])
        #expect(imports(artifact) == ["posix.system"])
    }

    /// Flag bits flipped in every header (one scanner's reader refused the archive and reported it clean).
    @Test(arguments: [0x01, 0x20, 0x40])
    func flagBitsDoNotHideMembers(flag: Int) throws {
        let bytes = try Self.python("""
        data = zipped([("archive/data.pkl", PAYLOAD)])
        for sig, at in ((b"PK\\x03\\x04", 6), (b"PK\\x01\\x02", 8)):
            i = data.find(sig)
            struct.pack_into("<H", data, i + at, struct.unpack_from("<H", data, i + at)[0] | \(flag))
        """)
        #expect(imports(ModelArtifact(bytes: bytes)) == ["posix.system"])
    }

    /// The local header names `archive/data.pkl` while the central directory says `archive/data.txt`:
    /// Python's zipfile refuses the archive, PyTorch loads it.
    @Test func localAndCentralNamesThatDisagree() throws {
        let bytes = try Self.python("""
        data = zipped([("archive/data.pkl", PAYLOAD)])
        c = data.find(b"PK\\x01\\x02")
        n = data.find(b"archive/data.pkl", c)
        data[n:n + 16] = b"archive/data.txt"
        """)
        let artifact = ModelArtifact(bytes: bytes)
        #expect(imports(artifact) == ["posix.system"])
        #expect(artifact.notes.contains { $0.contains("central directory") }, "\(artifact.notes)")
    }

    @Test func badCRCDoesNotStopTheScan() throws {
        let bytes = try Self.python("""
        data = zipped([("archive/data.pkl", PAYLOAD), ("archive/extra.pkl", BENIGN)])
        for sig, at in ((b"PK\\x03\\x04", 14), (b"PK\\x01\\x02", 16)):
            i = data.find(sig)
            data[i + at:i + at + 4] = b"\\xde\\xad\\xbe\\xef"
        """)
        let artifact = ModelArtifact(bytes: bytes)
        #expect(imports(artifact) == ["posix.system", "collections.OrderedDict"])
    }

    /// A member no central-directory entry names (appended after the archive was written).
    @Test func memberOnlyInALocalHeader() throws {
        let bytes = try Self.python("""
        data = zipped([("archive/data.pkl", BENIGN)])
        hidden = zipped([("archive/hidden.pkl", PAYLOAD)])
        cd = data.find(b"PK\\x01\\x02")
        data = data[:cd] + hidden[:hidden.find(b"PK\\x01\\x02")] + data[cd:]
        """)
        let artifact = ModelArtifact(bytes: bytes)
        #expect(Set(imports(artifact)) == ["collections.OrderedDict", "posix.system"])
    }

    @Test func nestedZipIsFollowed() throws {
        let bytes = try Self.python(#"data = zipped([("model.pt2", bytes(zipped([("archive/data.pkl", PAYLOAD)])))])"#)
        let artifact = ModelArtifact(bytes: bytes)
        #expect(artifact.programs.map(\.member) == ["model.pt2!archive/data.pkl"])
        #expect(imports(artifact) == ["posix.system"])
    }

    /// A plain pickle named anything, and several pickles in a row.
    @Test func plainPickleWhateverItsName() throws {
        let bytes = try Self.python("data = BENIGN + PAYLOAD")
        let artifact = ModelArtifact(bytes: bytes)
        #expect(artifact.format == .pickle)
        #expect(artifact.programs.first?.program.pickles == 2)
        #expect(imports(artifact) == ["collections.OrderedDict", "posix.system"])
    }

    /// The legacy format: five pickles, then raw storage bytes, which are not a pickle.
    @Test func legacyPyTorchReadsItsFivePickles() throws {
        let bytes = try Self.python("""
        import pickle
        magic = pickle.dumps(0x1950a86a20f9469cfc6c, protocol=2)
        data = magic + pickle.dumps(1001, protocol=2) + pickle.dumps({"little_endian": True}, protocol=2) + PAYLOAD + pickle.dumps(["0"], protocol=2) + b"\\x07" * 100
        """)
        let artifact = ModelArtifact(bytes: bytes)
        #expect(artifact.format == .legacyPyTorch)
        #expect(artifact.programs.first?.program.pickles == 5)
        #expect(artifact.programs.first?.program.problems.isEmpty == true)
        #expect(imports(artifact) == ["posix.system"])
    }

    @Test func compressedMemberIsNamedNotSkippedSilently() throws {
        let bytes = try Self.python(#"data = zipped([("archive/data.pkl", PAYLOAD)], zipfile.ZIP_DEFLATED)"#)
        let artifact = ModelArtifact(bytes: bytes)
        #expect(artifact.notes.contains { $0.contains("archive/data.pkl") && $0.contains("compressed") }, "\(artifact.notes)")
    }

    /// NumPy: an object array's data is a pickle (np.load(allow_pickle=True) runs it), in `.npy` and
    /// in `.npz` members, structured dtypes with an object field included; numeric arrays hold none.
    @Test func numpyObjectArraysArePickles() throws {
        let script = """
        import io, sys, numpy as np, posix
        class P:
            def __reduce__(self): return (posix.system, ("id",))
        def npy(array):
            out = io.BytesIO(); np.save(out, array, allow_pickle=True); return out.getvalue()
        kind = sys.argv[1]
        if kind == "object": data = npy(np.array([P(), 1], dtype=object))
        elif kind == "structured": data = npy(np.array([(1, P())], dtype=[("a", "i4"), ("b", "O")]))
        elif kind == "numeric": data = npy(np.arange(6, dtype=np.float32).reshape(2, 3))
        else:
            out = io.BytesIO(); np.savez(out, weights=np.zeros(3), labels=np.array([P()], dtype=object)); data = out.getvalue()
        sys.stdout.write(data.hex())
        """
        for (kind, expected) in [("object", ["posix.system"]), ("structured", ["posix.system"]), ("numeric", []), ("npz", ["posix.system"])] {
            let result = try CommandRunner.runTool("/usr/bin/env", ["python3", "-c", script, kind])
            try #require(result.status == 0, "\(result.stderr)")
            let bytes = try #require(PickleAnalyzerTests.hex(result.stdout))
            let artifact = ModelArtifact(bytes: bytes)
            let found = imports(artifact).filter { !$0.hasPrefix("numpy") && $0 != "builtins.object" }
            #expect(found == expected, "\(kind): \(imports(artifact)) \(artifact.notes)")
            #expect(artifact.programs.allSatisfy { $0.program.problems.isEmpty }, "\(kind)")
            if kind == "npz" { #expect(artifact.programs.map(\.member) == ["labels.npy"]) }
        }
    }

    /// Truncations and flips of every fixture: a result, never a crash.
    @Test func mutatedArchivesNeverCrash() throws {
        let seeds = [
            try Self.python(#"data = zipped([("archive/data.pkl", PAYLOAD), ("archive/data/0", b"\1" * 40)])"#),
            try Self.python(#"data = zipped([("a.pt2", bytes(zipped([("archive/data.pkl", PAYLOAD)])))])"#),
        ]
        var mutator = Mutator(seed: 0x21B)
        for iteration in 0..<3000 {
            _ = ModelArtifact(bytes: mutator.mutate(seeds[iteration % seeds.count]))
        }
    }
}
