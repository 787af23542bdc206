/// Follows a pickle program the way CPython's C unpickler (`_pickle.c`, what `pickle.load`,
/// `torch.load` and `joblib.load` use) executes it, without importing or calling anything: every
/// opcode with its stack effect, the mark stack and its fence, the memo (`MEMOIZE` stores at the
/// memo's size, as CPython does), frames (checked to lie inside the input, then read through, as
/// the C unpickler does), protocol-5 buffers and persistent ids.
///
/// It records every import and every callable application, and every point where CPython would
/// fail or where the program cannot be followed (stack underflow, a missing memo key, operands of
/// `STACK_GLOBAL` that are not strings, unknown opcodes, a pickle that ends early). After such a
/// point it keeps reading opcodes without a stack, so imports later in the bytes are still seen.
///
/// Written here rather than taken from a library: there is no Swift pickle reader, and a scanner
/// must model what the loader does, not what a disassembler prints (docs/facts.md, "Pickle").
public struct PickleAnalyzer: Sendable {
    /// Texts longer than this are not kept (a module or name never is).
    public var textLimit = 4096
    /// Bytes arguments up to this size are kept and searched for nested pickles; larger ones
    /// (tensor payloads) are skipped.
    public var nestedPayloadLimit = 16 << 20
    /// How deep pickles inside bytes arguments are followed.
    public var nestingLimit = 4
    /// Lines (`GLOBAL`, `INT`, protocol-0 strings …) longer than this are an error (CPython has no limit).
    public var lineLimit = 1 << 30
    /// A compressed pickle (`joblib.dump(…, compress=…)`, a deflated zip member) is followed for this
    /// many decompressed bytes; more is a note (a decompression bomb), never an unbounded read.
    public var decompressedLimit = 4 << 30

    public init() {}

    /// Analyses every pickle in the source, one after another, until its end (or, with
    /// `pickles`, that many: the legacy PyTorch format keeps raw storage bytes after its pickles).
    public func analyze<Source: PickleByteSource>(_ source: inout Source, pickles: Int? = nil) -> PickleProgram {
        analyze(&source, depth: 0, pickles: pickles)
    }

    /// Analyses bytes held in memory.
    public func analyze(_ bytes: [UInt8]) -> PickleProgram {
        var source = PickleBytes(bytes)
        return analyze(&source)
    }

    func analyze<Source: PickleByteSource>(_ source: inout Source, depth: Int, pickles: Int? = nil) -> PickleProgram {
        var program = PickleProgram()
        while !source.isAtEnd && program.pickles < (pickles ?? Int.max) {
            let start = source.offset
            var machine = Machine(analyzer: self, depth: depth)
            let finished = machine.run(&source, into: &program)
            if finished {
                program.pickles += 1
            } else {
                // The rest cannot be followed with a stack; read on for imports only.
                if program.pickles > 0 && source.offset == start + 1 && program.problems.last?.offset == start {
                    program.problems[program.problems.count - 1].message =
                        "data after the last pickle (\(program.problems[program.problems.count - 1].message))"
                }
                machine.scanForImports(&source, into: &program)
                break
            }
        }
        return program
    }

