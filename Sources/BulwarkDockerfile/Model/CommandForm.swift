import BulwarkCore

/// Exec form (`["python", "app.py"]`, run directly) or shell form (run by the stage's shell).
public enum CommandForm: Sendable, Hashable {
    case shell(ShellCommand)
    case exec([Word])

    public var isExec: Bool {
        if case .exec = self { return true }
        return false
    }
}
