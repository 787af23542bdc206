// LEAD STUBS — not committed; replaced by the helpers' code at merge.
import BulwarkCore
public struct VEXDocument: Sendable { public static func parse(_ bytes: [UInt8], name: String) -> Result<VEXDocument, InputError> { .failure(InputError(file: name, message: "stub")) } }
public enum VEX { public static func apply(_ documents: [VEXDocument], to matches: [VulnerabilityMatch], imageReferences: [String], imageDigest: String) -> [VulnerabilityMatch] { matches } }
