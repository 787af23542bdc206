import CSystemCompression
import CompressNIO
import Glibc
import NIOCore

/// The compressions model files use around a pickle: `joblib.dump(…, compress=…)` writes the whole
/// file through zlib, gzip, bz2, lzma or xz; zip members (PyTorch checkpoints written with
/// compression, `np.savez_compressed`, `.keras` archives) use deflate and, rarely, bzip2 or lzma.
public enum Compression: String, Sendable, CaseIterable {
    /// A zlib stream (RFC 1950): joblib's default `compress=True`.
    case zlib
    /// A gzip member (RFC 1952).
    case gzip
    /// Raw deflate (RFC 1951, zlib's windowBits −15): zip method 8.
    case deflate
    /// A `.bz2` stream (`BZh…`), also zip method 12.
    case bzip2
    /// The `.lzma` ("alone") format joblib's `compress='lzma'` writes (`]\0…`).
    case lzma
    /// The `.xz` container.
    case xz
    /// Zip method 14: a 4-byte header, the LZMA properties, then raw LZMA1 data.
    case zipLZMA = "zip-lzma"

    /// The compression a whole file starts with, by the prefixes joblib itself tests
    /// (`joblib/compressor.py`: `x`, `\x1f\x8b`, `BZ`, `\xfd7zXZ`, `]\x00`), each tightened to its
    /// format's real header so that text starting with `x` is not taken: a zlib header whose check
    /// bits hold, gzip's deflate method byte, `BZh` and a block-size digit.
    public static func ofFile(_ head: some Collection<UInt8>) -> Compression? {
        let bytes = Array(head.prefix(6))
        guard bytes.count >= 3 else { return nil }
        if bytes[0] == 0x78, (UInt16(bytes[0]) << 8 | UInt16(bytes[1])) % 31 == 0, bytes[1] & 0x20 == 0 { return .zlib }
        if bytes.starts(with: [0x1F, 0x8B, 0x08]) { return .gzip }
        if bytes.starts(with: [0x42, 0x5A, 0x68]), (0x31...0x39).contains(bytes[3 < bytes.count ? 3 : 0]) { return .bzip2 }
        if bytes.starts(with: [0xFD, 0x37, 0x7A, 0x58, 0x5A, 0x00]) { return .xz }
        if bytes.starts(with: [0x5D, 0x00, 0x00]) { return .lzma }
        return nil
    }

    /// The compression of a zip member's method, nil for one not supported (stored is not compressed).
    public static func ofZipMethod(_ method: UInt16) -> Compression? {
        switch method {
        case 8: .deflate
        case 12: .bzip2
        case 14: .zipLZMA
        default: nil
        }
    }

    /// The compression of a zip member: nil for a stored one and for a method not supported (the
    /// caller tells the two apart by `method == .stored`).
    static func ofZipMethod(_ method: LenientZip.Method) -> Compression? {
        switch method {
        case .stored: nil
        case .deflated: .deflate
        case .other(let number): ofZipMethod(number)
        }
    }
}

/// Why decompression stopped before the compressed stream's end.
struct DecompressionFailure: Error {
    let message: String
}

/// One decoder's state: takes compressed bytes, gives decompressed ones.
protocol StreamDecoder: AnyObject {
    /// Decodes from `input` into `output`: the bytes consumed, the bytes produced, and whether
    /// the compressed stream has ended.
    func decode(_ input: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer)
        throws(DecompressionFailure) -> (consumed: Int, produced: Int, finished: Bool)
}

