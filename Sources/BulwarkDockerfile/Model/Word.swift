import BulwarkCore

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
