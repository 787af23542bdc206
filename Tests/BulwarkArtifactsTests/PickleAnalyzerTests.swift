@testable import BulwarkArtifacts
import BulwarkTestSupport
import Foundation
import Testing

/// Builds pickle programs byte by byte, for the cases CPython's pickler never writes.
struct PickleAssembler {
    var bytes: [UInt8] = []

    mutating func op(_ opcode: PickleOpcode, _ argument: [UInt8] = []) {
        bytes.append(opcode.rawValue)
        bytes += argument
    }

    mutating func proto(_ version: UInt8) { op(.proto, [version]) }
    mutating func global(_ module: String, _ name: String) { op(.global, Array("\(module)\n\(name)\n".utf8)) }
    mutating func unicode(_ text: String) {
        let utf8 = Array(text.utf8)
        op(.shortBinUnicode, [UInt8(utf8.count)] + utf8)
    }
    mutating func binBytes(_ payload: [UInt8]) {
        let count = UInt32(payload.count)
        op(.binBytes, [UInt8(count & 0xFF), UInt8((count >> 8) & 0xFF), UInt8((count >> 16) & 0xFF), UInt8(count >> 24)] + payload)
    }
    mutating func int1(_ value: UInt8) { op(.binInt1, [value]) }
}

@Suite struct PickleAnalyzerTests {
    let analyzer = PickleAnalyzer()

    func imports(_ program: PickleProgram) -> [String] { program.imports.map { "\($0.global)" } }

    // MARK: the classic payload, every protocol

    /// `os.system('id')` through `__reduce__`, written by CPython's pickler at protocols 0–5: the
    /// import is dangerous and the call is recorded, whatever the protocol's opcodes.
    @Test(arguments: 0...5)
    func reduceOfOsSystemAtEveryProtocol(protocolVersion: Int) throws {
        let script = """
        import pickle, sys, posix
        class P:
            def __reduce__(self): return (posix.system, ("id",))
        sys.stdout.write(pickle.dumps(P(), protocol=\(protocolVersion)).hex())
        """
        let result = try CommandRunner.runTool("/usr/bin/env", ["python3", "-c", script])
        try #require(result.status == 0, "\(result.stderr)")
        let bytes = try #require(Self.hex(result.stdout))
        let program = analyzer.analyze(bytes)
        #expect(program.problems.isEmpty, "\(program.problems)")
        #expect(program.pickles == 1)
        #expect(imports(program) == ["posix.system"])
        #expect(program.calls.map(\.callee) == [.global(PickleGlobal(module: "posix", name: "system"))])
        #expect(PicklePolicy.standard.verdict(program.imports[0].global) == .dangerous("fickling, modelscan, picklescan"))
    }

    static func hex(_ text: String) -> [UInt8]? {
        let digits = Array(text.trimmingCharacters(in: .whitespacesAndNewlines).utf8)
        guard digits.count % 2 == 0 else { return nil }
        var bytes: [UInt8] = []
        var index = 0
        while index < digits.count {
            guard let value = UInt8(String(decoding: digits[index..<index + 2], as: UTF8.self), radix: 16) else { return nil }
            bytes.append(value)
            index += 2
        }
        return bytes
    }

    // MARK: resolution of STACK_GLOBAL

    /// Operands from the memo and from Python 2 string opcodes resolve (one scanner only accepted
    /// the unicode opcodes; another gave up on memo reads).
    @Test func stackGlobalOperandsFromMemoAndStringOpcodes() {
        var p = PickleAssembler()
        p.proto(4)
        p.unicode("builtins")
        p.op(.memoize)                      // memo 0 = "builtins"
        p.op(.pop)
        p.op(.shortBinString, [4] + Array("eval".utf8))
        p.op(.binPut, [7])                  // memo 7 = "eval"
        p.op(.pop)
        p.op(.binGet, [0])
        p.op(.binGet, [7])
        p.op(.stackGlobal)
        p.unicode("1+1")
        p.op(.tuple1)
        p.op(.reduce)
        p.op(.stop)
        let program = analyzer.analyze(p.bytes)
        #expect(program.problems.isEmpty, "\(program.problems)")
        #expect(imports(program) == ["builtins.eval"])
        #expect(PicklePolicy.standard.verdict(program.imports[0].global) != .unlisted)
    }

    /// Operands that are not strings (here the result of a call) cannot be resolved: a problem
    /// at the STACK_GLOBAL, never a clean result.
    @Test func unresolvableStackGlobalIsAProblem() {
        var p = PickleAssembler()
        p.proto(4)
        p.global("builtins", "str")
        p.op(.emptyTuple)
        p.op(.reduce)
        p.unicode("system")
        p.op(.stackGlobal)
        p.op(.stop)
        let program = analyzer.analyze(p.bytes)
        #expect(program.problems.count == 1)
        #expect(program.problems.first?.opcode == .stackGlobal)
        #expect(program.problems.first?.offset == p.bytes.count - 2)
    }

