import BulwarkAdmission
import BulwarkCore
import Foundation
import Testing

/// AdmissionReview bodies built from YAML objects, as the API server would send them.
enum AdmissionFixtures {
    /// The JSON of a YAML object (one document).
    static func json(_ yaml: String) -> JSONValue {
        let result = YAMLReader.read(yaml)
        precondition(result.errors.isEmpty, "fixture YAML: \(result.errors)")
        return result.documents[0].root!.jsonValue
    }

    static func review(_ object: String?, kind: String? = nil, group: String = "", version: String = "v1", namespace: String = "ml",
                       name: String = "app", operation: String = "CREATE", oldObject: String? = nil, dryRun: Bool = false,
                       username: String = "alice", groups: [String] = ["system:authenticated"], uid: String = "0b3c9a7e-1",
                       apiVersion: String = "admission.k8s.io/v1") -> [UInt8] {
        let objectValue = object.map(json)
        var objectKind = kind ?? "Pod"
        if kind == nil, case .object(let members)? = objectValue, let found = members.first(where: { $0.0 == "kind" }),
           case .string(let text) = found.1 {
            objectKind = text
        }
        let resource = objectKind.lowercased() + "s"
        let request: JSONValue = .object([
            ("uid", .string(uid)),
            ("kind", .object([("group", .string(group)), ("version", .string(version)), ("kind", .string(objectKind))])),
            ("resource", .object([("group", .string(group)), ("version", .string(version)), ("resource", .string(resource))])),
            ("requestKind", .object([("group", .string(group)), ("version", .string(version)), ("kind", .string(objectKind))])),
            ("name", .string(name)), ("namespace", .string(namespace)), ("operation", .string(operation)),
            ("userInfo", .object([("username", .string(username)), ("uid", .string("u-1")), ("groups", .array(groups.map { .string($0) }))])),
            ("object", objectValue ?? .null), ("oldObject", oldObject.map(json) ?? .null), ("dryRun", .bool(dryRun)),
            ("options", .object([("apiVersion", .string("meta.k8s.io/v1")), ("kind", .string("CreateOptions"))])),
        ])
        return JSONValue.object([("apiVersion", .string(apiVersion)), ("kind", .string("AdmissionReview")), ("request", request)]).compactJSON
    }

    /// The response of a review body, decoded loosely for assertions.
    struct Answer {
        let apiVersion: String
        let uid: String
        let allowed: Bool
        let code: Int?
        let message: String?
        let warnings: [String]
        let auditAnnotations: [String: String]
        let patch: [[String: Any]]?
    }

    static func answer(_ body: [UInt8]) throws -> Answer {
        let root = try #require(try JSONSerialization.jsonObject(with: Data(body)) as? [String: Any])
        let response = try #require(root["response"] as? [String: Any])
        let status = response["status"] as? [String: Any]
        var patch: [[String: Any]]?
        if let text = response["patch"] as? String, let data = Data(base64Encoded: text) {
            patch = try JSONSerialization.jsonObject(with: data) as? [[String: Any]]
        }
        return Answer(apiVersion: root["apiVersion"] as? String ?? "", uid: response["uid"] as? String ?? "",
                      allowed: response["allowed"] as? Bool ?? false, code: status?["code"] as? Int, message: status?["message"] as? String,
                      warnings: response["warnings"] as? [String] ?? [], auditAnnotations: response["auditAnnotations"] as? [String: String] ?? [:],
                      patch: patch)
    }

    static let insecurePod = """
        apiVersion: v1
        kind: Pod
        metadata:
          name: app
        spec:
          containers:
            - name: vllm
              image: vllm/vllm-openai:v0.6.3
              securityContext:
                privileged: true
        """

    static let hardenedPod = """
        apiVersion: v1
        kind: Pod
        metadata:
          name: app
          namespace: ml
        spec:
          automountServiceAccountToken: false
          serviceAccountName: app
          securityContext:
            runAsNonRoot: true
            runAsUser: 10001
            runAsGroup: 10001
            seccompProfile:
              type: RuntimeDefault
          containers:
            - name: app
              image: registry.example.com/app@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef
              imagePullPolicy: Always
              securityContext:
                allowPrivilegeEscalation: false
                readOnlyRootFilesystem: true
                capabilities:
                  drop: [ALL]
              resources:
                requests: {cpu: 100m, memory: 128Mi, ephemeral-storage: 1Gi}
                limits: {cpu: "1", memory: 256Mi, ephemeral-storage: 1Gi}
              livenessProbe:
                httpGet: {path: /healthz, port: 8080}
              readinessProbe:
                httpGet: {path: /readyz, port: 8080}
        """
}
