/// The root group's attributes of an HDF5 file, which is where legacy Keras/TensorFlow `.h5` models
/// keep their config (`model_config`, a JSON string; `training_config`, `keras_version`). Only what
/// finds them is read: the superblock (versions 0–3), the root group's object header (version 1, and
/// version 2 with its `OCHK` continuation blocks), its continuation messages, and attribute messages
/// (type 0x000C, versions 1–3) whose value is a fixed-length string or a variable-length string in a
/// global heap collection (`GCOL`). Attributes in dense storage (an attribute info message with a
/// fractal heap: more than 8 attributes with `libver="latest"`, or any over 64 KiB) and compressed
/// attributes are not read: a note says so. Every address and length is checked against the file.
///
/// Format: the HDF5 File Format Specification version 3.0 (hdfgroup.org), sections II.A
/// (superblock), III.E (global heap), IV.A.1 (object headers), IV.A.2.d (datatype), IV.A.2.m
/// (attribute), IV.A.2.q (continuation).
public struct HDF5Attributes: Sendable {
    /// The string attributes of the root group by name, with the file offset of each value.
    public var strings: [String: (value: [UInt8], offset: Int)] = [:]
    /// What could not be read.
    public var notes: [String] = []

    /// `\x89HDF\r\n\x1a\n`.
    public static let signature: [UInt8] = [0x89, 0x48, 0x44, 0x46, 0x0D, 0x0A, 0x1A, 0x0A]

    /// A string attribute larger than this is not kept.
    static let valueLimit = 64 << 20

    let bytes: ModelBytes
    var offsetSize = 8
    var lengthSize = 8
    var base = 0

    struct Failure: Error {
        let message: String
    }

    /// Reads the root group's string attributes of `bytes` (which start with the signature).
    public init(_ bytes: ModelBytes) {
        self.bytes = bytes
        do throws(Failure) {
            let root = try readSuperblock()
            var visited: Set<Int> = []
            try readObjectHeader(at: root, visited: &visited)
        } catch {
            notes.append("HDF5: \(error.message)")
        }
    }

    func value(at offset: Int, width: Int) throws(Failure) -> Int {
        guard offset >= 0, width <= 8, offset <= bytes.count - width else { throw Failure(message: "a field at \(offset) runs past the end of the file") }
        let value = LittleEndian.value(bytes, at: offset, width: width)
        guard value <= UInt64(Int.max) else { throw Failure(message: "an address or length at \(offset) is undefined or out of range") }
        return Int(value)
    }

    /// An address in the file (relative to the base address), checked to lie inside it.
    func address(at offset: Int) throws(Failure) -> Int {
        let raw = try value(at: offset, width: offsetSize)
        let (absolute, overflow) = raw.addingReportingOverflow(base)
        guard !overflow, absolute < bytes.count else { throw Failure(message: "address \(raw) at \(offset) is outside the file") }
        return absolute
    }

    /// The root group's object header address.
    mutating func readSuperblock() throws(Failure) -> Int {
        guard bytes.count >= 16 else { throw Failure(message: "the superblock is cut off") }
        let version = Int(bytes[8])
        switch version {
        case 0, 1:
            offsetSize = Int(bytes[13])
            lengthSize = Int(bytes[14])
            guard [2, 4, 8].contains(offsetSize), [2, 4, 8].contains(lengthSize) else { throw Failure(message: "sizes of offsets/lengths \(offsetSize)/\(lengthSize)") }
            let addresses = version == 0 ? 24 : 28
            base = try value(at: addresses, width: offsetSize)
            // Base, free-space, end-of-file and driver addresses, then the root symbol table entry:
            // the link name offset, then the object header address.
            let entry = addresses + 4 * offsetSize
            return try address(at: entry + offsetSize)
        case 2, 3:
            offsetSize = Int(bytes[9])
            lengthSize = Int(bytes[10])
            guard [2, 4, 8].contains(offsetSize), [2, 4, 8].contains(lengthSize) else { throw Failure(message: "sizes of offsets/lengths \(offsetSize)/\(lengthSize)") }
            base = try value(at: 12, width: offsetSize)
            return try address(at: 12 + 3 * offsetSize)
        default:
            throw Failure(message: "superblock version \(version) is not one this reader knows (0–3)")
        }
    }