    /// A value on the unpickler's stack, as much of it as the analysis needs.
    indirect enum Value {
        case none, bool, number, float
        /// An integer that fits 64 bits (shapes, sizes and flags are read from these).
        case int(Int)
        case text(String)
        /// A text too long to keep.
        case longText
        case bytes([UInt8]?)
        case global(PickleGlobal)
        /// An object made by applying `origin` (a class or factory), or by something computed.
        case object(origin: PickleGlobal?)
        case tuple([Value])
        case list, set, frozenSet
        /// A dict, with the items under string keys that `SETITEMS`/`DICT` gave it (a few dozen at
        /// most are kept: joblib's array wrapper state is read from them).
        case dict([String: Value])
        /// A `numpy.dtype`, by its index in the machine's dtype table: `BUILD` sets its state in
        /// place, as Python mutates the one object every memo reference shares.
        case dtype(Int, origin: PickleGlobal)
        case persistent
        case buffer
        /// An extension-registry entry (`EXT1/2/4`).
        case registryEntry(Int)

        /// The global an object was made by, for methods the unpickler calls on it.
        var origin: PickleGlobal? {
            switch self {
            case .object(let origin): origin
            case .global(let global): global
            case .dtype(_, let origin): origin
            default: nil
            }
        }

        var isDictState: Bool {
            switch self {
            case .dict, .none: true
            case .tuple(let items): items.count == 2 && items.allSatisfy { if case .dict = $0 { true } else if case .none = $0 { true } else { false } }
            default: false
            }
        }

        var describe: String {
            switch self {
            case .none: "None"
            case .bool: "a bool"
            case .number, .int: "a number"
            case .float: "a float"
            case .text(let text): "the string \(text.debugDescription)"
            case .longText: "a long string"
            case .bytes: "bytes"
            case .global(let global): "the global \(global)"
            case .object(let origin): origin.map { "the result of \($0)" } ?? "a computed object"
            case .tuple: "a tuple"
            case .list: "a list"
            case .dict: "a dict"
            case .dtype: "a numpy dtype"
            case .set: "a set"
            case .frozenSet: "a frozenset"
            case .persistent: "a persistent-load result"
            case .buffer: "an out-of-band buffer"
            case .registryEntry(let code): "extension-registry entry \(code)"
            }
        }
    }

    /// One pickle's execution: the stack, the marks and the memo.
    struct Machine {
        let analyzer: PickleAnalyzer
        let depth: Int
        var stack: [Value] = []
        var marks: [Int] = []
        var memo: [Int: Value] = [:]
        var protocolVersion = 0
        /// The dtypes made so far (see `Value.dtype`).
        var dtypes: [NumpyDtype] = []
        /// A joblib `NumpyArrayWrapper` whose `BUILD` just ran: its array data follows in the bytes.
        var pendingArray: JoblibArray?

        init(analyzer: PickleAnalyzer, depth: Int) {
            self.analyzer = analyzer
            self.depth = depth
        }

        struct Failure: Error {
            var message: String
        }

        var fence: Int { marks.last ?? 0 }

        mutating func pop() throws(Failure) -> Value {
            guard stack.count > fence else { throw Failure(message: "stack underflow") }
            return stack.removeLast()
        }

        func top() throws(Failure) -> Value {
            guard stack.count > fence, let last = stack.last else { throw Failure(message: "stack underflow") }
            return last
        }

        mutating func popMark() throws(Failure) -> [Value] {
            guard let mark = marks.popLast() else { throw Failure(message: "no MARK to pop to") }
            let items = Array(stack[mark...])
            stack.removeSubrange(mark...)
            return items
        }

        /// Runs one pickle up to its `STOP`. False when it failed (the problem is recorded).
        mutating func run<Source: PickleByteSource>(_ source: inout Source, into program: inout PickleProgram) -> Bool {
            while true {
                let offset = source.offset
                guard let byte = source.readByte() else {
                    program.problems.append(PickleProblem(offset: offset, opcode: nil,
                                                          message: "the pickle ends before its STOP opcode"))
                    return false
                }
                guard let opcode = PickleOpcode(rawValue: byte) else {
                    program.problems.append(PickleProblem(offset: offset, opcode: nil,
                                                          message: "unknown opcode 0x\(String(byte, radix: 16, uppercase: true))"))
                    return false
                }
                program.instructions += 1
                do {
                    let argument = try readArgument(of: opcode, from: &source, program: &program, at: offset)
                    if try execute(opcode, argument, at: offset, into: &program) {
                        program.protocolVersion = max(program.protocolVersion, protocolVersion)
                        return true
                    }
                    if let array = pendingArray {
                        pendingArray = nil
                        try readJoblibArray(array, from: &source, into: &program)
                    }
                } catch {
                    program.problems.append(PickleProblem(offset: offset, opcode: opcode, message: error.message))
                    return false
                }
            }
        }

