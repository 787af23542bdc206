import BulwarkArtifacts
import BulwarkCore

/// Which layer files the model analysis reads: model files by their name's extension (a pickle
/// named `weights.bin` is found, one named `README` is not: unlike `bulwark model scan`, which
/// probes every file, an image has too many files to read them all). Up to `limit` bytes of each.
public struct LayerModelInterest: LayerFileInterest {
    /// The extensions of model files, lowercased, with the dot.
    public static let extensions: [String] = [
        ".pkl", ".pickle", ".pt", ".pth", ".bin", ".joblib", ".safetensors", ".onnx", ".gguf", ".h5", ".hdf5", ".keras",
        ".ckpt", ".npy", ".npz", ".mar", ".sav", ".dill",
    ]

    /// Bytes kept of each model file; a larger file is read up to the limit, and a warning says its
    /// analysis was skipped (a truncated zip or pickle cannot be judged).
    public let limit: Int

    public init(limit: Int) {
        self.limit = limit
    }

    public func contentsLimit(path: String, size: Int) -> Int? {
        Self.isModelName(path) ? limit : nil
    }

    /// Firmware blobs are `.bin` files by the thousand and never models.
    static func isModelName(_ path: String) -> Bool {
        if path.hasPrefix("lib/firmware/") || path.hasPrefix("usr/lib/firmware/") { return false }
        let lower = path.lowercased()
        return extensions.contains { lower.hasSuffix($0) }
    }
}

/// Model files in image layers, through the model domain's analysis (`ModelDomain.analyse` with
/// the enabled `ModelRules`): a pickled model shipped in an image is judged as `bulwark model scan`
/// judges the file.
public enum LayerModels {
    /// Model files among the layer files (final and removed) through BulwarkArtifacts' `ModelArtifact` + `ModelRules`
    /// (the model rules enabled), findings at file = image source, member = "<layer digest>:<path>[ member]", offset as the
    /// model domain gives; plus their `ScannedModel`s (file = "<source>@<layer digest>:<path>") and notes as warnings.
    ///
    /// Removed files (deleted or replaced by a later layer) are judged too, since they can still be
    /// extracted, but only the final filesystem's models are inventoried. A file whose contents
    /// stop at the reader's limit is not judged: a warning names it.
    public static func scan(files: [LayerFile], removed: [LayerFile], source: String, policy: PicklePolicy,
                            enabledRules: Set<String>) -> (findings: [Finding], models: [ScannedModel], warnings: [InputWarning]) {
        let rules = ModelRules.all.filter { enabledRules.contains($0.id) }
        let candidates = (files.map { ($0, false) } + removed.map { ($0, true) }).filter { file, _ in
            file.kind == .regular && file.contents != nil && LayerModelInterest.isModelName(file.path)
        }
        let results = candidates.parallelMap { file, isRemoved in
            analyse(file, removed: isRemoved, source: source, policy: policy, rules: rules)
        }
        var findings: [Finding] = []
        var models: [ScannedModel] = []
        var warnings: [InputWarning] = []
        for result in results {
            findings += result.findings
            if let model = result.model { models.append(model) }
            warnings += result.warnings
        }
        return (findings, models.sorted { $0.file < $1.file }, warnings)
    }

    struct FileResult: Sendable {
        var findings: [Finding] = []
        var model: ScannedModel?
        var warnings: [InputWarning] = []
    }

    static func analyse(_ file: LayerFile, removed: Bool, source: String, policy: PicklePolicy, rules: [ModelRule]) -> FileResult {
        let place = "\(file.layerDigest):\(file.path)"
        let described = "/\(file.path) in layer \(file.layerIndex)" + (removed ? " (deleted or replaced by a later layer)" : "")
        guard let contents = file.contents else { return FileResult() }
        if file.truncated {
            // Named like a model (`.bin`, `.pt` …) is not enough for a warning: apt's `pkgcache.bin`
            // is one too. Only a file whose first bytes are a model's is said to be left unread.
            guard ModelDomain.isModel(Array(contents.prefix(InputProbe.headSize))) else { return FileResult() }
            return FileResult(warnings: [InputWarning(file: source, message:
                "\(described): model file of \(file.size) bytes not analysed, only its first \(contents.count) bytes were read "
                    + "(raise --max-file-size)")])
        }
        guard let analysis = ModelDomain.analyse(contents, name: "\(source)@\(place)", policy: policy, rules: rules, location: { violation in
            SourceLocation(file: source, member: place + (violation.member.map { " " + $0 } ?? ""), offset: violation.offset)
        }) else { return FileResult() }
        return FileResult(findings: analysis.findings, model: removed ? nil : analysis.model,
                          warnings: analysis.notes.map { InputWarning(file: source, message: "\(described): \($0)") })
    }
}