    mutating func readObjectHeader(at offset: Int, visited: inout Set<Int>) throws(Failure) {
        guard visited.insert(offset).inserted else { return }
        if bytes.matches(Array("OHDR".utf8), at: offset) {
            try readVersion2Header(at: offset, visited: &visited)
            return
        }
        guard offset + 16 <= bytes.count, bytes[offset] == 1 else {
            throw Failure(message: "no object header at \(offset) (version \(offset < bytes.count ? Int(bytes[offset]) : -1))")
        }
        let size = try value(at: offset + 8, width: 4)
        try readVersion1Messages(from: offset + 16, size: size, visited: &visited)
    }

    /// Version-1 messages: type (2), size (2), flags (1), reserved (3), data padded to 8 bytes.
    mutating func readVersion1Messages(from start: Int, size: Int, visited: inout Set<Int>) throws(Failure) {
        let end = min(bytes.count, start + size)
        var position = start
        while position + 8 <= end {
            let type = try value(at: position, width: 2)
            let length = try value(at: position + 2, width: 2)
            let data = position + 8
            guard data + length <= end else { throw Failure(message: "a header message at \(position) runs past its block") }
            try readMessage(type: type, at: data, length: length, flags: Int(bytes[position + 4]), visited: &visited, version: 1)
            position = data + length
        }
    }

    /// Version-2 header: `OHDR`, version, flags, optional times and phase-change values, the size
    /// of chunk 0, then messages: type (1), size (2), flags (1), creation order (2, if tracked).
    mutating func readVersion2Header(at offset: Int, visited: inout Set<Int>) throws(Failure) {
        guard offset + 6 <= bytes.count else { throw Failure(message: "object header at \(offset) is cut off") }
        let flags = Int(bytes[offset + 5])
        var position = offset + 6
        if flags & 0x20 != 0 { position += 16 }
        if flags & 0x10 != 0 { position += 4 }
        let sizeWidth = 1 << (flags & 0x03)
        let size = try value(at: position, width: sizeWidth)
        position += sizeWidth
        try readVersion2Messages(from: position, size: size, tracked: flags & 0x04 != 0, visited: &visited)
    }

    mutating func readVersion2Messages(from start: Int, size: Int, tracked: Bool, visited: inout Set<Int>) throws(Failure) {
        let end = min(bytes.count, start + size)
        var position = start
        let headerSize = tracked ? 6 : 4
        while position + headerSize <= end {
            let type = Int(bytes[position])
            let length = try value(at: position + 1, width: 2)
            let data = position + headerSize
            guard data + length <= end else { throw Failure(message: "a header message at \(position) runs past its block") }
            try readMessage(type: type, at: data, length: length, flags: Int(bytes[position + 3]), visited: &visited, version: 2, tracked: tracked)
            position = data + length
        }
    }

    mutating func readMessage(type: Int, at data: Int, length: Int, flags: Int, visited: inout Set<Int>, version: Int,
                              tracked: Bool = false) throws(Failure) {
        switch type {
        case 0x0C:
            if flags & 0x02 != 0 {
                notes.append("HDF5: a shared attribute message at \(data) is not read")
                return
            }
            do throws(Failure) {
                try readAttribute(at: data, length: length)
            } catch {
                notes.append("HDF5: the attribute at \(data) is not read: \(error.message)")
            }
        case 0x10:
            let block = try address(at: data)
            let size = try value(at: data + offsetSize, width: lengthSize)
            guard visited.insert(block).inserted else { return }
            if version == 1 {
                try readVersion1Messages(from: block, size: size, visited: &visited)
            } else {
                guard bytes.matches(Array("OCHK".utf8), at: block) else { throw Failure(message: "no OCHK block at \(block)") }
                // The block ends with a 4-byte checksum.
                try readVersion2Messages(from: block + 4, size: max(0, size - 8), tracked: tracked, visited: &visited)
            }
        case 0x15:
            // Attribute info: version, flags, [max creation index (2)], fractal heap address, …; an
            // undefined heap address (all ones) means every attribute is in the header (compact).
            let heapField = data + 2 + (length > 1 && bytes[data + 1] & 0x01 != 0 ? 2 : 0)
            guard heapField + offsetSize <= data + length else { return }
            let heap = LittleEndian.value(bytes, at: heapField, width: offsetSize)
            if heap != (offsetSize == 8 ? UInt64.max : (UInt64(1) << (8 * UInt64(offsetSize))) - 1) {
                notes.append("HDF5: the root group keeps attributes in dense storage (a fractal heap), which this reader does not read")
            }
        default:
            break
        }
    }

