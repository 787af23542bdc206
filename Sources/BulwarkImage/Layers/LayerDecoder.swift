import CCompressZlib

/// How a layer blob is compressed. Told by its first bytes, not its media type: `docker save`'s old
/// layout stores `layer.tar` uncompressed whatever the manifest said, and some tools write zstd
/// layers with a gzip media type.
enum LayerCompression: String, Sendable {
    case none, gzip, zstd

    static func of(_ head: UnsafeRawBufferPointer) -> LayerCompression {
        if head.count >= 2 && head[0] == 0x1F && head[1] == 0x8B { return .gzip }
        if head.count >= 4 && head[0] == 0x28 && head[1] == 0xB5 && head[2] == 0x2F && head[3] == 0xFD { return .zstd }
        return .none
    }
}

/// Why a layer's decompression stopped before its compressed end.
struct LayerDecodeFailure: Error {
    let message: String
}

/// One decompressor: takes compressed bytes, gives decompressed ones.
protocol LayerDecoder: AnyObject {
    /// Decodes from `input` into `output`: the bytes consumed and produced, and whether the
    /// compressed data has ended (every gzip member or zstd frame complete and no input left).
    func decode(_ input: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer)
        throws(LayerDecodeFailure) -> (consumed: Int, produced: Int, finished: Bool)
    /// Whether the data may end here: the last gzip member or zstd frame is complete.
    var isComplete: Bool { get }
}

/// gzip through zlib's own `inflate`, from compress-nio's `CCompressZlib` module (the zlib the
/// package already links). compress-nio's `ZlibDecompressor` cannot tell a finished stream from one
/// whose input ran out (its `inflate` returns normally for both), and a truncated layer must be an
/// error; zlib's `Z_STREAM_END` tells. Concatenated gzip members (pigz, some layer writers) are
/// read as one stream, as `gzip -d` does.
final class GzipLayerDecoder: LayerDecoder {
    private let stream: UnsafeMutablePointer<z_stream>
    private var memberEnded = false

    init() throws(LayerDecodeFailure) {
        stream = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
        stream.initialize(to: z_stream())
        // 16 + 15: a gzip wrapper, the largest window.
        guard CCompressZlib_inflateInit2(stream, 16 + 15) == Z_OK else {
            stream.deinitialize(count: 1)
            stream.deallocate()
            throw LayerDecodeFailure(message: "zlib could not start")
        }
    }

    deinit {
        inflateEnd(stream)
        stream.deinitialize(count: 1)
        stream.deallocate()
    }

    func decode(_ input: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer)
        throws(LayerDecodeFailure) -> (consumed: Int, produced: Int, finished: Bool) {
        guard let outBase = output.baseAddress, !output.isEmpty else { return (0, 0, false) }
        var consumed = 0
        if memberEnded {
            // Another member follows only if a gzip header does; anything else (zero padding) ends it.
            guard input.count >= 2, input[0] == 0x1F, input[1] == 0x8B else { return (0, 0, true) }
            guard inflateReset(stream) == Z_OK else { throw LayerDecodeFailure(message: "zlib could not restart") }
            memberEnded = false
        }
        // With no input left zlib may still hold output that did not fit: call it with none (zlib
        // accepts a null `next_in` when `avail_in` is 0).
        stream.pointee.next_in = input.baseAddress.map { UnsafeMutablePointer(mutating: $0.assumingMemoryBound(to: Bytef.self)) }
        stream.pointee.avail_in = UInt32(min(input.count, Int(UInt32.max)))
        stream.pointee.next_out = outBase.assumingMemoryBound(to: Bytef.self)
        stream.pointee.avail_out = UInt32(min(output.count, Int(UInt32.max)))
        let before = Int(stream.pointee.avail_in)
        let room = Int(stream.pointee.avail_out)
        let code = CCompressZlib.inflate(stream, Z_NO_FLUSH)
        consumed = before - Int(stream.pointee.avail_in)
        let produced = room - Int(stream.pointee.avail_out)
        switch code {
        case Z_OK, Z_BUF_ERROR:
            return (consumed, produced, false)
        case Z_STREAM_END:
            memberEnded = true
            // The end is known only when what follows is not another member: decided on the next call.
            return (consumed, produced, false)
        case Z_NEED_DICT:
            throw LayerDecodeFailure(message: "the gzip data asks for a preset dictionary")
        case Z_MEM_ERROR:
            throw LayerDecodeFailure(message: "zlib ran out of memory")
        default:
            let reason = stream.pointee.msg.map { String(cString: $0) } ?? "error \(code)"
            throw LayerDecodeFailure(message: "the gzip data is corrupt (\(reason))")
        }
    }

    var isComplete: Bool { memberEnded }
}

/// An uncompressed layer: bytes are copied through (the walker reads uncompressed tars without a
/// decoder; this exists so every layer goes the same way).
final class PlainLayerDecoder: LayerDecoder {
    func decode(_ input: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer)
        throws(LayerDecodeFailure) -> (consumed: Int, produced: Int, finished: Bool) {
        let count = min(input.count, output.count)
        if count > 0, let source = input.baseAddress, let target = output.baseAddress {
            target.copyMemory(from: source, byteCount: count)
        }
        return (count, count, false)
    }

    var isComplete: Bool { true }
}
