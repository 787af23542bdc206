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
