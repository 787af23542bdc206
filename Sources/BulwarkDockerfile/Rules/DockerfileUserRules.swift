import BulwarkCore

/// Who the container runs as and what it may change: the final USER, sudo, world-writable modes.
///
/// The rules live in `DockerfileUser/DockerfileUserRules+<Topic>.swift`, their helpers next to
/// them; this is the one list of them.
public enum DockerfileUserRules {
    public static let all: [DockerfileRule] = [rootUser, userNotNumeric, sudo, chmodWorldWritable]
}
