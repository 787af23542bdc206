import BulwarkCore

/// One Dockerfile instruction, after continuation lines are joined and its heredocs read.
public struct Instruction: Sendable, Hashable {
    public var keyword: Keyword
    /// The keyword as written (`run`, `Run`, or an unknown word).
    public var rawKeyword: String
    public var keywordRange: TextRange
    /// The `--name[=value]` flags before the arguments, in order.
    public var flags: [Flag]
    /// The text after the keyword and flags (continuations joined), with its range.
    public var arguments: TextSpan
    /// The command of RUN, CMD, ENTRYPOINT, SHELL and `HEALTHCHECK CMD`: exec (JSON) or shell form.
    public var form: CommandForm?
    /// The heredocs (`<<EOF`) of RUN, COPY and ADD, in the order their bodies follow.
    public var heredocs: [Heredoc]
    /// What the arguments mean for this keyword (image and alias of FROM, pairs of ENV, …).
    public var details: InstructionDetails
    /// First line (the keyword's) and last line (the last continuation or heredoc terminator).
    public var startLine: Int
    public var endLine: Int
    /// Column of the keyword.
    public var column: Int
    /// The logical line as BuildKit sees it: continuation lines joined, comments inside removed.
    public var original: String
    /// The exact text of the file from the keyword to the end of `endLine`.
    public var sourceText: String
    /// UTF-8 offsets of `sourceText` in the file.
    public var byteRange: Range<Int>
    /// Index of the stage (in `Dockerfile.stages`) the instruction belongs to; nil before the first FROM.
    public var stageIndex: Int?
    /// The comments directly above the instruction (since the previous instruction).
    public var comments: [Comment]
    /// For shell-form commands, the shell that runs them (the stage's SHELL, `/bin/sh -c` by default).
    public var shell: [String]
    private var trigger: [Instruction]

    public init(
        keyword: Keyword, rawKeyword: String, keywordRange: TextRange, flags: [Flag] = [], arguments: TextSpan,
        form: CommandForm? = nil, heredocs: [Heredoc] = [], details: InstructionDetails = .none,
        startLine: Int, endLine: Int, column: Int, original: String, sourceText: String = "", byteRange: Range<Int> = 0..<0,
        stageIndex: Int? = nil, comments: [Comment] = [], shell: [String] = [], onbuildTrigger: Instruction? = nil
    ) {
        self.keyword = keyword
        self.rawKeyword = rawKeyword
        self.keywordRange = keywordRange
        self.flags = flags
        self.arguments = arguments
        self.form = form
        self.heredocs = heredocs
        self.details = details
        self.startLine = startLine
        self.endLine = endLine
        self.column = column
        self.original = original
        self.sourceText = sourceText
        self.byteRange = byteRange
        self.stageIndex = stageIndex
        self.comments = comments
        self.shell = shell
        self.trigger = onbuildTrigger.map { [$0] } ?? []
    }

    /// The parser's initializer (the trigger already wrapped).
    init(
        keyword: Keyword, rawKeyword: String, keywordRange: TextRange, flags: [Flag], arguments: TextSpan, form: CommandForm?,
        details: InstructionDetails, startLine: Int, endLine: Int, column: Int, original: String, trigger: [Instruction]
    ) {
        self.keyword = keyword
        self.rawKeyword = rawKeyword
        self.keywordRange = keywordRange
        self.flags = flags
        self.arguments = arguments
        self.form = form
        self.heredocs = []
        self.details = details
        self.startLine = startLine
        self.endLine = endLine
        self.column = column
        self.original = original
        self.sourceText = ""
        self.byteRange = 0..<0
        self.stageIndex = nil
        self.comments = []
        self.shell = []
        self.trigger = trigger
    }

    /// For ONBUILD, the instruction it registers as a trigger.
    public var onbuildTrigger: Instruction? {
        get { trigger.first }
        set { trigger = newValue.map { [$0] } ?? [] }
    }

    /// The position of the keyword.
    public var position: TextPosition { keywordRange.start }

