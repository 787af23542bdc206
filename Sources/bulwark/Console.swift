import ArgumentParser
import BulwarkCore
#if canImport(Glibc)
import Glibc
#endif

/// Where a command's output goes: a destination that reports its write errors when committed.
protocol OutputSink: Sendable {
    @Sendable func write(_ bytes: [UInt8])
    func commit() throws(OutputError)
}

extension OutputFile: OutputSink {}

/// Standard output and standard error of a command: the process's, or buffers when a test runs a
/// command in-process (`Console.$current.withValue(…)`). Every message from the input is shown
/// through `TerminalText`, so names cannot drive the terminal.
final class Console: Sendable {
    @TaskLocal static var current = Console(output: OutputFile.standardOutput(), errors: OutputFile.standardError(),
                                            isTerminal: isatty(1) == 1)

    let output: any OutputSink
    let errors: any OutputSink
    /// Whether standard output is a terminal (colour in tables).
    let isTerminal: Bool

    init(output: any OutputSink, errors: any OutputSink, isTerminal: Bool) {
        self.output = output
        self.errors = errors
        self.isTerminal = isTerminal
    }

    /// `bulwark: text` on standard error, sanitised.
    func error(_ text: String) {
        errors.write(Array(("bulwark: " + TerminalText.sanitized(text) + "\n").utf8))
    }

    /// A usage message of the argument parser (several lines of our own text around the user's
    /// arguments): each line sanitised, the line breaks kept.
    func usage(_ text: String) {
        errors.write(Array(("bulwark: " + TerminalText.sanitizedLines(text) + "\n").utf8))
    }

    /// `bulwark: warning: text` on standard error, sanitised.
    func warning(_ text: String) {
        error("warning: " + text)
    }

    /// The destination of a result: `path` (atomically, see `OutputFile`), or standard output when
    /// it is nil or `-`. A destination that cannot be opened is an error (exit 2).
    func destination(_ path: String?) throws -> any OutputSink {
        guard let path, path != "-" else { return output }
        do {
            return try OutputFile.create(path)
        } catch {
            self.error("\(error)")
            throw ExitCode(2)
        }
    }

    /// Writes `bytes` to `path` (or standard output) and checks every write: exit 2 on failure.
    func emit(_ bytes: [UInt8], to path: String? = nil) throws {
        let sink = try destination(path)
        sink.write(bytes)
        try commit(sink)
    }

    func emit(_ text: String, to path: String? = nil) throws {
        try emit(Array(text.utf8), to: path)
    }

    /// Commits a destination; a failed write is an error (exit 2).
    func commit(_ sink: any OutputSink) throws {
        do {
            try sink.commit()
        } catch {
            self.error("\(error)")
            throw ExitCode(2)
        }
    }
}