        /// After a failure: reads opcodes without a stack, recording the imports `GLOBAL` and
        /// `INST` name, and each `STACK_GLOBAL` as unresolvable.
        mutating func scanForImports<Source: PickleByteSource>(_ source: inout Source, into program: inout PickleProgram) {
            while let byte = source.readByte() {
                let offset = source.offset - 1
                guard let opcode = PickleOpcode(rawValue: byte) else { continue }
                guard let argument = try? readArgument(of: opcode, from: &source, program: &program, at: offset) else { continue }
                switch (opcode, argument) {
                case (.global, .pair(let module, let name)), (.inst, .pair(let module, let name)):
                    _ = recordImport(module: module, name: name, opcode: opcode, at: offset, into: &program)
                case (.stackGlobal, _):
                    program.problems.append(PickleProblem(offset: offset, opcode: opcode,
                                                          message: "STACK_GLOBAL after the point where the stream could be followed: its operands are unknown"))
                default:
                    break
                }
            }
        }

        enum Argument {
            case none
            case integer(Int)
            case value(Value)
            case pair(String, String)
        }

        // MARK: arguments

        mutating func readArgument<Source: PickleByteSource>(
            of opcode: PickleOpcode, from source: inout Source, program: inout PickleProgram, at offset: Int
        ) throws(Failure) -> Argument {
            switch opcode.argument {
            case .none:
                return .none
            case .uint1:
                guard let byte = source.readByte() else { throw Failure(message: "truncated argument") }
                return .integer(Int(byte))
            case .uint2:
                return .integer(Int(try fixed(2, &source)))
            case .int4:
                return .integer(Int(Int32(truncatingIfNeeded: try fixed(4, &source))))
            case .uint4:
                return .integer(Int(try fixed(4, &source)))
            case .uint8:
                // FRAME: the C unpickler checks that the frame's bytes are there, then reads on.
                let value = try fixed(8, &source)
                guard value <= UInt64(Int.max), source.has(Int(value)) else {
                    throw Failure(message: "the pickle ends inside a FRAME of \(value) bytes")
                }
                return .integer(Int(value))
            case .float8:
                _ = try fixed(8, &source)
                return .value(.float)
            case .decimalLine:
                let line = try textLine(&source)
                if opcode == .int && (line == "00" || line == "01") { return .value(.bool) }
                guard let number = Self.decimal(line) else {
                    if opcode == .int, Self.isDecimal(line) { return .value(.number) }  // beyond 64 bits: a Python int
                    throw Failure(message: "invalid decimal argument \(line.prefix(40).debugDescription)")
                }
                return opcode == .int ? .value(.int(number)) : .integer(number)
            case .longLine:
                let line = try textLine(&source)
                let digits = line.hasSuffix("L") ? String(line.dropLast()) : line
                guard Self.isDecimal(digits) else { throw Failure(message: "invalid LONG argument \(line.prefix(40).debugDescription)") }
                return .value(.number)
            case .floatLine:
                let line = try textLine(&source)
                guard Double(line.trimmingSpaces) != nil || ["nan", "inf", "-inf"].contains(line.lowercased()) else {
                    throw Failure(message: "invalid FLOAT argument \(line.prefix(40).debugDescription)")
                }
                return .value(.float)
            case .quotedLine:
                guard let line = source.readLine(limit: analyzer.lineLimit) else { throw Failure(message: "no newline after the STRING argument") }
                guard line.count >= 2, line.first == line.last, line.first == UInt8(ascii: "'") || line.first == UInt8(ascii: "\"") else {
                    throw Failure(message: "the STRING opcode argument must be quoted")
                }
                let bytes = Self.unescapePython(Array(line.dropFirst().dropLast()))
                return .value(text(bytes, latin1: true))
            case .unicodeLine:
                guard let line = source.readLine(limit: analyzer.lineLimit) else { throw Failure(message: "no newline after the UNICODE argument") }
                return .value(Self.rawUnicodeEscape(line).map { .text($0) } ?? .longText)
            case .line:
                guard let line = source.readLine(limit: analyzer.lineLimit) else { throw Failure(message: "no newline after the persistent id") }
                guard line.allSatisfy({ $0 < 0x80 }) else { throw Failure(message: "persistent IDs in protocol 0 must be ASCII strings") }
                return .none
            case .linePair:
                guard let module = source.readLine(limit: analyzer.lineLimit), let name = source.readLine(limit: analyzer.lineLimit) else {
                    throw Failure(message: "\(opcode.name) needs a module and a name, each ending with a newline")
                }
                guard let moduleText = String(validating: module, as: UTF8.self), let nameText = String(validating: name, as: UTF8.self) else {
                    throw Failure(message: "\(opcode.name) names a module or global that is not UTF-8")
                }
                return .pair(moduleText, nameText)
            case .counted(let prefix, let signed):
                var length = try fixed(prefix, &source)
                if signed {
                    let value = Int32(truncatingIfNeeded: length)
                    if value < 0 { throw Failure(message: "\(opcode.name) has a negative byte count") }
                    length = UInt64(value)
                }
                guard length <= UInt64(Int.max) else { throw Failure(message: "\(opcode.name) length \(length) is beyond any input") }
                let count = Int(length)
                switch opcode {
                case .long1, .long4:
                    if count <= 8 {
                        // Two's complement, little-endian: kept when it fits an Int (an array dimension may need it).
                        guard let bytes = source.read(count) else { throw Failure(message: "truncated \(opcode.name) argument (\(count) bytes announced)") }
                        guard let last = bytes.last else { return .value(.int(0)) }
                        var value = LittleEndian.value(bytes)
                        if last & 0x80 != 0 && count < 8 { value |= ~0 << (8 * UInt64(count)) }
                        return .value(.int(Int(Int64(bitPattern: value))))
                    }
                    guard source.skip(count) else { throw Failure(message: "truncated \(opcode.name) argument (\(count) bytes announced)") }
                    return .value(.number)
                case .binBytes, .shortBinBytes, .binBytes8, .byteArray8:
                    if count <= analyzer.nestedPayloadLimit {
                        let payloadOffset = source.offset
                        guard let payload = source.read(count) else { throw Failure(message: "truncated \(opcode.name) argument (\(count) bytes announced)") }
                        followNested(payload, at: payloadOffset, into: &program)
                        return .value(.bytes(payload))
                    }
                    guard source.skip(count) else { throw Failure(message: "truncated \(opcode.name) argument (\(count) bytes announced)") }
                    return .value(.bytes(nil))
                case .binString, .shortBinString:
                    return .value(try keptText(count, latin1: true, opcode: opcode, &source))
                default:
                    return .value(try keptText(count, latin1: false, opcode: opcode, &source))
                }
            }
        }

