import Foundation

/// The JSON documents of an image (index, manifest, config, docker's `manifest.json`) read loosely
/// through `JSONSerialization`: a field of the wrong type reads as absent, never as a crash.
struct ImageJSON {
    let value: Any?

    init(_ value: Any?) { self.value = value }

    static func parse(_ bytes: [UInt8]) -> Result<ImageJSON, ReadFailure> {
        do {
            return .success(ImageJSON(try JSONSerialization.jsonObject(with: Data(bytes), options: [.fragmentsAllowed])))
        } catch {
            return .failure(ReadFailure("not valid JSON"))
        }
    }

    subscript(key: String) -> ImageJSON { ImageJSON((value as? [String: Any])?[key]) }

    var string: String? { value as? String }
    var int: Int? {
        guard let number = value as? NSNumber, !(value is Bool) else { return nil }
        return number.intValue
    }
    var bool: Bool? { (value as? NSNumber)?.boolValue }
    var array: [ImageJSON] { ((value as? [Any]) ?? []).map(ImageJSON.init) }
    var isArray: Bool { value is [Any] }
    var isObject: Bool { value is [String: Any] }
    var strings: [String]? { (value as? [Any]).map { $0.compactMap { $0 as? String } } }
    var keys: [String] { ((value as? [String: Any]) ?? [:]).keys.sorted() }
    var stringMap: [String: String] {
        ((value as? [String: Any]) ?? [:]).compactMapValues { $0 as? String }
    }
}

/// An OCI content descriptor ("Descriptors"): what a blob is, its digest and size.
struct ImageDescriptor {
    var mediaType: String?
    var digest: String
    var size: Int?
    var platform: ImagePlatform?
    var annotations: [String: String]

    init?(_ json: ImageJSON) {
        guard let digest = json["digest"].string else { return nil }
        self.digest = digest
        mediaType = json["mediaType"].string
        size = json["size"].int
        annotations = json["annotations"].stringMap
        let platform = json["platform"]
        if let os = platform["os"].string, let architecture = platform["architecture"].string {
            self.platform = ImagePlatform(os: os.lowercased(), architecture: architecture.lowercased(), variant: platform["variant"].string?.lowercased())
        }
    }
}

/// The media types image readers meet (OCI image spec "Media Types"; docker's "Image Manifest V2, Schema 2").
enum ImageMediaType {
    static let ociIndex = "application/vnd.oci.image.index.v1+json"
    static let dockerManifestList = "application/vnd.docker.distribution.manifest.list.v2+json"
    static let ociManifest = "application/vnd.oci.image.manifest.v1+json"
    static let dockerManifest = "application/vnd.docker.distribution.manifest.v2+json"

    static func isIndex(_ type: String?) -> Bool { type == ociIndex || type == dockerManifestList }
    static func isManifest(_ type: String?) -> Bool { type == ociManifest || type == dockerManifest }
}

extension ImageConfig {
    /// The config JSON (OCI "Image Configuration", docker's image JSON; both use the same keys).
    init(json: ImageJSON) {
        let config = json["config"]
        self.init(
            architecture: json["architecture"].string, os: json["os"].string, variant: json["variant"].string,
            user: config["User"].string, env: config["Env"].strings ?? [], entrypoint: config["Entrypoint"].strings,
            cmd: config["Cmd"].strings, exposedPorts: config["ExposedPorts"].keys, labels: config["Labels"].stringMap,
            healthcheck: config["Healthcheck"]["Test"].strings, workingDir: config["WorkingDir"].string,
            stopSignal: config["StopSignal"].string,
            history: json["history"].array.map { entry in
                HistoryEntry(createdBy: entry["created_by"].string, created: entry["created"].string, comment: entry["comment"].string,
                             emptyLayer: entry["empty_layer"].bool ?? false)
            },
            diffIDs: json["rootfs"]["diff_ids"].strings ?? [])
    }

    /// The platform the config declares, when it declares one.
    var platform: ImagePlatform? {
        guard let os, let architecture, !os.isEmpty, !architecture.isEmpty else { return nil }
        return ImagePlatform(os: os.lowercased(), architecture: architecture.lowercased(), variant: variant?.lowercased())
    }
}
