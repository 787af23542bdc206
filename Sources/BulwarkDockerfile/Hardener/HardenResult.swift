import BulwarkCore

/// The outcome of `DockerfileHardener.harden`: the rewritten Dockerfile and what was done.
public struct HardenResult: Sendable, Hashable {
    /// The Dockerfile as it was given.
    public var original: String
    /// The hardened Dockerfile; equal to `original` when nothing needed to change (or the input
    /// has syntax errors).
    public var text: String
    /// What was changed, one human-readable sentence each, in the order the steps made them.
    public var changes: [String]
    /// What could not be done automatically and needs a person (a health check that could not
    /// be written, build steps whose output may be lost, …).
    public var warnings: [String]
    /// Why nothing could be rewritten: the syntax errors of the input, an invalid option
    /// (`HardenOptions.problems`, at line 0), or syntax errors of the rewrite itself (line 0; a
    /// bug to report). When there are any, `text` is `original` and must not be written out.
    public var errors: [DockerfileError]
    /// A `.dockerignore` to add when the Dockerfile copies the whole build context and the
    /// context has none (or one that lets secrets and VCS data in); nil when not needed.
    public var recommendedDockerignore: String?

    public init(
        original: String, text: String, changes: [String] = [], warnings: [String] = [], errors: [DockerfileError] = [],
        recommendedDockerignore: String? = nil
    ) {
        self.original = original
        self.text = text
        self.changes = changes
        self.warnings = warnings
        self.errors = errors
        self.recommendedDockerignore = recommendedDockerignore
    }

    /// True when `text` differs from `original`.
    public var isChanged: Bool { text != original }

    /// The change as a unified diff (`diff -u` format, three lines of context); empty when
    /// nothing changed.
    public func unifiedDiff(oldLabel: String, newLabel: String) -> String {
        LineDiff.unified(old: original, new: text, oldLabel: oldLabel, newLabel: newLabel)
    }
}