/// A decompressing reader over compressed bytes (a mapped file, a zip member): decompressed bytes
/// are made as the reader asks for them and dropped once consumed, so memory stays bounded by what
/// the caller holds (the pickle program's arguments), not by the data. Skipped payloads (tensor and
/// array bytes) are decompressed and thrown away.
///
/// Output is bounded: after `limit` decompressed bytes the stream ends as if the data had ended,
/// and `exceededLimit` says so (a decompression bomb is a note, never a crash or an OOM). A failed
/// decode (corrupt or truncated data) also ends the stream, with `failure` saying why.
///
/// It is a `PickleByteSource`: a class, since its decoder has identity; offsets are positions in the
/// decompressed bytes.
public final class DecompressedStream: PickleByteSource {
    public let compression: Compression
    /// Decompressed bytes made at most.
    public let limit: Int
    /// Why the stream ended before its compressed end, if it did.
    public private(set) var failure: String?
    /// Whether more than `limit` bytes would have been made.
    public private(set) var exceededLimit = false
    public private(set) var offset = 0

    /// How far `has` and `readLine` look ahead (a pickle FRAME or a line longer than this is not
    /// followed: CPython writes frames of about 64 KiB and puts large payloads outside them).
    static let lookahead = 64 << 20
    static let chunk = 256 << 10

    private let input: ModelBytes
    private var inputPosition = 0
    private var decoder: (any StreamDecoder)?
    private var ended = false
    private var produced = 0
    /// Decompressed bytes not yet consumed start at `bufferStart`.
    private var buffer: [UInt8] = []
    private var bufferStart = 0
    /// Where each chunk is decoded before it joins `buffer` (allocated once per stream).
    private var scratch: [UInt8] = []

    public init(_ input: ModelBytes, compression: Compression, limit: Int) {
        self.input = input
        self.compression = compression
        self.limit = limit
        do throws(DecompressionFailure) {
            decoder = try Self.decoder(for: compression, input: input, position: &inputPosition)
        } catch {
            failure = error.message
            ended = true
        }
    }

    /// The first `count` decompressed bytes (fewer when the stream is shorter or broken).
    public static func prefix(_ input: ModelBytes, compression: Compression, count: Int) -> [UInt8] {
        let stream = DecompressedStream(input, compression: compression, limit: count)
        _ = stream.fill(count)
        return Array(stream.buffer.prefix(count))
    }

    /// All the decompressed bytes, if they fit in `limit`; nil (with the reason) otherwise.
    public static func all(_ input: ModelBytes, compression: Compression, limit: Int) -> Result<[UInt8], DecompressionError> {
        let stream = DecompressedStream(input, compression: compression, limit: limit)
        while !stream.ended { stream.decodeChunk() }
        if let failure = stream.failure { return .failure(DecompressionError(message: failure)) }
        if stream.exceededLimit { return .failure(DecompressionError(message: "decompresses to more than \(limit) bytes")) }
        return .success(stream.buffer)
    }

    var available: Int { buffer.count - bufferStart }

    /// Decodes until `count` bytes are available or the stream ends; whether they are.
    @discardableResult
    func fill(_ count: Int) -> Bool {
        while available < count && !ended { decodeChunk() }
        return available >= count
    }

    private func decodeChunk() {
        guard let decoder, !ended else { return }
        // Drop what was consumed before the buffer grows.
        if bufferStart > 0 && bufferStart >= buffer.count / 2 {
            buffer.removeFirst(bufferStart)
            bufferStart = 0
        }
        let room = min(Self.chunk, limit - produced)
        guard room > 0 else {
            // Is there more? Decode one byte to know, and end either way.
            var probe = [UInt8](repeating: 0, count: 1)
            exceededLimit = decodeInto(decoder, &probe, 0..<1) > 0
            ended = true
            return
        }
        if scratch.count < room { scratch = [UInt8](repeating: 0, count: room) }
        let made = decodeInto(decoder, &scratch, 0..<room)
        buffer.append(contentsOf: scratch[0..<made])
        produced += made
    }

    /// Decodes into `output[range]` until it is full, the input ends or the stream ends; the bytes
    /// made (those before a failure included: the failure ends the stream after them).
    private func decodeInto(_ decoder: any StreamDecoder, _ output: inout [UInt8], _ range: Range<Int>) -> Int {
        var made = 0
        do throws(DecompressionFailure) {
            try decodeInto(decoder, &output, range, made: &made)
        } catch {
            failure = error.message
            ended = true
        }
        return made
    }

