import BulwarkCore
import BulwarkVulnDB

/// A file of an image that a reader of the image domain asked for (`LayerFileInterest`), with its
/// contents, and where it is: the layer that wrote it and its path in the image root.
public struct LayerFile: Sendable, Hashable {
    public enum Kind: String, Sendable, Hashable {
        case regular, directory, symlink, hardlink
    }

    /// Relative to the image root, normalised: no leading `/` or `./`, no `.` or `..` components
    /// (`usr/lib/python3.11/site-packages/flask-0.12.2.dist-info/METADATA`).
    public var path: String
    public var kind: Kind
    /// 0 is the bottom layer.
    public var layerIndex: Int
    /// The layer blob's digest (`sha256:…`), as the manifest names it.
    public var layerDigest: String
    /// The size the tar header (or PAX `size`) gives.
    public var size: Int
    /// Permission bits and set-id bits (`0o4755`).
    public var mode: UInt32
    /// For links: the target as written.
    public var linkTarget: String?
    /// The contents, when a reader wanted them (up to its limit); nil otherwise.
    public var contents: [UInt8]?
    /// Whether `contents` stops at the reader's limit before the file's end.
    public var truncated: Bool

    public init(path: String, kind: Kind = .regular, layerIndex: Int, layerDigest: String, size: Int, mode: UInt32 = 0o644,
                linkTarget: String? = nil, contents: [UInt8]? = nil, truncated: Bool = false) {
        self.path = path
        self.kind = kind
        self.layerIndex = layerIndex
        self.layerDigest = layerDigest
        self.size = size
        self.mode = mode
        self.linkTarget = linkTarget
        self.contents = contents
        self.truncated = truncated
    }
}

/// Which files of the layers a reader wants the contents of. The walker keeps every entry's
/// metadata and asks the interests for contents: memory is bounded by the files of interest, not by
/// the layers' size.
public protocol LayerFileInterest: Sendable {
    /// The number of bytes to keep of a regular file at `path` (relative, normalised) of `size`
    /// bytes; nil when the reader does not want it. The walker keeps the largest asked.
    func contentsLimit(path: String, size: Int) -> Int?
}

/// The image config (OCI `application/vnd.oci.image.config.v1+json`, docker's image JSON): what
/// image-config rules judge.
public struct ImageConfig: Sendable, Hashable {
    public struct HistoryEntry: Sendable, Hashable {
        /// `created_by` (`/bin/sh -c #(nop) ADD https://… in /`, `RUN |1 X=1 /bin/sh -c pip …`).
        public var createdBy: String?
        public var created: String?
        public var comment: String?
        /// `empty_layer`: the entry made no layer.
        public var emptyLayer: Bool

        public init(createdBy: String? = nil, created: String? = nil, comment: String? = nil, emptyLayer: Bool = false) {
            self.createdBy = createdBy
            self.created = created
            self.comment = comment
            self.emptyLayer = emptyLayer
        }
    }

    public var architecture: String?
    public var os: String?
    public var variant: String?
    /// `config.User`: empty or absent means root.
    public var user: String?
    /// `config.Env` as written (`KEY=value`).
    public var env: [String]
    public var entrypoint: [String]?
    public var cmd: [String]?
    /// Keys of `config.ExposedPorts` (`8080/tcp`).
    public var exposedPorts: [String]
    public var labels: [String: String]
    /// `config.Healthcheck.Test` (`["CMD", "curl", …]`, `["NONE"]`); nil when absent.
    public var healthcheck: [String]?
    public var workingDir: String?
    public var stopSignal: String?
    public var history: [HistoryEntry]
    /// `rootfs.diff_ids` (digests of the uncompressed layers), bottom first.
    public var diffIDs: [String]

    public init(architecture: String? = nil, os: String? = nil, variant: String? = nil, user: String? = nil, env: [String] = [],
                entrypoint: [String]? = nil, cmd: [String]? = nil, exposedPorts: [String] = [], labels: [String: String] = [:],
                healthcheck: [String]? = nil, workingDir: String? = nil, stopSignal: String? = nil, history: [HistoryEntry] = [],
                diffIDs: [String] = []) {
        self.architecture = architecture
        self.os = os
        self.variant = variant
        self.user = user
        self.env = env
        self.entrypoint = entrypoint
        self.cmd = cmd
        self.exposedPorts = exposedPorts
        self.labels = labels
        self.healthcheck = healthcheck
        self.workingDir = workingDir
        self.stopSignal = stopSignal
        self.history = history
        self.diffIDs = diffIDs
    }
}

/// A problem of the layers themselves, found while walking them (a traversal entry, a link leaving
/// the root, a duplicate entry, a decompression bomb): reported as a finding of the rule `ruleID`.
public struct LayerProblem: Sendable, Hashable {
    /// `image/layer-path-traversal`, `image/layer-link-escape`, `image/layer-duplicate-entry`,
    /// `image/layer-decompression-bomb` … (registered by the image rules).
    public var ruleID: String
    public var layerDigest: String
    public var layerIndex: Int
    /// The entry's name as written in the tar.
    public var path: String
    public var message: String

    public init(ruleID: String, layerDigest: String, layerIndex: Int, path: String, message: String) {
        self.ruleID = ruleID
        self.layerDigest = layerDigest
        self.layerIndex = layerIndex
        self.path = path
        self.message = message
    }
}

/// What image rules judge: one image after its layers were walked, inventoried and matched.
public struct ImageModel: Sendable {
    /// The path the scan names the image by (findings' `file`).
    public var source: String
    public var references: [String]
    public var manifestDigest: String
    public var configDigest: String
    /// `linux/amd64`.
    public var platform: String
    public var config: ImageConfig
    /// Layer blob digests, bottom first.
    public var layers: [String]
    /// Files of interest present in the final filesystem (after whiteouts), sorted by path.
    public var files: [LayerFile]
    /// Files of interest that a later layer deleted or replaced: still in the image's history.
    public var removedFiles: [LayerFile]
    public var problems: [LayerProblem]
    public var os: OperatingSystemRelease?
    public var packages: [InstalledPackage]
    /// After VEX (suppressed ones included, marked by `vex`).
    public var vulnerabilities: [VulnerabilityMatch]

    public init(source: String, references: [String] = [], manifestDigest: String = "", configDigest: String = "",
                platform: String = "linux/amd64", config: ImageConfig = ImageConfig(), layers: [String] = [],
                files: [LayerFile] = [], removedFiles: [LayerFile] = [], problems: [LayerProblem] = [],
                os: OperatingSystemRelease? = nil, packages: [InstalledPackage] = [], vulnerabilities: [VulnerabilityMatch] = []) {
        self.source = source
        self.references = references
        self.manifestDigest = manifestDigest
        self.configDigest = configDigest
        self.platform = platform
        self.config = config
        self.layers = layers
        self.files = files
        self.removedFiles = removedFiles
        self.problems = problems
        self.os = os
        self.packages = packages
        self.vulnerabilities = vulnerabilities
    }
}
