import CompressNIO
import Crypto
import Foundation
import NIOCore

/// Writes tar archives in code: ustar headers, PAX records and GNU long names for long paths, GNU
/// sparse entries, and raw headers for malformed cases. Layers and image archives of the tests are
/// built with it, so every odd case is one line of a test.
public struct TarWriter {
    /// How a name longer than ustar's 100 bytes is written.
    public enum LongNames: Sendable { case pax, gnu }

    public private(set) var bytes: [UInt8] = []
    public var longNames: LongNames

    public init(longNames: LongNames = .pax) { self.longNames = longNames }

    public mutating func file(_ path: String, _ contents: [UInt8], mode: UInt32 = 0o644) {
        entry(path, typeflag: UInt8(ascii: "0"), data: contents, mode: mode)
    }

    public mutating func file(_ path: String, _ text: String, mode: UInt32 = 0o644) {
        file(path, Array(text.utf8), mode: mode)
    }

    public mutating func directory(_ path: String, mode: UInt32 = 0o755) {
        entry(path.hasSuffix("/") ? path : path + "/", typeflag: UInt8(ascii: "5"), data: [], mode: mode)
    }

    public mutating func symlink(_ path: String, to target: String) {
        entry(path, typeflag: UInt8(ascii: "2"), data: [], linkName: target, mode: 0o777)
    }

    public mutating func hardlink(_ path: String, to target: String) {
        entry(path, typeflag: UInt8(ascii: "1"), data: [], linkName: target)
    }

    /// A whiteout (`.wh.<name>`) deleting `path` of lower layers.
    public mutating func whiteout(_ path: String) {
        let slash = path.lastIndex(of: "/")
        let directory = slash.map { String(path[...$0]) } ?? ""
        let name = slash.map { String(path[path.index(after: $0)...]) } ?? path
        file(directory + ".wh." + name, [])
    }

    /// An opaque-directory marker for `directory`.
    public mutating func opaque(_ directory: String) {
        file(directory + "/.wh..wh..opq", [])
    }

    /// One entry; a long name or link target goes into a PAX record or a GNU `L`/`K` entry first.
    public mutating func entry(_ name: String, typeflag: UInt8, data: [UInt8], linkName: String = "", mode: UInt32 = 0o644,
                               size: Int? = nil) {
        var headerName = name
        var headerLink = linkName
        if name.utf8.count > 100 || linkName.utf8.count > 100 {
            switch longNames {
            case .pax:
                var records: [String: String] = [:]
                if name.utf8.count > 100 { records["path"] = name; headerName = String(name.suffix(90)) }
                if linkName.utf8.count > 100 { records["linkpath"] = linkName; headerLink = String(linkName.suffix(90)) }
                pax(records)
            case .gnu:
                if name.utf8.count > 100 {
                    raw(name: "././@LongLink", typeflag: UInt8(ascii: "L"), data: Array(name.utf8) + [0])
                    headerName = String(name.prefix(100))
                }
                if linkName.utf8.count > 100 {
                    raw(name: "././@LongLink", typeflag: UInt8(ascii: "K"), data: Array(linkName.utf8) + [0])
                    headerLink = String(linkName.prefix(100))
                }
            }
        }
        raw(name: headerName, typeflag: typeflag, data: data, linkName: headerLink, mode: mode, size: size)
    }

    /// A PAX extended header (`x`, or `g` for a global one) with these records.
    public mutating func pax(_ records: [String: String], global: Bool = false) {
        var body: [UInt8] = []
        for (key, value) in records.sorted(by: { $0.key < $1.key }) {
            let content = " \(key)=\(value)\n"
            var length = content.utf8.count + 1
            while "\(length)".utf8.count + content.utf8.count != length { length += 1 }
            body += Array("\(length)\(content)".utf8)
        }
        raw(name: "PaxHeaders/x", typeflag: global ? UInt8(ascii: "g") : UInt8(ascii: "x"), data: body)
    }

    /// A GNU old-style sparse file ('S'): `data` stored as one fragment at offset 0 of a file of `realSize` bytes.
    public mutating func gnuSparse(_ path: String, data: [UInt8], realSize: Int) {
        var header = Self.header(name: path, typeflag: UInt8(ascii: "S"), size: data.count, linkName: "", mode: 0o644, gnu: true)
        Self.octal(&header, 386, 12, 0)
        Self.octal(&header, 398, 12, data.count)
        Self.octal(&header, 483, 12, realSize)
        Self.checksum(&header)
        bytes += header
        bytes += data + Array(repeating: 0, count: Self.padding(data.count))
    }

