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

/// A problem at one position of a Dockerfile.
public struct DockerfileError: Sendable, Hashable, Error, CustomStringConvertible {
    public var line: Int
    public var column: Int
    public var message: String

    public init(line: Int, column: Int, message: String) {
        self.line = line
        self.column = column
        self.message = message
    }

    public init(at position: TextPosition, _ message: String) {
        self.init(line: position.line, column: position.column, message: message)
    }

    public var position: TextPosition { TextPosition(line: line, column: column) }

    public var description: String { "\(line):\(column): \(message)" }
}

/// The parser directives at the top of the file (`# syntax=`, `# escape=`, `# check=`).
public struct Directives: Sendable, Hashable {
    /// The frontend image of `# syntax=` (e.g. `docker/dockerfile:1`).
    public var syntax: String?
    /// The escape character: `\` unless `# escape=`` ` chose a backtick (Windows-style files).
    public var escape: Character
    public var check: CheckDirective?
    /// Every directive in file order.
    public var all: [ParserDirective]

    public init(syntax: String? = nil, escape: Character = "\\", check: CheckDirective? = nil, all: [ParserDirective] = []) {
        self.syntax = syntax
        self.escape = escape
        self.check = check
        self.all = all
    }
}

/// One `# name=value` parser directive.
public struct ParserDirective: Sendable, Hashable {
    /// Lower-cased name: `syntax`, `escape` or `check`.
    public var name: String
    public var value: String
    public var line: Int
    public var valueRange: TextRange

    public init(name: String, value: String, line: Int, valueRange: TextRange) {
        self.name = name
        self.value = value
        self.line = line
        self.valueRange = valueRange
    }
}

/// `# check=skip=JSONArgsRecommended,StageNameCasing;error=true`
public struct CheckDirective: Sendable, Hashable {
    public var raw: String
    /// Build-check names to skip.
    public var skip: [String]
    /// `skip=all`.
    public var skipsAll: Bool
    /// `error=true`: check violations fail the build.
    public var error: Bool
    /// `experimental=…` names.
    public var experimental: [String]

    public init(raw: String) {
        self.raw = raw
        var skip: [String] = []
        var experimental: [String] = []
        var error = false
        for part in raw.split(separator: ";") {
            let pieces = part.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let key = pieces[0].trimmingSet(" \t").lowercased()
            let value = pieces.count > 1 ? pieces[1].trimmingSet(" \t") : ""
            switch key {
            case "skip": skip += value.split(separator: ",").map { $0.trimmingSet(" \t") }.filter { !$0.isEmpty }
            case "error": error = value.lowercased() == "true"
            case "experimental": experimental += value.split(separator: ",").map { $0.trimmingSet(" \t") }.filter { !$0.isEmpty }
            default: break
            }
        }
        self.skip = skip
        self.skipsAll = skip.contains { $0.lowercased() == "all" }
        self.error = error
        self.experimental = experimental
    }
}

/// A comment line (`# …`), outside or inside an instruction's continuation lines.
public struct Comment: Sendable, Hashable {
    /// The text after `#`, trimmed.
    public var text: String
    public var line: Int
    /// Column of the `#`.
    public var column: Int
    /// True for a comment between the continuation lines of an instruction (BuildKit drops it).
    public var insideInstruction: Bool

    public init(text: String, line: Int, column: Int, insideInstruction: Bool) {
        self.text = text
        self.line = line
        self.column = column
        self.insideInstruction = insideInstruction
    }

    /// The `# bulwark:ignore …` pragma this comment holds, if any (its `instructionIndex` is set
    /// only in `Dockerfile.ignorePragmas`).
    public var ignorePragma: IgnorePragma? { IgnorePragma.parse(comment: text, line: line, column: column) }
}

/// `# bulwark:ignore rule-id[,rule-id…] reason`: silences the rules on the next instruction (or
/// on the instruction whose continuation lines contain it).
public struct IgnorePragma: Sendable, Hashable {
    public var ruleIds: [String]
    public var reason: String
    public var line: Int
    public var column: Int
    /// Index in `Dockerfile.instructions` of the instruction it applies to; nil when no
    /// instruction follows.
    public var instructionIndex: Int?

    public init(ruleIds: [String], reason: String, line: Int, column: Int, instructionIndex: Int? = nil) {
        self.ruleIds = ruleIds
        self.reason = reason
        self.line = line
        self.column = column
        self.instructionIndex = instructionIndex
    }

    /// True when the pragma names the rule (or `all`).
    public func covers(_ ruleId: String) -> Bool {
        ruleIds.contains { $0 == ruleId || $0 == "all" }
    }

    static let prefix = "bulwark:ignore"

    /// Parses the text of a comment (after `#`), nil when it is not a pragma.
    static func parse(comment text: String, line: Int, column: Int) -> IgnorePragma? {
        guard text.hasPrefix(prefix) else { return nil }
        let rest = text.dropFirst(prefix.count)
        guard rest.isEmpty || rest.first == " " || rest.first == "\t" else { return nil }
        let trimmed = rest.drop { $0 == " " || $0 == "\t" }
        let idsEnd = trimmed.firstIndex { $0 == " " || $0 == "\t" } ?? trimmed.endIndex
        let ids = trimmed[..<idsEnd].split(separator: ",").map(String.init).filter { !$0.isEmpty }
        let reason = trimmed[idsEnd...].trimmingSet(" \t")
        return IgnorePragma(ruleIds: ids, reason: reason, line: line, column: column)
    }
}

extension StringProtocol {
    /// Trims the given ASCII characters from both ends (Foundation-free).
    func trimmingSet(_ set: String) -> String {
        let characters = Set(set)
        var start = startIndex
        var end = endIndex
        while start < end, characters.contains(self[start]) { start = index(after: start) }
        while end > start, characters.contains(self[index(before: end)]) { end = index(before: end) }
        return String(self[start..<end])
    }
}
