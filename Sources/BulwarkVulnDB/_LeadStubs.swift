// LEAD STUBS — not committed; replaced by the helpers' code at merge.
import BulwarkCore
public enum OSVRecord { public static func parse(_ bytes: [UInt8], name: String) -> Result<Advisory, InputError> { .failure(InputError(file: name, message: "stub")) } }
public struct ImportSummary: Sendable { public var added = 0, updated = 0, unchanged = 0, withdrawn = 0; public var failed: [InputError] = [] }
public struct DatabaseStatus: Sendable {}
public final class VulnerabilityDatabase: AdvisorySource, @unchecked Sendable {
    public static var defaultPath: String { "" }
    public init(path: String, create: Bool) throws {}
    public func importSources(_ paths: [String], onProgress: (@Sendable (String) -> Void)? = nil) throws -> ImportSummary { ImportSummary() }
    public func status() throws -> DatabaseStatus { DatabaseStatus() }
    public func advisories(ecosystem: String, package: String) throws -> [Advisory] { [] }
}
public enum AdvisoryMatcher { public static func match(_ packages: [InstalledPackage], source: any AdvisorySource) -> (matches: [VulnerabilityMatch], errors: [InputError]) { ([], []) } }
public struct VEXDocument: Sendable { public static func parse(_ bytes: [UInt8], name: String) -> Result<VEXDocument, InputError> { .failure(InputError(file: name, message: "stub")) } }
public enum VEX { public static func apply(_ documents: [VEXDocument], to matches: [VulnerabilityMatch], imageReferences: [String], imageDigest: String) -> [VulnerabilityMatch] { matches } }
