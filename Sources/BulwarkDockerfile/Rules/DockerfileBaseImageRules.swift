import BulwarkCore

/// Where the image comes from: tags, digests, full and end-of-life bases, and stage references.
///
/// The rules live in `DockerfileBaseImage/DockerfileBaseImageRules+<Topic>.swift`, their helpers
/// next to them; this is the one list of them.
public enum DockerfileBaseImageRules {
    public static let all: [DockerfileRule] = [latest, notPinned, fullBase, endOfLife, copyFromUnknownStage]
}
