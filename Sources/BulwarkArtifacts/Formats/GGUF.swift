/// A GGUF file's header (ggml `docs/gguf.md`): the magic `GGUF`, a version (1–3), the tensor count
/// and the metadata count (64-bit from version 2, 32-bit in version 1), typed key/value metadata
/// (scalars, strings with a length prefix, arrays of any type, nested arrays included), then one
/// info per tensor (name, dimensions, ggml type, offset into the aligned data section).
///
/// Everything is read with bounds: a count or a length is checked against the bytes left before
/// anything is read or kept for it, so an impossible count costs nothing. Only string values of
/// chat-template keys are kept (they are Jinja code a server runs); token vocabularies of 100,000
/// strings are walked, not stored. What the reference reader (`src/gguf.cpp`) would refuse, or a
/// reader that trusted the file would read out of bounds, is a `Problem` with its offset.
public struct GGUFFile: Sendable {
    /// One metadata key/value.
    public struct Entry: Sendable {
        public let key: String
        /// Where the key's length field is.
        public let offset: Int
        public let type: UInt32
        /// The text of a string value, kept for chat-template keys only.
        public let string: String?
        /// Where a string value's first byte is.
        public let valueOffset: Int
        /// An unsigned integer value (UINT8 … UINT64), for `general.alignment`.
        public let integer: UInt64?
    }

    public struct TensorInfo: Sendable {
        public let name: String
        public let dimensions: [UInt64]
        public let type: UInt32
        /// Relative to the start of the data section.
        public let dataOffset: UInt64
        /// Where the info's name is in the file.
        public let offset: Int
    }

    public struct Problem: Sendable, Hashable {
        public let message: String
        public let offset: Int
    }

    public internal(set) var version: UInt32 = 0
    public internal(set) var bigEndian = false
    public internal(set) var tensorCount: UInt64 = 0
    public internal(set) var metadataCount: UInt64 = 0
    public internal(set) var metadata: [Entry] = []
    public internal(set) var tensors: [TensorInfo] = []
    public internal(set) var problems: [Problem] = []
    public internal(set) var alignment = 32

    static let magic: [UInt8] = Array("GGUF".utf8)

    /// Whether the bytes start like a GGUF file: the magic and a version below 256 in either byte
    /// order (three zero bytes, so a text file that begins with the word "GGUF" is not one; an
    /// unknown version is then reported, not passed over).
    static func looksLikeGGUF(_ head: some RandomAccessCollection<UInt8>) -> Bool {
        let bytes = Array(head.prefix(8))
        guard bytes.count == 8, bytes.starts(with: magic) else { return false }
        return (bytes[5...7].allSatisfy { $0 == 0 } && bytes[4] != 0) || (bytes[4...6].allSatisfy { $0 == 0 } && bytes[7] != 0)
    }

    /// Whether a metadata key holds a chat template: `tokenizer.chat_template`, and the named
    /// templates `tokenizer.chat_template.<name>` (tool use, RAG …).
    public static func isChatTemplate(_ key: String) -> Bool {
        key == "tokenizer.chat_template" || key.hasPrefix("tokenizer.chat_template.")
    }

    /// The chat templates of the file, in order (a key given twice gives both).
    public var chatTemplates: [Entry] { metadata.filter { Self.isChatTemplate($0.key) && $0.string != nil } }

    /// Metadata value types (`gguf_metadata_value_type`) and the bytes of each fixed-size one.
    static let valueTypeNames = ["UINT8", "INT8", "UINT16", "INT16", "UINT32", "INT32", "FLOAT32", "BOOL", "STRING", "ARRAY",
                                 "UINT64", "INT64", "FLOAT64"]
    static let fixedSizes: [UInt32: Int] = [0: 1, 1: 1, 2: 2, 3: 2, 4: 4, 5: 4, 6: 4, 7: 1, 10: 8, 11: 8, 12: 8]