    /// A PAX 1.0 sparse file: the map (one fragment at 0) then the data; `realSize` is the logical size.
    public mutating func paxSparse(_ path: String, data: [UInt8], realSize: Int) {
        pax(["GNU.sparse.major": "1", "GNU.sparse.minor": "0", "GNU.sparse.name": path, "GNU.sparse.realsize": "\(realSize)"])
        var map = Array("1\n0\n\(data.count)\n".utf8)
        map += Array(repeating: 0, count: Self.padding(map.count))
        raw(name: "GNUSparseFile.0/" + String(path.suffix(60)), typeflag: UInt8(ascii: "0"), data: map + data)
    }

    /// A header written as given (name cut to 100 bytes), then the data padded to 512.
    public mutating func raw(name: String, typeflag: UInt8, data: [UInt8], linkName: String = "", mode: UInt32 = 0o644, size: Int? = nil) {
        var header = Self.header(name: name, typeflag: typeflag, size: size ?? data.count, linkName: linkName, mode: mode, gnu: false)
        Self.checksum(&header)
        bytes += header
        bytes += data + Array(repeating: 0, count: Self.padding(data.count))
    }

    /// The archive with its two zero blocks.
    public func finished() -> [UInt8] { bytes + Array(repeating: 0, count: 1024) }

    static func padding(_ count: Int) -> Int { (512 - count % 512) % 512 }

    static func header(name: String, typeflag: UInt8, size: Int, linkName: String, mode: UInt32, gnu: Bool) -> [UInt8] {
        var header = [UInt8](repeating: 0, count: 512)
        put(&header, 0, 100, name)
        octal(&header, 100, 8, Int(mode))
        octal(&header, 108, 8, 0)
        octal(&header, 116, 8, 0)
        octal(&header, 124, 12, size)
        octal(&header, 136, 12, 1_700_000_000)
        header[156] = typeflag
        put(&header, 157, 100, linkName)
        if gnu {
            put(&header, 257, 8, "ustar  ")
        } else {
            put(&header, 257, 6, "ustar")
            put(&header, 263, 2, "00")
        }
        return header
    }

    static func put(_ header: inout [UInt8], _ offset: Int, _ width: Int, _ text: String) {
        for (index, byte) in text.utf8.prefix(width).enumerated() { header[offset + index] = byte }
    }

    static func octal(_ header: inout [UInt8], _ offset: Int, _ width: Int, _ value: Int) {
        let digits = String(value, radix: 8)
        let padded = String(repeating: "0", count: max(0, width - 1 - digits.count)) + digits
        put(&header, offset, width - 1, padded)
        header[offset + width - 1] = 0
    }

    static func checksum(_ header: inout [UInt8]) {
        for index in 148..<156 { header[index] = 0x20 }
        let sum = header.reduce(0) { $0 + Int($1) }
        let digits = String(sum, radix: 8)
        put(&header, 148, 7, String(repeating: "0", count: max(0, 6 - digits.count)) + digits)
        header[154] = 0
        header[155] = 0x20
    }
}

/// Builds container images in code, in every form Bulwark reads: OCI image layout directories,
/// `oci-archive` tars, `docker save` tars (old and Docker 25 layouts), and indexes over several
/// platforms (nested if asked).
public enum ImageBuilder {
    public enum Compression: Sendable { case none, gzip, zstd }

    public struct Layer: Sendable {
        public var blob: [UInt8]
        public var mediaType: String
        /// The uncompressed tar's digest (the config's `rootfs.diff_ids`).
        public var diffID: String
        public var digest: String { ImageBuilder.digest(blob) }

        public init(blob: [UInt8], mediaType: String, diffID: String) {
            self.blob = blob
            self.mediaType = mediaType
            self.diffID = diffID
        }
    }

    public struct Image: Sendable {
        public var layers: [Layer]
        public var config: [UInt8]
        public var platform: String
        public var configDigest: String { ImageBuilder.digest(config) }
        public var manifest: [UInt8]
        public var manifestDigest: String { ImageBuilder.digest(manifest) }
    }

    /// All the blobs and the top index of an OCI layout.
    public struct Layout: Sendable {
        public var blobs: [String: [UInt8]]
        public var index: [UInt8]
    }

    public static func digest(_ bytes: [UInt8]) -> String {
        "sha256:" + SHA256.hash(data: bytes).map { String(format: "%02x", $0) }.joined()
    }

