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
        /// Variable substitution may make one word at most this many bytes longer
        /// (`ENV V1=${V0}${V0}` repeated doubles a value each line).
        public var maxExpandedWordBytes: Int
        /// The words of a file may grow through substitution by at most
        /// `max(expansionByteFloor, expansionByteFactor × file size)` bytes together.
        public var expansionByteFloor: Int
        public var expansionByteFactor: Int
        /// Comparisons the file's pattern substitutions (`${V#pat}`, `${V/pat/repl}` …) may make together;
        /// one operation makes at most a million.
        public var maxPatternSteps: Int
        /// ENV variables the stages built FROM earlier stages may inherit, in total.
        public var maxInheritedEnvironmentEntries: Int

        public init(buildArgs: [String: String] = [:], maxErrors: Int = 1000, maxExpandedWordBytes: Int = 1 << 20,
                    expansionByteFloor: Int = 4 << 20, expansionByteFactor: Int = 10, maxPatternSteps: Int = 16_000_000,
                    maxInheritedEnvironmentEntries: Int = 1 << 20) {
            self.buildArgs = buildArgs
            self.maxErrors = maxErrors
            self.maxExpandedWordBytes = maxExpandedWordBytes
            self.expansionByteFloor = expansionByteFloor
            self.expansionByteFactor = expansionByteFactor
            self.maxPatternSteps = maxPatternSteps
            self.maxInheritedEnvironmentEntries = maxInheritedEnvironmentEntries
        }

        /// The expansion budget of a file of `fileSize` bytes.
        public func expansionBudget(forFileOf fileSize: Int) -> Int {
            let (scaled, overflow) = expansionByteFactor.multipliedReportingOverflow(by: max(fileSize, 0))
            return max(expansionByteFloor, overflow ? .max : scaled)
        }
    }

    public static func parse(text: String, file: String, options: Options = Options()) -> Dockerfile {
        parse(bytes: Array(text.utf8), file: file, options: options)
    }

    /// Parses raw bytes (invalid UTF-8 is read as U+FFFD). BuildKit reads Dockerfiles as UTF-8
    /// only: UTF-16 and UTF-32 text (with a byte-order mark) is one error saying so.
    public static func parse(bytes: [UInt8], file: String, options: Options = Options()) -> Dockerfile {
        switch TextEncoding.detect(bytes) {
        case .utf16, .utf32:
            let encoding = TextEncoding.detect(bytes)
            return Dockerfile(file: file, errors: [DockerfileError(
                line: 1, column: 1, message: "\(encoding) text: BuildKit reads Dockerfiles as UTF-8 only; save the file as UTF-8")])
        case .utf8, .binary:
            break
        }
        var run = ParseRun(bytes: bytes, file: file, options: options)
        return run.run()
    }
}
