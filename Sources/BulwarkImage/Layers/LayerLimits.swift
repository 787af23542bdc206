import Synchronization

/// How much a layer may decompress to before the walker calls it a decompression bomb and stops
/// reading it (`image/layer-decompression-bomb`). Real layers compress 2–10× (text, binaries); a
/// file of zeros reaches gzip's ceiling of about 1032×, and a crafted zstd stream far more. The ratio
/// is judged only past `ratioFloor` decompressed bytes so a small layer of zeros is never flagged.
public struct LayerLimits: Sendable, Hashable {
    /// Decompressed bytes one layer may hold.
    public var layerBytes: Int
    /// Decompressed bytes all layers of one image may hold together.
    public var imageBytes: Int
    /// Decompressed bytes per compressed byte, past `ratioFloor`.
    public var ratio: Int
    public var ratioFloor: Int
    /// Tar entries one layer may hold.
    public var entries: Int
    /// The largest PAX or GNU long-name record read into memory.
    public var headerRecordBytes: Int

    /// 64 GiB a layer, 256 GiB an image (the largest CUDA/PyTorch images are about 20 GB), a ratio
    /// of 250 past 128 MiB, 4 million entries a layer, 1 MiB records.
    public static let standard = LayerLimits(layerBytes: 64 << 30, imageBytes: 256 << 30, ratio: 250, ratioFloor: 128 << 20,
                                             entries: 4_000_000, headerRecordBytes: 1 << 20)

    public init(layerBytes: Int, imageBytes: Int, ratio: Int, ratioFloor: Int, entries: Int, headerRecordBytes: Int = 1 << 20) {
        self.layerBytes = layerBytes
        self.imageBytes = imageBytes
        self.ratio = ratio
        self.ratioFloor = ratioFloor
        self.entries = entries
        self.headerRecordBytes = headerRecordBytes
    }
}

/// The decompressed bytes of all layers of one image, counted as parallel walkers make them.
final class ImageByteCounter: Sendable {
    private let total = Atomic<Int>(0)

    /// Adds `count`; the new total.
    func add(_ count: Int) -> Int {
        total.add(count, ordering: .relaxed).newValue
    }
}
