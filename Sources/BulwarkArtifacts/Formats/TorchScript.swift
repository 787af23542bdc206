/// The code of a TorchScript archive (`torch.jit.save`): `code/**/*.py` members hold the model's
/// methods as TorchScript source, compiled and run by `torch.jit.load` and every call of the model.
/// TorchScript cannot import Python modules, but its builtin operators include two that touch the
/// file system: `aten::save` (`torch.save(value, path)`: pickles a value into any path) and
/// `aten::from_file` (`torch.from_file(path, …)`: maps any file into a tensor). The BlackHat USA 2025
/// talk behind CVE-2025-32434 wrote `~/.bashrc` with the first: `torch.load(weights_only=True)` of
/// PyTorch ≤ 2.5.1 dispatched a TorchScript archive to `torch.jit.load`.
public struct TorchScriptCode: Sendable {
    /// One call of a file operator in the code.
    public struct Call: Sendable, Equatable {
        /// The operator: `aten::save` or `aten::from_file`.
        public var op: String
        /// The text that called it (`torch.save(`, `ops.aten.from_file(` …).
        public var text: String
        public var member: String
        /// The file offset of the call (a position in the decompressed member when it is compressed).
        public var offset: Int
    }

    public var calls: [Call] = []
    /// The `code/` members read.
    public var files = 0

    /// The spellings TorchScript's printer and its users give the two operators.
    static let spellings: [(text: String, op: String)] = [
        ("torch.save(", "aten::save"), ("ops.aten.save(", "aten::save"),
        ("torch.from_file(", "aten::from_file"), ("ops.aten.from_file(", "aten::from_file"),
    ]

    /// A code member larger than this is not read (real ones are kilobytes).
    static let fileLimit = 16 << 20

    /// Whether a zip member is TorchScript code.
    static func isCode(_ name: String) -> Bool {
        (name.hasPrefix("code/") || name.contains("/code/")) && name.hasSuffix(".py")
    }

    /// Finds the calls in one code file at `base`.
    mutating func scan(_ text: [UInt8], member: String, base: Int) {
        files += 1
        for (spelling, op) in Self.spellings {
            let pattern = Array(spelling.utf8)
            var position = 0
            while let found = Self.find(pattern, in: text, from: position) {
                // `torch.save(` but not `mytorch.save(` (`torch.ops.aten.save(` is found as `ops.aten.save(`).
                let before = found > 0 ? text[found - 1] : 0x20
                if !Self.identifierBytes.contains(before) {
                    calls.append(Call(op: op, text: spelling, member: member, offset: base + found))
                }
                position = found + 1
            }
        }
        calls.sort { ($0.member, $0.offset) < ($1.member, $1.offset) }
    }

    static func find(_ pattern: [UInt8], in text: [UInt8], from start: Int) -> Int? {
        guard let first = pattern.first, pattern.count <= text.count else { return nil }
        var index = start
        while index + pattern.count <= text.count {
            if text[index] == first, text[index..<index + pattern.count].elementsEqual(pattern) { return index }
            index += 1
        }
        return nil
    }

    static let identifierBytes: Set<UInt8> = Set(Array("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_".utf8))

    /// Globals TorchScript's own pickles (`data.pkl`, `constants.pkl`) use, which `torch.jit.load`'s
    /// C++ unpickler (torch/csrc/jit/serialization/unpickler.cpp) resolves itself, importing nothing:
    /// the `__torch__.*` classes defined by the archive's code, and the `torch.jit._pickle` list
    /// builders. Allowed only in a TorchScript archive.
    static func isOwnGlobal(_ global: PickleGlobal) -> Bool {
        global.module == "__torch__" || global.module.hasPrefix("__torch__.")
            || (global.module == "torch.jit._pickle"
                && ["build_intlist", "build_tensorlist", "build_doublelist", "build_boollist", "build_tensor_from_id",
                    "restore_type_tag"].contains(global.name))
    }
}
