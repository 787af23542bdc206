/// Keras examples: the text is a `.keras` archive's `config.json`, written into a stored zip with
/// the `metadata.json` and (empty) `model.weights.h5` Keras puts beside it.
struct KerasExampleFormat: ModelExampleFormat {
    let fileExtension = "keras"
    /// Blank lines before the JSON: still the same config, every offset moved.
    let unrelatedPrefix: [String]? = ["", " "]

    func assemble(_ text: String) throws -> ModelExampleFile {
        let config = Array(text.utf8)
        var writer = StoredZipWriter()
        writer.add("metadata.json", Array(#"{"keras_version": "3.8.0", "date_saved": "2025-01-01@00:00:00"}"#.utf8))
        let start = writer.add("config.json", config)
        writer.add("model.weights.h5", [])
        var offsets: [Int: Int] = [:]
        var line = 1
        offsets[1] = start
        for (index, byte) in config.enumerated() where byte == 0x0A {
            line += 1
            offsets[line] = start + index + 1
        }
        return ModelExampleFile(bytes: writer.finish(), lineOffsets: offsets)
    }
}

/// TorchScript examples: the text is the archive's `code/__torch__.py`, written into a stored zip
/// with the `data.pkl`, `constants.pkl` and `version` that `torch.jit.save` puts beside it.
struct TorchScriptExampleFormat: ModelExampleFormat {
    let fileExtension = "pt"
    /// Comment lines at the top of the code: the same program, every offset moved.
    let unrelatedPrefix: [String]? = ["# generated", "# by torch.jit.save"]

    func assemble(_ text: String) throws -> ModelExampleFile {
        let code = Array(text.utf8)
        var writer = StoredZipWriter()
        writer.add("archive/data.pkl", [0x80, 0x02, 0x7D, 0x71, 0x00, 0x2E])  // PROTO 2, EMPTY_DICT, BINPUT 0, STOP
        writer.add("archive/constants.pkl", [0x80, 0x02, 0x29, 0x2E])  // PROTO 2, EMPTY_TUPLE, STOP
        writer.add("archive/version", Array("3\n".utf8))
        let start = writer.add("archive/code/__torch__.py", code)
        var offsets: [Int: Int] = [1: start]
        var line = 1
        for (index, byte) in code.enumerated() where byte == 0x0A {
            line += 1
            offsets[line] = start + index + 1
        }
        return ModelExampleFile(bytes: writer.finish(), lineOffsets: offsets)
    }
}

/// A minimal zip writer for examples and tests: stored members, CRC-32, one central directory.
struct StoredZipWriter {
    private(set) var bytes: [UInt8] = []
    private var central: [UInt8] = []
    private var count = 0

    /// Adds a member; the offset its data starts at.
    @discardableResult
    mutating func add(_ name: String, _ data: [UInt8]) -> Int {
        let nameBytes = Array(name.utf8)
        let crc = Self.crc32(data)
        let headerOffset = bytes.count
        func le(_ value: Int, _ width: Int) -> [UInt8] { (0..<width).map { UInt8(truncatingIfNeeded: value >> (8 * $0)) } }
        let common = le(20, 2) + le(0, 2) + le(0, 2) + le(0, 2) + le(0x21, 2) + le(Int(crc), 4) + le(data.count, 4) + le(data.count, 4)
            + le(nameBytes.count, 2) + le(0, 2)
        bytes += [0x50, 0x4B, 0x03, 0x04] + common + nameBytes
        let dataOffset = bytes.count
        bytes += data
        central += [0x50, 0x4B, 0x01, 0x02] + le(20, 2) + common + le(0, 2) + le(0, 2) + le(0, 2) + le(0, 4) + le(headerOffset, 4) + nameBytes
        count += 1
        return dataOffset
    }

    func finish() -> [UInt8] {
        func le(_ value: Int, _ width: Int) -> [UInt8] { (0..<width).map { UInt8(truncatingIfNeeded: value >> (8 * $0)) } }
        return bytes + central + [0x50, 0x4B, 0x05, 0x06] + le(0, 2) + le(0, 2) + le(count, 2) + le(count, 2)
            + le(central.count, 4) + le(bytes.count, 4) + le(0, 2)
    }

    static func crc32(_ data: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in data {
            crc ^= UInt32(byte)
            for _ in 0..<8 { crc = crc & 1 != 0 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
        }
        return ~crc
    }
}
