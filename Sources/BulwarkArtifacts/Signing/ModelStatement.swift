import Foundation

/// The in-toto Statement v1 a model signature carries (the reference's `signing.Payload`), written
/// and read.
///
/// Written with predicate type `https://model_signing/signature/v1.0`: one subject named after the
/// model directory whose `sha256` is the manifest's root digest, and a predicate with the
/// `serialization` used (`files`, `sha256`, `allow_symlinks: false`, the ignored paths) and every
/// file as a resource `{algorithm, digest, name}`. Read: that format, and the v0.2 format
/// (`https://model_signing/Digests/v0.1`, one subject per file, no root digest), which the
/// reference still verifies (`dsse_payload_to_manifest_compat`).
public struct ModelStatement: Sendable {
    public static let statementType = "https://in-toto.io/Statement/v1"
    public static let predicateType = "https://model_signing/signature/v1.0"
    public static let compatPredicateType = "https://model_signing/Digests/v0.1"

    public var manifest: ModelManifest
    /// Paths relative to the model directory that the signature leaves out.
    public var ignorePaths: [String]
    /// Whether the statement is in the v0.2 format.
    public var isCompat = false

    public init(manifest: ModelManifest, ignorePaths: [String]) {
        self.manifest = manifest
        self.ignorePaths = ignorePaths
    }

    /// The payload bytes: JSON laid out as the reference's `MessageToJson` lays it out (its key
    /// order inside `serialization` varies between runs; this one is fixed), no final line break.
    public var payload: [UInt8] {
        let resources = manifest.resources.map { resource in
            JSONText.object([("algorithm", .string("sha256")), ("digest", .string(resource.digestHex)), ("name", .string(resource.name))])
        }
        let statement = JSONText.object([
            ("_type", .string(Self.statementType)),
            ("subject", .array([.object([
                ("name", .string(manifest.modelName)),
                ("digest", .object([("sha256", .string(Hex.encode(manifest.rootDigest)))])),
            ])])),
            ("predicateType", .string(Self.predicateType)),
            ("predicate", .object([
                ("serialization", .object([
                    ("method", .string("files")),
                    ("hash_type", .string("sha256")),
                    ("allow_symlinks", .bool(false)),
                    ("ignore_paths", .array(ignorePaths.map { .string($0) })),
                ])),
                ("resources", .array(resources)),
            ])),
        ])
        return Array(statement.pretty().utf8)
    }

