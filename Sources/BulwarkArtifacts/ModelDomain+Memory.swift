import BulwarkCore

/// Model files that are not files on disk (a file inside an image layer): the same analysis a
/// scanned model file gets, for the domains that find model files inside their own inputs.
extension ModelDomain {
    /// What one model file in memory gives: its inventory entry, the findings of `rules` (located
    /// by `location`) and the reader's notes; nil when the bytes are not a model file.
    ///
    /// `name` is the path the inventory names it by. A file in memory has no directory to hold a
    /// `model.sig`: its signature status is `unsigned`.
    public static func analyse(_ bytes: [UInt8], name: String, policy: PicklePolicy, rules: [ModelRule],
                               location: (ModelViolation) -> SourceLocation) -> MemoryModelAnalysis? {
        guard isModel(Array(bytes.prefix(InputProbe.headSize))) else { return nil }
        let artifact = ModelArtifact(bytes: ModelBytes(bytes))
        guard artifact.isModel else { return nil }
        let file = ModelFile(path: name, artifact: artifact, policy: policy)
        let model = ScannedModel(file: name, format: artifact.format.rawValue, frameworks: frameworks(of: file),
                                 pickles: file.programs.count, size: bytes.count, signature: ModelSignatureStatus.unsigned.rawValue)
        return MemoryModelAnalysis(model: model, findings: findings(of: file, rules: rules, location: location), notes: artifact.notes)
    }

    /// The findings of `rules` on one model file: every domain's one loop over the model rules.
    static func findings(of file: ModelFile, rules: [ModelRule], location: (ModelViolation) -> SourceLocation) -> [Finding] {
        var findings: [Finding] = []
        for rule in rules {
            for violation in rule.check.run(file) {
                findings.append(rule.descriptor.finding(violation, at: location(violation)))
            }
        }
        return findings
    }
}

/// `ModelDomain.analyse`'s result for one model file in memory.
public struct MemoryModelAnalysis: Sendable {
    public let model: ScannedModel
    public let findings: [Finding]
    /// What the readers noted (a member they could not read …), for warnings.
    public let notes: [String]
}
