import BulwarkCore

/// The rule ids of the problems the walker finds in layers (the image rules register them).
public enum LayerProblemRule {
    public static let pathTraversal = "image/layer-path-traversal"
    public static let linkEscape = "image/layer-link-escape"
    public static let duplicateEntry = "image/layer-duplicate-entry"
    public static let decompressionBomb = "image/layer-decompression-bomb"
}

/// One layer after its walk: what the merge needs, nothing per byte.
struct WalkedLayer: Sendable {
    let index: Int
    let digest: String
    /// Every applied entry's path (whiteouts excluded) and whether it is a directory; the last wins.
    var entries: [String: Bool] = [:]
    /// Paths a `.wh.<name>` entry deletes from lower layers.
    var whiteouts: [String] = []
    /// Directories a `.wh..wh..opq` entry empties of lower layers' files.
    var opaques: [String] = []
    /// Entries some interest asked for, in tar order (a duplicate appears twice: last wins).
    var files: [LayerFile] = []
    /// Every symbolic link: path → target as written (for resolving links of interest).
    var symlinks: [String: String] = [:]
    var problems: [LayerProblem] = []
    var errors: [InputError] = []
    var warnings: [InputWarning] = []
    var entryCount = 0
    var uncompressedBytes = 0
    /// The blob's digest as computed while reading it.
    var computedDigest: BlobDigest?
    /// The decompressed tar's sha256, when the walk was asked for it (docker's old layout checks
    /// layers by their diff_id).
    var diffID: BlobDigest?
}

/// Walks one layer blob's tar, streaming: every header is read, the data of files nobody asked for
/// is decompressed and dropped, the data of files of interest is kept up to the largest limit
/// asked. Never extracts, never trusts a size it has not bounded, never stops on bad bytes without
/// saying why.
///
/// A truncated or corrupt layer is an input error naming the layer; the entries read before the
/// damage are kept (a secret in the readable part of a damaged layer is still in the image).
struct LayerWalker {
    let blob: BlobBytes
    let index: Int
    /// The digest the manifest names the blob by.
    let digest: String
    let algorithm: BlobDigest.Algorithm
    /// The image's path, for errors.
    let source: String
    let interests: [any LayerFileInterest]
    let limits: LayerLimits
    let imageTotal: ImageByteCounter
    var computeDiffID = false

    private var layerName: String { "layer \(index) (\(digest))" }