    public static func gzip(_ bytes: [UInt8]) -> [UInt8] {
        var buffer = ByteBuffer(bytes: bytes)
        guard let compressed = try? buffer.compress(with: .gzip()) else { return [] }
        return Array(compressed.readableBytesView)
    }

    /// zstd through the `zstd` command; nil when it is not installed.
    public static func zstd(_ bytes: [UInt8]) -> [UInt8]? {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/zstd") else { return nil }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/zstd")
        process.arguments = ["-q", "-c", "-3"]
        let input = Pipe()
        let output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        do { try process.run() } catch { return nil }
        let writer = Thread {
            input.fileHandleForWriting.write(Data(bytes))
            try? input.fileHandleForWriting.close()
        }
        writer.start()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return process.terminationStatus == 0 ? Array(data) : nil
    }

    public static func layer(_ tar: [UInt8], compression: Compression = .gzip) -> Layer {
        switch compression {
        case .none:
            return Layer(blob: tar, mediaType: "application/vnd.oci.image.layer.v1.tar", diffID: digest(tar))
        case .gzip:
            return Layer(blob: gzip(tar), mediaType: "application/vnd.oci.image.layer.v1.tar+gzip", diffID: digest(tar))
        case .zstd:
            return Layer(blob: zstd(tar) ?? [], mediaType: "application/vnd.oci.image.layer.v1.tar+zstd", diffID: digest(tar))
        }
    }

    public static func layer(compression: Compression = .gzip, _ build: (inout TarWriter) -> Void) -> Layer {
        var writer = TarWriter()
        build(&writer)
        return layer(writer.finished(), compression: compression)
    }

    static func json(_ value: Any) -> [UInt8] {
        (try? Array(JSONSerialization.data(withJSONObject: value, options: [.sortedKeys, .withoutEscapingSlashes]))) ?? []
    }

    /// An image: config (with `extraConfig` merged into its `config` object) and manifest.
    public static func image(_ layers: [Layer], platform: String = "linux/amd64", user: String? = nil,
                             extraConfig: [String: Any] = [:], dockerMediaTypes: Bool = false) -> Image {
        let parts = platform.split(separator: "/").map(String.init)
        var inner: [String: Any] = ["Env": ["PATH=/usr/bin"]]
        if let user { inner["User"] = user }
        for (key, value) in extraConfig { inner[key] = value }
        var config: [String: Any] = [
            "architecture": parts.count > 1 ? parts[1] : "amd64", "os": parts.first ?? "linux", "config": inner,
            "rootfs": ["type": "layers", "diff_ids": layers.map(\.diffID)],
            "history": layers.map { _ in ["created_by": "/bin/sh -c #(nop) ADD file in /"] },
        ]
        if parts.count > 2 { config["variant"] = parts[2] }
        let configBytes = json(config)
        let manifest: [String: Any] = [
            "schemaVersion": 2,
            "mediaType": dockerMediaTypes ? "application/vnd.docker.distribution.manifest.v2+json" : "application/vnd.oci.image.manifest.v1+json",
            "config": ["mediaType": dockerMediaTypes ? "application/vnd.docker.container.image.v1+json" : "application/vnd.oci.image.config.v1+json",
                       "digest": digest(configBytes), "size": configBytes.count],
            "layers": layers.map { layer in
                ["mediaType": dockerMediaTypes ? "application/vnd.docker.image.rootfs.diff.tar.gzip" : layer.mediaType,
                 "digest": layer.digest, "size": layer.blob.count] as [String: Any]
            },
        ]
        return Image(layers: layers, config: configBytes, platform: platform, manifest: json(manifest))
    }

    static func descriptor(_ image: Image, withPlatform: Bool, refName: String?) -> [String: Any] {
        var descriptor: [String: Any] = ["mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": image.manifestDigest,
                                         "size": image.manifest.count]
        if withPlatform {
            let parts = image.platform.split(separator: "/").map(String.init)
            var platform: [String: Any] = ["os": parts.first ?? "linux", "architecture": parts.count > 1 ? parts[1] : "amd64"]
            if parts.count > 2 { platform["variant"] = parts[2] }
            descriptor["platform"] = platform
        }
        if let refName { descriptor["annotations"] = ["org.opencontainers.image.ref.name": refName] }
        return descriptor
    }

    /// An OCI layout of `images`: one index listing them (with platforms when more than one), or,
    /// when `nested`, a top index pointing at a second index that lists them.
    public static func layout(_ images: [Image], refName: String? = "latest", nested: Bool = false) -> Layout {
        var blobs: [String: [UInt8]] = [:]
        for image in images {
            blobs[image.manifestDigest] = image.manifest
            blobs[image.configDigest] = image.config
            for layer in image.layers { blobs[layer.digest] = layer.blob }
        }
        let withPlatform = images.count > 1 || nested
        let list = images.map { descriptor($0, withPlatform: withPlatform, refName: nested ? nil : refName) }
        let index: [String: Any]
        if nested {
            let inner = json(["schemaVersion": 2, "mediaType": "application/vnd.oci.image.index.v1+json", "manifests": list] as [String: Any])
            blobs[digest(inner)] = inner
            var top: [String: Any] = ["mediaType": "application/vnd.oci.image.index.v1+json", "digest": digest(inner), "size": inner.count]
            if let refName { top["annotations"] = ["org.opencontainers.image.ref.name": refName] }
            index = ["schemaVersion": 2, "mediaType": "application/vnd.oci.image.index.v1+json", "manifests": [top]]
        } else {
            index = ["schemaVersion": 2, "mediaType": "application/vnd.oci.image.index.v1+json", "manifests": list]
        }
        return Layout(blobs: blobs, index: json(index))
    }

    static func blobPath(_ digest: String) -> String {
        "blobs/" + digest.replacingOccurrences(of: ":", with: "/")
    }

    /// Writes the layout as a directory at `path` (created).
    public static func writeDirectory(_ layout: Layout, to path: String) throws {
        let manager = FileManager.default
        try manager.createDirectory(atPath: path + "/blobs/sha256", withIntermediateDirectories: true)
        try Data(Array(#"{"imageLayoutVersion":"1.0.0"}"#.utf8)).write(to: URL(fileURLWithPath: path + "/oci-layout"))
        try Data(layout.index).write(to: URL(fileURLWithPath: path + "/index.json"))
        for (digest, bytes) in layout.blobs {
            try Data(bytes).write(to: URL(fileURLWithPath: path + "/" + blobPath(digest)))
        }
    }

    /// The layout as an `oci-archive` tar.
    public static func ociArchive(_ layout: Layout, extra: [(String, [UInt8])] = []) -> [UInt8] {
        var tar = TarWriter()
        tar.file("oci-layout", #"{"imageLayoutVersion":"1.0.0"}"#)
        tar.file("index.json", layout.index)
        tar.directory("blobs")
        tar.directory("blobs/sha256")
        for (digest, bytes) in layout.blobs.sorted(by: { $0.key < $1.key }) { tar.file(blobPath(digest), bytes) }
        for (name, bytes) in extra { tar.file(name, bytes) }
        return tar.finished()
    }

    /// `docker save` of Docker 25 and later: an OCI layout plus `manifest.json` and `repositories`.
    public static func dockerSaveNew(_ image: Image, repoTags: [String]) -> [UInt8] {
        let layout = layout([image], refName: repoTags.first.map { String($0.split(separator: ":").last ?? "") })
        let manifest = json([["Config": blobPath(image.configDigest), "RepoTags": repoTags,
                              "Layers": image.layers.map { blobPath($0.digest) }] as [String: Any]])
        return ociArchive(layout, extra: [("manifest.json", manifest)])
    }

    /// `docker save` before Docker 25: `<id>/layer.tar` (uncompressed), `<config hex>.json`,
    /// `manifest.json` and `repositories`. Layers given compressed are stored as given.
    public static func dockerSaveOld(_ image: Image, repoTags: [String], uncompressed tars: [[UInt8]]? = nil) -> [UInt8] {
        var tar = TarWriter()
        let configHex = String(image.configDigest.dropFirst(7))
        var layerNames: [String] = []
        for (position, layer) in image.layers.enumerated() {
            let id = String(digest(Array("layer\(position)".utf8)).dropFirst(7))
            tar.directory(id)
            tar.file(id + "/VERSION", "1.0")
            tar.file(id + "/layer.tar", tars?[position] ?? layer.blob)
            tar.file(id + "/json", "{}")
            layerNames.append(id + "/layer.tar")
        }
        tar.file(configHex + ".json", image.config)
        tar.file("manifest.json", json([["Config": configHex + ".json", "RepoTags": repoTags, "Layers": layerNames] as [String: Any]]))
        var repositories: [String: [String: String]] = [:]
        for tag in repoTags {
            let parts = tag.split(separator: ":")
            repositories[String(parts.first ?? ""), default: [:]][String(parts.last ?? "")] = String(layerNames.last?.prefix(64) ?? "")
        }
        tar.file("repositories", json(repositories))
        return tar.finished()
    }
}
