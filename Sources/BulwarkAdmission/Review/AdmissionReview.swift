import BulwarkCore

/// The AdmissionReview versions the webhook answers; the response carries the request's.
public enum AdmissionReviewVersion: String, Sendable, CaseIterable {
    case v1 = "admission.k8s.io/v1"
    case v1beta1 = "admission.k8s.io/v1beta1"
}

/// `CREATE`, `UPDATE`, `DELETE`, `CONNECT`.
public enum AdmissionRequestOperation: String, Sendable, CaseIterable {
    case create = "CREATE"
    case update = "UPDATE"
    case delete = "DELETE"
    case connect = "CONNECT"
}

public struct GroupVersionKind: Sendable, Hashable {
    public var group: String
    public var version: String
    public var kind: String

    public init(group: String, version: String, kind: String) {
        self.group = group
        self.version = version
        self.kind = kind
    }

    /// `apps/v1` or `v1` for the core group.
    public var apiVersion: String { group.isEmpty ? version : group + "/" + version }
}

public struct GroupVersionResource: Sendable, Hashable {
    public var group: String
    public var version: String
    public var resource: String

    public init(group: String, version: String, resource: String) {
        self.group = group
        self.version = version
        self.resource = resource
    }
}

/// Who asked (`request.userInfo`).
public struct AdmissionUserInfo: Sendable, Equatable {
    public var username: String
    public var uid: String
    public var groups: [String]
    public var extra: [String: [String]]

    public init(username: String = "", uid: String = "", groups: [String] = [], extra: [String: [String]] = [:]) {
        self.username = username
        self.uid = uid
        self.groups = groups
        self.extra = extra
    }
}

/// `request` of an AdmissionReview, every field of `admission.k8s.io/v1` (v1beta1 has the same
/// shape). Objects stay `YAMLNode` trees: the rules read them as they read manifests.
public struct AdmissionRequest: Sendable {
    public var version: AdmissionReviewVersion
    public var uid: String
    public var kind: GroupVersionKind
    public var resource: GroupVersionResource
    public var subResource: String
    /// What the caller asked for before `matchPolicy: Equivalent` converted it (nil when absent).
    public var requestKind: GroupVersionKind?
    public var requestResource: GroupVersionResource?
    public var requestSubResource: String
    public var name: String
    /// Empty for cluster-scoped objects.
    public var namespace: String
    public var operation: AdmissionRequestOperation
    public var userInfo: AdmissionUserInfo
    /// nil on DELETE (and CONNECT).
    public var object: YAMLNode?
    /// Set on UPDATE and DELETE.
    public var oldObject: YAMLNode?
    public var dryRun: Bool
    /// The operation's options (`CreateOptions`, `UpdateOptions` …), as sent.
    public var options: YAMLNode?

    public init(version: AdmissionReviewVersion = .v1, uid: String, kind: GroupVersionKind,
                resource: GroupVersionResource, subResource: String = "", requestKind: GroupVersionKind? = nil,
                requestResource: GroupVersionResource? = nil, requestSubResource: String = "", name: String = "",
                namespace: String = "", operation: AdmissionRequestOperation, userInfo: AdmissionUserInfo = AdmissionUserInfo(),
                object: YAMLNode? = nil, oldObject: YAMLNode? = nil, dryRun: Bool = false, options: YAMLNode? = nil) {
        self.version = version
        self.uid = uid
        self.kind = kind
        self.resource = resource
        self.subResource = subResource
        self.requestKind = requestKind
        self.requestResource = requestResource
        self.requestSubResource = requestSubResource
        self.name = name
        self.namespace = namespace
        self.operation = operation
        self.userInfo = userInfo
        self.object = object
        self.oldObject = oldObject
        self.dryRun = dryRun
        self.options = options
    }
}

/// `response` of an AdmissionReview.
public struct AdmissionResponse: Sendable, Equatable {
    public struct Status: Sendable, Equatable {
        public var code: Int
        public var reason: String
        public var message: String

        public init(code: Int, reason: String, message: String) {
            self.code = code
            self.reason = reason
            self.message = message
        }
    }

    public var uid: String
    public var allowed: Bool
    /// Shown to the user when the request is refused (`allowed: false`).
    public var status: Status?
    /// Shown by kubectl as `Warning: …`.
    public var warnings: [String]
    /// Recorded in the audit log under `<webhook name>/<key>`; keys are written in this order.
    public var auditAnnotations: [(key: String, value: String)]
    /// An RFC 6902 JSON patch (the bytes of the JSON array; base64 on the wire, `patchType: JSONPatch`).
    public var patch: [UInt8]?

    public init(uid: String, allowed: Bool, status: Status? = nil, warnings: [String] = [],
                auditAnnotations: [(key: String, value: String)] = [], patch: [UInt8]? = nil) {
        self.uid = uid
        self.allowed = allowed
        self.status = status
        self.warnings = warnings
        self.auditAnnotations = auditAnnotations
        self.patch = patch
    }

    public static func == (lhs: AdmissionResponse, rhs: AdmissionResponse) -> Bool {
        lhs.uid == rhs.uid && lhs.allowed == rhs.allowed && lhs.status == rhs.status && lhs.warnings == rhs.warnings
            && lhs.auditAnnotations.elementsEqual(rhs.auditAnnotations) { $0.key == $1.key && $0.value == $1.value }
            && lhs.patch == rhs.patch
    }
}

/// Why a body is not an AdmissionReview the webhook can answer (HTTP 400).
public struct AdmissionReviewError: Error, Sendable, Equatable, CustomStringConvertible {
    public let message: String

    public init(_ message: String) { self.message = message }

    public var description: String { message }
}