        func fixed<Source: PickleByteSource>(_ width: Int, _ source: inout Source) throws(Failure) -> UInt64 {
            guard let bytes = source.read(width) else { throw Failure(message: "truncated argument") }
            return LittleEndian.value(bytes)
        }

        func textLine<Source: PickleByteSource>(_ source: inout Source) throws(Failure) -> String {
            guard let line = source.readLine(limit: analyzer.lineLimit) else { throw Failure(message: "no newline after the argument") }
            return String(decoding: line, as: UTF8.self)
        }

        func text(_ bytes: [UInt8], latin1: Bool) -> Value {
            guard bytes.count <= analyzer.textLimit else { return .longText }
            if latin1 { return .text(String(bytes.map { Character(Unicode.Scalar($0)) })) }
            // CPython decodes with "surrogatepass"; a text that is not UTF-8 cannot name a module.
            return String(validating: bytes, as: UTF8.self).map { .text($0) } ?? .longText
        }

        func keptText<Source: PickleByteSource>(_ count: Int, latin1: Bool, opcode: PickleOpcode, _ source: inout Source) throws(Failure) -> Value {
            if count > analyzer.textLimit {
                guard source.skip(count) else { throw Failure(message: "truncated \(opcode.name) argument (\(count) bytes announced)") }
                return .longText
            }
            guard let bytes = source.read(count) else { throw Failure(message: "truncated \(opcode.name) argument (\(count) bytes announced)") }
            return text(bytes, latin1: latin1)
        }

