/// safetensors examples are the JSON header as text, one tensor entry a line: the example file is
/// the 8-byte header length, the header (the lines joined by newlines) and a data buffer as long as
/// the largest `data_offsets` end. A line `# buffer N` (not part of the header) sets the buffer
/// length instead, for examples whose offsets run past it.
struct SafetensorsExampleFormat: ModelExampleFormat {
    let fileExtension = "safetensors"
    /// The header must begin with `{`: there is no place for unrelated text before it.
    let unrelatedPrefix: [String]? = nil

    func assemble(_ text: String) throws -> ModelExampleFile {
        var header: [UInt8] = []
        var lineStarts: [Int: Int] = [:]
        var buffer: Int?
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            if line.hasPrefix("# buffer ") {
                buffer = Int(line.dropFirst("# buffer ".count))
                continue
            }
            if !header.isEmpty { header.append(0x0A) }
            lineStarts[index + 1] = 8 + header.count
            header += Array(line.utf8)
        }
        let size = buffer ?? Self.largestEnd(header)
        let bytes = Array((0..<8).map { UInt8(truncatingIfNeeded: header.count >> (8 * $0)) }) + header + [UInt8](repeating: 0, count: size)
        return ModelExampleFile(bytes: bytes, lineOffsets: lineStarts)
    }

    /// The largest `data_offsets` end in the header (0 when it does not parse).
    static func largestEnd(_ header: [UInt8]) -> Int {
        guard case .success(let root) = HeaderJSON.parse(header).value, case .object(let members) = root.value else { return 0 }
        return members.compactMap { member -> Int? in
            guard case .object(let fields) = member.value.value,
                  case .array(let offsets)? = fields.first(where: { $0.key == "data_offsets" })?.value.value else { return nil }
            return offsets.last?.unsignedInteger
        }.max() ?? 0
    }
}
