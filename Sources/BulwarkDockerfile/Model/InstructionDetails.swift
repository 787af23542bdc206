import BulwarkCore

/// What an instruction's arguments mean, per keyword.
public enum InstructionDetails: Sendable, Hashable {
    /// RUN, CMD, ENTRYPOINT, SHELL (see `Instruction.form`), ONBUILD (see `onbuildTrigger`), unknown
    /// instructions and instructions whose arguments could not be parsed.
    case none
    case from(FromDetails)
    /// ENV and LABEL.
    case keyValues([KeyValue])
    case arg([ArgDeclaration])
    /// COPY and ADD.
    case files(FileTransfer)
    case expose([PortSpec])
    case volume([Word])
    case user(UserSpec)
    /// WORKDIR, MAINTAINER, STOPSIGNAL: the whole argument text as one word.
    case text(Word)
    case healthcheck(Healthcheck)
}

/// `FROM [--platform=…] image [AS name]`
public struct FromDetails: Sendable, Hashable {
    public var image: Word
    /// The `AS` name as written (stage names are compared lower-cased).
    public var alias: Word?

    public init(image: Word, alias: Word? = nil) {
        self.image = image
        self.alias = alias
    }
}

/// One `key=value` pair of ENV or LABEL (or the legacy `ENV key value` form).
public struct KeyValue: Sendable, Hashable {
    public var key: Word
    public var value: Word
    /// `ENV key value` (one pair, the value is the rest of the line).
    public var isLegacyForm: Bool

    public init(key: Word, value: Word, isLegacyForm: Bool = false) {
        self.key = key
        self.value = value
        self.isLegacyForm = isLegacyForm
    }

    public var range: TextRange { TextRange(start: key.range.start, end: value.range.end) }
}

/// `ARG name[=default]`
public struct ArgDeclaration: Sendable, Hashable {
    public var name: Word
    public var defaultValue: Word?

    public init(name: Word, defaultValue: Word? = nil) {
        self.name = name
        self.defaultValue = defaultValue
    }
}