    /// The flag with this name (the last one when repeated), nil when absent.
    public func flag(_ name: String) -> Flag? { flags.last { $0.name == name } }

    /// Every flag with this name (`--mount` and `--exclude` repeat).
    public func flags(named name: String) -> [Flag] { flags.filter { $0.name == name } }

    /// The `--mount` flags of RUN, parsed.
    public var mounts: [Mount] { flags.compactMap(\.mount) }

    /// The shell script of a shell-form command, nil for exec form.
    public var shellCommand: ShellCommand? {
        if case .shell(let command) = form { return command }
        return nil
    }

    /// The arguments of an exec-form command, nil for shell form.
    public var execArguments: [String]? {
        if case .exec(let words) = form { return words.map(\.value) }
        return nil
    }

    /// Every simple command the instruction runs through a shell: those of its shell-form command
    /// (with `sh -c` scripts expanded) and those of heredocs that a shell reads.
    public var shellCommands: [SimpleCommand] {
        var commands = shellCommand?.script.allCommands ?? []
        for heredoc in heredocs {
            if let script = heredoc.script { commands += script.allCommands }
        }
        return commands
    }

    // MARK: - Typed views of `details`

    public var from: FromDetails? {
        if case .from(let details) = details { return details }
        return nil
    }

    /// The pairs of ENV and LABEL.
    public var keyValues: [KeyValue] {
        if case .keyValues(let pairs) = details { return pairs }
        return []
    }

    public var argDeclarations: [ArgDeclaration] {
        if case .arg(let declarations) = details { return declarations }
        return []
    }

    public var fileTransfer: FileTransfer? {
        if case .files(let transfer) = details { return transfer }
        return nil
    }

    public var exposedPorts: [PortSpec] {
        if case .expose(let ports) = details { return ports }
        return []
    }

    public var volumes: [Word] {
        if case .volume(let paths) = details { return paths }
        return []
    }

    public var user: UserSpec? {
        if case .user(let user) = details { return user }
        return nil
    }

    public var healthcheck: Healthcheck? {
        if case .healthcheck(let check) = details { return check }
        return nil
    }

    /// The single argument of WORKDIR, MAINTAINER and STOPSIGNAL.
    public var textArgument: Word? {
        if case .text(let word) = details { return word }
        return nil
    }
}

/// The Dockerfile instructions; `unknown` for anything else (an error is recorded).
public enum Keyword: String, Sendable, Hashable, CaseIterable {
    case from = "FROM"
    case run = "RUN"
    case cmd = "CMD"
    case label = "LABEL"
    case maintainer = "MAINTAINER"
    case expose = "EXPOSE"
    case env = "ENV"
    case add = "ADD"
    case copy = "COPY"
    case entrypoint = "ENTRYPOINT"
    case volume = "VOLUME"
    case user = "USER"
    case workdir = "WORKDIR"
    case arg = "ARG"
    case onbuild = "ONBUILD"
    case stopsignal = "STOPSIGNAL"
    case healthcheck = "HEALTHCHECK"
    case shell = "SHELL"
    case unknown = ""

    /// Case-insensitive lookup, as BuildKit does.
    public init(word: String) {
        self = word.isEmpty ? .unknown : Keyword(rawValue: word.uppercased()) ?? .unknown
    }

    public static let known: [Keyword] = allCases.filter { $0 != .unknown }
}

/// A `--name=value` (or boolean `--name`) flag of an instruction.
public struct Flag: Sendable, Hashable {
    public var name: String
    /// The value with quotes removed; nil for a bare boolean flag (`--link`).
    public var value: String?
    /// The value with ARG/ENV variables substituted (FROM, COPY, ADD and RUN flags), when resolved.
    public var expandedValue: String?
    /// The flag as written, `--` included.
    public var raw: String
    public var range: TextRange
    /// The parsed `--mount` of RUN.
    public var mount: Mount?

    public init(name: String, value: String?, raw: String, range: TextRange, expandedValue: String? = nil, mount: Mount? = nil) {
        self.name = name
        self.value = value
        self.raw = raw
        self.range = range
        self.expandedValue = expandedValue
        self.mount = mount
    }