    private func decodeInto(_ decoder: any StreamDecoder, _ output: inout [UInt8], _ range: Range<Int>, made: inout Int) throws(DecompressionFailure) {
        while made < range.count && !ended {
            let inputEnd = min(input.count, inputPosition + Self.chunk)
            let window = input.slice(inputPosition..<inputEnd)
            let outcome = window.withUnsafeBytes { inBuffer in
                output.withUnsafeMutableBytes { outBuffer in
                    Result { () throws(DecompressionFailure) in
                        try decoder.decode(inBuffer, into: UnsafeMutableRawBufferPointer(rebasing: outBuffer[range.lowerBound + made..<range.upperBound]))
                    }
                }
            }
            let result = try outcome.get()
            inputPosition += result.consumed
            made += result.produced
            if result.finished {
                ended = true
            } else if result.consumed == 0 && result.produced == 0 {
                // No progress: the input is used up before the stream's end.
                guard inputPosition >= input.count else { throw DecompressionFailure(message: "the decoder made no progress") }
                throw DecompressionFailure(message: "the compressed data ends before its stream does")
            }
        }
    }

    // MARK: PickleByteSource

    public var isAtEnd: Bool { !fill(1) }

    public func readByte() -> UInt8? {
        guard fill(1) else { return nil }
        defer { bufferStart += 1; offset += 1 }
        return buffer[bufferStart]
    }

    public func read(_ count: Int) -> [UInt8]? {
        guard count >= 0, fill(count) else { return nil }
        defer { bufferStart += count; offset += count }
        return Array(buffer[bufferStart..<bufferStart + count])
    }

    public func has(_ count: Int) -> Bool {
        count >= 0 && count <= Self.lookahead && fill(count)
    }

    public func skip(_ count: Int) -> Bool {
        guard count >= 0 else { return false }
        var left = count
        while left > 0 {
            if available == 0 {
                guard !ended else { return false }
                decodeChunk()
                continue
            }
            let step = min(left, available)
            bufferStart += step
            offset += step
            left -= step
        }
        return true
    }

    public func readLine(limit: Int) -> [UInt8]? {
        let bound = min(limit, Self.lookahead)
        var searched = 0
        while true {
            if let newline = buffer[(bufferStart + searched)...].firstIndex(of: 0x0A) {
                let length = newline - bufferStart
                guard length <= bound else { return nil }
                defer { bufferStart = newline + 1; offset += length + 1 }
                return Array(buffer[bufferStart..<newline])
            }
            searched = available
            guard searched <= bound, !ended else { return nil }
            decodeChunk()
        }
    }

    // MARK: decoders

    static func decoder(for compression: Compression, input: ModelBytes, position: inout Int) throws(DecompressionFailure) -> any StreamDecoder {
        switch compression {
        case .zlib: return try ZlibDecoder(.zlib)
        case .gzip: return try ZlibDecoder(.gzip)
        case .deflate: return try ZlibDecoder(.deflate)
        case .bzip2: return try BzipDecoder()
        case .lzma, .xz: return try LZMADecoder(auto: ())
        case .zipLZMA:
            // APPNOTE 5.8.8: version (2 bytes), properties size (2 bytes), properties, then the data.
            guard input.count >= 4 else { throw DecompressionFailure(message: "the LZMA header is cut off") }
            let size = Int(LittleEndian.value(input, at: 2, width: 2))
            guard size == 5, input.count >= 4 + size else { throw DecompressionFailure(message: "LZMA properties of \(size) bytes (5 expected)") }
            position = 4 + size
            return try LZMADecoder(properties: input.array(4..<9))
        }
    }
}

/// Why a compressed member could not be read whole.
public struct DecompressionError: Error, Sendable {
    public let message: String
}

