import BulwarkArtifacts
import BulwarkCore
import BulwarkImage
import Foundation
import FuzzDriver

/// A scratch file on tmpfs: `ImageArchive.read` takes a path (it maps the archive).
let scratch: String = {
    let path = "/dev/shm/bulwark-fuzz-archive-\(getpid()).tar"
    atexit { unlink(scratch) }
    return path
}()

/// Small limits, so that a decompression bomb or an entry flood shows up within a run.
let limits = LayerLimits(layerBytes: 32 << 20, imageBytes: 32 << 20, ratio: 250, ratioFloor: 1 << 20, entries: 20_000,
                         headerRecordBytes: 1 << 20)
/// Decompressed bytes a raw stream may give here.
let decompressionLimit = 1 << 20

/// One input, through the raw readers that FuzzImage and FuzzModel reach only behind their outer
/// formats (an image layer inside a valid docker-save tar with matching digests; a compressed pickle
/// inside a model file):
/// - as the only layer of a docker-save archive built around it: layer compression detection, gzip and
///   zstd decoding, tar headers (PAX, GNU long names, sparse maps), links and whiteouts, under small
///   limits: a layer never holds more entries or decompresses to more bytes than the limits allow;
/// - as a zip (`LenientZip`): every member's header and data lie inside the bytes, and each compressed
///   member decompresses within the limit;
/// - as every compressed stream Bulwark reads (zlib, gzip, deflate, bzip2, lzma, xz, zip-lzma): the
///   output is never longer than the limit, and the first bytes of a stream read in full are the bytes
///   a prefix read gives.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    layer(bytes)
    let model = ModelBytes(bytes)
    let zip = LenientZip(model)
    for member in zip.members {
        if member.headerOffset < 0 || member.headerOffset + 30 > bytes.count || member.dataOffset < member.headerOffset + 30 {
            fatalError("zip member outside the bytes: \(member)")
        }
        let stored = LenientZip.data(of: member, in: model)
        if stored.count > bytes.count { fatalError("zip member data longer than the archive: \(member)") }
        let method: UInt16? = switch member.method {
        case .stored: nil
        case .deflated: 8
        case .other(let number): number
        }
        if let method, let compression = Compression.ofZipMethod(method) { stream(stored, compression) }
    }
    if let compression = Compression.ofFile(bytes.prefix(6)) {
        stream(model, compression)
    } else {
        for compression in Compression.allCases { stream(model, compression) }
    }
    return 0
}

/// A raw stream: bounded, and a prefix read agrees with a full read.
func stream(_ input: ModelBytes, _ compression: Compression) {
    let whole = DecompressedStream.all(input, compression: compression, limit: decompressionLimit)
    guard case .success(let output) = whole else { return }
    if output.count > decompressionLimit { fatalError("\(compression) gave \(output.count) bytes, over the limit") }
    let prefix = DecompressedStream.prefix(input, compression: compression, count: 64)
    if prefix != Array(output.prefix(64)) { fatalError("\(compression): a prefix read differs from the full read") }
}

/// The bytes as the one layer of a docker-save tar (no digests to match: the config lists no diff_ids).
func layer(_ bytes: [UInt8]) {
    var archive: [UInt8] = []
    tarEntry("manifest.json", Array(#"[{"Config":"config.json","RepoTags":["fuzz:1"],"Layers":["layer.tar"]}]"#.utf8), into: &archive)
    tarEntry("config.json", Array(#"{"architecture":"amd64","os":"linux","config":{}}"#.utf8), into: &archive)
    tarEntry("layer.tar", bytes, into: &archive)
    archive += [UInt8](repeating: 0, count: 1024)
    guard FileManager.default.createFile(atPath: scratch, contents: Data(archive)) else { return }
    let reading = ImageArchive.read(path: scratch, platform: .standard, interests: [], limits: limits)
    for statistics in reading.layerStatistics {
        if statistics.entries > limits.entries + 1 { fatalError("a layer walked past the entry limit: \(statistics)") }
        if statistics.uncompressedBytes > limits.layerBytes + (4 << 20) {
            fatalError("a layer decompressed past the byte limit: \(statistics)")
        }
    }
}

/// Appends one regular file to a ustar archive.
func tarEntry(_ name: String, _ contents: [UInt8], into archive: inout [UInt8]) {
    var header = [UInt8](repeating: 0, count: 512)
    func put(_ text: String, at offset: Int) {
        for (index, byte) in text.utf8.enumerated() { header[offset + index] = byte }
    }
    put(name, at: 0)
    put("0000644", at: 100)
    put("0000000", at: 108)
    put("0000000", at: 116)
    put(String(repeating: "0", count: 11 - String(contents.count, radix: 8).count) + String(contents.count, radix: 8), at: 124)
    put("00000000000", at: 136)
    put("        ", at: 148)
    header[156] = UInt8(ascii: "0")
    put("ustar", at: 257)
    put("00", at: 263)
    let sum = header.reduce(0) { $0 + Int($1) }
    let octal = String(sum, radix: 8)
    put(String(repeating: "0", count: 6 - octal.count) + octal, at: 148)
    header[154] = 0
    header[155] = UInt8(ascii: " ")
    archive += header + contents + [UInt8](repeating: 0, count: (512 - contents.count % 512) % 512)
}

/// SwiftPM links an executable target's entry point as `<Target>_main`; hand control to libFuzzer.
@_cdecl("FuzzArchive_main")
public func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runFuzzer(argc, argv) { data, size in fuzzOne(data, size) }
}
