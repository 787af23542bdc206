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

    /// The parser's initializer (the trigger already wrapped; at most one).
    init(
        keyword: Keyword, rawKeyword: String, keywordRange: TextRange, flags: [Flag], arguments: TextSpan, form: CommandForm?,
        details: InstructionDetails, startLine: Int, endLine: Int, column: Int, original: String, trigger: [Instruction]
    ) {
        self.init(keyword: keyword, rawKeyword: rawKeyword, keywordRange: keywordRange, flags: flags, arguments: arguments, form: form,
                  details: details, startLine: startLine, endLine: endLine, column: column, original: original,
                  onbuildTrigger: trigger.first)
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

    public var from: FromDetails? { if case .from(let value) = details { value } else { nil } }

    /// The pairs of ENV and LABEL.
    public var keyValues: [KeyValue] { if case .keyValues(let value) = details { value } else { [] } }

    public var argDeclarations: [ArgDeclaration] { if case .arg(let value) = details { value } else { [] } }

    public var fileTransfer: FileTransfer? { if case .files(let value) = details { value } else { nil } }

    public var exposedPorts: [PortSpec] { if case .expose(let value) = details { value } else { [] } }

    public var volumes: [Word] { if case .volume(let value) = details { value } else { [] } }

    public var user: UserSpec? { if case .user(let value) = details { value } else { nil } }

    public var healthcheck: Healthcheck? { if case .healthcheck(let value) = details { value } else { nil } }

    /// The single argument of WORKDIR, MAINTAINER and STOPSIGNAL.
    public var textArgument: Word? { if case .text(let value) = details { value } else { nil } }
}
