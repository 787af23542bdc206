/// The 68 opcodes of Python's pickle protocols 0–5, with the encoding of their inline argument and
/// the protocol that introduced them, as CPython's `pickletools` lists them (docs/facts.md, "Pickle").
public enum PickleOpcode: UInt8, CaseIterable, Sendable {
    case mark = 0x28, emptyTuple = 0x29, stop = 0x2E, pop = 0x30, popMark = 0x31, dup = 0x32
    case binBytes = 0x42, shortBinBytes = 0x43, float = 0x46, binFloat = 0x47
    case int = 0x49, binInt = 0x4A, binInt1 = 0x4B, long = 0x4C, binInt2 = 0x4D, none = 0x4E
    case persistentID = 0x50, binPersistentID = 0x51, reduce = 0x52, string = 0x53, binString = 0x54
    case shortBinString = 0x55, unicode = 0x56, binUnicode = 0x58, emptyList = 0x5D, append = 0x61
    case build = 0x62, global = 0x63, dict = 0x64, appends = 0x65, get = 0x67, binGet = 0x68
    case inst = 0x69, longBinGet = 0x6A, list = 0x6C, obj = 0x6F, put = 0x70, binPut = 0x71
    case longBinPut = 0x72, setItem = 0x73, tuple = 0x74, setItems = 0x75, emptyDict = 0x7D
    case proto = 0x80, newObj = 0x81, ext1 = 0x82, ext2 = 0x83, ext4 = 0x84
    case tuple1 = 0x85, tuple2 = 0x86, tuple3 = 0x87, newTrue = 0x88, newFalse = 0x89
    case long1 = 0x8A, long4 = 0x8B, shortBinUnicode = 0x8C, binUnicode8 = 0x8D, binBytes8 = 0x8E
    case emptySet = 0x8F, addItems = 0x90, frozenSet = 0x91, newObjEx = 0x92, stackGlobal = 0x93
    case memoize = 0x94, frame = 0x95, byteArray8 = 0x96, nextBuffer = 0x97, readonlyBuffer = 0x98

    /// How the bytes after the opcode are laid out (pickletools' argument descriptors).
    public enum Argument: Sendable, Equatable {
        case none
        /// Little-endian integers of a fixed width.
        case uint1, uint2, int4, uint4, uint8
        /// An IEEE 754 double, big-endian.
        case float8
        /// Text up to a newline: a decimal integer (`I`, `L`), a float (`F`), a quoted Python 2
        /// string (`S`), raw-unicode-escaped text (`V`), one line (`P`), or two lines (`c`, `i`).
        case decimalLine, longLine, floatLine, quotedLine, unicodeLine, line, linePair
        /// Length-prefixed payloads: the prefix width in bytes, and whether it is signed.
        case counted(prefix: Int, signed: Bool)
    }