    /// Reads a signed payload; `file` names the signature in errors. Checks what the reference's
    /// `Verifier.verify` and `dsse_payload_to_manifest` check: the statement type, the predicate
    /// type, exactly one subject whose digest is the root digest of the resources; and what Bulwark
    /// can recompute: `files` serialization with `sha256` everywhere.
    public static func parse(_ payload: [UInt8], file: String) -> Result<ModelStatement, ModelSigningFailure> {
        func malformed(_ reason: String) -> Result<ModelStatement, ModelSigningFailure> {
            .failure(.input(file, "the signed statement \(reason)"))
        }
        let decoded: Document
        do {
            decoded = try JSONDecoder().decode(Document.self, from: Data(payload))
        } catch {
            return malformed("is not the expected JSON: \(JSONProblem.describe(error))")
        }
        guard decoded._type == statementType else {
            return malformed("has _type \(decoded._type.map { "\"\($0)\"" } ?? "missing"), expected \"\(statementType)\"")
        }
        switch decoded.predicateType {
        case predicateType:
            break
        case compatPredicateType:
            return parseCompat(decoded, file: file)
        case let other:
            return malformed("has predicateType \(other.map { "\"\($0)\"" } ?? "missing"), expected \"\(predicateType)\"")
        }
        guard decoded.subject.count == 1, let subject = decoded.subject.first else {
            return malformed("has \(decoded.subject.count) subjects; the format has exactly one")
        }
        guard let predicate = decoded.predicate, let serialization = predicate.serialization, let listed = predicate.resources else {
            return malformed("has no predicate.serialization or predicate.resources")
        }
        guard serialization.method == "files" else {
            return malformed("uses the \"\(serialization.method ?? "")\" serialization; Bulwark verifies \"files\" only (sign without sharding)")
        }
        guard serialization.hash_type == "sha256" else {
            return malformed("hashes with \"\(serialization.hash_type ?? "")\"; Bulwark verifies sha256 only")
        }
        var resources: [ModelResource] = []
        var names: Set<String> = []
        for resource in listed {
            guard resource.algorithm == "sha256", let digest = Hex.decode(resource.digest), digest.count == 32 else {
                return malformed("lists \(resource.name) with digest \(resource.algorithm):\(resource.digest), not a SHA-256 digest")
            }
            guard names.insert(resource.name).inserted else { return malformed("lists \(resource.name) twice") }
            resources.append(ModelResource(name: resource.name, digest: digest))
        }
        let manifest = ModelManifest(modelName: subject.name ?? "", signedOrder: resources)
        guard let expected = subject.digest?["sha256"], Hex.decode(expected) == manifest.rootDigest else {
            return malformed("is inconsistent: the subject's sha256 \(subject.digest?["sha256"] ?? "(missing)") is not the digest "
                             + "of the listed resources (\(Hex.encode(manifest.rootDigest)))")
        }
        return .success(ModelStatement(manifest: manifest, ignorePaths: serialization.ignore_paths ?? []))
    }

    /// v0.2: every subject is a file with its sha256; no model name, no root digest.
    private static func parseCompat(_ decoded: Document, file: String) -> Result<ModelStatement, ModelSigningFailure> {
        var resources: [ModelResource] = []
        var names: Set<String> = []
        for subject in decoded.subject {
            guard let name = subject.name, let hex = subject.digest?["sha256"], let digest = Hex.decode(hex), digest.count == 32 else {
                return .failure(.input(file, "the signed v0.2 statement has a subject without a name and a sha256 digest"))
            }
            guard names.insert(name).inserted else { return .failure(.input(file, "the signed v0.2 statement lists \(name) twice")) }
            resources.append(ModelResource(name: name, digest: digest))
        }
        var statement = ModelStatement(manifest: ModelManifest(modelName: "compat-undefined-not-present", resources: resources), ignorePaths: [])
        statement.isCompat = true
        return .success(statement)
    }

    // The JSON, as far as it is read. Unknown fields are ignored, as the reference ignores them.
    // swiftlint:disable identifier_name
    struct Document: Decodable {
        var _type: String?
        var subject: [Subject] = []
        var predicateType: String?
        var predicate: Predicate?

        enum CodingKeys: String, CodingKey { case _type, subject, predicateType, predicate }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            _type = try container.decodeIfPresent(String.self, forKey: ._type)
            subject = try container.decodeIfPresent([Subject].self, forKey: .subject) ?? []
            predicateType = try container.decodeIfPresent(String.self, forKey: .predicateType)
            predicate = try? container.decodeIfPresent(Predicate.self, forKey: .predicate)
        }
    }

    struct Subject: Decodable {
        var name: String?
        var digest: [String: String]?
    }

    struct Predicate: Decodable {
        var serialization: Serialization?
        var resources: [Resource]?
    }

    struct Serialization: Decodable {
        var method: String?
        var hash_type: String?
        var ignore_paths: [String]?
    }

    struct Resource: Decodable {
        var name: String
        var algorithm: String
        var digest: String
    }
    // swiftlint:enable identifier_name
}

/// A decoding error in a sentence, with the JSON path where it happened.
enum JSONProblem {
    static func describe(_ error: any Error) -> String {
        guard let error = error as? DecodingError else { return "\(error)" }
        func path(_ context: DecodingError.Context) -> String {
            let keys = context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
            return keys.isEmpty ? "" : " at \(keys.hasPrefix(".") ? String(keys.dropFirst()) : keys)"
        }
        switch error {
        case .dataCorrupted(let context):
            return "not valid JSON\(path(context))"
        case .keyNotFound(let key, let context):
            return "missing \"\(key.stringValue)\"\(path(context))"
        case .typeMismatch(let type, let context), .valueNotFound(let type, let context):
            let expected = type == String.self ? "a string"
                : String(describing: type).hasPrefix("Array") ? "a JSON array" : "a JSON object"
            return "expected \(expected)\(path(context))"
        @unknown default:
            return "\(error)"
        }
    }
}
