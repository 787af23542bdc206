import BulwarkCore

/// A half-open span of source text: `start` is its first character, `end` the position just after
/// its last one. Lines and columns are 1-based; columns count Unicode scalars.
public struct TextRange: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var start: TextPosition
    public var end: TextPosition

    public init(start: TextPosition, end: TextPosition) {
        self.start = start
        self.end = end
    }

    /// An empty range at one position.
    public init(at position: TextPosition) {
        self.init(start: position, end: position)
    }

    public static func < (lhs: TextRange, rhs: TextRange) -> Bool {
        (lhs.start, lhs.end) < (rhs.start, rhs.end)
    }

    public func contains(_ position: TextPosition) -> Bool { start <= position && position < end }

    public var description: String { "\(start.line):\(start.column)-\(end.line):\(end.column)" }
}

/// A piece of text with the range it came from.
public struct TextSpan: Sendable, Hashable {
    public var text: String
    public var range: TextRange

    public init(text: String, range: TextRange) {
        self.text = text
        self.range = range
    }
}
