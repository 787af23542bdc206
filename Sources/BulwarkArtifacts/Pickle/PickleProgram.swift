/// A global a pickle imports: `module` and `name` as the unpickler's `find_class` receives them
/// (after the Python 2 name mapping of protocols 0–2).
public struct PickleGlobal: Hashable, Sendable, Comparable, CustomStringConvertible {
    public var module: String
    public var name: String

    public init(module: String, name: String) {
        self.module = module
        self.name = name
    }

    /// `module.name`, the spelling of allow and block lists.
    public var description: String { "\(module).\(name)" }

    public static func < (lhs: PickleGlobal, rhs: PickleGlobal) -> Bool {
        (lhs.module, lhs.name) < (rhs.module, rhs.name)
    }
}

/// An import: `GLOBAL`, `INST` or `STACK_GLOBAL` at a byte offset.
public struct PickleImport: Hashable, Sendable {
    public var offset: Int
    public var opcode: PickleOpcode
    public var global: PickleGlobal
    /// The name as written, when the Python 2 mapping changed it (`__builtin__.eval` → `builtins.eval`).
    public var written: PickleGlobal?
}

/// A callable application: `REDUCE`, `INST`, `OBJ`, `NEWOBJ`, `NEWOBJ_EX`, and `BUILD`,
/// `APPEND(S)`, `SETITEM(S)`, `ADDITEMS` when they reach a method of an object rather than a
/// plain list, dict or set.
public struct PickleCall: Hashable, Sendable {
    public enum Callee: Hashable, Sendable {
        /// An imported global.
        case global(PickleGlobal)
        /// A method of an object made by `origin` (`__setstate__`, `extend`, `__setitem__`, `add`).
        case method(String, of: PickleGlobal)
        /// Something computed while loading (the result of another call, a persistent-load
        /// result, an extension-registry entry): what runs cannot be known without running it.
        case computed(String)
    }

    public var offset: Int
    public var opcode: PickleOpcode
    public var callee: Callee
}

/// A point where the analyser could not follow the stream as CPython's unpickler would (a
/// malformed, truncated or deliberately confusing program).
public struct PickleProblem: Hashable, Sendable {
    public var offset: Int
    public var opcode: PickleOpcode?
    public var message: String
}

/// What a pickle program would do when loaded, found without running it.
public struct PickleProgram: Sendable {
    /// How many pickles the bytes hold (one after another, as `pickle.load` called repeatedly
    /// reads them).
    public var pickles = 0
    /// The highest `PROTO` seen (0 when none).
    public var protocolVersion = 0
    public var imports: [PickleImport] = []
    public var calls: [PickleCall] = []
    public var problems: [PickleProblem] = []
    /// Pickles found inside bytes arguments, with the offset of the argument.
    public var nested: [(offset: Int, program: PickleProgram)] = []
    /// Opcodes read.
    public var instructions = 0

    public init() {}
}
