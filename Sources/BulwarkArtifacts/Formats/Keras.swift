/// The model config of a Keras file: `config.json` of a Keras v3 `.keras` archive. What matters for
/// security is which callables loading it resolves: every object in the config is a dict with
/// `class_name` (and, since Keras 3, `module` and `registered_name`), resolved by
/// `keras/src/saving/serialization_lib.py` (`_retrieve_class_or_fn`): Keras ≥ 3.9 imports only
/// `keras*`/`keras_hub`/`keras_cv`/`keras_nlp` modules and refuses the "non-modeling" Keras APIs
/// (`keras.utils.get_file`, `keras.config.enable_unsafe_deserialization` …), earlier versions import
/// any `module` and take any attribute of it (CVE-2025-1550); a `Lambda` layer or a `__lambda__`
/// object holds marshalled Python bytecode that runs when `safe_mode` is off, which a config can
/// switch off itself through `enable_unsafe_deserialization` (CVE-2025-9906).
public struct KerasConfig: Sendable {
    /// One object of the config that names a callable.
    public struct Object: Sendable, Equatable {
        public var className: String
        public var module: String?
        public var registeredName: String?
        /// For `class_name: "function"`, the function's name (the `config` string).
        public var functionName: String?
        /// The file offset of the object's `class_name` key (the whole-member offset when compressed).
        public var offset: Int
        /// Where the config was read: `config.json`.
        public var member: String?

        /// The dotted name the loader resolves: `module.class_name`, or `module.function` for a function.
        public var qualifiedName: String? {
            guard let module else { return nil }
            return "\(module).\(className == "function" ? functionName ?? className : className)"
        }
    }

    public var objects: [Object] = []

    public init(objects: [Object] = []) {
        self.objects = objects
    }

    /// Reads every object with a `class_name` in the JSON text at `base` in the file.
    public static func parse(_ text: [UInt8], base: Int, member: String?) -> Result<KerasConfig, KerasProblem> {
        var parser = JSONOffsets(text)
        guard let root = parser.parse() else {
            return .failure(KerasProblem(message: "\(member ?? "the config") is not valid JSON (\(parser.error ?? "unreadable")) at byte \(parser.position)"))
        }
        var config = KerasConfig()
        func walk(_ value: JSONOffsets.Value) {
            switch value {
            case .object(let items):
                if case .string(let className, _)? = items.first(where: { $0.key == "class_name" })?.value,
                   let key = items.first(where: { $0.key == "class_name" }) {
                    func text(_ name: String) -> String? {
                        if case .string(let value, _)? = items.first(where: { $0.key == name })?.value { value } else { nil }
                    }
                    config.objects.append(Object(className: className, module: text("module"), registeredName: text("registered_name"),
                                                 functionName: className == "function" ? text("config") : nil,
                                                 offset: base + key.offset, member: member))
                }
                for item in items { walk(item.value) }
            case .array(let items):
                items.forEach(walk)
            default:
                break
            }
        }
        walk(root)
        return .success(config)
    }
}

/// Why a Keras config could not be read.
public struct KerasProblem: Error, Sendable, Equatable {
    public let message: String
}

/// A JSON reader that keeps where each object key starts (Foundation's parser drops positions,
/// and a finding must name the byte). Depth and size are bounded by the input; nesting deeper
/// than 512 is refused rather than recursed into.
struct JSONOffsets {
    indirect enum Value {
        case object([(key: String, offset: Int, value: Value)])
        case array([Value])
        case string(String, offset: Int)
        case other
    }

    let bytes: [UInt8]
    var position = 0
    var error: String?
    var depth = 0

    init(_ bytes: [UInt8]) {
        self.bytes = bytes
    }

    mutating func parse() -> Value? {
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { position = 3 }
        guard let value = value() else { return nil }
        skipSpace()
        guard position == bytes.count else { return fail("text after the JSON value") }
        return value
    }

    mutating func fail(_ message: String) -> Value? {
        if error == nil { error = message }
        return nil
    }

