import BulwarkCore

/// What a Dockerfile rule reports: the message, where it lands, and the instruction it is about.
/// The scanner adds the rule's id, severity, title, remediation and controls.
public struct DockerfileViolation: RuleViolation, Hashable {
    public var message: String
    /// Where the finding lands: the offending word when there is one, else the instruction's keyword.
    public var position: TextPosition
    /// Index in `Dockerfile.instructions` of the instruction the violation is about; a
    /// `# bulwark:ignore` comment above that instruction suppresses it. It contains `position`.
    public var instructionIndex: Int
    /// A per-finding severity (a weaker or stronger variant of the rule); nil = the rule's severity.
    public var severity: Severity?

    public init(_ message: String, at position: TextPosition, instruction instructionIndex: Int, severity: Severity? = nil) {
        self.message = message
        self.position = position
        self.instructionIndex = instructionIndex
        self.severity = severity
    }
}

/// How a Dockerfile rule checks. The scanner makes one pass over the instructions, calling each
/// `.instruction` check for the keywords it asks for, then each `.stage` check once per stage and
/// each `.file` check once.
public enum DockerfileCheck: Sendable {
    /// Runs once per instruction whose keyword is in the set (global ARGs before the first FROM
    /// included; ONBUILD triggers are not run: they belong to downstream builds).
    case instruction(Set<Keyword>, @Sendable (InstructionView) -> [DockerfileViolation])
    /// Runs once per build stage.
    case stage(@Sendable (StageView) -> [DockerfileViolation])
    /// Runs once per file.
    case file(@Sendable (DockerfileAnalysis) -> [DockerfileViolation])
}

/// A Dockerfile rule: a descriptor (id, severity, controls, examples) plus a pure check over the
/// analysed Dockerfile (`DockerfileAnalysis`).
public typealias DockerfileRule = Rule<DockerfileCheck>
