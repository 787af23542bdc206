import BulwarkCore

/// A build stage: a FROM and the instructions up to the next FROM.
public struct Stage: Sendable, Hashable {
    public var index: Int
    /// The `AS` name, lower-cased as BuildKit stores it; nil when none.
    public var name: String?
    public var nameRange: TextRange?
    /// The image word of FROM as written.
    public var baseName: Word
    /// The base image with global ARGs substituted (`python:${PY}-slim` → `python:3.12-slim`).
    public var baseImage: String
    /// Index of the earlier stage FROM names, when it names one.
    public var baseStage: Int?
    /// The parsed base image; nil when it is an earlier stage, or when variables are unresolved
    /// and the text is not a reference.
    public var baseReference: ImageReference?
    /// Variables in the FROM line that have no value (build arguments without defaults).
    public var unresolvedVariables: [String]
    /// `--platform`, expanded.
    public var platform: String?
    /// Indices in `Dockerfile.instructions`: the FROM, then the stage's instructions.
    public var instructionRange: Range<Int>
    /// ENV at the end of the stage, those inherited from an earlier stage included.
    public var environment: [String: String]
    /// ARGs declared in the stage with their values (nil: no default and no build argument).
    public var arguments: [String: String?]
    /// The shell of shell-form commands at the end of the stage.
    public var shell: [String]

    public init(
        index: Int, name: String? = nil, nameRange: TextRange? = nil, baseName: Word, baseImage: String, baseStage: Int? = nil,
        baseReference: ImageReference? = nil, unresolvedVariables: [String] = [], platform: String? = nil,
        instructionRange: Range<Int>, environment: [String: String] = [:], arguments: [String: String?] = [:],
        shell: [String] = Stage.defaultShell
    ) {
        self.index = index
        self.name = name
        self.nameRange = nameRange
        self.baseName = baseName
        self.baseImage = baseImage
        self.baseStage = baseStage
        self.baseReference = baseReference
        self.unresolvedVariables = unresolvedVariables
        self.platform = platform
        self.instructionRange = instructionRange
        self.environment = environment
        self.arguments = arguments
        self.shell = shell
    }

    public static let defaultShell = ["/bin/sh", "-c"]

    /// Index of the FROM instruction.
    public var fromIndex: Int { instructionRange.lowerBound }

    /// `FROM scratch`.
    public var isScratch: Bool { baseStage == nil && baseImage == "scratch" }

    /// The stage's name, or its index when it has none (how `COPY --from` can refer to it).
    public var displayName: String { name ?? String(index) }
}

extension Dockerfile {
    /// `stage` and the stages it is built FROM, nearest first (a cycle ends the walk).
    public func chain(from stage: Stage) -> [Stage] {
        var result = [stage]
        var seen: Set<Int> = [stage.index]
        var current = stage
        while let base = current.baseStage, stages.indices.contains(base), seen.insert(base).inserted {
            current = stages[base]
            result.append(current)
        }
        return result
    }
}
