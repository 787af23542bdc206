/// The decompressed bytes of one layer blob, pulled by the tar walker a header or a file at a time:
/// decompressed into one fixed chunk, handed out and dropped, so memory is a chunk and the files
/// the walker keeps, never the layer. The compressed bytes are hashed as they are fed to the decoder
/// (the digest check costs no second pass) and the decompressed total is checked against the
/// limits after every chunk.
final class LayerStream {
    static let chunk = 256 << 10

    private let blob: BlobBytes
    private let decoder: (any LayerDecoder)?
    private var inputPosition = 0
    private var digest: StreamingDigest
    /// The decompressed bytes' digest (a layer's diff_id), when asked for.
    private var outputDigest: StreamingDigest?
    private let limits: LayerLimits
    private let imageTotal: ImageByteCounter

    private let buffer: UnsafeMutableRawBufferPointer
    private var start = 0
    private var end = 0
    private var ended = false

    /// Decompressed bytes made so far.
    private(set) var produced = 0
    /// Decompressed bytes handed out or skipped: the tar offset.
    private(set) var offset = 0
    /// Why decoding stopped before the data's end (corrupt or truncated data), if it did.
    private(set) var failure: String?
    /// Why the layer was cut off as a decompression bomb, if it was.
    private(set) var bomb: String?

    init(blob: BlobBytes, algorithm: BlobDigest.Algorithm, limits: LayerLimits, imageTotal: ImageByteCounter, hashOutput: Bool = false) {
        self.blob = blob
        outputDigest = hashOutput ? StreamingDigest(.sha256) : nil
        self.limits = limits
        self.imageTotal = imageTotal
        digest = StreamingDigest(algorithm)
        buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: Self.chunk, alignment: 16)
        let compression = blob.withBytes { LayerCompression.of(UnsafeRawBufferPointer(rebasing: $0.prefix(4))) }
        do throws(LayerDecodeFailure) {
            switch compression {
            case .gzip: decoder = try GzipLayerDecoder()
            case .zstd: decoder = try ZstdLayerDecoder()
            case .none: decoder = PlainLayerDecoder()
            }
        } catch {
            decoder = nil
            failure = error.message
            ended = true
        }
    }

    deinit { buffer.deallocate() }

    /// Exactly `count` bytes, or nil when the stream ends (or fails) first.
    func read(_ count: Int) -> [UInt8]? {
        var out: [UInt8] = []
        out.reserveCapacity(count)
        while out.count < count {
            if start == end && !refill() { return nil }
            let step = min(count - out.count, end - start)
            out.append(contentsOf: UnsafeRawBufferPointer(rebasing: buffer[start..<start + step]))
            start += step
            offset += step
        }
        return out
    }

    /// Drops `count` bytes; false when the stream ends (or fails) first.
    func skip(_ count: Int) -> Bool {
        var left = count
        while left > 0 {
            if start == end && !refill() { return false }
            let step = min(left, end - start)
            start += step
            offset += step
            left -= step
        }
        return true
    }

    /// Whether the stream has no more bytes (after trying to decode some).
    var isAtEnd: Bool { start == end && !refill() }

    /// The blob's digest: the bytes not yet fed to the decoder (after a tar's end, a bomb, a failure)
    /// are hashed too, so the check always covers the whole blob.
    func finishDigest() -> BlobDigest {
        blob.withBytes { bytes in
            if inputPosition < bytes.count { digest.update(UnsafeRawBufferPointer(rebasing: bytes[inputPosition...])) }
        }
        inputPosition = blob.count
        return digest.finish()
    }

    /// The decompressed bytes' sha256 (the layer's diff_id): the rest of the stream is decoded and
    /// hashed first (the zero blocks after the tar's end are part of it). Nil unless asked for at
    /// creation, or when the stream failed or was cut off as a bomb.
    func finishOutputDigest() -> BlobDigest? {
        guard outputDigest != nil else { return nil }
        while skip(Self.chunk) {}
        guard failure == nil, bomb == nil else { return nil }
        return outputDigest?.finish()
    }

    /// Decodes the next chunk into the (empty) buffer; false at the end.
    private func refill() -> Bool {
        guard !ended, let decoder else { return false }
        start = 0
        end = 0
        do throws(LayerDecodeFailure) {
            try blob.withBytes { bytes throws(LayerDecodeFailure) in
                while end == 0 {
                    let inputEnd = min(bytes.count, inputPosition + Self.chunk)
                    let input = UnsafeRawBufferPointer(rebasing: bytes[inputPosition..<inputEnd])
                    let result = try decoder.decode(input, into: buffer)
                    digest.update(UnsafeRawBufferPointer(rebasing: input.prefix(result.consumed)))
                    inputPosition += result.consumed
                    end = result.produced
                    if result.finished {
                        ended = true
                        return
                    }
                    if result.consumed == 0 && result.produced == 0 {
                        guard inputPosition >= bytes.count else { throw LayerDecodeFailure(message: "the decompressor made no progress") }
                        ended = true
                        if !decoder.isComplete { throw LayerDecodeFailure(message: "the compressed data ends before its stream does (truncated)") }
                        return
                    }
                }
            }
        } catch {
            failure = error.message
            ended = true
        }
        if end > 0 {
            outputDigest?.update(UnsafeRawBufferPointer(rebasing: buffer[0..<end]))
            account(end)
        }
        return end > 0
    }

    private func account(_ count: Int) {
        produced += count
        let total = imageTotal.add(count)
        if produced > limits.layerBytes {
            bomb = "decompresses to more than \(limits.layerBytes) bytes (the layer limit)"
        } else if total > limits.imageBytes {
            bomb = "the image's layers decompress to more than \(limits.imageBytes) bytes (the image limit)"
        } else if produced > limits.ratioFloor, produced / max(1, inputPosition) > limits.ratio {
            bomb = "decompresses \(produced / max(1, inputPosition))× (\(inputPosition) compressed bytes to \(produced)), over the ratio limit of \(limits.ratio)"
        }
        if bomb != nil {
            ended = true
            end = 0
            start = 0
        }
    }
}
