/// The members of a zip archive, read as leniently as the loaders that open model files: PyTorch's
/// reader (miniz) locates members through the central directory and then trusts the local header
/// for where the data starts; it does not care about the general-purpose flag bits, and a CRC
/// mismatch does not stop `torch.load`. A scanner must therefore see every member that any view
/// of the archive offers: the central directory's entries *and* every local header found by
/// walking the bytes, under both names when they disagree (Python's `zipfile` refuses such an
/// archive; PyTorch loads it).
///
/// The archive is a `ModelBytes` window, usually a mapped file: only the headers walked and the
/// members a caller reads are touched, never the tensor data between them.
///
/// Written here rather than with ZIPFoundation: that library (rightly, for extraction) trusts the
/// central directory and checks CRCs, which is exactly the strictness that let malicious archives
/// past scanners built on strict readers.
public struct LenientZip: Sendable {
    public enum Method: Sendable, Equatable {
        case stored
        case deflated
        case other(UInt16)
    }

    /// One member as some view of the archive names it.
    public struct Member: Sendable, Equatable {
        /// The name in the local header.
        public var name: String
        /// The central directory's name for the same data, when it differs.
        public var centralName: String?
        /// Offset of the local header.
        public var headerOffset: Int
        /// Where the (possibly compressed) data starts, and its length.
        public var dataOffset: Int
        public var compressedSize: Int
        public var uncompressedSize: Int
        public var method: Method
        public var flags: UInt16
        /// Found only by walking local headers (no central-directory entry points at it).
        public var onlyLocal: Bool

        /// Where the data ends, saturated (a ZIP64 size may be anything up to 2^63).
        public var dataEnd: Int {
            let (sum, overflow) = dataOffset.addingReportingOverflow(max(0, compressedSize))
            return overflow ? Int.max : sum
        }
    }

    public var members: [Member] = []
    /// What was odd about the archive (truncated entries, names that differ between views …).
    public var notes: [String] = []

    static let localSignature: [UInt8] = [0x50, 0x4B, 0x03, 0x04]
    static let centralSignature: [UInt8] = [0x50, 0x4B, 0x01, 0x02]
    static let endSignature: [UInt8] = [0x50, 0x4B, 0x05, 0x06]
    static let zip64EndSignature: [UInt8] = [0x50, 0x4B, 0x06, 0x06]
    static let zip64LocatorSignature: [UInt8] = [0x50, 0x4B, 0x06, 0x07]

    /// Whether the bytes start like a zip archive.
    public static func isZip(_ head: some Collection<UInt8>) -> Bool {
        head.starts(with: localSignature) || head.starts(with: endSignature)
    }

    /// Reads the members of `bytes`. Never fails: what cannot be read is a note.
    public init(_ bytes: ModelBytes) {
        var byOffset: [Int: Int] = [:]
        // The central directory, located from the end record (the last one in the file).
        if let end = Self.lastIndex(of: Self.endSignature, in: bytes), end + 22 <= bytes.count {
            var count = Int(Self.uint16(bytes, end + 10))
            var position = Int(Self.uint32(bytes, end + 16))
            // ZIP64: the real count and offset are in the ZIP64 end record, found through the
            // locator just before the end record (Python writes it once an offset passes 2 GiB).
            if count == 0xFFFF || position == 0xFFFF_FFFF, end >= 20, bytes.matches(Self.zip64LocatorSignature, at: end - 20) {
                let record = Self.clamped(LittleEndian.value(bytes, at: end - 12, width: 8))
                if record <= bytes.count - 56, bytes.matches(Self.zip64EndSignature, at: record) {
                    count = Self.clamped(LittleEndian.value(bytes, at: record + 32, width: 8))
                    position = Self.clamped(LittleEndian.value(bytes, at: record + 48, width: 8))
                }
            }
            // Every entry takes at least 46 bytes: a count the bytes cannot hold is not looped over.
            count = min(count, bytes.count / 46)
            for _ in 0..<count {
                guard position + 46 <= bytes.count, bytes.matches(Self.centralSignature, at: position) else {
                    notes.append("the central directory ends early or is not where the end record says")
                    break
                }
                let nameLength = Int(Self.uint16(bytes, position + 28))
                let extraLength = Int(Self.uint16(bytes, position + 30))
                let commentLength = Int(Self.uint16(bytes, position + 32))
                var headerOffset = Int(Self.uint32(bytes, position + 42))
                guard position + 46 + nameLength <= bytes.count else { break }
                var centralCompressed = Int(Self.uint32(bytes, position + 20))
                var centralUncompressed = Int(Self.uint32(bytes, position + 24))
                let sixtyFour = Self.zip64Fields(bytes, extraAt: position + 46 + nameLength, length: extraLength,
                                                 present: [centralUncompressed == 0xFFFF_FFFF, centralCompressed == 0xFFFF_FFFF,
                                                           headerOffset == 0xFFFF_FFFF])
                centralUncompressed = sixtyFour[0] ?? centralUncompressed
                centralCompressed = sixtyFour[1] ?? centralCompressed
                headerOffset = sixtyFour[2] ?? headerOffset
                let centralName = String(decoding: bytes.array(position + 46..<position + 46 + nameLength), as: UTF8.self)
                if var member = Self.local(at: headerOffset, in: bytes) {
                    member.centralName = centralName == member.name ? nil : centralName
                    // Sizes in the local header may be zero (data descriptor): take the central ones.
                    if member.compressedSize == 0 {
                        member.compressedSize = centralCompressed
                        member.uncompressedSize = centralUncompressed
                    }
                    if member.centralName != nil {
                        notes.append("member at offset \(headerOffset) is \(member.name.debugDescription) in its local header and \(centralName.debugDescription) in the central directory")
                    }
                    byOffset[headerOffset] = members.count
                    members.append(member)
                } else {
                    notes.append("central directory entry \(centralName.debugDescription) points at offset \(headerOffset), where no local header is")
                }
                position += 46 + nameLength + extraLength + commentLength
            }
        }
        // Every local header in the bytes, including those no central entry names.
        var position = 0
        while let found = bytes.firstIndex(of: Self.localSignature, from: position) {
            if let known = byOffset[found] {
                // A member's data is not searched for headers: a zip inside it is a nested archive.
                position = max(found + 4, min(bytes.count, members[known].dataEnd))
            } else if var member = Self.local(at: found, in: bytes) {
                member.onlyLocal = true
                members.append(member)
                position = max(found + 4, min(bytes.count, member.dataEnd))
            } else {
                position = found + 4
            }
        }
    }

