import BulwarkCore

/// One thing the fixer did, or a reason to look at the result.
public struct ManifestFixNote: Sendable, Hashable, CustomStringConvertible {
    public enum Kind: String, Sendable {
        /// A change written into the file.
        case change
        /// Something left as it was (it would change what the workload does) or still failing.
        case warning
    }

    public let kind: Kind
    public let file: String
    /// 1-based line in the original file.
    public let line: Int
    public let message: String

    public init(kind: Kind, file: String, line: Int, message: String) {
        self.kind = kind
        self.file = file
        self.line = line
        self.message = message
    }

    public var description: String { "\(file):\(line): \(message)" }
}

/// The hardened text of one file.
public struct ManifestFixResult: Sendable {
    public let file: String
    public let original: String
    /// The rewritten text; equal to `original` when nothing changed or the file could not be read.
    public let fixed: String
    public let changes: [ManifestFixNote]
    public let warnings: [ManifestFixNote]
    /// Syntax errors and other reasons the file was left unchanged, or (with `isPartial`) why
    /// some of its documents were.
    public let errors: [InputError]
    /// True when `errors` name documents that were left unchanged while the file's other
    /// documents were fixed: `fixed` is worth writing although there are errors.
    public internal(set) var isPartial = false

    public init(file: String, original: String, fixed: String, changes: [ManifestFixNote], warnings: [ManifestFixNote], errors: [InputError]) {
        self.file = file
        self.original = original
        self.fixed = fixed
        self.changes = changes
        self.warnings = warnings
        self.errors = errors
    }

    public var isChanged: Bool { fixed != original }

    /// Whether `fixed` is worth writing or showing: the file was read, and either nothing went
    /// wrong or only some of its documents were left unchanged (`isPartial`).
    public var isUsable: Bool { errors.isEmpty || isPartial }
}
