import BulwarkCore

/// A `python` base image of one stage and its parsed tag.
struct PythonBase: Sendable {
    var stageIndex: Int
    var reference: ImageReference
    var tag: PythonImageTag

    /// The image with another tag and no digest (a digest pins the old tag's content).
    func reference(withTag tag: String) -> String {
        (reference.registry.map { $0 + "/" } ?? "") + reference.repository + ":" + tag
    }

    /// False when the FROM line spells the image with variables, so its tag cannot be edited in place.
    var isRewritable: Bool

    /// The `python` base of a stage, nil for other images and stage references.
    init?(stage: Stage, in dockerfile: Dockerfile) {
        guard stage.baseStage == nil, let reference = stage.baseReference, reference.name == "python" else { return nil }
        let word = dockerfile.instructions.indices.contains(stage.fromIndex) ? dockerfile.instructions[stage.fromIndex].from?.image : nil
        self.stageIndex = stage.index
        self.reference = reference
        self.tag = PythonImageTag(tag: reference.tag)
        self.isRewritable = stage.unresolvedVariables.isEmpty && word.map { !$0.raw.contains("$") } ?? false
    }
}
