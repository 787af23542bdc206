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
