import BulwarkCore

/// Model files as a domain of the engine: claimed by content, never by name (a pickle named
/// `weights.bin`, `model.pt` or `README.md` is a pickle), so every file is probed.
///
/// Files under `InputFile.mapThreshold` are read whole (up to `--max-file-size`); larger ones are
/// mapped, with no size limit: the readers touch headers and pickle programs only, so a 20 GB
/// checkpoint costs the pages of its `data.pkl`, not its tensors.
public struct ModelDomain: ScanDomain {
    public let name = "model"
    public let ruleDomains = ["model"]
    public var rules: [any AnyRule] { ModelRules.all }
    public let policy: PicklePolicy
    /// Whether each model file's SHA-256 and SHA-512 are computed, for inventories
    /// (`--format cyclonedx`): it reads every byte of a mapped checkpoint, which a scan otherwise
    /// never does (`ModelBytes.digests`).
    public let hashes: Bool
    /// With a verifier, each model directory's `model.sig` is verified once per scan and the
    /// inventory's signature status says `verified` or `verification failed` (a warning says why).
    public let verifier: ModelDirectoryVerifier?

    /// `policy` judges the globals; the configuration's `model.allow` entries are added to it at
    /// each scan (`ScanContext.configuration`).
    public init(policy: PicklePolicy = .standard, hashes: Bool = false, verifier: ModelDirectoryVerifier? = nil) {
        self.verifier = verifier
        self.policy = policy
        self.hashes = hashes
    }

    public func mayClaim(_ file: DiscoveredFile) -> Bool { true }

    public func claim(_ probe: InputProbe) -> InputClaim? {
        Self.isModel(Array(probe.head)) ? .content : nil
    }