    /// `ggml_type` values a GGUF file may use (gguf.md; 4, 5, 31–33 and 36–38 were removed), with
    /// the bytes per element of the unquantised ones (quantised types are blocks whose sizes the
    /// spec does not list; their extent is not checked).
    static let tensorTypes: Set<UInt32> = Set(0...39).subtracting([4, 5, 31, 32, 33, 36, 37, 38])
    static let elementSizes: [UInt32: UInt64] = [0: 4, 1: 2, 24: 1, 25: 2, 26: 4, 27: 8, 28: 8, 30: 2]

    /// `GGML_MAX_DIMS` and `GGML_MAX_NAME` (a name must be shorter).
    static let maxDimensions = 4
    static let maxNameLength = 64
    /// Chat templates are a few KiB; a longer one is reported, not read.
    static let templateLimit = 16 << 20
    /// Arrays nest at most this deep (real files use one level).
    static let nestingLimit = 8

    static func read(_ bytes: ModelBytes) -> GGUFFile {
        var file = GGUFFile()
        var reader = Reader(bytes: bytes, position: 4)
        do throws(Problem) {
            try file.readHeader(&reader)
        } catch {
            file.problems.append(error)
        }
        return file
    }

    private mutating func readHeader(_ reader: inout Reader) throws(Problem) {
        var version = try reader.integer(4, "the version")
        if version & 0xFFFF == 0, version != 0 {
            // A big-endian file (version 3 allows it): the version reads byte-swapped.
            reader.bigEndian = true
            bigEndian = true
            version = UInt64(UInt32(version).byteSwapped)
        }
        self.version = UInt32(truncatingIfNeeded: version)
        guard (1...3).contains(version) else { throw Problem(message: "GGUF version \(version) is not 1, 2 or 3", offset: 4) }
        reader.wide = version >= 2
        let countOffset = reader.position
        tensorCount = try reader.count("the tensor count")
        let kvOffset = reader.position
        metadataCount = try reader.count("the metadata count")
        // A key/value takes at least a key length, one key byte and a type; a tensor info at least
        // a name length, a name byte, a dimension count, a type and an offset.
        let minimumEntry = UInt64(reader.wide ? 13 : 9)
        let minimumTensor = UInt64(reader.wide ? 25 : 21)
        guard metadataCount <= UInt64(reader.remaining) / minimumEntry else {
            throw Problem(message: "the metadata count \(metadataCount) cannot fit in the \(reader.remaining) bytes left", offset: kvOffset)
        }
        guard tensorCount <= UInt64(reader.remaining) / minimumTensor else {
            throw Problem(message: "the tensor count \(tensorCount) cannot fit in the \(reader.remaining) bytes left", offset: countOffset)
        }
        var keys: [String: Int] = [:]
        for _ in 0..<metadataCount {
            let offset = reader.position
            let (key, keyStart) = try reader.string("a metadata key", keep: true)
            guard let text = key else {
                throw Problem(message: "metadata key of \(reader.position - keyStart) bytes is longer than 65535", offset: offset)
            }
            if let first = keys[text] {
                problems.append(Problem(message: "metadata key \"\(text)\" occurs twice (first at offset \(first)); readers disagree on which one counts",
                                        offset: offset))
            } else {
                keys[text] = offset
            }
            let typeOffset = reader.position
            let type = UInt32(truncatingIfNeeded: try reader.integer(4, "the type of \"\(text)\""))
            var string: String?
            var valueOffset = reader.position
            var integer: UInt64?
            switch type {
            case 8:
                let (value, start) = try reader.string("the value of \"\(text)\"", keep: Self.isChatTemplate(text), limit: Self.templateLimit)
                string = value
                valueOffset = start
                if Self.isChatTemplate(text), value == nil {
                    problems.append(Problem(message: "chat template \"\(text)\" of \(reader.position - start) bytes is larger than "
                                            + "\(Self.templateLimit) bytes and was not checked", offset: offset))
                }
            case 0, 2, 4, 10:
                integer = try reader.integer(Self.fixedSizes[type] ?? 8, "the value of \"\(text)\"")
            case 7:
                let flag = try reader.integer(1, "the value of \"\(text)\"")
                if flag > 1 { problems.append(Problem(message: "metadata \"\(text)\" is a BOOL of value \(flag), not 0 or 1", offset: valueOffset)) }
            default:
                guard Self.fixedSizes[type] != nil || type == 9 else {
                    throw Problem(message: "metadata \"\(text)\" has the unknown value type \(type)", offset: typeOffset)
                }
                try reader.skipValue(type: type, depth: 0, what: "the value of \"\(text)\"")
            }
            metadata.append(Entry(key: text, offset: offset, type: type, string: string, valueOffset: valueOffset, integer: integer))
        }
        if let entry = metadata.first(where: { $0.key == "general.alignment" }) {
            if entry.type != 4 {
                problems.append(Problem(message: "general.alignment is \(Self.typeName(entry.type)), not UINT32", offset: entry.offset))
            } else if let value = entry.integer, value == 0 || value & (value - 1) != 0 {
                problems.append(Problem(message: "general.alignment \(value) is not a power of 2", offset: entry.offset))
            } else if let value = entry.integer {
                alignment = Int(value)
            }
        }
        try readTensorInfos(&reader)
    }

