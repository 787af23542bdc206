import BulwarkCore

/// The members of an image tar (`oci-archive`, `docker save`), found in one pass over its headers:
/// each member's bytes are then a window onto the mapped tar, never a copy or an extracted file.
/// Symbolic and hard links between members (docker's old layout links a layer shared by two images
/// to the first copy) are followed inside the archive.
final class TarArchiveIndex: Sendable {
    let bytes: BlobBytes
    /// Normalised member name → its data's range in `bytes`.
    private let members: [String: Range<Int>]
    /// Normalised member name → the member it links to.
    private let links: [String: String]

    private init(bytes: BlobBytes, members: [String: Range<Int>], links: [String: String]) {
        self.bytes = bytes
        self.members = members
        self.links = links
    }

    /// The index of the tar in `bytes`, or why it is not a readable tar.
    static func build(_ bytes: BlobBytes) -> Result<TarArchiveIndex, TarFormatError> {
        var members: [String: Range<Int>] = [:]
        var links: [String: String] = [:]
        var position = 0
        var pax: [String: String] = [:]
        var longName: String?
        var longLink: String?
        while position + TarHeader.blockSize <= bytes.count {
            let block = bytes.withBytes { Array(UnsafeRawBufferPointer(rebasing: $0[position..<position + TarHeader.blockSize])) }
            if TarHeader.isZero(block) { break }
            let header: TarHeader
            switch TarHeader.parse(block) {
            case .failure(let error): return .failure(TarFormatError("not a tar header at offset \(position): \(error.message)"))
            case .success(let parsed): header = parsed
            }
            let dataStart = position + TarHeader.blockSize
            var size = header.hasData ? header.size : 0
            if let paxSize = pax["size"], header.hasData, let value = Int(paxSize), value >= 0 { size = value }
            guard size <= bytes.count - dataStart else {
                return .failure(TarFormatError("the member \"\(header.name)\" at offset \(position) runs past the end of the archive (truncated)"))
            }
            let data = dataStart..<dataStart + size
            let next = dataStart + size + LayerWalker.padding(size)
            switch header.typeflag {
            case UInt8(ascii: "x"):
                if case .success(let records) = TarHeader.paxRecords(bytes.slice(data).array) { pax.merge(records) { $1 } }
                position = next
                continue
            case UInt8(ascii: "g"):
                position = next
                continue
            case UInt8(ascii: "L"):
                longName = TarHeader.text(bytes.slice(data).array[...])
                position = next
                continue
            case UInt8(ascii: "K"):
                longLink = TarHeader.text(bytes.slice(data).array[...])
                position = next
                continue
            default:
                break
            }
            let name = pax["path"] ?? longName ?? header.name
            let target = pax["linkpath"] ?? longLink ?? header.linkName
            pax = [:]
            longName = nil
            longLink = nil
            position = next
            guard case .path(let path) = LayerPath.normalize(name) else { continue }
            switch header.typeflag {
            case UInt8(ascii: "2"):
                if let landing = LayerPath.resolveSymlink(at: path, target: target) { links[path] = landing }
            case UInt8(ascii: "1"):
                if case .path(let landing) = LayerPath.normalize(target) { links[path] = landing }
            case UInt8(ascii: "0"), 0, UInt8(ascii: "7"):
                members[path] = data
            default:
                break
            }
        }
        return .success(TarArchiveIndex(bytes: bytes, members: members, links: links))
    }

    /// The member's bytes (links followed, at most 16), or nil when there is no such member.
    func member(_ name: String) -> BlobBytes? {
        guard case .path(var path) = LayerPath.normalize(name) else { return nil }
        for _ in 0..<16 {
            if let range = members[path] { return bytes.slice(range) }
            guard let next = links[path] else { return nil }
            path = next
        }
        return nil
    }

    func contains(_ name: String) -> Bool { member(name) != nil }

    var names: [String] { members.keys.sorted() }
}
