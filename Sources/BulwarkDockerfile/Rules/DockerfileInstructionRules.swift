import BulwarkCore

/// How the image is declared: health checks, entrypoint form, working directories, repeated or
/// deprecated instructions, pipes, ADD of local files and SSH servers.
///
/// The rules live in `DockerfileInstruction/DockerfileInstructionRules+<Topic>.swift`, their
/// helpers next to them; this is the one list of them.
public enum DockerfileInstructionRules {
    public static let all: [DockerfileRule] = [
        noHealthcheck, shellFormEntrypoint, workdirRelative, runCd, maintainer, repeatedInstruction, pipefailMissing, addLocalFile, sshServer,
    ]
}
