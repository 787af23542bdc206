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

/// The sources and destination of COPY and ADD.
public struct FileTransfer: Sendable, Hashable {
    /// Source paths, URLs or git references, in order (heredoc sources are in `heredocSources`).
    public var sources: [Word]
    /// The `<<EOF` sources: their bodies are in `Instruction.heredocs`.
    public var heredocSources: [Word]
    public var destination: Word?
    /// The JSON form (`COPY ["a b", "/dest/"]`).
    public var isJSONForm: Bool
    /// The stage `--from=` names, when it is an earlier stage (by name or index).
    public var fromStage: Int?

    public init(sources: [Word], heredocSources: [Word] = [], destination: Word?, isJSONForm: Bool, fromStage: Int? = nil) {
        self.sources = sources
        self.heredocSources = heredocSources
        self.destination = destination
        self.isJSONForm = isJSONForm
        self.fromStage = fromStage
    }
}

/// `EXPOSE port[/protocol]` or a range `8000-8010/udp`.
public struct PortSpec: Sendable, Hashable {
    public var word: Word

    public init(word: Word) { self.word = word }

    private var parts: (ports: Substring, proto: Substring?) {
        let text = Substring(word.resolved)
        if let slash = text.firstIndex(of: "/") { return (text[..<slash], text[text.index(after: slash)...]) }
        return (text, nil)
    }

    /// The first port, nil when not a number (e.g. an unresolved variable).
    public var port: Int? {
        let ports = parts.ports
        let first = ports.split(separator: "-", maxSplits: 1, omittingEmptySubsequences: false).first ?? ports
        return Int(first)
    }

    /// The last port of a range (equals `port` for a single port).
    public var endPort: Int? {
        let ports = parts.ports
        let pieces = ports.split(separator: "-", maxSplits: 1, omittingEmptySubsequences: false)
        return pieces.count == 2 ? Int(pieces[1]) : Int(ports)
    }

    /// `tcp` unless written otherwise (lower-cased).
    public var transport: String { parts.proto.map { $0.lowercased() } ?? "tcp" }

    /// True when every port is a number in 0…65535 and the protocol is tcp, udp or sctp.
    public var isValid: Bool {
        guard let port, let endPort, (0...65535).contains(port), (0...65535).contains(endPort), port <= endPort else { return false }
        return ["tcp", "udp", "sctp"].contains(transport)
    }
}

/// `USER user[:group]`
public struct UserSpec: Sendable, Hashable {
    public var word: Word

    public init(word: Word) { self.word = word }

    /// The user part (name or uid).
    public var user: String {
        let text = word.resolved
        return text.firstIndex(of: ":").map { String(text[..<$0]) } ?? text
    }

    /// The group part, nil when none is written.
    public var group: String? {
        let text = word.resolved
        return text.firstIndex(of: ":").map { String(text[text.index(after: $0)...]) }
    }

    /// True when the user is given as a uid (kubelet can then verify `runAsNonRoot`).
    public var isNumeric: Bool { !user.isEmpty && user.utf8.allSatisfy { $0 >= 48 && $0 <= 57 } }

    /// `root`, `0` (and `0:…`, `root:…`), or a uid that parses as 0 (`00`).
    public var isRoot: Bool { user == "root" || (isNumeric && Int(user) == 0) }
}

/// `HEALTHCHECK [--interval=…] CMD …` or `HEALTHCHECK NONE`.
public struct Healthcheck: Sendable, Hashable {
    /// `NONE`: disables a health check inherited from the base image.
    public var isNone: Bool
    /// The type word as written (`CMD`, `NONE`, or something invalid).
    public var type: Word?
    /// Durations in seconds; nil when not given (or invalid: an error is recorded).
    public var interval: Double?
    public var timeout: Double?
    public var startPeriod: Double?
    public var startInterval: Double?
    public var retries: Int?

    public init(
        isNone: Bool, type: Word?, interval: Double? = nil, timeout: Double? = nil, startPeriod: Double? = nil,
        startInterval: Double? = nil, retries: Int? = nil
    ) {
        self.isNone = isNone
        self.type = type
        self.interval = interval
        self.timeout = timeout
        self.startPeriod = startPeriod
        self.startInterval = startInterval
        self.retries = retries
    }
}