extension ModelBytes {
    /// The bytes as a raw buffer, without copying.
    func withUnsafeBytes<Result, Failure: Error>(_ body: (UnsafeRawBufferPointer) throws(Failure) -> Result) throws(Failure) -> Result {
        try body(UnsafeRawBufferPointer(rebasing: storage.base[origin..<origin + count]))
    }
}

/// zlib, gzip and raw deflate through compress-nio (its `.deflate` is raw deflate, windowBits −15,
/// what zip method 8 stores). compress-nio works on NIO `ByteBuffer`s: each step copies one input
/// chunk in and the output out, which costs a memcpy per 256 KiB, not memory.
///
/// Its `inflate` returns normally both at the stream's end and when it used up the input without
/// filling the output, and throws when the output is full: so the end is known only when input is
/// left over; otherwise the stream ends with its input (a zip member's size, the file's end), and a
/// cut-off stream reads as a shorter one, which the pickle analysis then finds unfinished.
final class ZlibDecoder: StreamDecoder {
    let decompressor: ZlibDecompressor
    var inputBuffer = ByteBuffer()
    /// Decompressed bytes made but not yet handed out.
    var pending = ByteBuffer()
    var finished = false
    /// A failure after `pending` was made: thrown once `pending` is handed out.
    var failure: DecompressionFailure?

    init(_ algorithm: ZlibAlgorithm) throws(DecompressionFailure) {
        do {
            decompressor = try ZlibDecompressor(algorithm: algorithm, windowSize: 15)
        } catch {
            throw DecompressionFailure(message: "zlib could not start: \(error)")
        }
    }

    func decode(_ input: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer)
        throws(DecompressionFailure) -> (consumed: Int, produced: Int, finished: Bool) {
        guard let outBase = output.baseAddress, !output.isEmpty else { return (0, 0, false) }
        var consumed = 0
        if pending.readableBytes == 0, let failure { throw failure }
        if pending.readableBytes == 0 && !finished {
            // compress-nio unwraps the input's base address: never call it with none.
            guard !input.isEmpty else { return (0, 0, true) }
            inputBuffer.clear()
            inputBuffer.writeBytes(input)
            // Ask for no more than the caller takes (at least a little, for progress).
            pending.clear(minimumCapacity: max(output.count, 1024))
            do {
                try decompressor.inflate(from: &inputBuffer, to: &pending)
                if inputBuffer.readableBytes > 0 { finished = true }
            } catch let error as CompressNIOError where error == .bufferOverflow || error == .inputBufferOverflow {
                // The output is full, or the input used up: progress was made (or the input ended); go on.
            } catch {
                failure = DecompressionFailure(message: (error as? CompressNIOError) == .corruptData
                    ? "the deflate data is corrupt" : "the zlib stream failed: \(error)")
            }
            consumed = input.count - inputBuffer.readableBytes
        }
        let produced = min(pending.readableBytes, output.count)
        pending.withUnsafeReadableBytes { bytes in
            if let source = bytes.baseAddress { outBase.copyMemory(from: source, byteCount: produced) }
        }
        pending.moveReaderIndex(forwardBy: produced)
        return (consumed, produced, finished && pending.readableBytes == 0)
    }
}

/// bzip2 through the system's libbz2 (no mirrored Swift package has it).
final class BzipDecoder: StreamDecoder {
    var stream = bz_stream()

    init() throws(DecompressionFailure) {
        guard BZ2_bzDecompressInit(&stream, 0, 0) == BZ_OK else { throw DecompressionFailure(message: "libbz2 could not start") }
    }

    deinit { BZ2_bzDecompressEnd(&stream) }