    func walk() -> WalkedLayer {
        var layer = WalkedLayer(index: index, digest: digest)
        let stream = LayerStream(blob: blob, algorithm: algorithm, limits: limits, imageTotal: imageTotal, hashOutput: computeDiffID)
        var pax: [String: String] = [:]
        var global: [String: String] = [:]
        var longName: String?
        var longLink: String?
        /// Where in `layer.files` each path kept in this layer is (for hard links to it).
        var kept: [String: Int] = [:]

        func fail(_ message: String) {
            layer.errors.append(InputError(file: source, message: "\(layerName): \(message)"))
        }

        /// A record (PAX or GNU long name) of `size` bytes, read whole after bounding it.
        func record(_ size: Int) -> [UInt8]? {
            guard size <= limits.headerRecordBytes else {
                fail("a PAX or long-name record of \(size) bytes at offset \(stream.offset) (over the \(limits.headerRecordBytes)-byte limit)")
                return nil
            }
            guard let bytes = stream.read(size), stream.skip(Self.padding(size)) else {
                if stream.failure == nil && stream.bomb == nil { fail("the tar ends inside a PAX or long-name record (truncated)") }
                return nil
            }
            return bytes
        }

        walking: while true {
            let headerOffset = stream.offset
            guard let block = stream.read(TarHeader.blockSize) else {
                // A clean end without the two zero blocks is accepted (some writers omit them); a
                // partial block is a cut-off tar.
                if stream.failure == nil && stream.bomb == nil && stream.offset != headerOffset {
                    fail("the tar ends inside a header at offset \(headerOffset) (truncated)")
                }
                break
            }
            if TarHeader.isZero(block) { break }
            let header: TarHeader
            switch TarHeader.parse(block) {
            case .failure(let error):
                fail("not a tar header at offset \(headerOffset): \(error.message)")
                break walking
            case .success(let parsed): header = parsed
            }
            layer.entryCount += 1
            if layer.entryCount > limits.entries {
                layer.problems.append(LayerProblem(ruleID: LayerProblemRule.decompressionBomb, layerDigest: digest, layerIndex: index,
                                                   path: header.name, message: "\(layerName) holds more than \(limits.entries) entries; the rest was not read"))
                break
            }
            switch header.typeflag {
            case UInt8(ascii: "x"), UInt8(ascii: "g"):
                guard let bytes = record(header.size) else { break walking }
                switch TarHeader.paxRecords(bytes) {
                case .failure(let error):
                    fail("the PAX header at offset \(headerOffset) is invalid: \(error.message)")
                    break walking
                case .success(let records):
                    if header.typeflag == UInt8(ascii: "x") {
                        pax.merge(records) { $1 }
                    } else {
                        global.merge(records) { $1 }
                    }
                }
                continue
            case UInt8(ascii: "L"), UInt8(ascii: "K"):
                guard let bytes = record(header.size) else { break walking }
                let text = TarHeader.text(bytes[...])
                if header.typeflag == UInt8(ascii: "L") { longName = text } else { longLink = text }
                continue
            default:
                break
            }

            let fields = global.merging(pax) { $1 }
            var name = fields["path"].flatMap { $0.isEmpty ? nil : $0 } ?? longName ?? header.name
            let linkTarget = fields["linkpath"].flatMap { $0.isEmpty ? nil : $0 } ?? longLink ?? header.linkName
            var stored = header.hasData ? header.size : 0
            if header.hasData, let size = fields["size"] {
                guard let value = Int(size), value >= 0 else {
                    fail("the PAX size \"\(size)\" of \(name) is not a size")
                    break
                }
                stored = value
            }
            var logical = stored
            var sparse = false
            if header.typeflag == UInt8(ascii: "S") {
                // GNU old-style sparse: the header's size is the stored fragments; extension blocks of
                // 21 more fragment descriptors follow while their byte 504 is set.
                sparse = true
                logical = header.sparseRealSize ?? stored
                var extended = header.sparseExtended
                while extended {
                    guard let block = stream.read(TarHeader.blockSize) else {
                        if stream.failure == nil && stream.bomb == nil { fail("the tar ends inside the sparse map of \(name) (truncated)") }
                        break walking
                    }
                    extended = block[504] != 0
                }
            }
            if let major = fields["GNU.sparse.major"], major == "1" {
                // PAX sparse 1.0: the data starts with the fragment map; `size` covers map and data.
                sparse = true
                name = fields["GNU.sparse.name"] ?? name
                logical = fields["GNU.sparse.realsize"].flatMap { Int($0) } ?? logical
            } else if let size = fields["GNU.sparse.size"] ?? fields["GNU.sparse.realsize"] {
                // PAX sparse 0.0 and 0.1: fragments in the records, data as stored.
                sparse = true
                name = fields["GNU.sparse.name"] ?? name
                logical = Int(size) ?? logical
            }
            pax = [:]
            longName = nil
            longLink = nil

            let kept0 = apply(header: header, name: name, linkTarget: linkTarget, size: logical, sparse: sparse, layer: &layer, kept: &kept)
            // The data: kept for a file of interest (up to its limit), dropped otherwise.
            if kept0 != nil, stored == 0, let position = layer.files.indices.last {
                layer.files[position].contents = []
            }
            if let limit = kept0, stored > 0 {
                let keep = min(limit, stored)
                guard let bytes = stream.read(keep) else {
                    if stream.failure == nil && stream.bomb == nil { fail("the tar ends inside \(name) (truncated)") }
                    break
                }
                if let position = layer.files.indices.last {
                    layer.files[position].contents = bytes
                    layer.files[position].truncated = keep < logical
                }
                guard stream.skip(stored - keep + Self.padding(stored)) else {
                    if stream.failure == nil && stream.bomb == nil { fail("the tar ends inside \(name) (truncated)") }
                    break
                }
            } else if !stream.skip(stored + Self.padding(stored)) {
                if stream.failure == nil && stream.bomb == nil { fail("the tar ends inside \(name) (truncated)") }
                break
            }
        }
        if computeDiffID { layer.diffID = stream.finishOutputDigest() }
        if let failure = stream.failure { fail(failure) }
        if let bomb = stream.bomb {
            layer.problems.append(LayerProblem(ruleID: LayerProblemRule.decompressionBomb, layerDigest: digest, layerIndex: index, path: "",
                                               message: "\(layerName) \(bomb); the rest of the layer was not read"))
        }
        layer.uncompressedBytes = stream.produced
        layer.computedDigest = stream.finishDigest()
        return layer
    }

