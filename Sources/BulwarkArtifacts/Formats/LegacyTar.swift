/// PyTorch's oldest checkpoint format: `torch.save` before 0.4 wrote a tar archive (`_legacy_load`
/// still opens one first: `tarfile.open(fileobj=f, mode='r:')`) with the members `sys_info`,
/// `pickle` (the object), `storages` and `tensors`, each read with `pickle.load` — so each runs code
/// on load. `sys_info` and `pickle` are whole pickles; `storages` and `tensors` start with a pickled
/// count followed by pickles interleaved with raw storage bytes and tensor metadata.
///
/// Written here rather than with a library: no mirrored Swift package reads tar, and only the
/// member headers are needed (name, size, type; 512-byte blocks). Read leniently: the header
/// checksum is not checked, so nothing a lenient reader could load is skipped.
enum LegacyTar {
    struct Member {
        let name: String
        let dataOffset: Int
        let size: Int
    }

    /// The member names `torch.save` wrote.
    static let torchMembers: Set<String> = ["sys_info", "pickle", "storages", "tensors"]

    /// A tar header's magic (`ustar\0` POSIX/PAX or `ustar  \0` GNU) at offset 257.
    static func looksLikeTar(_ head: some RandomAccessCollection<UInt8>) -> Bool {
        guard head.count >= 512 else { return false }
        let magic = Array(head.dropFirst(257).prefix(5))
        return magic == Array("ustar".utf8)
    }

    /// The regular-file members, in order, with what could not be read.
    static func members(of bytes: ModelBytes) -> (members: [Member], notes: [String]) {
        var members: [Member] = []
        var notes: [String] = []
        var offset = 0
        var longName: String?
        while offset <= bytes.count - 512 {
            let header = bytes.array(offset..<offset + 512)
            if header.allSatisfy({ $0 == 0 }) { break }
            guard let size = size(header) else {
                notes.append("tar header at offset \(offset) has an unreadable size; the rest of the archive is not read")
                break
            }
            let type = header[156]
            var name = longName ?? text(header[0..<100])
            longName = nil
            let prefix = text(header[345..<500])
            if !prefix.isEmpty && header[257..<262].elementsEqual(Array("ustar".utf8)) && type != UInt8(ascii: "L") {
                name = prefix + "/" + name
            }
            let dataOffset = offset + 512
            let blocks = size / 512 + (size % 512 == 0 ? 0 : 1)
            let (next, overflow) = dataOffset.addingReportingOverflow(blocks.multipliedReportingOverflow(by: 512).partialValue)
            switch type {
            case UInt8(ascii: "L"):
                // GNU long name: the data is the next member's name.
                longName = text(bytes.array(dataOffset..<min(bytes.count, dataOffset + min(size, 4096)))[...])
            case UInt8(ascii: "0"), 0, UInt8(ascii: "7"):
                if size > bytes.count - dataOffset {
                    notes.append("tar member \(name.debugDescription) runs past the end of the file")
                }
                members.append(Member(name: name, dataOffset: dataOffset, size: min(size, max(0, bytes.count - dataOffset))))
            default:
                break  // directories, links, PAX headers: no data a loader unpickles
            }
            guard !overflow, next > offset else { break }
            offset = next
        }
        return (members, notes)
    }

    /// A NUL-terminated header field.
    static func text(_ field: ArraySlice<UInt8>) -> String {
        String(decoding: field.prefix { $0 != 0 }, as: UTF8.self)
    }

    /// The size field: octal ASCII (spaces and NULs around it), or base-256 when the top bit is set.
    static func size(_ header: [UInt8]) -> Int? {
        let field = header[124..<136]
        if let first = field.first, first & 0x80 != 0 {
            var value = 0
            for byte in field.dropFirst() {
                let (shifted, overflow) = value.multipliedReportingOverflow(by: 256)
                guard !overflow else { return nil }
                value = shifted | Int(byte)
            }
            return value
        }
        let digits = field.drop { $0 == 0x20 }.prefix { $0 >= 0x30 && $0 <= 0x37 }
        guard !digits.isEmpty, digits.count <= 21 else { return digits.isEmpty && field.allSatisfy({ $0 == 0 || $0 == 0x20 }) ? 0 : nil }
        return Int(String(decoding: digits, as: UTF8.self), radix: 8)
    }
}
