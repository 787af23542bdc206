/// The header of a safetensors file, checked as strictly as the reference (Rust) loader checks it
/// and a little more: 8 bytes of little-endian header length N, N bytes of JSON (a `__metadata__`
/// string map and one entry per tensor: `dtype`, `shape`, `data_offsets`), then the data buffer.
///
/// A safetensors file holds no code, so the only risks are in how loaders read it: a header one
/// loader refuses and another accepts, tensors that overlap (two names, one buffer), repeated keys
/// (each parser keeps a different one), offsets outside the file (out-of-bounds reads in loaders
/// that do not check). Every such problem is listed with the file offset of the header entry it is
/// about; a valid header has none.
public struct SafetensorsHeader: Sendable {
    public struct Tensor: Sendable {
        public let name: String
        public let dtype: String
        public let shape: [Int]
        /// `data_offsets`, relative to the start of the data buffer.
        public let begin: Int
        public let end: Int
        /// Where the tensor's key is in the file.
        public let offset: Int
    }

    /// Something about the header that the reference loader refuses, or that loaders disagree on.
    public struct Problem: Sendable, Hashable {
        public let message: String
        /// A byte offset in the file: the entry in the header, or the header length for problems of
        /// the whole header.
        public let offset: Int
    }

    public internal(set) var headerLength = 0
    public internal(set) var metadata: [String: String] = [:]
    public internal(set) var tensors: [Tensor] = []
    public internal(set) var problems: [Problem] = []

    /// `MAX_HEADER_SIZE` in `safetensors/src/tensor.rs`: the loader refuses longer headers.
    public static let maxHeaderLength = 100_000_000

    /// Bits per element of each dtype, as `Dtype::bitsize` in `safetensors/src/tensor.rs` (F4 and
    /// the F6 types are narrower than a byte: a tensor's bits must fill whole bytes).
    public static let dtypeBits: [String: Int] = [
        "BOOL": 8, "F4": 4, "F6_E2M3": 6, "F6_E3M2": 6, "U8": 8, "I8": 8,
        "F8_E5M2": 8, "F8_E4M3": 8, "F8_E8M0": 8, "F8_E4M3FNUZ": 8, "F8_E5M2FNUZ": 8,
        "I16": 16, "U16": 16, "F16": 16, "BF16": 16, "I32": 32, "U32": 32, "F32": 32,
        "C64": 64, "F64": 64, "I64": 64, "U64": 64,
    ]

    /// Whether the first bytes look like a safetensors file: a header length below 4 GiB and at
    /// least 2, then `{` and the start of a key or the end of the object (after spaces). Nothing
    /// else the model domain reads starts this way (pickles start with 0x80 or an opcode, zips with
    /// `PK`, NumPy with 0x93), and random binaries rarely do.
    static func looksLikeSafetensors(_ head: some RandomAccessCollection<UInt8>) -> Bool {
        let bytes = Array(head.prefix(64))
        guard bytes.count >= 10, bytes[4..<8].allSatisfy({ $0 == 0 }), bytes[8] == UInt8(ascii: "{") else { return false }
        guard LittleEndian.value(bytes[0..<8]) >= 2 else { return false }
        let next = bytes[9...].first { ![0x20, 0x09, 0x0A, 0x0D].contains($0) }
        return next == UInt8(ascii: "\"") || next == UInt8(ascii: "}") || next == nil
    }

    /// Reads the header of `bytes` (a whole file); only the header is copied.
    static func read(_ bytes: ModelBytes) -> SafetensorsHeader {
        var problems: [Problem] = []
        var header = read(bytes) { problems.append(Problem(message: $0, offset: $1)) }
        header.problems = problems
        return header
    }

    private static func read(_ bytes: ModelBytes, report: (String, Int) -> Void) -> SafetensorsHeader {
        var header = SafetensorsHeader()
        func problem(_ message: String, at offset: Int) { report(message, offset) }
        guard bytes.count >= 8 else {
            problem("the file ends inside the 8-byte header length", at: 0)
            return header
        }
        let length = LittleEndian.value(bytes, at: 0, width: 8)
        guard length <= UInt64(maxHeaderLength) else {
            problem("the header length \(length) is above the loader's limit of \(maxHeaderLength) bytes", at: 0)
            return header
        }
        header.headerLength = Int(length)
        guard header.headerLength <= bytes.count - 8 else {
            problem("the header of \(length) bytes runs past the end of the file (\(bytes.count) bytes)", at: 0)
            return header
        }
        let text = bytes.array(8..<8 + header.headerLength)
        if text.first != UInt8(ascii: "{") {
            problem("the header does not begin with '{'", at: 8)
        }
        let (parsed, duplicates) = HeaderJSON.parse(text)
        for duplicate in duplicates {
            problem("the key \"\(duplicate.key)\" occurs twice in one object (first at offset \(8 + duplicate.firstOffset)); "
                    + "loaders disagree on which one counts", at: 8 + duplicate.offset)
        }
        let root: HeaderJSON
        switch parsed {
        case .failure(let failure):
            problem("the header is not JSON: \(failure.message)", at: 8 + failure.offset)
            return header
        case .success(let value):
            root = value
        }
        guard case .object(let members) = root.value else {
            problem("the header is \(root.kind), not a JSON object", at: 8 + root.offset)
            return header
        }
        var seen: Set<String> = []
        for member in members where seen.insert(member.key).inserted {
            let at = 8 + member.offset
            if member.key == "__metadata__" {
                guard case .object(let entries) = member.value.value else {
                    problem("__metadata__ is \(member.value.kind), not an object of strings", at: at)
                    continue
                }
                for entry in entries {
                    guard let value = entry.value.string else {
                        problem("__metadata__ entry \"\(entry.key)\" is \(entry.value.kind), not a string", at: 8 + entry.offset)
                        continue
                    }
                    header.metadata[entry.key] = value
                }
                continue
            }
            if let tensor = Self.tensor(member, at: at, problem: { problem($0, at: $1) }) { header.tensors.append(tensor) }
        }
        checkLayout(header.tensors, headerLength: header.headerLength, dataSize: bytes.count - 8 - header.headerLength,
                    problem: { problem($0, at: $1) })
        return header
    }