    /// Whether the first bytes are a model file's: a pickle (protocol 2–5 header, or a protocol-0/1
    /// program that starts with an import), a NumPy array, or a zip (judged by its members once read).
    public static func isModel(_ head: [UInt8]) -> Bool {
        if PickleAnalyzer.Machine.looksLikePickle(Array(head.prefix(256))) {
            // Text that happens to start with `c` and two lines is not a pickle: the first
            // line must be a module name.
            if head.first == PickleOpcode.global.rawValue {
                let module = head.dropFirst().prefix { $0 != 0x0A }
                return !module.isEmpty && module.allSatisfy { ASCII.isAlphanumeric($0) || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: ".") }
            }
            return true
        }
        if head.starts(with: ModelArtifact.numpyMagic) { return true }
        // A tar: PyTorch's oldest format when it has torch's members (judged once read, as zips are).
        if LegacyTar.looksLikeTar(head) { return true }
        // HDF5 (legacy Keras `.h5`): a model only when its root group has `model_config` (`ModelArtifact.isModel`).
        if head.starts(with: HDF5Attributes.signature) { return true }
        // joblib's compressed files: a zlib/gzip/bz2/lzma/xz stream whose first decompressed bytes are
        // a pickle (a gzip'd tarball or log is not taken).
        if let compression = Compression.ofFile(head.prefix(6)) {
            return PickleAnalyzer.Machine.looksLikePickle(DecompressedStream.prefix(ModelBytes(head), compression: compression, count: 256))
        }
        if SafetensorsHeader.looksLikeSafetensors(head) || GGUFFile.looksLikeGGUF(head) || ONNXModel.looksLikeONNX(head) { return true }
        // Any zip: whether it holds a model (a `.pkl` member, a nested checkpoint …) is known only
        // from its members, and the telling one may sit after gigabytes of tensors. Zips without
        // one (jars, documents) are counted as unrecognised once read (`ModelArtifact.isModel`).
        return LenientZip.isZip(head.prefix(4))
    }

    public func scan(sources: [SourceInput], documents: [MemoryDocument], context: ScanContext) -> DomainScanResult {
        let rules = ModelRules.all.filter { context.enabledRules.contains($0.id) }
        // An entry that names a blocked global without the command line's permission is an error
        // and is not applied (the CLI refuses such a configuration before scanning).
        let (policy, policyErrors) = self.policy.adding(context.configuration.modelAllowances)
        let hashes = self.hashes
        let verdicts = verifySignatures(of: sources)
        let results = sources.parallelMap { source -> DomainScanResult in
            // A file no other domain may want comes here unprobed: check its first bytes first.
            switch source.head(InputProbe.headSize) {
            case .failure(let error): return DomainScanResult(errors: [error], files: 1)
            case .success(let head):
                guard Self.isModel(Array(head)) else {
                    return source.explicit
                        ? DomainScanResult(errors: [InputError(file: source.name, message: "not an input any domain of Bulwark reads")])
                        : DomainScanResult(unrecognized: 1)
                }
            }
            switch source.readOrMap(limit: context.maxFileSize) {
            case .failure(let error):
                return DomainScanResult(errors: [error], files: 1)
            case .success(let contents):
                let bytes = switch contents {
                case .read(let array): ModelBytes(array)
                case .mapped(let mapping): ModelBytes(mapping: mapping)
                }
                var artifact = ModelArtifact(bytes: bytes)
                // External data of an ONNX model on disk: where its locations lead once links are followed.
                if artifact.onnx != nil, source.name != "-" { artifact.onnx?.resolveLinks(modelPath: source.name) }
                guard artifact.isModel else {
                    return source.explicit
                        ? DomainScanResult(errors: [InputError(file: source.name, message: "not an input any domain of Bulwark reads (a zip without model members)")])
                        : DomainScanResult(unrecognized: 1)
                }
                let file = ModelFile(path: source.name, artifact: artifact, policy: policy)
                var result = DomainScanResult(files: 1)
                var model = Self.inventory(file, source: source, bytes: bytes, hashes: hashes)
                if let verdict = verdicts[DiscoveredFile.directory(of: source.name)], model.signature == ModelSignatureStatus.present.rawValue {
                    model.signature = verdict.status.rawValue
                    // On the model file, so every report (the BOM's component too) carries it.
                    if let problem = verdict.problem {
                        result.warnings.append(InputWarning(file: source.name, message: "\(ModelSignatureStatus.signatureFileName) "
                            + "of its directory failed verification: \(problem)"))
                    }
                }
                result.models = [model]
                for note in file.artifact.notes {
                    result.warnings.append(InputWarning(file: source.name, message: note))
                }
                result.findings = Self.findings(of: file, rules: rules) {
                    SourceLocation(file: source.name, member: $0.member, offset: $0.offset)
                }
                return result
            }
        }
        var merged = DomainScanResult(errors: policyErrors)
        for result in results { merged.add(result) }
        return merged
    }

    /// With a verifier: the outcome for each directory holding a scanned file and a `model.sig`,
    /// each verified once (in parallel across directories).
    func verifySignatures(of sources: [SourceInput]) -> [String: (status: ModelSignatureStatus, problem: String?)] {
        guard let verifier else { return [:] }
        let directories = Set(sources.filter { source in
            source.isFileOnDisk && ModelSignatureStatus.of(path: source.name, isFileOnDisk: true) == .present
        }.map { DiscoveredFile.directory(of: $0.name) }).sorted()
        let outcomes = directories.parallelMap { verifier.verify(directory: $0) }
        return Dictionary(uniqueKeysWithValues: zip(directories, outcomes).map { ($0, $1) })
    }

    /// What an inventory says about one model file.
    static func inventory(_ file: ModelFile, source: SourceInput, bytes: ModelBytes, hashes: Bool) -> ScannedModel {
        let digests = hashes ? bytes.digests() : nil
        return ScannedModel(
            file: source.name, format: file.artifact.format.rawValue, frameworks: frameworks(of: file), pickles: file.programs.count,
            size: bytes.count, sha256: digests?.sha256, sha512: digests?.sha512,
            signature: ModelSignatureStatus.of(path: source.name, isFileOnDisk: source.isFileOnDisk).rawValue)
    }

    /// The frameworks a file was made with, guessed from the globals its pickles import (the
    /// allowlist's groups, Python's own left out) and from the container: a legacy PyTorch file is
    /// torch's, a NumPy array numpy's. A guess: a pickle of plain dicts names no framework.
    static func frameworks(of file: ModelFile) -> [String] {
        var found: Set<String> = []
        switch file.artifact.format {
        case .legacyPyTorch, .legacyPyTorchTar, .torchScript: found.insert("torch")
        case .numpy: found.insert("numpy")
        case .keras, .kerasH5: found.insert("keras")
        case .safetensors: found.insert("safetensors")
        case .gguf: found.insert("gguf")
        case .onnx: found.insert("onnx")
        case .pickle, .compressedPickle, .zip, .unknown: break
        }
        for entry in file.programs {
            for item in entry.program.imports {
                if let group = PickleAllowlist.group(of: item.global), group != "python" { found.insert(group) }
            }
        }
        return found.sorted()
    }
}
