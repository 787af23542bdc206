import BulwarkArtifacts
import BulwarkTestSupport
import Foundation
import Testing

/// Benign objects pickled by CPython at every protocol, then loaded by CPython with `find_class`
/// recorded: the analyser must follow each program without a problem and see exactly the imports
/// the loader made, in order. Then seeded mutations of the same programs: never a crash, always a
/// result.
@Suite struct PickleOracleTests {
    struct Case: Decodable {
        let name: String
        let proto: Int
        let hex: String
        let imports: [[String]]
    }

    static let cases: [Case] = {
        let script = #"""
        import collections, datetime, decimal, fractions, io, json, pickle, sys
        class Recorder(pickle.Unpickler):
            def __init__(self, data):
                super().__init__(io.BytesIO(data)); self.seen = []
            def find_class(self, module, name):
                self.seen.append([module, name]); return super().find_class(module, name)
        shared = [1, 2]
        recursive = []; recursive.append(recursive)
        objects = {
            "scalars": (None, True, False, 0, -1, 255, 65535, 2**31, -2**31 - 1, 2**70, -2**200, 1.5, float("inf")),
            "texts": ("", "ascii", "naïve ✓ 模型", "x" * 70000, b"", b"\x00\xff" * 10, bytearray(b"ab")),
            "containers": ([], [1, [2, (3,)]], {}, {"a": {"b": [1, 2]}}, set(), {1, 2}, frozenset({3}), (), (1,), (1, 2), (1, 2, 3), (1, 2, 3, 4)),
            "shared": (shared, shared, {"k": shared}),
            "recursive": recursive,
            "library": (collections.OrderedDict(a=1), collections.Counter("aab"), collections.deque([1]),
                        collections.defaultdict(list, {"a": [1]}), datetime.datetime(2026, 12, 7, 6, 0),
                        datetime.date(2026, 1, 1), decimal.Decimal("1.10"), fractions.Fraction(1, 3), complex(1, 2),
                        range(3), slice(1, 2)),
            "many": list(range(5000)),
        }
        out = []
        for name, value in objects.items():
            for proto in range(0, 6):
                data = pickle.dumps(value, protocol=proto)
                recorder = Recorder(data); recorder.load()
                out.append({"name": name, "proto": proto, "hex": data.hex(), "imports": recorder.seen})
        sys.stdout.write(json.dumps(out))
        """#
        guard let result = try? CommandRunner.runTool("/usr/bin/env", ["python3", "-c", script]), result.status == 0,
              let cases = try? JSONDecoder().decode([Case].self, from: Data(result.stdout.utf8)) else { return [] }
        return cases
    }()

    @Test func pythonWroteTheCases() {
        #expect(Self.cases.count == 7 * 6)
    }

    @Test(arguments: Self.cases.map(\.name).uniqued())
    func analyserSeesWhatTheLoaderImports(name: String) throws {
        for testCase in Self.cases where testCase.name == name {
            let bytes = try #require(PickleAnalyzerTests.hex(testCase.hex))
            let program = PickleAnalyzer().analyze(bytes)
            #expect(program.problems.isEmpty, "\(name) protocol \(testCase.proto): \(program.problems)")
            #expect(program.pickles == 1)
            let seen = program.imports.map { [($0.written ?? $0.global).module, ($0.written ?? $0.global).name] }
            #expect(seen == testCase.imports, "\(name) protocol \(testCase.proto)")
            for item in program.imports {
                guard case .allowed = PicklePolicy.standard.verdict(item.global, written: item.written) else {
                    Issue.record("\(name) protocol \(testCase.proto): \(item.global) is not allowed")
                    continue
                }
            }
        }
    }

    /// Truncated, flipped and spliced programs: every one finishes with a result (problems or
    /// not), and never reads past its input.
    @Test(arguments: 0..<4)
    func mutatedProgramsNeverCrash(shard: Int) throws {
        var mutator = Mutator(seed: 0x91C1 &+ UInt64(shard))
        let seeds = try Self.cases.map { try #require(PickleAnalyzerTests.hex($0.hex)) }.filter { $0.count < 4096 }
        try #require(!seeds.isEmpty)
        for iteration in 0..<1500 {
            let bytes = mutator.mutate(seeds[(iteration * 7 + shard) % seeds.count])
            let program = PickleAnalyzer().analyze(bytes)
            #expect(program.instructions <= bytes.count)
        }
    }
}

extension Sequence where Element: Hashable {
    func uniqued() -> [Element] {
        var seen = Set<Element>()
        return filter { seen.insert($0).inserted }
    }
}