    mutating func skipSpace() {
        while position < bytes.count, [0x20, 0x0A, 0x0D, 0x09].contains(bytes[position]) { position += 1 }
    }

    mutating func value() -> Value? {
        skipSpace()
        guard position < bytes.count else { return fail("the JSON ends early") }
        switch bytes[position] {
        case UInt8(ascii: "{"):
            depth += 1
            defer { depth -= 1 }
            guard depth <= 512 else { return fail("nesting deeper than 512") }
            position += 1
            var items: [(key: String, offset: Int, value: Value)] = []
            skipSpace()
            if position < bytes.count, bytes[position] == UInt8(ascii: "}") { position += 1; return .object(items) }
            while true {
                skipSpace()
                let offset = position
                guard case .string(let key, _)? = string() else { return fail("an object key must be a string") }
                skipSpace()
                guard position < bytes.count, bytes[position] == UInt8(ascii: ":") else { return fail("':' expected") }
                position += 1
                guard let item = value() else { return nil }
                items.append((key, offset, item))
                skipSpace()
                guard position < bytes.count else { return fail("the JSON ends inside an object") }
                if bytes[position] == UInt8(ascii: ",") { position += 1; continue }
                if bytes[position] == UInt8(ascii: "}") { position += 1; return .object(items) }
                return fail("',' or '}' expected")
            }
        case UInt8(ascii: "["):
            depth += 1
            defer { depth -= 1 }
            guard depth <= 512 else { return fail("nesting deeper than 512") }
            position += 1
            var items: [Value] = []
            skipSpace()
            if position < bytes.count, bytes[position] == UInt8(ascii: "]") { position += 1; return .array(items) }
            while true {
                guard let item = value() else { return nil }
                items.append(item)
                skipSpace()
                guard position < bytes.count else { return fail("the JSON ends inside an array") }
                if bytes[position] == UInt8(ascii: ",") { position += 1; continue }
                if bytes[position] == UInt8(ascii: "]") { position += 1; return .array(items) }
                return fail("',' or ']' expected")
            }
        case UInt8(ascii: "\""):
            return string()
        default:
            // Numbers, true, false, null (and Python's NaN/Infinity, which json.dump writes).
            let start = position
            while position < bytes.count, !",]} \n\r\t".utf8.contains(bytes[position]) { position += 1 }
            guard position > start else { return fail("a value expected") }
            return .other
        }
    }

    mutating func string() -> Value? {
        let offset = position
        guard position < bytes.count, bytes[position] == UInt8(ascii: "\"") else { return fail("'\"' expected") }
        position += 1
        var scalars = String.UnicodeScalarView()
        var raw: [UInt8] = []
        while position < bytes.count {
            let byte = bytes[position]
            if byte == UInt8(ascii: "\"") {
                position += 1
                scalars.append(contentsOf: String(decoding: raw, as: UTF8.self).unicodeScalars)
                return .string(String(scalars), offset: offset)
            }
            if byte == UInt8(ascii: "\\") {
                scalars.append(contentsOf: String(decoding: raw, as: UTF8.self).unicodeScalars)
                raw = []
                guard position + 1 < bytes.count else { break }
                let escape = bytes[position + 1]
                position += 2
                switch escape {
                case UInt8(ascii: "n"): scalars.append("\n")
                case UInt8(ascii: "t"): scalars.append("\t")
                case UInt8(ascii: "r"): scalars.append("\r")
                case UInt8(ascii: "b"): scalars.append("\u{8}")
                case UInt8(ascii: "f"): scalars.append("\u{C}")
                case UInt8(ascii: "u"):
                    guard position + 4 <= bytes.count, let code = UInt32(String(decoding: bytes[position..<position + 4], as: UTF8.self), radix: 16) else {
                        return fail("a bad \\u escape")
                    }
                    position += 4
                    scalars.append(Unicode.Scalar(code) ?? "\u{FFFD}")
                default: scalars.append(Unicode.Scalar(escape))
                }
                continue
            }
            raw.append(byte)
            position += 1
        }
        return fail("the JSON ends inside a string")
    }
}
