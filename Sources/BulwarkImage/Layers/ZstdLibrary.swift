import Glibc

/// zstd's streaming decompressor from the system's `libzstd.so.1`, loaded with `dlopen` at run time.
///
/// Why not a module map: no mirrored Swift package has zstd, and a fresh Debian machine has the
/// library (`libzstd1`, a dependency of apt, systemd and the kernel tools) but not its headers
/// (`libzstd-dev`), so a module map over `zstd.h` would not build there. The few entry points the
/// walker needs are declared here with their C signatures (zstd.h, stable API since v1.0); their
/// buffer structs are three machine words each. When the library is absent a zstd layer is an error
/// saying so, and gzip and uncompressed layers read as before.
struct ZstdLibrary: @unchecked Sendable {
    typealias Create = @convention(c) () -> OpaquePointer?
    typealias Init = @convention(c) (OpaquePointer?) -> Int
    typealias Decompress = @convention(c) (OpaquePointer?, UnsafeMutableRawPointer?, UnsafeMutableRawPointer?) -> Int
    typealias Free = @convention(c) (OpaquePointer?) -> Int
    typealias IsError = @convention(c) (Int) -> UInt32
    typealias ErrorName = @convention(c) (Int) -> UnsafePointer<CChar>?

    let create: Create
    let initialize: Init
    let decompress: Decompress
    let free: Free
    let isError: IsError
    let errorName: ErrorName

    /// Loaded once, on first use; nil (with the reason) when the library or a symbol is missing.
    static let shared: Result<ZstdLibrary, LayerDecodeFailure> = load()

    private static func load() -> Result<ZstdLibrary, LayerDecodeFailure> {
        guard let handle = dlopen("libzstd.so.1", RTLD_NOW | RTLD_LOCAL) ?? dlopen("libzstd.so", RTLD_NOW | RTLD_LOCAL) else {
            return .failure(LayerDecodeFailure(message: "the layer is zstd-compressed and libzstd.so.1 is not installed (Debian: apt-get install libzstd1)"))
        }
        func symbol<T>(_ name: String, as type: T.Type) -> T? {
            guard let address = dlsym(handle, name) else { return nil }
            return unsafeBitCast(address, to: type)
        }
        guard let create = symbol("ZSTD_createDStream", as: Create.self),
              let initialize = symbol("ZSTD_initDStream", as: Init.self),
              let decompress = symbol("ZSTD_decompressStream", as: Decompress.self),
              let free = symbol("ZSTD_freeDStream", as: Free.self),
              let isError = symbol("ZSTD_isError", as: IsError.self),
              let errorName = symbol("ZSTD_getErrorName", as: ErrorName.self) else {
            return .failure(LayerDecodeFailure(message: "the layer is zstd-compressed and libzstd.so.1 lacks its streaming entry points"))
        }
        return .success(ZstdLibrary(create: create, initialize: initialize, decompress: decompress, free: free,
                                    isError: isError, errorName: errorName))
    }
}

/// `ZSTD_inBuffer` and `ZSTD_outBuffer` (zstd.h): a pointer, a size, a position.
private struct ZstdBuffer {
    var pointer: UnsafeRawPointer?
    var size: Int
    var position: Int
}

/// zstd layers (`application/vnd.oci.image.layer.v1.tar+zstd`): concatenated frames are one stream.
final class ZstdLayerDecoder: LayerDecoder {
    private let library: ZstdLibrary
    private let stream: OpaquePointer
    /// `ZSTD_decompressStream` returned 0: the last frame is complete and flushed.
    private var frameComplete = false

    init() throws(LayerDecodeFailure) {
        library = try ZstdLibrary.shared.get()
        guard let stream = library.create() else { throw LayerDecodeFailure(message: "zstd could not start") }
        let code = library.initialize(stream)
        if library.isError(code) != 0 {
            _ = library.free(stream)
            throw LayerDecodeFailure(message: "zstd could not start")
        }
        self.stream = stream
    }

    deinit { _ = library.free(stream) }

    func decode(_ input: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer)
        throws(LayerDecodeFailure) -> (consumed: Int, produced: Int, finished: Bool) {
        guard !output.isEmpty else { return (0, 0, false) }
        var inBuffer = ZstdBuffer(pointer: input.baseAddress, size: input.count, position: 0)
        var outBuffer = ZstdBuffer(pointer: UnsafeRawPointer(output.baseAddress), size: output.count, position: 0)
        let code = withUnsafeMutablePointer(to: &inBuffer) { inPointer in
            withUnsafeMutablePointer(to: &outBuffer) { outPointer in
                library.decompress(stream, UnsafeMutableRawPointer(outPointer), UnsafeMutableRawPointer(inPointer))
            }
        }
        if library.isError(code) != 0 {
            let name = library.errorName(code).map { String(cString: $0) } ?? "error \(code)"
            throw LayerDecodeFailure(message: "the zstd data is corrupt (\(name))")
        }
        frameComplete = code == 0
        return (inBuffer.position, outBuffer.position, false)
    }

    var isComplete: Bool { frameComplete }
}
