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

    /// Deflated members are decompressed and analysed (JoblibTests has the other methods); a method
    /// Bulwark cannot decompress is named in a note, never skipped silently.
    @Test func compressedMemberIsAnalysedOrNamed() throws {
        let bytes = try Self.python(#"data = zipped([("archive/data.pkl", PAYLOAD)], zipfile.ZIP_DEFLATED)"#)
        #expect(imports(ModelArtifact(bytes: bytes)) == ["posix.system"])
        let unknown = try Self.python("""
        data = zipped([("archive/data.pkl", PAYLOAD)], zipfile.ZIP_DEFLATED)
        for sig, at in ((b"PK\\x03\\x04", 8), (b"PK\\x01\\x02", 10)):
            i = data.find(sig)
            struct.pack_into("<H", data, i + at, 99)
        """)
        let artifact = ModelArtifact(bytes: unknown)
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

    /// Found by FuzzModel: a ZIP64 size of 2^63 - 1 in a local header overflowed the end of the
    /// member's data.
    /// Past 2 GiB Python writes ZIP64 central entries (offset 0xFFFFFFFF, the real one in extra
    /// field 0x0001) and a ZIP64 end record; the limit is lowered here to get the same layout small.
    /// PyTorch's tar format (before 0.4): `torch.load` still opens it, and unpickles `sys_info`,
    /// `pickle` and the counts of `storages` and `tensors`. A tar without those members (an image
    /// layer, an archive of text) is not a model.
    @Test func legacyTarCheckpointIsRead() throws {
        let bytes = try Self.python(#"""
        import tarfile
        out = io.BytesIO()
        with tarfile.open(fileobj=out, mode="w:", format=tarfile.GNU_FORMAT) as t:
            for name, payload in [("sys_info", BENIGN), ("pickle", PAYLOAD), ("storages", b"\x80\x02K\x00."), ("tensors", b"\x80\x02K\x00.")]:
                info = tarfile.TarInfo(name); info.size = len(payload); t.addfile(info, io.BytesIO(payload))
        data = out.getvalue()
        """#)
        let artifact = ModelArtifact(bytes: bytes)
        #expect(artifact.format == .legacyPyTorchTar)
        #expect(artifact.isModel)
        #expect(artifact.programs.map(\.member) == ["sys_info", "pickle", "storages", "tensors"])
        #expect(imports(artifact).contains("posix.system"))
        #expect(artifact.programs.first { $0.member == "pickle" }?.offset == 3 * 512)  // after sys_info's header and data block, and its own header

        let other = try Self.python(#"""
        import tarfile
        out = io.BytesIO()
        with tarfile.open(fileobj=out, mode="w:") as t:
            info = tarfile.TarInfo("etc/hostname"); info.size = 5; t.addfile(info, io.BytesIO(b"host\n"))
        data = out.getvalue()
        """#)
        #expect(!ModelArtifact(bytes: other).isModel)
        // Truncations and flipped bytes finish with a verdict, never a crash.
        var mutator = Mutator(seed: 0x7A4)
        for _ in 0..<300 { _ = ModelArtifact(bytes: mutator.mutate(bytes)) }
    }

    @Test func zip64CentralDirectoryIsRead() throws {
        let bytes = try Self.python(#"""
        zipfile.ZIP64_LIMIT = 8
        data = zipped([("archive/version", b"3\n"), ("archive/data.pkl", PAYLOAD), ("archive/data/0", b"\0" * 64)])
        """#)
        let artifact = ModelArtifact(bytes: bytes)
        #expect(artifact.notes.isEmpty)
        #expect(artifact.programs.map(\.member) == ["archive/data.pkl"])
        let zip = LenientZip(ModelBytes(bytes))
        #expect(zip.members.count == 3 && zip.members.allSatisfy { !$0.onlyLocal })
    }

    @Test func zip64SizeNearIntMaxIsClamped() throws {
        let hex = [
            "504b03042d7b0000000000002020202020202020202020202020202020200a00000000000000000000000000000000504b03",
            "042d00000000000000210060bdc503ffffffffffffffff05001400622e6e70790100100099010000000000009901000000ff",
            "ffffffffffff3c000000934e554d5059010076007b2764657d94288c0177945d9428473ff000000000000047400000000000",
            "0000658c016f948c0b636f6c6c656374696f6e73948c0b4f726465726564446963749493942952948c0161944b01738c0173",
            "948f94284b014b02908c01629443287878787878787878787878787878787878787878787878787878787878787878787878",
            "78787878789475617494622e504b01022d032d0000000000000021006e99b228900000009000000005000000000000000000",
            "0000800100000000612e6e7079504b01022d032d00000000000000210060bdc5039901000099010000050000000000000000",
            "0000008001c700007c944e4e4e4affffffff4affffffff4b3f749462895d947d94288c0177945d9428473ff0000000000000",
            "474000000000000000658c016f948c0b636f6c6c656374696f6e73948c0b4f726465726564446963749493942952948c0161",
            "944b01738c0173948f94284b014b02908c016294432878787878787878787878787878787878787878787878787878787878",
            "7878787878787878787878789475617494622e504b01022d032d0000000000000021006e99f2289000000090000000050000",
            "000000000000000000800100000000612e6e7079504b01022d032d00000000000000210060bdc50399010000990100010000",
            "000000000000000000008001c7000000622e6e7079504b0506000000000200020066000000970200000000",
        ].joined()
        let bytes = try #require(PickleAnalyzerTests.hex(hex))
        _ = ModelArtifact(bytes: bytes)
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
