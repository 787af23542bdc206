import BulwarkCore
import Foundation

/// Reads AdmissionReview requests and writes responses (`admission.k8s.io/v1` and `v1beta1`).
///
/// Strict where a wrong answer would be dangerous — the envelope (`apiVersion`, `kind`,
/// `request.uid`, `request.kind`, `request.operation`) must be present and well typed, repeated
/// keys are refused (`JSONNodeReader`) — and lenient where the API server adds fields over
/// time: unknown fields are ignored.
public enum AdmissionReviewCodec {
    /// Decodes a request body.
    public static func decode(_ body: [UInt8]) -> Result<AdmissionRequest, AdmissionReviewError> {
        let root: YAMLNode
        switch JSONNodeReader.read(body) {
        case .failure(let failure): return .failure(AdmissionReviewError("the body is not valid JSON: \(failure)"))
        case .success(let node): root = node
        }
        do {
            return .success(try request(from: root))
        } catch let error as AdmissionReviewError {
            return .failure(error)
        } catch {
            return .failure(AdmissionReviewError("not an AdmissionReview"))
        }
    }

    /// The request's `uid` and version when the body is a well-formed review (for answers that must
    /// not wait for a full decision, such as the deadline's).
    public static func envelope(_ body: [UInt8]) -> (uid: String, version: AdmissionReviewVersion)? {
        guard case .success(let request) = decode(body) else { return nil }
        return (request.uid, request.version)
    }

    static func request(from root: YAMLNode) throws -> AdmissionRequest {
        guard root.isMapping else { throw AdmissionReviewError("the body is not a JSON object") }
        let apiVersion = try string(root, "apiVersion", in: "the review")
        guard let version = AdmissionReviewVersion(rawValue: apiVersion) else {
            throw AdmissionReviewError("apiVersion is \"\(apiVersion)\"; this webhook answers "
                                       + AdmissionReviewVersion.allCases.map(\.rawValue).joined(separator: " and "))
        }
        let kind = try string(root, "kind", in: "the review")
        guard kind == "AdmissionReview" else { throw AdmissionReviewError("kind is \"\(kind)\", expected \"AdmissionReview\"") }
        guard let request = root["request"], request.isMapping else {
            throw AdmissionReviewError("the review has no request object")
        }
        let uid = try string(request, "uid", in: "request")
        guard !uid.isEmpty else { throw AdmissionReviewError("request.uid is empty") }
        let operationText = try string(request, "operation", in: "request")
        guard let operation = AdmissionRequestOperation(rawValue: operationText) else {
            throw AdmissionReviewError("request.operation is \"\(operationText)\"; expected CREATE, UPDATE, DELETE or CONNECT")
        }
        guard let kindNode = request["kind"] else { throw AdmissionReviewError("request.kind is missing") }
        let objectKind = try groupVersionKind(kindNode, "request.kind")
        let resource = try request["resource"].map { try groupVersionResource($0, "request.resource") }
            ?? GroupVersionResource(group: objectKind.group, version: objectKind.version, resource: "")
        let object = try objectNode(request["object"], "request.object")
        let oldObject = try objectNode(request["oldObject"], "request.oldObject")
        if (operation == .create || operation == .update) && object == nil {
            throw AdmissionReviewError("request.object is missing on \(operation.rawValue)")
        }
        return AdmissionRequest(
            version: version, uid: uid, kind: objectKind, resource: resource,
            subResource: try optionalString(request, "subResource", in: "request") ?? "",
            requestKind: try request["requestKind"].flatMap { $0.isNull ? nil : try groupVersionKind($0, "request.requestKind") },
            requestResource: try request["requestResource"].flatMap { $0.isNull ? nil : try groupVersionResource($0, "request.requestResource") },
            requestSubResource: try optionalString(request, "requestSubResource", in: "request") ?? "",
            name: try optionalString(request, "name", in: "request") ?? "",
            namespace: try optionalString(request, "namespace", in: "request") ?? "",
            operation: operation,
            userInfo: try request["userInfo"].map { try userInfo($0) } ?? AdmissionUserInfo(),
            object: object, oldObject: oldObject,
            dryRun: try optionalBool(request, "dryRun", in: "request") ?? false,
            options: request["options"].flatMap { $0.isNull ? nil : $0 })
    }

    // MARK: - Fields

