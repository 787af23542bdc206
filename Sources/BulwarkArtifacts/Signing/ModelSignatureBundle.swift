import BulwarkCore
import Foundation

/// The signature file: a Sigstore bundle v0.3 in JSON holding a DSSE envelope, as the reference's
/// key signer writes it (`sign_ec_key.Signer.sign`, `Bundle.to_json()`):
///
/// `{"mediaType":"application/vnd.dev.sigstore.bundle.v0.3+json",
///   "verificationMaterial":{"publicKey":{"hint":"<hex SHA-256 of the public key's PEM>"},"tlogEntries":[]},
///   "dsseEnvelope":{"payload":"<base64 statement>","payloadType":"application/vnd.in-toto+json",
///                   "signatures":[{"sig":"<base64 DER ECDSA>","keyid":""}]}}`
///
/// compact, without a final line break. No transparency-log entry: key signing is offline.
public struct ModelSignatureBundle: Sendable, Hashable {
    public static let mediaType = "application/vnd.dev.sigstore.bundle.v0.3+json"
    /// The most a signature file is read (its statement lists every file of the model, so a
    /// directory of many files makes a large one).
    public static let fileLimit = ByteLimit(bytes: 1 << 30)

    /// The verification material's key hint; nil when the bundle has none (older signers).
    public var keyHint: String?
    public var payload: [UInt8]
    public var payloadType: String
    /// DER ECDSA signature over the PAE of `payload` (the first of the envelope's signatures).
    public var signature: [UInt8]

    public init(keyHint: String?, payload: [UInt8], payloadType: String = "application/vnd.in-toto+json", signature: [UInt8]) {
        self.keyHint = keyHint
        self.payload = payload
        self.payloadType = payloadType
        self.signature = signature
    }

    public var json: [UInt8] {
        var material: [(String, JSONText)] = []
        if let keyHint { material.append(("publicKey", .object([("hint", .string(keyHint))]))) }
        material.append(("tlogEntries", .array([])))
        let bundle = JSONText.object([
            ("mediaType", .string(Self.mediaType)),
            ("verificationMaterial", .object(material)),
            ("dsseEnvelope", .object([
                ("payload", .string(Data(payload).base64EncodedString())),
                ("payloadType", .string(payloadType)),
                ("signatures", .array([.object([("sig", .string(Data(signature).base64EncodedString())), ("keyid", .string(""))])])),
            ])),
        ])
        return Array(bundle.compact.utf8)
    }

    /// Reads a signature file's bytes; `file` names it in errors (all exit 2: not a signature).
    public static func parse(_ bytes: [UInt8], file: String) -> Result<ModelSignatureBundle, ModelSigningFailure> {
        func malformed(_ reason: String) -> Result<ModelSignatureBundle, ModelSigningFailure> {
            .failure(.input(file, "not a model signature: \(reason)"))
        }
        let document: Document
        do {
            document = try JSONDecoder().decode(Document.self, from: Data(bytes))
        } catch {
            return malformed(JSONProblem.describe(error))
        }
        guard document.mediaType == mediaType else {
            return malformed("mediaType is \(document.mediaType.map { "\"\($0)\"" } ?? "missing"), expected \"\(mediaType)\"")
        }
        guard document.verificationMaterial != nil else { return malformed("no verificationMaterial") }
        guard let envelope = document.dsseEnvelope else {
            return malformed("no dsseEnvelope (a bundle with a message signature is not a model signature)")
        }
        guard let payload = Data(base64Encoded: envelope.payload) else { return malformed("dsseEnvelope.payload is not base64") }
        guard let first = envelope.signatures.first else { return malformed("dsseEnvelope.signatures is empty") }
        guard let signature = Data(base64Encoded: first.sig) else { return malformed("dsseEnvelope.signatures[0].sig is not base64") }
        let hint = document.verificationMaterial?.publicKey?.hint
        return .success(ModelSignatureBundle(keyHint: hint?.isEmpty == true ? nil : hint, payload: Array(payload),
                                             payloadType: envelope.payloadType, signature: Array(signature)))
    }

    struct Document: Decodable {
        var mediaType: String?
        var verificationMaterial: Material?
        var dsseEnvelope: Envelope?
    }

    struct Material: Decodable {
        var publicKey: PublicKey?
    }

    struct PublicKey: Decodable {
        var hint: String?
    }

    struct Envelope: Decodable {
        var payload: String
        var payloadType: String
        var signatures: [Signature]
    }

    struct Signature: Decodable {
        var sig: String
    }
}
