import BulwarkCore

/// Parses Dockerfiles as BuildKit reads them (`frontend/dockerfile/parser` and `instructions`):
/// parser directives, continuation lines with the active escape character, comments inside
/// continuations, heredocs, exec and shell forms, every instruction and flag, then stages with
/// ARG/ENV expansion. One pass over the bytes, no regular expressions.
///
/// `parse` never throws and never traps: what BuildKit would reject becomes a `DockerfileError`
/// with a line and column, and parsing goes on with the next instruction.
public enum DockerfileParser {
    public struct Options: Sendable {
        /// `--build-arg` values: they override ARG defaults.
        public var buildArgs: [String: String]
        /// At most this many errors are kept (binary input would otherwise produce one per line).
        public var maxErrors: Int

        public init(buildArgs: [String: String] = [:], maxErrors: Int = 1000) {
            self.buildArgs = buildArgs
            self.maxErrors = maxErrors
        }
    }

    public static func parse(text: String, file: String, options: Options = Options()) -> Dockerfile {
        parse(bytes: Array(text.utf8), file: file, options: options)
    }

    /// Parses raw bytes (invalid UTF-8 is read as U+FFFD).
    public static func parse(bytes: [UInt8], file: String, options: Options = Options()) -> Dockerfile {
        var run = ParseRun(bytes: bytes, file: file, options: options)
        return run.run()
    }
}