    /// The value to reason about: expanded when possible.
    public var resolvedValue: String? { expandedValue ?? value }

    /// For boolean flags: `--link` and `--link=true` are on, `--link=false` is off.
    public var isEnabled: Bool { value.map { $0.lowercased() != "false" } ?? true }
}

/// Exec form (`["python", "app.py"]`, run directly) or shell form (run by the stage's shell).
public enum CommandForm: Sendable, Hashable {
    case shell(ShellCommand)
    case exec([Word])

    public var isExec: Bool {
        if case .exec = self { return true }
        return false
    }
}

/// A here-document: `<<EOF` (expanded), `<<"EOF"`/`<<'EOF'` (not expanded), `<<-EOF` (leading tabs
/// stripped from the body and the terminator).
public struct Heredoc: Sendable, Hashable {
    public var delimiter: String
    /// True when the delimiter was quoted: the body is used as written, without expansion.
    public var quoted: Bool
    /// `<<-`: leading tabs are removed from each body line and from the terminator line.
    public var stripTabs: Bool
    /// The file descriptor written before `<<` (`3<<EOF`), nil when none.
    public var fileDescriptor: Int?
    /// The body as the build sees it (leading tabs stripped for `<<-`), each line with its newline.
    public var body: String
    /// Line of the `<<EOF` word.
    public var operatorRange: TextRange
    /// First body line (equals `endLine` for an empty body).
    public var startLine: Int
    /// The terminator line; for an unterminated heredoc, the last line of the file.
    public var endLine: Int
    public var isTerminated: Bool
    /// For RUN: the program that reads the body (`sh` for `RUN <<EOF`, `bash` for `RUN bash <<EOF`,
    /// `python3` for `RUN python3 <<PY` or a `#!/usr/bin/env python3` body, `cat` for
    /// `cat <<EOF > file`); nil for COPY and ADD, whose heredocs are file contents.
    public var interpreter: String?
    /// The body parsed as a shell script when a POSIX shell reads it.
    public var script: ShellScript?

    public init(
        delimiter: String, quoted: Bool, stripTabs: Bool, fileDescriptor: Int? = nil, body: String = "",
        operatorRange: TextRange, startLine: Int, endLine: Int, isTerminated: Bool = true,
        interpreter: String? = nil, script: ShellScript? = nil
    ) {
        self.delimiter = delimiter
        self.quoted = quoted
        self.stripTabs = stripTabs
        self.fileDescriptor = fileDescriptor
        self.body = body
        self.operatorRange = operatorRange
        self.startLine = startLine
        self.endLine = endLine
        self.isTerminated = isTerminated
        self.interpreter = interpreter
        self.script = script
    }
}

/// A word of an instruction's arguments.
public struct Word: Sendable, Hashable {
    /// The text as written (quotes and escapes kept).
    public var raw: String
    /// Quotes removed and escapes applied; `$VAR` references left as written.
    public var value: String
    /// With ARG and ENV values substituted, for the instructions BuildKit expands (FROM, ENV,
    /// LABEL, ARG, COPY, ADD, WORKDIR, USER, EXPOSE, VOLUME, STOPSIGNAL); nil for the others.
    public var expanded: String?
    /// Variables the expansion could not resolve (build arguments without a default).
    public var unresolvedVariables: [String]
    public var range: TextRange
    /// True for an element of a JSON array (`raw` is the JSON string literal).
    public var isJSON: Bool

    public init(raw: String, value: String, range: TextRange, expanded: String? = nil, unresolvedVariables: [String] = [], isJSON: Bool = false) {
        self.raw = raw
        self.value = value
        self.range = range
        self.expanded = expanded
        self.unresolvedVariables = unresolvedVariables
        self.isJSON = isJSON
    }

    /// The text to reason about: expanded when the instruction is expanded, else the value.
    public var resolved: String { expanded ?? value }

    /// True when the word names a variable the parser could not resolve.
    public var isResolved: Bool { unresolvedVariables.isEmpty }
}
