/// A 1-based position in an input file.
public struct SourceLocation: Codable, Sendable, Hashable, Comparable {
    public var file: String
    public var line: Int
    public var column: Int

    public init(file: String, line: Int, column: Int) {
        self.file = file
        self.line = line
        self.column = column
    }

    public static func < (lhs: SourceLocation, rhs: SourceLocation) -> Bool {
        (lhs.file, lhs.line, lhs.column) < (rhs.file, rhs.line, rhs.column)
    }

    public var description: String { "\(file):\(line):\(column)" }
}

/// A position inside one text (without the file name), as YAML marks carry it.
public struct TextPosition: Sendable, Hashable, Comparable {
    public var line: Int
    public var column: Int

    public init(line: Int, column: Int) {
        self.line = line
        self.column = column
    }

    public static func < (lhs: TextPosition, rhs: TextPosition) -> Bool {
        (lhs.line, lhs.column) < (rhs.line, rhs.column)
    }

    public func located(in file: String) -> SourceLocation {
        SourceLocation(file: file, line: line, column: column)
    }
}

/// A problem at a 1-based position in one text (without the file name): what the YAML reader and
/// the text decoder report, and an `InputError` once the file is known.
public struct TextError: Error, Sendable, Hashable, CustomStringConvertible {
    public let line: Int
    public let column: Int
    public let message: String

    public init(line: Int, column: Int, message: String) {
        self.line = line
        self.column = column
        self.message = message
    }

    public var description: String { "\(line):\(column): \(message)" }

    public func located(in file: String) -> InputError {
        InputError(file: file, line: line, column: column, message: message)
    }
}