    func decode(_ input: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer)
        throws(DecompressionFailure) -> (consumed: Int, produced: Int, finished: Bool) {
        guard let outBase = output.baseAddress, !output.isEmpty else { return (0, 0, false) }
        var dummy: UInt8 = 0
        return try withUnsafeMutablePointer(to: &dummy) { empty throws(DecompressionFailure) in
            let inBase = input.baseAddress.map { UnsafeMutableRawPointer(mutating: $0) } ?? UnsafeMutableRawPointer(empty)
            stream.next_in = inBase.assumingMemoryBound(to: CChar.self)
            stream.avail_in = UInt32(input.count)
            stream.next_out = outBase.assumingMemoryBound(to: CChar.self)
            stream.avail_out = UInt32(min(output.count, Int(UInt32.max)))
            let code = BZ2_bzDecompress(&stream)
            let consumed = input.count - Int(stream.avail_in)
            let produced = min(output.count, Int(UInt32.max)) - Int(stream.avail_out)
            switch code {
            case BZ_OK: return (consumed, produced, false)
            case BZ_STREAM_END: return (consumed, produced, true)
            default: throw DecompressionFailure(message: "the bzip2 data is corrupt (libbz2 error \(code))")
            }
        }
    }
}

/// `.xz`, `.lzma` and zip's raw LZMA1 through the system's liblzma (no mirrored Swift package has it).
final class LZMADecoder: StreamDecoder {
    var stream = lzma_stream()
    /// The decoder's memory is capped like the output: a header asking for a huge dictionary fails
    /// (xz's and joblib's presets use at most 64 MiB).
    static let memoryLimit: UInt64 = 512 << 20

    init(auto: Void) throws(DecompressionFailure) {
        guard lzma_auto_decoder(&stream, Self.memoryLimit, 0) == LZMA_OK else { throw DecompressionFailure(message: "liblzma could not start") }
    }

    init(properties: [UInt8]) throws(DecompressionFailure) {
        // LZMA_FILTER_LZMA1 is a macro Swift does not import; the value is fixed by liblzma's ABI.
        var filters = [lzma_filter(id: 0x4000_0000_0000_0001, options: nil), lzma_filter(id: UInt64.max, options: nil)]
        let decoded = properties.withUnsafeBufferPointer { bytes in
            lzma_properties_decode(&filters[0], nil, bytes.baseAddress, bytes.count)
        }
        guard decoded == LZMA_OK else { throw DecompressionFailure(message: "the LZMA properties are invalid") }
        defer { free(filters[0].options) }
        // The raw decoder has no memory limit of its own: the dictionary size is bytes 1–4 of the properties.
        let dictionary = LittleEndian.value(properties[1..<5])
        guard dictionary <= Self.memoryLimit else {
            throw DecompressionFailure(message: "the LZMA data asks for a \(dictionary >> 20) MiB dictionary (more than \(Self.memoryLimit >> 20) MiB)")
        }
        guard lzma_raw_decoder(&stream, &filters) == LZMA_OK else { throw DecompressionFailure(message: "liblzma refused the LZMA properties") }
    }

    deinit { lzma_end(&stream) }

    func decode(_ input: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer)
        throws(DecompressionFailure) -> (consumed: Int, produced: Int, finished: Bool) {
        guard let outBase = output.baseAddress, !output.isEmpty else { return (0, 0, false) }
        stream.next_in = input.baseAddress?.assumingMemoryBound(to: UInt8.self)
        stream.avail_in = input.count
        stream.next_out = outBase.assumingMemoryBound(to: UInt8.self)
        stream.avail_out = output.count
        // At the end of the input, LZMA_FINISH lets a raw stream without an end marker end there.
        let code = lzma_code(&stream, input.isEmpty ? LZMA_FINISH : LZMA_RUN)
        let consumed = input.count - stream.avail_in
        let produced = output.count - stream.avail_out
        switch code {
        case LZMA_OK: return (consumed, produced, false)
        case LZMA_STREAM_END: return (consumed, produced, true)
        case LZMA_BUF_ERROR: return (consumed, produced, false)
        case LZMA_MEMLIMIT_ERROR: throw DecompressionFailure(message: "the LZMA data asks for more than \(Self.memoryLimit >> 20) MiB of decoder memory")
        default: throw DecompressionFailure(message: "the LZMA/xz data is corrupt (liblzma error \(code.rawValue))")
        }
    }
}
