import BulwarkCore

/// A problem at one position of a Dockerfile.
public struct DockerfileError: Sendable, Hashable, Error, CustomStringConvertible {
    public var line: Int
    public var column: Int
    public var message: String

    public init(line: Int, column: Int, message: String) {
        self.line = line
        self.column = column
        self.message = message
    }

    public init(at position: TextPosition, _ message: String) {
        self.init(line: position.line, column: position.column, message: message)
    }

    public var position: TextPosition { TextPosition(line: line, column: column) }

    public var description: String { "\(line):\(column): \(message)" }
}
