extension SimpleCommand {
    /// The command as written: assignments, words and redirections, separated by single spaces.
    func description(raw: Bool) -> String {
        let parts = assignments.map { $0.name + ($0.isAppend ? "+=" : "=") + $0.value.raw } + words.map(\.raw)
            + redirections.map { ($0.fileDescriptor.map(String.init) ?? "") + $0.op + ($0.target?.raw ?? "") }
        return parts.joined(separator: " ")
    }
}