    /// An attribute message: its name, datatype and dataspace, then the value. Strings only.
    mutating func readAttribute(at start: Int, length: Int) throws(Failure) {
        guard length >= 8, start + length <= bytes.count else { throw Failure(message: "cut off") }
        let version = Int(bytes[start])
        let nameSize = try value(at: start + 2, width: 2)
        let typeSize = try value(at: start + 4, width: 2)
        let spaceSize = try value(at: start + 6, width: 2)
        func padded(_ size: Int) -> Int { version == 1 ? (size + 7) & ~7 : size }
        var position = start + 8
        if version == 3 { position += 1 }  // name character set
        guard version >= 1 && version <= 3 else { throw Failure(message: "attribute message version \(version)") }
        let end = start + length
        guard position + padded(nameSize) + padded(typeSize) + padded(spaceSize) <= end else { throw Failure(message: "its parts run past the message") }
        let nameBytes = bytes.array(position..<position + nameSize).prefix { $0 != 0 }
        let name = String(decoding: nameBytes, as: UTF8.self)
        position += padded(nameSize)
        let type = position
        position += padded(typeSize) + padded(spaceSize)
        guard typeSize >= 8 else { throw Failure(message: "datatype of \(typeSize) bytes") }
        let typeClass = Int(bytes[type] & 0x0F)
        let elementSize = try value(at: type + 4, width: 4)
        switch typeClass {
        case 3:
            // A fixed-length string: the value is the bytes, NUL- or space-padded.
            guard elementSize <= Self.valueLimit, position + elementSize <= end else { throw Failure(message: "the string value runs past the message") }
            let value = bytes.array(position..<position + elementSize)
            strings[name] = (Array(value.prefix { $0 != 0 }), position)
        case 9 where bytes[type + 1] & 0x0F == 1:
            // A variable-length string: length (4), then a global heap ID (collection address, index (4)).
            guard position + 4 + offsetSize + 4 <= end else { throw Failure(message: "the heap reference runs past the message") }
            let size = try value(at: position, width: 4)
            let collection = try address(at: position + 4)
            let index = try value(at: position + 4 + offsetSize, width: 4)
            let (offset, data) = try heapObject(collection: collection, index: index)
            guard size <= data.count, size <= Self.valueLimit else { throw Failure(message: "the string is longer than its heap object") }
            strings[name] = (Array(data.prefix(size)), offset)
        default:
            break  // numbers, arrays: no config there
        }
    }

    /// Object `index` of the global heap collection at `collection`: its file offset and bytes.
    func heapObject(collection: Int, index: Int) throws(Failure) -> (Int, [UInt8]) {
        guard bytes.matches(Array("GCOL".utf8), at: collection) else { throw Failure(message: "no global heap collection at \(collection)") }
        let size = try value(at: collection + 8, width: lengthSize)
        let end = min(bytes.count, collection.addingReportingOverflow(size).overflow ? Int.max : collection + size)
        var position = collection + 8 + lengthSize
        while position + 8 + lengthSize <= end {
            let number = try value(at: position, width: 2)
            let objectSize = try value(at: position + 8, width: lengthSize)
            let data = position + 8 + lengthSize
            if number == 0 { break }  // free space: the rest of the collection
            guard objectSize <= end - data else { throw Failure(message: "heap object \(number) runs past its collection") }
            if number == index {
                guard objectSize <= Self.valueLimit else { throw Failure(message: "heap object of \(objectSize) bytes") }
                return (data, bytes.array(data..<data + objectSize))
            }
            position = data + ((objectSize + 7) & ~7)
        }
        throw Failure(message: "global heap object \(index) is not in the collection at \(collection)")
    }
}