    @Test func missingMemoKeyIsAProblem() {
        var p = PickleAssembler()
        p.proto(2)
        p.op(.binGet, [3])
        p.op(.stop)
        let program = analyzer.analyze(p.bytes)
        #expect(program.problems.map(\.message) == ["memo key 3 was never stored"])
    }

    // MARK: callable applications

    /// OBJ then POP: the call's result is thrown away, but the call happens (a fickling bypass).
    @Test func objFollowedByPopIsStillACall() {
        var p = PickleAssembler()
        p.op(.mark)
        p.global("subprocess", "getoutput")
        p.op(.shortBinString, [2] + Array("id".utf8))
        p.op(.obj)
        p.op(.pop)
        p.op(.none)
        p.op(.stop)
        let program = analyzer.analyze(p.bytes)
        #expect(program.problems.isEmpty, "\(program.problems)")
        #expect(program.calls.map(\.opcode) == [.obj])
        #expect(program.calls.first?.callee == .global(PickleGlobal(module: "subprocess", name: "getoutput")))
    }

    /// Calling what a call returned (`getattr(obj, "system")(…)`): a computed callee.
    @Test func callingTheResultOfACallIsComputed() {
        var p = PickleAssembler()
        p.proto(2)
        p.global("builtins", "getattr")
        p.global("os", "path")
        p.unicode("join")
        p.op(.tuple2)
        p.op(.reduce)
        p.unicode("a")
        p.op(.tuple1)
        p.op(.reduce)
        p.op(.stop)
        let program = analyzer.analyze(p.bytes)
        #expect(program.calls.count == 2)
        guard case .computed = program.calls[1].callee else {
            Issue.record("second call should be computed: \(program.calls)")
            return
        }
    }

    /// BUILD with a non-dict state calls `__setstate__` of the object's class; SETITEMS on an
    /// object (not a dict) calls its `__setitem__`.
    @Test func buildAndSetItemsReachMethodsOfObjects() {
        var p = PickleAssembler()
        p.proto(2)
        p.global("mylib", "Widget")
        p.op(.emptyTuple)
        p.op(.newObj)
        p.unicode("state")
        p.op(.build)
        p.op(.mark)
        p.unicode("k")
        p.unicode("v")
        p.op(.setItems)
        p.op(.stop)
        let program = analyzer.analyze(p.bytes)
        let widget = PickleGlobal(module: "mylib", name: "Widget")
        #expect(program.calls.map(\.callee) == [.global(widget), .method("__setstate__", of: widget), .method("__setitem__", of: widget)])
    }

    /// `copyreg._reconstructor(cls, object, None)` makes an object of `cls`: BUILD then reaches
    /// `cls`, the class the allowlist judges (scikit-learn pickles look like this).
    @Test func reconstructorMakesAnObjectOfItsClass() {
        var p = PickleAssembler()
        p.global("copy_reg", "_reconstructor")
        p.op(.mark)
        p.global("sklearn.linear_model._logistic", "LogisticRegression")
        p.global("__builtin__", "object")
        p.op(.none)
        p.op(.tuple)
        p.op(.reduce)
        p.op(.emptyTuple)
        p.op(.build)
        p.op(.stop)
        let program = analyzer.analyze(p.bytes)
        #expect(program.problems.isEmpty, "\(program.problems)")
        #expect(imports(program) == ["copyreg._reconstructor", "sklearn.linear_model._logistic.LogisticRegression", "builtins.object"])
        #expect(program.imports[0].written == PickleGlobal(module: "copy_reg", name: "_reconstructor"))
        let cls = PickleGlobal(module: "sklearn.linear_model._logistic", name: "LogisticRegression")
        #expect(program.calls.last?.callee == .method("__setstate__", of: cls))
        for item in program.imports {
            guard case .allowed = PicklePolicy.standard.verdict(item.global, written: item.written) else {
                Issue.record("\(item.global) should be allowed")
                continue
            }
        }
    }

    @Test func extensionRegistryIsAProblem() {
        var p = PickleAssembler()
        p.proto(2)
        p.op(.ext1, [42])
        p.op(.emptyTuple)
        p.op(.reduce)
        p.op(.stop)
        let program = analyzer.analyze(p.bytes)
        #expect(program.problems.map(\.opcode) == [.ext1])
        guard case .computed = program.calls.first?.callee else {
            Issue.record("calling a registry entry is computed")
            return
        }
    }

    // MARK: streams that cannot be followed

    @Test func truncatedPickleIsAProblemAndImportsBeforeItCount() {
        var p = PickleAssembler()
        p.proto(2)
        p.global("os", "system")
        let program = analyzer.analyze(p.bytes)
        #expect(imports(program) == ["os.system"])
        #expect(program.problems.map(\.message) == ["the pickle ends before its STOP opcode"])
        #expect(program.pickles == 0)
    }

