/// A level with a version, e.g. `restricted:v1.35`.
public struct PSSLevelVersion: Sendable, Hashable, CustomStringConvertible {
    public var level: PSSLevel
    public var version: PSSVersion

    public init(_ level: PSSLevel, _ version: PSSVersion = .latest) {
        self.level = level
        self.version = version
    }

    public static let privileged = PSSLevelVersion(.privileged)

    public var description: String { "\(level):\(version)" }
}