    static func string(_ node: YAMLNode, _ key: String, in context: String) throws -> String {
        guard let value = try optionalString(node, key, in: context) else { throw AdmissionReviewError("\(context) has no \(key)") }
        return value
    }

    static func optionalString(_ node: YAMLNode, _ key: String, in context: String) throws -> String? {
        guard let value = node[key], !value.isNull else { return nil }
        guard value.scalarStyle == .doubleQuoted, let text = value.scalar else {
            throw AdmissionReviewError("\(context).\(key) is not a string")
        }
        return text
    }

    static func optionalBool(_ node: YAMLNode, _ key: String, in context: String) throws -> Bool? {
        guard let value = node[key], !value.isNull else { return nil }
        guard value.scalarStyle == .plain, let text = value.scalar, text == "true" || text == "false" else {
            throw AdmissionReviewError("\(context).\(key) is not a boolean")
        }
        return text == "true"
    }

    static func groupVersionKind(_ node: YAMLNode, _ context: String) throws -> GroupVersionKind {
        guard node.isMapping else { throw AdmissionReviewError("\(context) is not an object") }
        return GroupVersionKind(group: try optionalString(node, "group", in: context) ?? "",
                                version: try string(node, "version", in: context), kind: try string(node, "kind", in: context))
    }

    static func groupVersionResource(_ node: YAMLNode, _ context: String) throws -> GroupVersionResource {
        guard node.isMapping else { throw AdmissionReviewError("\(context) is not an object") }
        return GroupVersionResource(group: try optionalString(node, "group", in: context) ?? "",
                                    version: try string(node, "version", in: context),
                                    resource: try string(node, "resource", in: context))
    }

    static func userInfo(_ node: YAMLNode) throws -> AdmissionUserInfo {
        if node.isNull { return AdmissionUserInfo() }
        guard node.isMapping else { throw AdmissionReviewError("request.userInfo is not an object") }
        var info = AdmissionUserInfo(username: try optionalString(node, "username", in: "request.userInfo") ?? "",
                                     uid: try optionalString(node, "uid", in: "request.userInfo") ?? "")
        if let groups = node["groups"], !groups.isNull {
            guard let items = groups.sequence else { throw AdmissionReviewError("request.userInfo.groups is not a list") }
            info.groups = try items.map { item in
                guard item.scalarStyle == .doubleQuoted, let text = item.scalar else {
                    throw AdmissionReviewError("request.userInfo.groups holds a non-string")
                }
                return text
            }
        }
        if let extra = node["extra"], !extra.isNull {
            guard let pairs = extra.pairs else { throw AdmissionReviewError("request.userInfo.extra is not an object") }
            for pair in pairs {
                guard let key = pair.key.scalar else { continue }
                info.extra[key] = pair.value.items.compactMap { $0.scalarStyle == .doubleQuoted ? $0.scalar : nil }
            }
        }
        return info
    }

    static func objectNode(_ node: YAMLNode?, _ context: String) throws -> YAMLNode? {
        guard let node, !node.isNull else { return nil }
        guard node.isMapping else { throw AdmissionReviewError("\(context) is not an object") }
        return node
    }

    // MARK: - Responses

    /// The response review, in the request's version.
    public static func encode(_ response: AdmissionResponse, version: AdmissionReviewVersion = .v1) -> [UInt8] {
        var fields: [(String, JSONValue)] = [("uid", .string(response.uid)), ("allowed", .bool(response.allowed))]
        if let status = response.status, !response.allowed {
            fields.append(("status", .object([("code", .number(Double(status.code))), ("reason", .string(status.reason)),
                                              ("message", .string(status.message))])))
        }
        if let patch = response.patch {
            fields.append(("patchType", .string("JSONPatch")))
            fields.append(("patch", .string(Data(patch).base64EncodedString())))
        }
        if !response.auditAnnotations.isEmpty {
            fields.append(("auditAnnotations", .object(response.auditAnnotations.map { ($0.key, .string($0.value)) })))
        }
        if !response.warnings.isEmpty {
            fields.append(("warnings", .array(response.warnings.map { .string($0) })))
        }
        let review: JSONValue = .object([("apiVersion", .string(version.rawValue)), ("kind", .string("AdmissionReview")),
                                         ("response", .object(fields))])
        return review.compactJSON
    }
}
