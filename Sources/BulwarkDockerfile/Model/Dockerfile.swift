import BulwarkCore

/// A parsed Dockerfile (or Containerfile): every instruction with positions, the build stages with
/// their resolved base images, the parser directives, comments and suppression pragmas, and the
/// problems found on the way. Produced by `DockerfileParser.parse(text:file:)`, which never fails.
public struct Dockerfile: Sendable {
    /// The path the text was read from, as it should appear in reports.
    public var file: String
    public var directives: Directives
    /// Every instruction in file order (ARGs before the first FROM included).
    public var instructions: [Instruction]
    /// The build stages in file order; `stages[i].instructionRange` indexes `instructions`.
    public var stages: [Stage]
    /// The ARGs declared before the first FROM and their values (nil: declared without a default
    /// and not given as a build argument).
    public var globalArguments: [String: String?]
    /// What BuildKit would reject, each with a line and column; parsing went on after each one.
    public var errors: [DockerfileError]
    /// What BuildKit accepts but warns about, or what looks like a mistake (empty continuation
    /// lines, an exec form that is not valid JSON and so runs through a shell).
    public var warnings: [DockerfileError]
    /// Every comment line, directives excluded.
    public var comments: [Comment]
    /// Every `# bulwark:ignore rule-id reason` comment.
    public var ignorePragmas: [IgnorePragma]
    /// The number of lines in the file.
    public var lineCount: Int

    public init(
        file: String, directives: Directives = Directives(), instructions: [Instruction] = [], stages: [Stage] = [],
        globalArguments: [String: String?] = [:], errors: [DockerfileError] = [], warnings: [DockerfileError] = [],
        comments: [Comment] = [], ignorePragmas: [IgnorePragma] = [], lineCount: Int = 0
    ) {
        self.file = file
        self.directives = directives
        self.instructions = instructions
        self.stages = stages
        self.globalArguments = globalArguments
        self.errors = errors
        self.warnings = warnings
        self.comments = comments
        self.ignorePragmas = ignorePragmas
        self.lineCount = lineCount
    }

    /// The stage that `docker build` produces without `--target`.
    public var finalStage: Stage? { stages.last }

    /// The instructions of one stage, its FROM first.
    public func instructions(of stage: Stage) -> ArraySlice<Instruction> {
        let range = stage.instructionRange.clamped(to: instructions.indices)
        return instructions[range]
    }

    /// The stage with this `AS` name (case-insensitive, as BuildKit compares them).
    public func stage(named name: String) -> Stage? {
        let lowered = name.lowercased()
        return stages.first { $0.name == lowered }
    }

    /// The stage a `COPY --from=` or `RUN --mount=from=` value names: a stage name or an index.
    public func stage(reference: String) -> Stage? {
        if let named = stage(named: reference) { return named }
        if let index = Int(reference), stages.indices.contains(index) { return stages[index] }
        return nil
    }

    /// The pragmas written above (or inside) the instruction at `index`.
    public func ignorePragmas(forInstructionAt index: Int) -> [IgnorePragma] {
        ignorePragmas.filter { $0.instructionIndex == index }
    }

    /// The pragma that silences `ruleId` on the instruction at `index`, if any.
    public func ignorePragma(for ruleId: String, instructionAt index: Int) -> IgnorePragma? {
        ignorePragmas.first { $0.instructionIndex == index && $0.covers(ruleId) }
    }

    /// The errors in the form the scan report carries.
    public var inputErrors: [InputError] {
        errors.map { InputError(file: file, line: $0.line, column: $0.column, message: $0.message) }
    }
}