    private mutating func readTensorInfos(_ reader: inout Reader) throws(Problem) {
        var names: [String: Int] = [:]
        for _ in 0..<tensorCount {
            let offset = reader.position
            let (read, nameStart) = try reader.string("a tensor name", keep: true, limit: 4096)
            guard let name = read else {
                throw Problem(message: "tensor name of \(reader.position - nameStart) bytes is far above the limit of \(Self.maxNameLength - 1)",
                              offset: offset)
            }
            if name.utf8.count >= Self.maxNameLength {
                problems.append(Problem(message: "tensor name \"\(name.prefix(80))\" is \(name.utf8.count) bytes, the limit is \(Self.maxNameLength - 1)",
                                        offset: offset))
            }
            if let first = names[name] {
                problems.append(Problem(message: "tensor \"\(name)\" occurs twice (first at offset \(first))", offset: offset))
            } else {
                names[name] = offset
            }
            let dimensionCount = try reader.integer(4, "the dimension count of tensor \"\(name)\"")
            guard dimensionCount <= UInt64(Self.maxDimensions) else {
                throw Problem(message: "tensor \"\(name)\" has \(dimensionCount) dimensions, the limit is \(Self.maxDimensions)", offset: offset)
            }
            var dimensions: [UInt64] = []
            for _ in 0..<dimensionCount { dimensions.append(try reader.integer(reader.wide ? 8 : 4, "a dimension of tensor \"\(name)\"")) }
            let type = UInt32(truncatingIfNeeded: try reader.integer(4, "the type of tensor \"\(name)\""))
            let dataOffset = try reader.integer(8, "the offset of tensor \"\(name)\"")
            if !Self.tensorTypes.contains(type) {
                problems.append(Problem(message: "tensor \"\(name)\" has the unknown ggml type \(type)", offset: offset))
            }
            if dataOffset % UInt64(alignment) != 0 {
                problems.append(Problem(message: "tensor \"\(name)\" has the offset \(dataOffset), not a multiple of the alignment \(alignment)",
                                        offset: offset))
            }
            tensors.append(TensorInfo(name: name, dimensions: dimensions, type: type, dataOffset: dataOffset, offset: offset))
        }
        // The data section starts at the next multiple of the alignment.
        let end = reader.position
        let dataStart = end % alignment == 0 ? end : end + (alignment - end % alignment)
        let dataSize = UInt64(max(0, reader.bytes.count - dataStart))
        for tensor in tensors {
            var elements: UInt64 = 1
            var overflow = false
            for dimension in tensor.dimensions {
                (elements, overflow) = elements.multipliedReportingOverflow(by: dimension)
                if overflow { break }
            }
            var size: UInt64 = 0
            if !overflow, let width = Self.elementSizes[tensor.type] { (size, overflow) = elements.multipliedReportingOverflow(by: width) }
            if overflow {
                problems.append(Problem(message: "tensor \"\(tensor.name)\" has dimensions \(tensor.dimensions) whose size overflows",
                                        offset: tensor.offset))
            } else if tensor.dataOffset > dataSize || size > dataSize - tensor.dataOffset {
                problems.append(Problem(message: "tensor \"\(tensor.name)\" at data offset \(tensor.dataOffset) (\(size) bytes) lies outside "
                                        + "the \(dataSize)-byte data section", offset: tensor.offset))
            }
        }
    }

