/// One model file a scan read, as inventories list it (the CycloneDX ML-BOM of
/// `--format cyclonedx`): what the file is, what it was made with, its digests and whether it is
/// signed. The model domain fills it; the findings about the file stay in the report.
///
/// The values are text so that Core needs no knowledge of the model domain's types: `format` is a
/// `ModelArtifact.Format` and `signature` a `ModelSignatureStatus` of `BulwarkArtifacts`, by their
/// raw values.
public struct ScannedModel: Sendable, Equatable {
    /// The path as findings name it (`-` for standard input).
    public var file: String
    /// `pickle`, `legacy-pytorch`, `zip`, `numpy`.
    public var format: String
    /// The frameworks whose globals the file's pickles import (`torch`, `numpy`, `scikit-learn` …),
    /// sorted; empty when the pickles import nothing the allowlist knows.
    public var frameworks: [String]
    /// Pickle programs found (nested pickles included).
    public var pickles: Int
    /// Bytes read.
    public var size: Int
    /// Lowercase hex digests of the whole file; nil when the scan was not asked for them.
    public var sha256: String?
    public var sha512: String?
    /// `unsigned`, `signature present (not verified)` …
    public var signature: String

    public init(file: String, format: String, frameworks: [String] = [], pickles: Int = 0, size: Int = 0,
                sha256: String? = nil, sha512: String? = nil, signature: String) {
        self.file = file
        self.format = format
        self.frameworks = frameworks
        self.pickles = pickles
        self.size = size
        self.sha256 = sha256
        self.sha512 = sha512
        self.signature = signature
    }
}
