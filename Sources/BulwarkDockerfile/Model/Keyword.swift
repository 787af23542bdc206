import BulwarkCore

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