        /// A bytes argument that is itself a pickle (`pickle.loads(b"…")`, `torch.load` of bytes):
        /// analysed too, to a bounded depth.
        func followNested(_ payload: [UInt8], at offset: Int, into program: inout PickleProgram) {
            guard depth < analyzer.nestingLimit, Self.looksLikePickle(payload) else { return }
            var source = PickleBytes(payload)
            let nested = analyzer.analyze(&source, depth: depth + 1)
            program.nested.append((offset: offset, program: nested))
        }

        static func looksLikePickle(_ bytes: [UInt8]) -> Bool {
            guard bytes.count >= 4 else { return false }
            if bytes[0] == PickleOpcode.proto.rawValue && bytes[1] <= 5 { return true }
            // Protocol 0 starting with an import: `c<module>\n<name>\n`.
            return bytes[0] == PickleOpcode.global.rawValue && bytes.prefix(256).filter { $0 == 0x0A }.count >= 2
        }

        // MARK: execution

        mutating func recordImport(module: String, name: String, opcode: PickleOpcode, at offset: Int,
                                   into program: inout PickleProgram) -> PickleGlobal {
            let written = PickleGlobal(module: module, name: name)
            let global = protocolVersion < 3 ? PythonTwoNames.map(written) : written
            program.imports.append(PickleImport(offset: offset, opcode: opcode, global: global,
                                                written: global == written ? nil : written))
            return global
        }

        mutating func call(_ callee: Value, _ opcode: PickleOpcode, at offset: Int, into program: inout PickleProgram) -> Value {
            switch callee {
            case .global(let global):
                program.calls.append(PickleCall(offset: offset, opcode: opcode, callee: .global(global)))
                return .object(origin: global)
            default:
                program.calls.append(PickleCall(offset: offset, opcode: opcode, callee: .computed(callee.describe)))
                return .object(origin: nil)
            }
        }

        /// A method the unpickler calls on `target` (`BUILD` → `__setstate__`, `APPENDS` → `extend`
        /// …): recorded when `target` is an object, not a plain container.
        mutating func method(_ name: String, of target: Value, _ opcode: PickleOpcode, at offset: Int,
                             into program: inout PickleProgram) {
            switch target {
            case .list, .dict, .set, .frozenSet, .tuple:
                return
            case .dtype(_, let origin):
                program.calls.append(PickleCall(offset: offset, opcode: opcode, callee: .method(name, of: origin)))
            case .object(let origin?), .global(let origin):
                program.calls.append(PickleCall(offset: offset, opcode: opcode, callee: .method(name, of: origin)))
            default:
                program.calls.append(PickleCall(offset: offset, opcode: opcode, callee: .computed("\(name) of \(target.describe)")))
            }
        }