    static func typeName(_ type: UInt32) -> String {
        Int(type) < valueTypeNames.count ? valueTypeNames[Int(type)] : "type \(type)"
    }

    /// A cursor over the file that refuses to read past its end.
    struct Reader {
        let bytes: ModelBytes
        var position: Int
        var bigEndian = false
        /// Version 2 and later: counts and lengths are 64-bit.
        var wide = true

        var remaining: Int { bytes.count - position }

        // `what` is only built for a message: a vocabulary of 150,000 strings is walked without it.
        mutating func integer(_ width: Int, _ what: @autoclosure () -> String) throws(Problem) -> UInt64 {
            guard width <= remaining else { throw Problem(message: "the file ends inside \(what())", offset: position) }
            var value: UInt64 = 0
            for index in 0..<width { value |= UInt64(bytes[position + index]) << (8 * UInt64(index)) }
            if bigEndian { value = value.byteSwapped >> (64 - 8 * UInt64(width)) }
            position += width
            return value
        }

        mutating func count(_ what: @autoclosure () -> String) throws(Problem) -> UInt64 {
            try integer(wide ? 8 : 4, what())
        }

        /// A length-prefixed string: its text when `keep` and no longer than `limit` (invalid UTF-8
        /// replaced), and where its bytes start.
        mutating func string(_ what: @autoclosure () -> String, keep: Bool, limit: Int = 65535) throws(Problem) -> (String?, Int) {
            let lengthOffset = position
            let length = try count("the length of \(what())")
            guard length <= UInt64(remaining) else {
                throw Problem(message: "\(what()) of \(length) bytes runs past the end of the file", offset: lengthOffset)
            }
            let start = position
            position += Int(length)
            guard keep, length <= UInt64(limit) else { return (nil, start) }
            return (String(decoding: bytes.array(start..<position), as: UTF8.self), start)
        }

        /// Steps over a value of `type`, checking every count against the bytes left first.
        mutating func skipValue(type: UInt32, depth: Int, what: @autoclosure () -> String) throws(Problem) {
            if let size = GGUFFile.fixedSizes[type] {
                guard size <= remaining else { throw Problem(message: "the file ends inside \(what())", offset: position) }
                position += size
                return
            }
            switch type {
            case 8:
                _ = try string(what(), keep: false)
            case 9:
                guard depth < GGUFFile.nestingLimit else {
                    throw Problem(message: "\(what()) nests arrays deeper than \(GGUFFile.nestingLimit) levels", offset: position)
                }
                let typeOffset = position
                let elementType = UInt32(truncatingIfNeeded: try integer(4, "the element type of \(what())"))
                let countOffset = position
                let count = try self.count("the length of \(what())")
                let minimum: Int
                if let size = GGUFFile.fixedSizes[elementType] {
                    minimum = size
                } else if elementType == 8 {
                    minimum = wide ? 8 : 4
                } else if elementType == 9 {
                    minimum = wide ? 12 : 8
                } else {
                    throw Problem(message: "\(what()) is an array of the unknown value type \(elementType)", offset: typeOffset)
                }
                guard count <= UInt64(remaining / minimum) else {
                    throw Problem(message: "\(what()) is an array of \(count) \(GGUFFile.typeName(elementType)) values that cannot fit in the "
                                  + "\(remaining) bytes left", offset: countOffset)
                }
                if let size = GGUFFile.fixedSizes[elementType] {
                    position += Int(count) * size
                } else {
                    for _ in 0..<count { try skipValue(type: elementType, depth: depth + 1, what: what()) }
                }
            default:
                throw Problem(message: "\(what()) has the unknown value type \(type)", offset: position)
            }
        }
    }
}

extension GGUFFile.Problem: Error {}