    /// pickletools' name (`BINUNICODE`, `STACK_GLOBAL` …), used in findings.
    public var name: String {
        switch self {
        case .mark: "MARK"
        case .emptyTuple: "EMPTY_TUPLE"
        case .stop: "STOP"
        case .pop: "POP"
        case .popMark: "POP_MARK"
        case .dup: "DUP"
        case .binBytes: "BINBYTES"
        case .shortBinBytes: "SHORT_BINBYTES"
        case .float: "FLOAT"
        case .binFloat: "BINFLOAT"
        case .int: "INT"
        case .binInt: "BININT"
        case .binInt1: "BININT1"
        case .long: "LONG"
        case .binInt2: "BININT2"
        case .none: "NONE"
        case .persistentID: "PERSID"
        case .binPersistentID: "BINPERSID"
        case .reduce: "REDUCE"
        case .string: "STRING"
        case .binString: "BINSTRING"
        case .shortBinString: "SHORT_BINSTRING"
        case .unicode: "UNICODE"
        case .binUnicode: "BINUNICODE"
        case .emptyList: "EMPTY_LIST"
        case .append: "APPEND"
        case .build: "BUILD"
        case .global: "GLOBAL"
        case .dict: "DICT"
        case .appends: "APPENDS"
        case .get: "GET"
        case .binGet: "BINGET"
        case .inst: "INST"
        case .longBinGet: "LONG_BINGET"
        case .list: "LIST"
        case .obj: "OBJ"
        case .put: "PUT"
        case .binPut: "BINPUT"
        case .longBinPut: "LONG_BINPUT"
        case .setItem: "SETITEM"
        case .tuple: "TUPLE"
        case .setItems: "SETITEMS"
        case .emptyDict: "EMPTY_DICT"
        case .proto: "PROTO"
        case .newObj: "NEWOBJ"
        case .ext1: "EXT1"
        case .ext2: "EXT2"
        case .ext4: "EXT4"
        case .tuple1: "TUPLE1"
        case .tuple2: "TUPLE2"
        case .tuple3: "TUPLE3"
        case .newTrue: "NEWTRUE"
        case .newFalse: "NEWFALSE"
        case .long1: "LONG1"
        case .long4: "LONG4"
        case .shortBinUnicode: "SHORT_BINUNICODE"
        case .binUnicode8: "BINUNICODE8"
        case .binBytes8: "BINBYTES8"
        case .emptySet: "EMPTY_SET"
        case .addItems: "ADDITEMS"
        case .frozenSet: "FROZENSET"
        case .newObjEx: "NEWOBJ_EX"
        case .stackGlobal: "STACK_GLOBAL"
        case .memoize: "MEMOIZE"
        case .frame: "FRAME"
        case .byteArray8: "BYTEARRAY8"
        case .nextBuffer: "NEXT_BUFFER"
        case .readonlyBuffer: "READONLY_BUFFER"
        }
    }

    public var argument: Argument {
        switch self {
        case .int, .get, .put: .decimalLine
        case .long: .longLine
        case .float: .floatLine
        case .string: .quotedLine
        case .unicode: .unicodeLine
        case .persistentID: .line
        case .global, .inst: .linePair
        case .binInt1, .binGet, .binPut, .proto, .ext1: .uint1
        case .binInt2, .ext2: .uint2
        case .binInt, .ext4: .int4
        case .longBinGet, .longBinPut: .uint4
        case .frame: .uint8
        case .binFloat: .float8
        case .shortBinString, .shortBinBytes, .shortBinUnicode, .long1: .counted(prefix: 1, signed: false)
        case .binString, .long4: .counted(prefix: 4, signed: true)
        case .binBytes, .binUnicode: .counted(prefix: 4, signed: false)
        case .binBytes8, .binUnicode8, .byteArray8: .counted(prefix: 8, signed: false)
        default: .none
        }
    }

    /// The protocol that introduced the opcode.
    public var protocolVersion: Int {
        switch self {
        case .mark, .stop, .pop, .dup, .float, .int, .long, .none, .persistentID, .reduce, .string,
             .unicode, .append, .build, .global, .dict, .get, .inst, .list, .put, .setItem, .tuple:
            0
        case .emptyTuple, .popMark, .binFloat, .binInt, .binInt1, .binInt2, .binPersistentID, .binString,
             .shortBinString, .binUnicode, .emptyList, .appends, .binGet, .longBinGet, .obj, .binPut,
             .longBinPut, .setItems, .emptyDict:
            1
        case .proto, .newObj, .ext1, .ext2, .ext4, .tuple1, .tuple2, .tuple3, .newTrue, .newFalse, .long1, .long4:
            2
        case .binBytes, .shortBinBytes:
            3
        case .shortBinUnicode, .binUnicode8, .binBytes8, .emptySet, .addItems, .frozenSet, .newObjEx,
             .stackGlobal, .memoize, .frame:
            4
        case .byteArray8, .nextBuffer, .readonlyBuffer:
            5
        }
    }
}
