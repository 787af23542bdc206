import BulwarkCore

/// A scalar the fixer writes.
enum NewScalar: Equatable, CustomStringConvertible {
    case bool(Bool)
    case int(Int)
    case string(String)

    var description: String {
        switch self {
        case .bool(let value): String(value)
        case .int(let value): String(value)
        case .string(let value): value
        }
    }
}

/// New content: a tree the fixer builds before it is rendered into the text.
enum PendingValue {
    case scalar(NewScalar)
    case map(PendingMap)
    case seq(PendingSeq)
}

/// A key of new content, with a comment line written above it.
final class PendingEntry {
    let key: String
    var value: PendingValue
    var comment: String?

    init(key: String, value: PendingValue, comment: String?) {
        self.key = key
        self.value = value
        self.comment = comment
    }
}

final class PendingMap {
    private(set) var entries: [PendingEntry] = []

    init(_ entries: [(String, PendingValue)] = []) {
        for (key, value) in entries { set(key, value) }
    }

    func entry(_ key: String) -> PendingEntry? { entries.first { $0.key == key } }

    @discardableResult
    func set(_ key: String, _ value: PendingValue, comment: String? = nil) -> PendingEntry {
        if let entry = entry(key) {
            entry.value = value
            if let comment { entry.comment = comment }
            return entry
        }
        let entry = PendingEntry(key: key, value: value, comment: comment)
        entries.append(entry)
        return entry
    }
}

final class PendingSeq {
    var items: [PendingValue]

    init(_ items: [PendingValue] = []) {
        self.items = items
    }
}

/// Where the fixer adds or changes keys: a mapping of the document, or a mapping it is adding.
enum MapRef {
    case node(YAMLNode)
    case pending(PendingMap)
}

/// A sequence of the document, or one the fixer is adding.
enum SeqRef {
    case node(YAMLNode)
    case pending(PendingSeq)
}
