import BulwarkCore
import Foundation

/// Whether a model file comes with a signature, as inventories report it.
///
/// Without a key only the presence of `model.sig` in the model's directory is looked at
/// (`signature present (not verified)` never claims a check that was not made). With a key
/// (`bulwark model scan --key`) the model directory is verified as `bulwark model verify` does,
/// once per directory, and the outcome is `verified` or `verification failed`.
public enum ModelSignatureStatus: String, Sendable, CaseIterable {
    /// No `model.sig` next to the file, or the input is not a file on disk (standard input,
    /// bytes handed over), which no signature file can sit next to.
    case unsigned
    /// A `model.sig` is in the file's directory; whether it is valid, and for this file, is not known.
    case present = "signature present (not verified)"
    /// The directory's `model.sig` verified with the given key, and every file matches it.
    case verified
    /// The directory's `model.sig` did not verify with the given key, or files differ from it
    /// (the scan's warnings say why).
    case failed = "verification failed"

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

/// Verifies model directories once each, for scans given a public key.
public struct ModelDirectoryVerifier: Sendable {
    public let key: ModelSigningPublicKey

    public init(key: ModelSigningPublicKey) {
        self.key = key
    }

    /// The outcome for `directory` (holding a `model.sig`): verified, or failed with the reason.
    public func verify(directory: String) -> (status: ModelSignatureStatus, problem: String?) {
        let signature = directory.isEmpty ? ModelSignatureStatus.signatureFileName : directory + "/" + ModelSignatureStatus.signatureFileName
        let bytes: [UInt8]
        switch InputFile.read(signature, limit: ModelSignatureBundle.fileLimit) {
        case .failure(let error): return (.failed, error.message)
        case .success(let value): bytes = value
        }
        let root = directory.isEmpty ? "." : directory
        let ignore = ModelIgnoreList.resolving([], signature: signature, model: root,
                                               currentDirectory: FileManager.default.currentDirectoryPath).list
        switch ModelSigner.verify(directory: root, signature: bytes, signatureFile: signature, key: key, ignoring: ignore) {
        case .success: return (.verified, nil)
        case .failure(let failure): return (.failed, "\(failure)")
        }
    }
}