    /// A failure does not hide what comes after: imports later in the bytes are still read.
    @Test func importsAfterAFailureAreStillFound() {
        var p = PickleAssembler()
        p.proto(2)
        p.op(.pop)  // stack underflow: CPython stops here
        p.global("posix", "system")
        p.op(.stop)
        let program = analyzer.analyze(p.bytes)
        #expect(program.problems.first?.message == "stack underflow")
        #expect(imports(program) == ["posix.system"])
    }

    /// Several pickles one after another are all read; bytes after the last one are a problem.
    @Test func everyPickleInTheFileIsRead() {
        var p = PickleAssembler()
        p.proto(2)
        p.op(.none)
        p.op(.stop)
        p.proto(2)
        p.global("pty", "spawn")
        p.op(.stop)
        let clean = analyzer.analyze(p.bytes)
        #expect(clean.pickles == 2)
        #expect(imports(clean) == ["pty.spawn"])
        #expect(clean.problems.isEmpty)
        p.bytes += [0x00, 0x01]
        let trailing = analyzer.analyze(p.bytes)
        #expect(trailing.problems.first?.message.hasPrefix("data after the last pickle") == true, "\(trailing.problems)")
    }

    @Test func frameLongerThanTheInputIsAProblem() {
        var p = PickleAssembler()
        p.proto(4)
        p.op(.frame, [0xFF, 0xFF, 0, 0, 0, 0, 0, 0])
        p.op(.none)
        p.op(.stop)
        let program = analyzer.analyze(p.bytes)
        #expect(program.problems.first?.opcode == .frame)
    }

    @Test func unknownOpcodeAndUnsupportedProtocol() {
        #expect(analyzer.analyze([0x80, 0x02, 0xFF]).problems.first?.message == "unknown opcode 0xFF")
        #expect(analyzer.analyze([0x80, 0x06, 0x4E, 0x2E]).problems.first?.message == "unsupported pickle protocol: 6")
    }

    /// `pickle.loads(b"…")` with a pickle in the bytes: the inner program is analysed too.
    @Test func nestedPickleInBytesIsFollowed() {
        var inner = PickleAssembler()
        inner.proto(2)
        inner.global("os", "system")
        inner.unicode("id")
        inner.op(.tuple1)
        inner.op(.reduce)
        inner.op(.stop)
        var outer = PickleAssembler()
        outer.proto(3)
        outer.global("_pickle", "loads")
        outer.binBytes(inner.bytes)
        outer.op(.tuple1)
        outer.op(.reduce)
        outer.op(.stop)
        let program = analyzer.analyze(outer.bytes)
        #expect(imports(program) == ["_pickle.loads"])
        #expect(program.nested.count == 1)
        #expect(program.nested.first.map { imports($0.program) } == ["os.system"])
    }

    // MARK: policy

    @Test(arguments: [
        ("posix", "system", "dangerous"), ("pip", "main", "dangerous"), ("timeit", "timeit", "dangerous"),
        ("profile", "Profile.run", "dangerous"), ("trace", "Trace.runctx", "dangerous"),
        ("code", "InteractiveInterpreter.runcode", "dangerous"), ("doctest", "debug_script", "dangerous"),
        ("pty", "spawn", "dangerous"), ("operator", "methodcaller", "dangerous"), ("functools", "partial", "dangerous"),
        ("_io", "FileIO", "dangerous"), ("shutil", "rmtree", "dangerous"), ("pkgutil", "resolve_name", "dangerous"),
        ("asyncio.unix_events", "_UnixSubprocessTransport._start", "dangerous"),
        ("torch.utils._config_module", "ConfigModule.load_config", "dangerous"), ("builtins", "getattr", "dangerous"),
        ("builtins", "__import__", "dangerous"), ("builtins", "globals", "dangerous"),
        ("torch._utils", "_rebuild_tensor_v2", "allowed"), ("collections", "OrderedDict", "allowed"),
        ("numpy.core.multiarray", "_reconstruct", "allowed"), ("sklearn.ensemble._forest", "RandomForestClassifier", "allowed"),
        ("sklearn.utils._testing", "TempMemmap", "unlisted"), ("sklearn.utils", "check_array", "unlisted"),
        ("builtins", "len", "unlisted"), ("mylib", "Model", "unlisted"), ("torch.storage", "_load_from_bytes", "dangerous"),
    ])
    func verdicts(module: String, name: String, expected: String) {
        let verdict = PicklePolicy.standard.verdict(PickleGlobal(module: module, name: name))
        switch verdict {
        case .allowed: #expect(expected == "allowed", "\(module).\(name): \(verdict)")
        case .dangerous: #expect(expected == "dangerous", "\(module).\(name): \(verdict)")
        case .unlisted: #expect(expected == "unlisted", "\(module).\(name): \(verdict)")
        }
    }

    @Test func userAllowedGlobalsCarryTheirReason() {
        let policy = PicklePolicy(extraAllowed: [PickleGlobal(module: "mylib", name: "Model"): "our own model class, reviewed"])
        #expect(policy.verdict(PickleGlobal(module: "mylib", name: "Model")) == .allowed("our own model class, reviewed"))
    }
}
