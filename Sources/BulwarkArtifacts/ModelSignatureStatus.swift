import Foundation

/// Whether a model file comes with a signature, as inventories report it.
///
/// For now only the presence of `model.sig` in the model's directory is looked at: the signature
/// is not checked. `bulwark model verify` checks signatures; when its result is wired into scans,
/// the verified and failed outcomes become cases here, and the raw values below stay what they
/// mean (`signature present (not verified)` never claims a check that was not made).
public enum ModelSignatureStatus: String, Sendable, CaseIterable {
    /// No `model.sig` next to the file, or the input is not a file on disk (standard input,
    /// bytes handed over), which no signature file can sit next to.
    case unsigned
    /// A `model.sig` is in the file's directory; whether it is valid, and for this file, is not known.
    case present = "signature present (not verified)"

    /// The name of the signature file looked for in a model's directory.
    public static let signatureFileName = "model.sig"

    /// The status of the model at `path` (a path as the scan names it; `-` is standard input).
    /// A `model.sig` that is a directory, a socket or a dangling link is not a signature.
    public static func of(path: String, isFileOnDisk: Bool) -> ModelSignatureStatus {
        guard isFileOnDisk else { return .unsigned }
        let directory = (path as NSString).deletingLastPathComponent
        let candidate = directory.isEmpty ? signatureFileName : directory + "/" + signatureFileName
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: candidate, isDirectory: &isDirectory), !isDirectory.boolValue else { return .unsigned }
        return .present
    }
}