        /// Executes one opcode; true at `STOP`.
        mutating func execute(_ opcode: PickleOpcode, _ argument: Argument, at offset: Int,
                              into program: inout PickleProgram) throws(Failure) -> Bool {
            switch opcode {
            case .mark:
                marks.append(stack.count)
            case .stop:
                _ = try pop()
                return true
            case .pop:
                if let mark = marks.last, mark == stack.count {
                    marks.removeLast()
                } else {
                    _ = try pop()
                }
            case .popMark:
                _ = try popMark()
            case .dup:
                stack.append(try top())
            case .proto:
                guard case .integer(let version) = argument else { break }
                guard version <= 5 else { throw Failure(message: "unsupported pickle protocol: \(version)") }
                protocolVersion = version
            case .frame:
                break  // checked while reading its argument
            case .int, .binInt, .binInt1, .binInt2, .long, .long1, .long4:
                switch argument {
                case .value(let value): stack.append(value)
                case .integer(let value): stack.append(.int(value))
                default: stack.append(.number)
                }
            case .float, .binFloat:
                stack.append(.float)
            case .none:
                stack.append(.none)
            case .newTrue, .newFalse:
                stack.append(.bool)
            case .string, .binString, .shortBinString, .unicode, .binUnicode, .shortBinUnicode, .binUnicode8,
                 .binBytes, .shortBinBytes, .binBytes8, .byteArray8:
                guard case .value(let value) = argument else { throw Failure(message: "missing argument") }
                stack.append(value)
            case .nextBuffer:
                throw Failure(message: "the pickle refers to out-of-band data (protocol-5 buffers), which plain pickle.load cannot provide")
            case .readonlyBuffer:
                _ = try top()
            case .emptyList:
                stack.append(.list)
            case .emptyDict:
                stack.append(.dict([:]))
            case .emptySet:
                stack.append(.set)
            case .emptyTuple:
                stack.append(.tuple([]))
            case .list:
                _ = try popMark()
                stack.append(.list)
            case .tuple:
                stack.append(.tuple(try popMark()))
            case .dict:
                let items = try popMark()
                guard items.count % 2 == 0 else { throw Failure(message: "odd number of items for DICT") }
                stack.append(.dict(Self.merge([:], items)))
            case .frozenSet:
                _ = try popMark()
                stack.append(.frozenSet)
            case .tuple1, .tuple2, .tuple3:
                let count = Int(opcode.rawValue - PickleOpcode.tuple1.rawValue) + 1
                var items: [Value] = []
                for _ in 0..<count { items.insert(try pop(), at: 0) }
                stack.append(.tuple(items))
            case .append:
                _ = try pop()
                method("append", of: try top(), opcode, at: offset, into: &program)
            case .appends:
                _ = try popMark()
                method("extend", of: try top(), opcode, at: offset, into: &program)
            case .setItem:
                let value = try pop()
                let key = try pop()
                let target = try top()
                method("__setitem__", of: target, opcode, at: offset, into: &program)
                if case .dict(let items) = target { stack[stack.count - 1] = .dict(Self.merge(items, [key, value])) }
            case .setItems:
                let items = try popMark()
                guard items.count % 2 == 0 else { throw Failure(message: "odd number of items for SETITEMS") }
                let target = try top()
                method("__setitem__", of: target, opcode, at: offset, into: &program)
                if case .dict(let kept) = target { stack[stack.count - 1] = .dict(Self.merge(kept, items)) }
            case .addItems:
                _ = try popMark()
                method("add", of: try top(), opcode, at: offset, into: &program)
            case .get, .binGet, .longBinGet:
                guard case .integer(let index) = argument else { throw Failure(message: "missing memo index") }
                guard let value = memo[index] else { throw Failure(message: "memo key \(index) was never stored") }
                stack.append(value)
            case .put, .binPut, .longBinPut:
                guard case .integer(let index) = argument else { throw Failure(message: "missing memo index") }
                guard index >= 0 else { throw Failure(message: "negative PUT argument") }
                memo[index] = try top()
            case .memoize:
                memo[memo.count] = try top()
            case .global:
                guard case .pair(let module, let name) = argument else { throw Failure(message: "missing GLOBAL argument") }
                stack.append(.global(recordImport(module: module, name: name, opcode: opcode, at: offset, into: &program)))
            case .stackGlobal:
                let name = try pop()
                let module = try pop()
                guard case .text(let moduleText) = module, case .text(let nameText) = name else {
                    throw Failure(message: "STACK_GLOBAL takes two strings; found \(module.describe) and \(name.describe)")
                }
                stack.append(.global(recordImport(module: moduleText, name: nameText, opcode: opcode, at: offset, into: &program)))
            case .inst:
                guard case .pair(let module, let name) = argument else { throw Failure(message: "missing INST argument") }
                _ = try popMark()
                let global = recordImport(module: module, name: name, opcode: opcode, at: offset, into: &program)
                stack.append(call(.global(global), opcode, at: offset, into: &program))
            case .obj:
                let items = try popMark()
                guard let callee = items.first else { throw Failure(message: "stack underflow (OBJ without a class)") }
                stack.append(call(callee, opcode, at: offset, into: &program))
            case .reduce:
                let arguments = try pop()
                let callee = try pop()
                stack.append(reduce(callee, arguments, at: offset, into: &program))
            case .newObj:
                _ = try pop()
                let callee = try pop()
                stack.append(call(callee, opcode, at: offset, into: &program))
            case .newObjEx:
                _ = try pop()
                _ = try pop()
                let callee = try pop()
                stack.append(call(callee, opcode, at: offset, into: &program))
            case .build:
                let state = try pop()
                let target = try top()
                if !state.isDictState {
                    method("__setstate__", of: target, opcode, at: offset, into: &program)
                } else if case .object(origin: nil) = target {
                    method("__setstate__", of: target, opcode, at: offset, into: &program)
                }
                if case .dtype(let index, _) = target, case .tuple(let items) = state {
                    dtypes[index].setState(items)
                }
                if case .object(let origin?) = target, JoblibArray.wrappers.contains(origin) {
                    // joblib's NumpyUnpickler.load_build: the array's bytes follow this BUILD.
                    pendingArray = try JoblibArray(state: state, dtypes: dtypes)
                }
            case .persistentID:
                stack.append(.persistent)
            case .binPersistentID:
                _ = try pop()
                stack.append(.persistent)
            case .ext1, .ext2, .ext4:
                guard case .integer(let code) = argument else { throw Failure(message: "missing extension code") }
                program.problems.append(PickleProblem(
                    offset: offset, opcode: opcode,
                    message: "extension-registry code \(code): which global it names depends on the process that loads it"))
                stack.append(.registryEntry(code))
            }
            return false
        }

