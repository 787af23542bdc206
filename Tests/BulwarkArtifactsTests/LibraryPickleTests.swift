import BulwarkArtifacts
import Foundation
import Testing

/// Pickles the ML libraries wrote themselves (`Tests/Fixtures/library-pickles`, versions in its
/// README): the analyser follows each to its end, and every global in it is on the allowlist. A
/// false positive found by `bench/model-scan-vs-peers` on the benign corpus lands here as a file.
@Suite struct LibraryPickleTests {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/library-pickles")

    static let pickles: [String] = {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return names.filter { $0.hasSuffix(".pkl") }.sorted()
    }()

    static func load(_ name: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: directory.appendingPathComponent(name)))
    }

    @Test func theFixturesAreThere() {
        #expect(Self.pickles.count >= 13, "\(Self.directory.path)")
    }

    @Test(arguments: Self.pickles)
    func everyGlobalIsAllowedAndTheProgramIsFollowed(name: String) throws {
        let program = PickleAnalyzer().analyze(try Self.load(name))
        #expect(program.problems.isEmpty, "\(name): \(program.problems)")
        #expect(program.pickles == 1)
        #expect(!program.imports.isEmpty)
        for item in program.imports {
            guard case .allowed = PicklePolicy.standard.verdict(item.global, written: item.written) else {
                Issue.record("\(name): \(item.global) is not allowed (\(PicklePolicy.standard.verdict(item.global, written: item.written)))")
                continue
            }
        }
    }

    /// fickling blocks all of `joblib`; the allowlist names the array wrapper, which outweighs a
    /// block of the whole module but not a block of the name, and the rest of joblib stays blocked.
    @Test(arguments: [
        ("joblib.numpy_pickle", "NumpyArrayWrapper", "allowed"), ("joblib.numpy_pickle_compat", "NDArrayWrapper", "allowed"),
        ("joblib.numpy_pickle_compat", "ZNDArrayWrapper", "allowed"), ("joblib", "load", "dangerous"),
        ("joblib.numpy_pickle", "load", "dangerous"), ("joblib.numpy_pickle", "NumpyUnpickler", "dangerous"),
        ("sklearn.neighbors._kd_tree", "newObj", "allowed"), ("sklearn.neighbors._kd_tree", "load", "unlisted"),
        ("pandas", "DataFrame", "allowed"), ("pandas", "read_pickle", "unlisted"), ("pandas", "eval", "unlisted"),
        ("numpy.random._pcg64", "PCG64", "allowed"), ("numpy.random.bit_generator", "randbits", "unlisted"),
    ])
    func exactNamesOnly(module: String, name: String, expected: String) {
        let verdict = PicklePolicy.standard.verdict(PickleGlobal(module: module, name: name))
        switch verdict {
        case .allowed: #expect(expected == "allowed", "\(module).\(name): \(verdict)")
        case .dangerous: #expect(expected == "dangerous", "\(module).\(name): \(verdict)")
        case .unlisted: #expect(expected == "unlisted", "\(module).\(name): \(verdict)")
        }
    }

    /// `joblib.dump` writes each NumPy array's bytes straight into the pickle stream after the
    /// wrapper's BUILD (joblib's unpickler reads them there, sized by the wrapper's shape and
    /// dtype, after an alignment padding byte count); the analyser skips them as joblib does
    /// (`Formats/Joblib.swift`), so a scikit-learn joblib file is followed to its end.
    @Test func joblibArraysInsideTheStreamAreFollowed() throws {
        let program = PickleAnalyzer().analyze(try Self.load("sklearn-kmeans.joblib"))
        for item in program.imports {
            guard case .allowed = PicklePolicy.standard.verdict(item.global, written: item.written) else {
                if item.offset < (program.problems.first?.offset ?? Int.max) {
                    Issue.record("\(item.global) is not allowed")
                }
                continue
            }
        }
        #expect(program.problems.isEmpty, "\(program.problems)")
    }
}
