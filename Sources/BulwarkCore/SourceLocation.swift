/// A position in an input file: a 1-based line and column in a text, or for a binary input (a
/// model file) the byte offset, inside an archive member when there is one; line and column are 0
/// then.
public struct SourceLocation: Codable, Sendable, Hashable, Comparable {
    public var file: String
    public var line: Int
    public var column: Int
    /// The member of an archive (`archive/data.pkl` in a PyTorch checkpoint) the offset is in.
    public var member: String?
    /// The byte offset in the file, or in `member`.
    public var offset: Int?

    public init(file: String, line: Int, column: Int) {
        self.file = file
        self.line = line
        self.column = column
    }

    /// A position in a binary input.
    public init(file: String, member: String?, offset: Int) {
        self.file = file
        line = 0
        column = 0
        self.member = member
        self.offset = offset
    }

    public static func < (lhs: SourceLocation, rhs: SourceLocation) -> Bool {
        (lhs.file, lhs.line, lhs.column, lhs.member ?? "", lhs.offset ?? 0) < (rhs.file, rhs.line, rhs.column, rhs.member ?? "", rhs.offset ?? 0)
    }

    /// `12:5` in a text; `archive/data.pkl@1042` (or `@1042`) in a binary input; the member alone
    /// for a place without lines or offsets (an image's `config`, `sha256:…:etc/shadow`).
    public var position: String {
        guard let offset else { return line == 0 && member != nil ? member ?? "" : "\(line):\(column)" }
        return (member ?? "") + "@\(offset)"
    }

    /// `deploy.yaml:12:5`; `model.pt!archive/data.pkl@1042` for a binary input.
    public var description: String {
        guard offset != nil else { return line == 0 && member != nil ? file + "!" + (member ?? "") : "\(file):\(line):\(column)" }
        return file + (member.map { "!" + $0 } ?? "") + "@\(offset ?? 0)"
    }
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