        /// `REDUCE`: `copyreg._reconstructor(cls, base, state)` and `copyreg.__newobj__(cls, …)`
        /// make an object of `cls`, so later `BUILD`/`SETITEMS` reach `cls`'s methods.
        mutating func reduce(_ callee: Value, _ arguments: Value, at offset: Int, into program: inout PickleProgram) -> Value {
            let result = call(callee, .reduce, at: offset, into: &program)
            if case .global(let global) = callee, NumpyDtype.constructors.contains(global),
               case .tuple(let items) = arguments, case .text(let type)? = items.first {
                dtypes.append(NumpyDtype(type: type))
                return .dtype(dtypes.count - 1, origin: global)
            }
            if case .global(let global) = callee, global.module == "copyreg",
               global.name == "_reconstructor" || global.name == "__newobj__" || global.name == "__newobj_ex__",
               case .tuple(let items) = arguments, case .global(let cls)? = items.first {
                return .object(origin: cls)
            }
            return result
        }

        /// Dict items kept by string key (up to 64 keys; more are not needed to read any state).
        static func merge(_ items: [String: Value], _ pairs: [Value]) -> [String: Value] {
            var items = items
            var index = 0
            while index + 1 < pairs.count {
                if case .text(let key) = pairs[index], items.count < 64 || items[key] != nil { items[key] = pairs[index + 1] }
                index += 2
            }
            return items
        }

        /// Reads past a joblib array's data the way `NumpyArrayWrapper.read_array` does: for an object
        /// dtype, the nested pickle that follows (analysed: it is code like any pickle); otherwise the
        /// alignment padding (a length byte, then that many bytes, when the wrapper has
        /// `numpy_array_alignment_bytes`) and `count × itemsize` raw bytes, skipped.
        mutating func readJoblibArray<Source: PickleByteSource>(_ array: JoblibArray, from source: inout Source,
                                                                into program: inout PickleProgram) throws(Failure) {
            if array.holdsObjects {
                guard depth < analyzer.nestingLimit else { throw Failure(message: "joblib object arrays nested too deep") }
                var inner = Machine(analyzer: analyzer, depth: depth + 1)
                guard inner.run(&source, into: &program) else {
                    throw Failure(message: "the pickle of a joblib object array (after NumpyArrayWrapper) could not be followed")
                }
                return
            }
            if array.aligned {
                guard let padding = source.readByte() else { throw Failure(message: "the file ends before a joblib array's padding") }
                guard source.skip(Int(padding)) else { throw Failure(message: "the file ends inside a joblib array's padding") }
            }
            guard source.skip(array.byteCount) else {
                throw Failure(message: "the file ends inside the data of a joblib array (\(array.byteCount) bytes announced)")
            }
        }