    /// One tensor entry, or nil (with a problem) when a field is missing or malformed.
    private static func tensor(_ member: HeaderJSON.Member, at offset: Int, problem: (String, Int) -> Void) -> Tensor? {
        let name = member.key
        guard case .object(let fields) = member.value.value else {
            problem("tensor \"\(name)\" is \(member.value.kind), not an object", offset)
            return nil
        }
        func field(_ key: String) -> HeaderJSON? { fields.first { $0.key == key }?.value }
        guard let dtype = field("dtype")?.string else {
            problem("tensor \"\(name)\" has no dtype string", offset)
            return nil
        }
        guard let bits = dtypeBits[dtype] else {
            problem("tensor \"\(name)\" has the unknown dtype \"\(dtype)\"", offset)
            return nil
        }
        guard case .array(let dimensions)? = field("shape")?.value else {
            problem("tensor \"\(name)\" has no shape array", offset)
            return nil
        }
        var shape: [Int] = []
        for dimension in dimensions {
            guard let size = dimension.unsignedInteger else {
                problem("tensor \"\(name)\" has the shape entry \(dimension.kind), not a non-negative integer", offset)
                return nil
            }
            shape.append(size)
        }
        guard case .array(let offsets)? = field("data_offsets")?.value, offsets.count == 2,
              let begin = offsets[0].unsignedInteger, let end = offsets[1].unsignedInteger else {
            problem("tensor \"\(name)\" has no data_offsets [begin, end] of non-negative integers", offset)
            return nil
        }
        guard begin <= end else {
            problem("tensor \"\(name)\" has data_offsets [\(begin), \(end)] that end before they begin", offset)
            return nil
        }
        var elements = 1
        for size in shape {
            let (product, overflow) = elements.multipliedReportingOverflow(by: size)
            guard !overflow else {
                problem("tensor \"\(name)\" has a shape \(shape) whose element count overflows", offset)
                return nil
            }
            elements = product
        }
        let (totalBits, overflow) = elements.multipliedReportingOverflow(by: bits)
        if overflow {
            problem("tensor \"\(name)\" has a shape \(shape) whose size in bytes overflows", offset)
        } else if totalBits % 8 != 0 {
            problem("tensor \"\(name)\" of \(elements) \(dtype) elements does not fill whole bytes", offset)
        } else if totalBits / 8 != end - begin {
            problem("tensor \"\(name)\" is \(dtype) \(shape), \(totalBits / 8) bytes, but data_offsets [\(begin), \(end)] "
                    + "span \(end - begin) bytes", offset)
        }
        return Tensor(name: name, dtype: dtype, shape: shape, begin: begin, end: end, offset: offset)
    }

    /// The tensors, in the order of their offsets (as the loader sorts them), must tile the data
    /// buffer exactly: no gap, no overlap, nothing past the end and nothing after the last one.
    private static func checkLayout(_ tensors: [Tensor], headerLength: Int, dataSize: Int, problem: (String, Int) -> Void) {
        var end = 0
        var previous: Tensor?
        for tensor in tensors.sorted(by: { ($0.begin, $0.end, $0.offset) < ($1.begin, $1.end, $1.offset) }) {
            if tensor.begin < end, let previous {
                problem("tensor \"\(tensor.name)\" at [\(tensor.begin), \(tensor.end)] overlaps tensor \"\(previous.name)\" "
                        + "at [\(previous.begin), \(previous.end)]", tensor.offset)
            } else if tensor.begin > end {
                problem("tensor \"\(tensor.name)\" begins at \(tensor.begin), leaving a gap of \(tensor.begin - end) bytes "
                        + "after the previous tensor (the loader refuses gaps)", tensor.offset)
            }
            if tensor.end > dataSize {
                problem("tensor \"\(tensor.name)\" ends at \(tensor.end), past the end of the \(dataSize)-byte data buffer", tensor.offset)
            }
            if tensor.end >= end {
                end = tensor.end
                previous = tensor
            }
        }
        if end < dataSize {
            problem("the data buffer has \(dataSize - end) bytes after the last tensor that no tensor describes",
                    8 + headerLength + end)
        }
    }
}
