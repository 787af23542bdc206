/// GGUF examples, one part of the file a line:
///
///     GGUF 3                                       magic, version, tensor and metadata counts
///     KV general.architecture STRING "llama"       a key/value (JSON string syntax for strings)
///     KV general.alignment UINT32 32               any scalar type by its spec name
///     KV tokenizer.ggml.scores ARRAY FLOAT32 [0.5, 1]
///     TENSOR token_embd.weight 0 4,4 0             name, ggml type number, dimensions, data offset
///     DATA 64                                      alignment padding, then 64 zero bytes
///     RAW 0102ff                                   bytes as they are
///
/// The counts are those of the KV and TENSOR lines unless the GGUF line gives `tensors=N` or
/// `kvs=N` (for examples of impossible counts). Each line's bytes start at the offset recorded for it.
struct GGUFExampleFormat: ModelExampleFormat {
    let fileExtension = "gguf"
    /// Nothing can come before the magic.
    let unrelatedPrefix: [String]? = nil

    struct Problem: Error, CustomStringConvertible {
        let description: String
    }

    func assemble(_ text: String) throws -> ModelExampleFile {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let kvs = lines.filter { $0.hasPrefix("KV ") }.count
        let tensors = lines.filter { $0.hasPrefix("TENSOR ") }.count
        var bytes: [UInt8] = []
        var offsets: [Int: Int] = [:]
        for (index, line) in lines.enumerated() where !line.allSatisfy({ $0 == " " }) {
            offsets[index + 1] = bytes.count
            let words = line.split(separator: " ", maxSplits: 3).map(String.init)
            switch words.first ?? "" {
            case "GGUF":
                let version = UInt64(words.count > 1 ? words[1] : "3") ?? 3
                var tensorCount = UInt64(tensors)
                var kvCount = UInt64(kvs)
                for word in words.dropFirst(2) {
                    if word.hasPrefix("tensors=") { tensorCount = UInt64(word.dropFirst(8)) ?? tensorCount }
                    if word.hasPrefix("kvs=") { kvCount = UInt64(word.dropFirst(4)) ?? kvCount }
                }
                bytes += GGUFFile.magic + Self.little(version, 4) + Self.little(tensorCount, 8) + Self.little(kvCount, 8)
            case "KV":
                guard words.count == 4 else { throw Problem(description: "KV needs a key, a type and a value: \(line)") }
                bytes += Self.string(words[1])
                bytes += try Self.value(type: words[2], text: words[3])
            case "TENSOR":
                let parts = line.split(separator: " ").map(String.init)
                guard parts.count == 5, let type = UInt64(parts[2]), let offset = UInt64(parts[4]) else {
                    throw Problem(description: "TENSOR needs a name, a type, dimensions and an offset: \(line)")
                }
                let dimensions = parts[3].split(separator: ",").compactMap { UInt64($0) }
                bytes += Self.string(parts[1]) + Self.little(UInt64(dimensions.count), 4)
                bytes += dimensions.flatMap { Self.little($0, 8) } + Self.little(type, 4) + Self.little(offset, 8)
            case "DATA":
                guard words.count == 2, let size = Int(words[1]) else { throw Problem(description: "DATA needs a size: \(line)") }
                bytes += [UInt8](repeating: 0, count: (32 - bytes.count % 32) % 32 + size)
            case "RAW":
                let hex = Array(line.dropFirst(4).filter { $0 != " " }.utf8)
                guard hex.count % 2 == 0 else { throw Problem(description: "RAW needs pairs of hex digits: \(line)") }
                for pair in stride(from: 0, to: hex.count, by: 2) {
                    guard let byte = UInt8(String(decoding: hex[pair..<pair + 2], as: UTF8.self), radix: 16) else {
                        throw Problem(description: "RAW needs hex digits: \(line)")
                    }
                    bytes.append(byte)
                }
            default:
                throw Problem(description: "unknown GGUF example line: \(line)")
            }
        }
        return ModelExampleFile(bytes: bytes, lineOffsets: offsets)
    }

    static func little(_ value: UInt64, _ width: Int) -> [UInt8] {
        (0..<width).map { UInt8(truncatingIfNeeded: value >> (8 * UInt64($0))) }
    }

    static func string(_ text: String) -> [UInt8] {
        little(UInt64(text.utf8.count), 8) + Array(text.utf8)
    }

    /// The type number and the encoded value.
    static func value(type: String, text: String) throws -> [UInt8] {
        guard let code = GGUFFile.valueTypeNames.firstIndex(of: type) else { throw Problem(description: "unknown GGUF value type \(type)") }
        if type == "ARRAY" {
            let parts = text.split(separator: " ", maxSplits: 1).map(String.init)
            guard parts.count == 2, let element = GGUFFile.valueTypeNames.firstIndex(of: parts[0]), element != 9,
                  case .success(let parsed) = HeaderJSON.parse(Array(parts[1].utf8)).value, case .array(let items) = parsed.value else {
                throw Problem(description: "ARRAY needs an element type and a JSON array: \(text)")
            }
            var bytes = little(UInt64(code), 4) + little(UInt64(element), 4) + little(UInt64(items.count), 8)
            for item in items { bytes += try scalar(element, item) }
            return bytes
        }
        guard case .success(let parsed) = HeaderJSON.parse(Array(text.utf8)).value else { throw Problem(description: "not a JSON value: \(text)") }
        return little(UInt64(code), 4) + (try scalar(code, parsed))
    }

    static func scalar(_ code: Int, _ value: HeaderJSON) throws -> [UInt8] {
        switch (code, value.value) {
        case (8, .string(let text)): return string(text)
        case (7, .bool(let flag)): return [flag ? 1 : 0]
        case (6, .number(let text)): return little(UInt64(Float(text)?.bitPattern ?? 0), 4)
        case (12, .number(let text)): return little(Double(text)?.bitPattern ?? 0, 8)
        case (_, .number(let text)):
            let width = GGUFFile.fixedSizes[UInt32(code)] ?? 8
            guard let number = Int64(text) else { throw Problem(description: "not an integer: \(text)") }
            return little(UInt64(bitPattern: number), width)
        default: throw Problem(description: "\(value.kind) is not a \(GGUFFile.typeName(UInt32(code)))")
        }
    }
}
