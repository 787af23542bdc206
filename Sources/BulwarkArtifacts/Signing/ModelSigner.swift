import BulwarkCore
#if canImport(Glibc)
import Glibc
#endif

/// OpenSSF model signing with a key pair (`model_signing sign key` / `verify key`), byte-compatible
/// with the reference (sigstore/model-transparency): a signature made here verifies there and the
/// other way round.
public enum ModelSigner {
    /// Hashes `directory` and signs its statement. Nothing is signed when any file cannot be read.
    public static func sign(directory: String, key: ModelSigningPrivateKey, ignoring ignoreList: ModelIgnoreList)
        -> Result<ModelSignatureBundle, ModelSigningFailure> {
        let manifest: ModelManifest
        switch ModelDirectoryHasher(ignoreList: ignoreList).manifest(of: directory) {
        case .failure(let failure): return .failure(failure)
        case .success(let value): manifest = value
        }
        let payload = ModelStatement(manifest: manifest, ignorePaths: ignoreList.sorted).payload
        do {
            let signature = try key.sign(DSSE.pae(payload))
            return .success(ModelSignatureBundle(keyHint: key.publicKey.hint, payload: payload, signature: signature))
        } catch {
            return .failure(.input(directory, "signing failed: \(error)"))
        }
    }

    /// Checks a signature file's bytes against `key`, then the files of `directory` against the
    /// signed statement, as the reference's `verify key` does:
    /// 1. the bundle's key hint, when present, must be this key's;
    /// 2. the signature must verify over the PAE of the embedded payload bytes (or over the PAE
    ///    model_signing v0.2 produced by mistake);
    /// 3. the payload must be an in-toto statement in the v1.0 format (exactly one subject whose
    ///    digest is the root digest of the resources) or the v0.2 one;
    /// 4. the directory, hashed with the statement's ignored paths added to `ignoreList`, must hold
    ///    exactly the signed files with the signed digests.
    public static func verify(directory: String, signature bytes: [UInt8], signatureFile: String, key: ModelSigningPublicKey,
                              ignoring ignoreList: ModelIgnoreList) -> Result<ModelVerification, ModelSigningFailure> {
        let bundle: ModelSignatureBundle
        switch ModelSignatureBundle.parse(bytes, file: signatureFile) {
        case .failure(let failure): return .failure(failure)
        case .success(let value): bundle = value
        }
        var warnings: [String] = []
        if let hint = bundle.keyHint {
            guard hint == key.hint else {
                return .failure(.signature("\(signatureFile): the signature was made with another key: its key hint is \(hint), "
                                           + "this \(key.curve.rawValue) public key's is \(key.hint)"))
            }
        } else {
            warnings.append("\(signatureFile): the signature names no key (an older signer's format); re-sign to record the key hint")
        }
        if !key.isValidSignature(bundle.signature, for: DSSE.pae(bundle.payload)) {
            guard key.isValidSignature(bundle.signature, for: DSSE.paeCompat(bundle.payload)) else {
                return .failure(.signature("\(signatureFile): the signature does not verify with this \(key.curve.rawValue) public key: "
                                           + "the signed statement was altered, or another key signed it"))
            }
            warnings.append("\(signatureFile): signed over model_signing v0.2's faulty encoding (DSSEV1 with a Python bytes repr); re-sign")
        }
        guard bundle.payloadType == DSSE.inTotoPayloadType else {
            return .failure(.input(signatureFile, "the envelope's payloadType is \"\(bundle.payloadType)\", expected \"\(DSSE.inTotoPayloadType)\""))
        }
        let statement: ModelStatement
        switch ModelStatement.parse(bundle.payload, file: signatureFile) {
        case .failure(let failure): return .failure(failure)
        case .success(let value): statement = value
        }
        if statement.isCompat {
            warnings.append("\(signatureFile): a v0.2 statement (\(ModelStatement.compatPredicateType)); re-sign in the v1.0 format")
        }
        var effective = ignoreList
        for path in statement.ignorePaths { effective.insert(path) }
        let actual: ModelManifest
        switch ModelDirectoryHasher(ignoreList: effective).manifest(of: directory) {
        case .failure(let failure): return .failure(failure)
        case .success(let value): actual = value
        }
        let difference = statement.manifest.difference(from: actual)
        guard difference.isEmpty else { return .failure(.mismatch(difference)) }
        return .success(ModelVerification(manifest: statement.manifest, curve: key.curve, warnings: warnings))
    }
}

/// A model that matches its signature.
public struct ModelVerification: Sendable {
    /// The signed manifest (files in signed order).
    public var manifest: ModelManifest
    public var curve: ModelSigningCurve
    /// Accepted, but worth a word: an old format, a bundle without a key hint.
    public var warnings: [String]
}

extension ModelIgnoreList {
    /// The ignore list of `directory` as the reference's CLI builds it (`_resolve_ignore_paths`):
    /// each path, relative to `currentDirectory` unless absolute, is made relative to the model
    /// directory; paths outside it cannot match anything and are returned in `outside`. The
    /// signature file is ignored when it lies inside the model directory, and so are the git paths
    /// unless `gitPaths` is false.
    public static func resolving(_ paths: [String], signature: String?, model directory: String, currentDirectory: String,
                                 gitPaths: Bool = true) -> (list: ModelIgnoreList, outside: [String]) {
        let root = Self.resolved(directory, currentDirectory: currentDirectory)
        var list = ModelIgnoreList(gitPaths ? Self.gitPaths : [])
        var outside: [String] = []
        for path in paths + (signature.map { [$0] } ?? []) {
            let target = Self.resolved(path, currentDirectory: currentDirectory)
            if target.count > root.count, target.starts(with: root) {
                list.insert(target.dropFirst(root.count).joined(separator: "/"))
            } else if path != signature {
                outside.append(path)
            }
        }
        return (list, outside)
    }


    /// Absolute path components: symbolic links resolved where the path exists (`realpath`), else
    /// for its longest existing parent, then `.` and `..` taken lexically (`Path.resolve()`).
    static func resolved(_ path: String, currentDirectory: String) -> [String] {
        let absolute = path.hasPrefix("/") ? path : currentDirectory + "/" + path
        var components: [String] = []
        for part in absolute.split(separator: "/", omittingEmptySubsequences: true) {
            switch part {
            case ".": continue
            case "..": _ = components.popLast()
            default: components.append(String(part))
            }
        }
        // The longest prefix that exists, resolved; the rest appended.
        var cut = components.count
        while cut > 0 {
            let prefix = "/" + components[..<cut].joined(separator: "/")
            if let real = realpath(prefix, nil) {
                defer { free(real) }
                let base = String(cString: real).split(separator: "/").map(String.init)
                return base + components[cut...]
            }
            cut -= 1
        }
        return components
    }
}
