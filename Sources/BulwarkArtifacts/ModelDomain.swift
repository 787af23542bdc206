import BulwarkCore
import Crypto

/// Model files as a domain of the engine: claimed by content, never by name (a pickle named
/// `weights.bin`, `model.pt` or `README.md` is a pickle), so every file is probed.
///
/// Model files are read whole, up to the read limit (`--max-file-size`); a larger checkpoint is an
/// input error that says so. Reading only the pickle members of multi-gigabyte checkpoints is the
/// file-backed reader's job, not built yet.
public struct ModelDomain: ScanDomain {
    public let name = "model"
    public let ruleDomains = ["model"]
    public var rules: [any AnyRule] { ModelRules.all }
    public let policy: PicklePolicy
    /// Whether each model file's SHA-256 and SHA-512 are computed, for inventories
    /// (`--format cyclonedx`). The file is in memory anyway; hashing it costs time, not memory.
    public let hashes: Bool

    /// `policy` judges the globals; the configuration's `model.allow` entries are added to it at
    /// each scan (`ScanContext.configuration`).
    public init(policy: PicklePolicy = .standard, hashes: Bool = false) {
        self.policy = policy
        self.hashes = hashes
    }

    public func mayClaim(_ file: DiscoveredFile) -> Bool { true }

    public func claim(_ probe: InputProbe) -> InputClaim? {
        Self.isModel(Array(probe.head)) ? .content : nil
    }

    /// Whether the first bytes are a model file's: a pickle (protocol 2–5 header, or a protocol-0/1
    /// program that starts with an import), a NumPy array, or a zip with a pickle or array member.
    static func isModel(_ head: [UInt8]) -> Bool {
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
        guard LenientZip.isZip(head.prefix(4)) else { return false }
        // A zip with a pickle member (PyTorch writes `archive/data.pkl` first), a PyTorch layout
        // or a nested model among the local headers in the first bytes. Other zips (jars,
        // documents) are not claimed.
        var offset = 0
        while let member = LenientZip.local(at: offset, in: head) {
            let name = member.name
            if name.hasSuffix(".pkl") || name.hasSuffix("/version") || name.hasSuffix(".pt") || name.hasSuffix(".pt2")
                || name.hasSuffix(".pth") || name.hasSuffix(".bin") || name.hasSuffix(".npy") {
                return true
            }
            guard member.dataEnd > offset, member.dataEnd < head.count else { break }
            offset = member.dataEnd
        }
        return false
    }

    public func scan(sources: [SourceInput], documents: [MemoryDocument], context: ScanContext) -> DomainScanResult {
        let rules = ModelRules.all.filter { context.enabledRules.contains($0.id) }
        // An entry that names a blocked global without the command line's permission is an error
        // and is not applied (the CLI refuses such a configuration before scanning).
        let (policy, policyErrors) = self.policy.adding(context.configuration.modelAllowances)
        let hashes = self.hashes
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
            switch source.read(limit: context.maxFileSize) {
            case .failure(let error):
                return DomainScanResult(errors: [error], files: 1)
            case .success(let bytes):
                let file = ModelFile(path: source.name, artifact: ModelArtifact(bytes: bytes), policy: policy)
                var result = DomainScanResult(files: 1)
                result.models = [Self.inventory(file, source: source, bytes: bytes, hashes: hashes)]
                for note in file.artifact.notes {
                    result.warnings.append(InputWarning(file: source.name, message: note))
                }
                for rule in rules {
                    for violation in rule.check.run(file) {
                        result.findings.append(rule.descriptor.finding(
                            violation, at: SourceLocation(file: source.name, member: violation.member, offset: violation.offset)))
                    }
                }
                return result
            }
        }
        var merged = DomainScanResult(errors: policyErrors)
        for result in results { merged.add(result) }
        return merged
    }

    /// What an inventory says about one model file.
    static func inventory(_ file: ModelFile, source: SourceInput, bytes: [UInt8], hashes: Bool) -> ScannedModel {
        ScannedModel(
            file: source.name, format: file.artifact.format.rawValue, frameworks: frameworks(of: file), pickles: file.programs.count,
            size: bytes.count, sha256: hashes ? hex(SHA256.hash(data: bytes)) : nil, sha512: hashes ? hex(SHA512.hash(data: bytes)) : nil,
            signature: ModelSignatureStatus.of(path: source.name, isFileOnDisk: source.isFileOnDisk).rawValue)
    }

    /// The frameworks a file was made with, guessed from the globals its pickles import (the
    /// allowlist's groups, Python's own left out) and from the container: a legacy PyTorch file is
    /// torch's, a NumPy array numpy's. A guess: a pickle of plain dicts names no framework.
    static func frameworks(of file: ModelFile) -> [String] {
        var found: Set<String> = []
        switch file.artifact.format {
        case .legacyPyTorch: found.insert("torch")
        case .numpy: found.insert("numpy")
        case .pickle, .zip, .unknown: break
        }
        for entry in file.programs {
            for item in entry.program.imports {
                if let group = PickleAllowlist.group(of: item.global), group != "python" { found.insert(group) }
            }
        }
        return found.sorted()
    }

    static func hex<D: Sequence>(_ digest: D) -> String where D.Element == UInt8 {
        let digits = Array("0123456789abcdef".utf8)
        var text: [UInt8] = []
        for byte in digest {
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: text, as: UTF8.self)
    }
}
