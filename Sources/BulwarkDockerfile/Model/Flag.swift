import BulwarkCore

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