    /// Applies one entry to the layer's record; the number of data bytes to keep when it is a file
    /// of interest whose contents are wanted (its `LayerFile` is then the last of `layer.files`).
    private func apply(header: TarHeader, name: String, linkTarget: String, size: Int, sparse: Bool,
                       layer: inout WalkedLayer, kept: inout [String: Int]) -> Int? {
        func problem(_ rule: String, _ message: String) {
            layer.problems.append(LayerProblem(ruleID: rule, layerDigest: digest, layerIndex: index, path: name, message: message))
        }
        let path: String
        switch LayerPath.normalize(name) {
        case .root: return nil
        case .traversal(let reason):
            problem(LayerProblemRule.pathTraversal, "\(layerName) has an entry \"\(name)\" with \(reason); it was not applied")
            return nil
        case .path(let normalized): path = normalized
        }

        // Whiteouts (OCI image spec "Image Layer Filesystem Changeset" § Whiteouts).
        let base = LayerPath.base(path)
        if base.hasPrefix(".wh.") {
            let directory = LayerPath.parent(path)
            if base == ".wh..wh..opq" {
                layer.opaques.append(directory)
            } else if !base.hasPrefix(".wh..wh.") {
                layer.whiteouts.append(LayerPath.join(directory, base.dropFirst(4)))
            }
            // Other `.wh..wh.` names are aufs bookkeeping (`.wh..wh.plnk`, `.wh..wh.aufs`): not files.
            return nil
        }

        let kind: LayerFile.Kind?
        switch header.typeflag {
        case UInt8(ascii: "5"): kind = .directory
        case UInt8(ascii: "2"): kind = .symlink
        case UInt8(ascii: "1"): kind = .hardlink
        case UInt8(ascii: "3"), UInt8(ascii: "4"), UInt8(ascii: "6"): kind = nil  // devices and FIFOs: metadata only
        default: kind = .regular  // '0', '\0', '7', 'S', and unknown types (POSIX: read as regular files)
        }
        let isDirectory = kind == .directory
        if let earlier = layer.entries[path], !(earlier && isDirectory) {
            problem(LayerProblemRule.duplicateEntry, "\(layerName) holds \"\(path)\" more than once; the last one is used, as docker does")
        }
        layer.entries[path] = isDirectory

        var resolvedHardlink: String?
        switch kind {
        case .symlink:
            layer.symlinks[path] = linkTarget
            if LayerPath.resolveSymlink(at: path, target: linkTarget) == nil {
                problem(LayerProblemRule.linkEscape, "\(layerName): the symbolic link \"\(path)\" points to \"\(linkTarget)\", outside the image root")
            }
        case .hardlink:
            switch LayerPath.normalize(linkTarget) {
            case .path(let target): resolvedHardlink = target
            case .root, .traversal:
                problem(LayerProblemRule.linkEscape, "\(layerName): the hard link \"\(path)\" points to \"\(linkTarget)\", outside the image root")
            }
        default:
            break
        }
        guard let kind else { return nil }

        let asked = interests.compactMap { $0.contentsLimit(path: path, size: kind == .regular ? size : 0) }.max()
        guard let asked else { return nil }
        var file = LayerFile(path: path, kind: kind, layerIndex: index, layerDigest: digest, size: size, mode: header.mode,
                             linkTarget: kind == .symlink || kind == .hardlink ? linkTarget : nil)
        if kind == .hardlink, let target = resolvedHardlink, let position = kept[target] {
            file.contents = layer.files[position].contents
            file.truncated = layer.files[position].truncated
            file.size = layer.files[position].size
        }
        if sparse && asked > 0 {
            layer.warnings.append(InputWarning(file: source, message: "\(layerName): \"\(path)\" is a sparse file; its contents were not read"))
        }
        kept[path] = layer.files.count
        layer.files.append(file)
        return kind == .regular && !sparse && asked > 0 ? asked : nil
    }

    static func padding(_ size: Int) -> Int {
        (TarHeader.blockSize - size % TarHeader.blockSize) % TarHeader.blockSize
    }
}