        // MARK: text helpers

        static func decimal(_ text: String) -> Int? {
            Int(text.trimmingSpaces)
        }

        static func isDecimal(_ text: String) -> Bool {
            let body = text.trimmingSpaces
            let digits = body.hasPrefix("-") || body.hasPrefix("+") ? body.dropFirst() : Substring(body)
            return !digits.isEmpty && digits.allSatisfy(\.isASCII) && digits.allSatisfy(\.isNumber)
        }

        /// Python's string-literal escapes, as `codecs.escape_decode` reads them.
        static func unescapePython(_ bytes: [UInt8]) -> [UInt8] {
            var result: [UInt8] = []
            result.reserveCapacity(bytes.count)
            var index = 0
            while index < bytes.count {
                let byte = bytes[index]
                guard byte == UInt8(ascii: "\\"), index + 1 < bytes.count else {
                    result.append(byte)
                    index += 1
                    continue
                }
                let next = bytes[index + 1]
                index += 2
                switch next {
                case UInt8(ascii: "n"): result.append(0x0A)
                case UInt8(ascii: "t"): result.append(0x09)
                case UInt8(ascii: "r"): result.append(0x0D)
                case UInt8(ascii: "a"): result.append(0x07)
                case UInt8(ascii: "b"): result.append(0x08)
                case UInt8(ascii: "f"): result.append(0x0C)
                case UInt8(ascii: "v"): result.append(0x0B)
                case UInt8(ascii: "\n"): break
                case UInt8(ascii: "x"):
                    if index + 2 <= bytes.count, let value = UInt8(String(decoding: bytes[index..<index + 2], as: UTF8.self), radix: 16) {
                        result.append(value)
                        index += 2
                    } else {
                        result.append(contentsOf: [UInt8(ascii: "\\"), next])
                    }
                case UInt8(ascii: "0")...UInt8(ascii: "7"):
                    var value = Int(next - UInt8(ascii: "0"))
                    var digits = 1
                    while digits < 3, index < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "7")).contains(bytes[index]) {
                        value = value * 8 + Int(bytes[index] - UInt8(ascii: "0"))
                        index += 1
                        digits += 1
                    }
                    result.append(UInt8(truncatingIfNeeded: value))
                default:
                    result.append(next == UInt8(ascii: "\\") || next == UInt8(ascii: "'") || next == UInt8(ascii: "\"")
                        ? next : UInt8(ascii: "\\"))
                    if !(next == UInt8(ascii: "\\") || next == UInt8(ascii: "'") || next == UInt8(ascii: "\"")) { result.append(next) }
                }
            }
            return result
        }

        /// The `raw-unicode-escape` codec: `\uXXXX` and `\UXXXXXXXX`, other bytes as Latin-1.
        static func rawUnicodeEscape(_ bytes: [UInt8]) -> String? {
            var scalars = String.UnicodeScalarView()
            var index = 0
            while index < bytes.count {
                let byte = bytes[index]
                if byte == UInt8(ascii: "\\"), index + 1 < bytes.count,
                   bytes[index + 1] == UInt8(ascii: "u") || bytes[index + 1] == UInt8(ascii: "U") {
                    let width = bytes[index + 1] == UInt8(ascii: "u") ? 4 : 8
                    guard index + 2 + width <= bytes.count,
                          let value = UInt32(String(decoding: bytes[index + 2..<index + 2 + width], as: UTF8.self), radix: 16),
                          let scalar = Unicode.Scalar(value) else { return nil }
                    scalars.append(scalar)
                    index += 2 + width
                } else {
                    scalars.append(Unicode.Scalar(byte))
                    index += 1
                }
            }
            return String(scalars)
        }
    }
}

extension String {
    var trimmingSpaces: String {
        var view = Substring(self)
        while view.first == " " { view = view.dropFirst() }
        while view.last == " " || view.last == "\r" { view = view.dropLast() }
        return String(view)
    }
}
