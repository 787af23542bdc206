import BulwarkCore

/// What reading one image gave: the model (nil when the image could not be read at all), and the
/// errors and warnings met on the way. A model with errors is a partly read image (a truncated
/// layer, a digest mismatch): its findings stand, and the errors make the run exit 2.
public struct ImageReading: Sendable {
    public var model: ImageModel?
    public var errors: [InputError]
    public var warnings: [InputWarning]
    /// Per layer, bottom first: tar entries and decompressed bytes read (benchmarks, `--verbose`).
    public var layerStatistics: [LayerStatistics]

    public init(model: ImageModel?, errors: [InputError] = [], warnings: [InputWarning] = [], layerStatistics: [LayerStatistics] = []) {
        self.model = model
        self.errors = errors
        self.warnings = warnings
        self.layerStatistics = layerStatistics
    }
}

/// What the walker read of one layer.
public struct LayerStatistics: Sendable, Hashable {
    public var digest: String
    public var entries: Int
    public var uncompressedBytes: Int
    public var compressedBytes: Int

    public init(digest: String, entries: Int, uncompressedBytes: Int, compressedBytes: Int) {
        self.digest = digest
        self.entries = entries
        self.uncompressedBytes = uncompressedBytes
        self.compressedBytes = compressedBytes
    }
}