    /// The data of a member (compressed as stored), clamped to the bytes there are.
    public static func data(of member: Member, in bytes: ModelBytes) -> ModelBytes {
        bytes.slice(member.dataOffset..<member.dataEnd)
    }

    static func local(at offset: Int, in bytes: ModelBytes) -> Member? {
        guard offset >= 0, offset + 30 <= bytes.count, bytes.matches(localSignature, at: offset) else { return nil }
        let flags = uint16(bytes, offset + 6)
        let method = uint16(bytes, offset + 8)
        let compressed = Int(uint32(bytes, offset + 18))
        let uncompressed = Int(uint32(bytes, offset + 22))
        let nameLength = Int(uint16(bytes, offset + 26))
        let extraLength = Int(uint16(bytes, offset + 28))
        guard offset + 30 + nameLength <= bytes.count else { return nil }
        let name = String(decoding: bytes.array(offset + 30..<offset + 30 + nameLength), as: UTF8.self)
        var compressedSize = compressed
        var uncompressedSize = uncompressed
        // ZIP64 (numpy's savez always writes it): the sizes are in extra field 0x0001.
        let sixtyFour = zip64Fields(bytes, extraAt: offset + 30 + nameLength, length: extraLength,
                                    present: [uncompressed == 0xFFFF_FFFF, compressed == 0xFFFF_FFFF])
        uncompressedSize = sixtyFour[0] ?? uncompressedSize
        compressedSize = sixtyFour[1] ?? compressedSize
        var size = compressedSize
        if size == 0 && method == 0 && flags & 0x08 != 0 {
            // Stored with a data descriptor and no size here: the data runs to the next signature.
            let start = offset + 30 + nameLength + extraLength
            size = (bytes.firstIndex(of: [0x50, 0x4B], from: start) ?? bytes.count) - start
        }
        return Member(name: name, centralName: nil, headerOffset: offset, dataOffset: offset + 30 + nameLength + extraLength,
                      compressedSize: size, uncompressedSize: uncompressedSize,
                      method: method == 0 ? .stored : method == 8 ? .deflated : .other(method), flags: flags, onlyLocal: false)
    }

    /// The 8-byte values of a ZIP64 extended-information extra field (id 0x0001) in the extra
    /// fields at `extraAt`: one for each `present` flag that is set, in order (uncompressed size,
    /// compressed size, local header offset), since the field holds only the values whose 4-byte
    /// header field is 0xFFFFFFFF. nil where absent or cut short.
    static func zip64Fields(_ bytes: ModelBytes, extraAt start: Int, length: Int, present: [Bool]) -> [Int?] {
        var values = [Int?](repeating: nil, count: present.count)
        guard present.contains(true) else { return values }
        var position = start
        let end = min(bytes.count, start + length)
        while position + 4 <= end {
            let id = uint16(bytes, position)
            let fieldLength = Int(uint16(bytes, position + 2))
            if id == 1 {
                var field = position + 4
                let fieldEnd = min(end, position + 4 + fieldLength)
                for (index, isPresent) in present.enumerated() where isPresent {
                    guard field + 8 <= fieldEnd else { break }
                    values[index] = clamped(LittleEndian.value(bytes, at: field, width: 8))
                    field += 8
                }
                break
            }
            position += 4 + fieldLength
        }
        return values
    }

    /// A 64-bit size or offset as an Int, saturated (a ZIP64 value may be anything up to 2^64).
    static func clamped(_ value: UInt64) -> Int {
        value > UInt64(Int.max) ? Int.max : Int(value)
    }

    static func uint16(_ bytes: ModelBytes, _ offset: Int) -> UInt16 {
        UInt16(LittleEndian.value(bytes, at: offset, width: 2))
    }

    static func uint32(_ bytes: ModelBytes, _ offset: Int) -> UInt32 {
        UInt32(LittleEndian.value(bytes, at: offset, width: 4))
    }

    /// The last occurrence within the archive's tail, where the end record must be (22 bytes and a
    /// comment of at most 65,535).
    static func lastIndex(of pattern: [UInt8], in bytes: ModelBytes) -> Int? {
        guard bytes.count >= pattern.count else { return nil }
        var position = bytes.count - pattern.count
        let lowest = max(0, bytes.count - 22 - 65_535)
        while position >= lowest {
            if bytes.matches(pattern, at: position) { return position }
            position -= 1
        }
        return nil
    }
}
