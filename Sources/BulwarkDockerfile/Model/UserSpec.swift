/// `USER user[:group]`
public struct UserSpec: Sendable, Hashable {
    public var word: Word

    public init(word: Word) { self.word = word }

    /// The user part (name or uid).
    public var user: String {
        let text = word.resolved
        return text.firstIndex(of: ":").map { String(text[..<$0]) } ?? text
    }

    /// The group part, nil when none is written.
    public var group: String? {
        let text = word.resolved
        return text.firstIndex(of: ":").map { String(text[text.index(after: $0)...]) }
    }

    /// True when the user is given as a uid (kubelet can then verify `runAsNonRoot`).
    public var isNumeric: Bool { !user.isEmpty && user.utf8.allSatisfy { $0 >= 48 && $0 <= 57 } }

    /// `root`, `0` (and `0:…`, `root:…`), or a uid that parses as 0 (`00`).
    public var isRoot: Bool { user == "root" || (isNumeric && Int(user) == 0) }
}
