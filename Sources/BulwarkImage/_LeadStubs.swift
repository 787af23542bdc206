// LEAD STUBS — not committed; replaced by the helpers' code at merge.
import BulwarkCore
import BulwarkVulnDB
import BulwarkArtifacts

public struct ImagePlatform: Sendable, Hashable, CustomStringConvertible {
    public init?(_ text: String) { description = text }
    public static let standard = ImagePlatform("linux/amd64")!
    public var description: String
}
public struct LayerLimits: Sendable { public static let standard = LayerLimits() }
public struct ImageReading: Sendable { public var model: ImageModel?; public var errors: [InputError]; public var warnings: [InputWarning] }
public enum ImageArchive {
    public static func looksLikeImageArchive(_ head: ArraySlice<UInt8>) -> Bool { false }
    public static func isLayoutMarker(_ path: String) -> Bool { false }
    public static func read(path: String, platform: ImagePlatform, interests: [any LayerFileInterest], limits: LayerLimits = .standard) -> ImageReading {
        ImageReading(model: nil, errors: [], warnings: [])
    }
}
