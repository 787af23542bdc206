import BulwarkCore

/// A parsed Dockerfile with what every rule needs computed once: the commands each instruction
/// runs (shell form, `sh -c` scripts, shell heredocs and exec form alike), the environment in
/// effect at each instruction, which stages end up in the image, and the build context's
/// `.dockerignore`. Immutable; rules read it through `InstructionView` and `StageView`.
public final class DockerfileAnalysis: Sendable {
    public let dockerfile: Dockerfile
    public let context: DockerfileScanContext
    /// The day time-dependent rules judge by (`dockerfile/base-image-eol`: a release is end of
    /// life when its date is on or before this day). Rules read it here and never the clock.
    public let evaluationDate: CalendarDate
    /// The parsed `.dockerignore` of the context, nil when the build context has none.
    public let dockerignore: Dockerignore?
    /// Stages whose layers make up the image `docker build` produces (no `--target`): the final
    /// stage and the stages it is built `FROM`, transitively. Files copied with `COPY --from` are
    /// shipped, but the packages and caches of the stage they come from are not.
    public let shippedStages: Set<Int>
    /// Stages whose files can reach the image: the shipped stages, and the stages they copy from
    /// (`COPY --from`, `RUN --mount=from=`), transitively, with the stages those are built FROM.
    /// A stage outside this set is a builder whose files never reach the image.
    public let contributingStages: Set<Int>
    /// For each stage, the stage at the root of its `FROM` chain (itself when it starts from an image).
    let rootStages: [Int]
    let commandsByInstruction: [[SimpleCommand]]
    /// For each instruction, its stage's ENV table and how many of its assignments it sees.
    let environments: [(table: Int, visible: Int)]
    let environmentTables: [InstructionEnvironment.StageTable]

    /// `evaluationDate` defaults to the context's (today unless `--as-of` pinned it); pass a fixed
    /// day for results that do not change with the calendar.
    public init(_ dockerfile: Dockerfile, context: DockerfileScanContext = DockerfileScanContext(), evaluationDate: CalendarDate? = nil) {
        self.dockerfile = dockerfile
        self.context = context
        self.evaluationDate = evaluationDate ?? context.evaluationDate
        self.dockerignore = context.dockerignore.map(Dockerignore.init(contents:))

        var roots: [Int] = []
        for stage in dockerfile.stages {
            if let base = stage.baseStage, base < roots.count { roots.append(roots[base]) } else { roots.append(stage.index) }
        }
        rootStages = roots
        var shipped: Set<Int> = []
        var cursor = dockerfile.stages.last?.index
        while let index = cursor, dockerfile.stages.indices.contains(index), shipped.insert(index).inserted {
            cursor = dockerfile.stages[index].baseStage
        }
        shippedStages = shipped
        contributingStages = Self.contributing(dockerfile, from: shipped)

        var commands: [[SimpleCommand]] = []
        var environments: [(table: Int, visible: Int)] = []
        var tables: [InstructionEnvironment.StageTable] = []
        commands.reserveCapacity(dockerfile.instructions.count)
        environments.reserveCapacity(dockerfile.instructions.count)
        // Before the first FROM: an empty table.
        var environment = InstructionEnvironment.Builder(inherited: [:])
        for instruction in dockerfile.instructions {
            if instruction.keyword == .from, let stageIndex = instruction.stageIndex, dockerfile.stages.indices.contains(stageIndex) {
                tables.append(environment.build())
                let base = dockerfile.stages[stageIndex].baseStage
                environment = InstructionEnvironment.Builder(
                    inherited: base.flatMap { dockerfile.stages.indices.contains($0) ? dockerfile.stages[$0].environment : nil } ?? [:])
            }
            environments.append((tables.count, environment.ordinal))
            if instruction.keyword == .env {
                for pair in instruction.keyValues {
                    // As the resolver does: a value left unexpanded at a limit is unset.
                    let known = pair.key.expanded != nil && pair.value.expanded != nil
                    environment.set(pair.key.resolved, known ? pair.value.resolved : nil)
                }
            }
            switch instruction.keyword {
            case .run, .cmd, .entrypoint, .healthcheck: commands.append(CommandExtraction.commands(of: instruction))
            default: commands.append([])
            }
        }
        tables.append(environment.build())
        commandsByInstruction = commands
        self.environments = environments
        environmentTables = tables
    }

    /// `shipped` and every stage their instructions copy or mount from, transitively (bounded by
    /// the number of stages: each is visited once).
    static func contributing(_ dockerfile: Dockerfile, from shipped: Set<Int>) -> Set<Int> {
        var result = shipped
        var queue = Array(shipped)
        while let index = queue.popLast() {
            guard dockerfile.stages.indices.contains(index) else { continue }
            let stage = dockerfile.stages[index]
            var sources: [Int] = stage.baseStage.map { [$0] } ?? []
            for instruction in dockerfile.instructions(of: stage) {
                if let from = instruction.fileTransfer?.fromStage { sources.append(from) }
                for mount in instruction.mounts {
                    if let from = mount.from, let source = dockerfile.stage(reference: from), source.index < index { sources.append(source.index) }
                }
            }
            for source in sources where dockerfile.stages.indices.contains(source) && result.insert(source).inserted {
                queue.append(source)
            }
        }
        return result
    }

    public var stages: [StageView] { dockerfile.stages.indices.map { StageView(analysis: self, index: $0) } }

    /// The stage `docker build` produces without `--target`.
    public var finalStage: StageView? { dockerfile.stages.isEmpty ? nil : StageView(analysis: self, index: dockerfile.stages.count - 1) }

    public func instruction(at index: Int) -> InstructionView { InstructionView(analysis: self, index: index) }

    public func stage(at index: Int) -> StageView { StageView(analysis: self, index: index) }
}

/// One build stage of an analysed Dockerfile.
public struct StageView: Sendable {
    public let analysis: DockerfileAnalysis
    public let index: Int

    public var stage: Stage { analysis.dockerfile.stages[index] }

    /// The last stage: what `docker build` produces without `--target`.
    public var isFinal: Bool { index == analysis.dockerfile.stages.count - 1 }

    /// The stage's layers are part of the final image (see `DockerfileAnalysis.shippedStages`).
    public var isShipped: Bool { analysis.shippedStages.contains(index) }

    /// Index of the FROM instruction.
    public var fromIndex: Int { stage.fromIndex }

    public var from: InstructionView { analysis.instruction(at: stage.fromIndex) }

    /// The indices of the stage's instructions in `Dockerfile.instructions`, its FROM first.
    public var instructionIndices: Range<Int> { stage.instructionRange.clamped(to: analysis.dockerfile.instructions.indices) }

    public var instructions: [InstructionView] { instructionIndices.map { analysis.instruction(at: $0) } }

    /// True when the stage starts from an image (not from an earlier stage).
    public var startsFromImage: Bool { stage.baseStage == nil }

    /// The image the stage starts from; nil when it starts from an earlier stage or the FROM
    /// line holds a variable without a value.
    public var baseImage: ImageReference? {
        guard stage.baseStage == nil, stage.unresolvedVariables.isEmpty else { return nil }
        return stage.baseReference
    }

    /// The image at the root of the stage's `FROM` chain (`FROM base` → base's image).
    public var rootImage: ImageReference? { analysis.stage(at: analysis.rootStages[index]).baseImage }

    /// The stages whose layers this stage is built on, root first, this stage last.
    public var chain: [StageView] {
        var result: [StageView] = []
        var cursor: Int? = index
        var seen: Set<Int> = []
        while let current = cursor, analysis.dockerfile.stages.indices.contains(current), seen.insert(current).inserted {
            result.append(analysis.stage(at: current))
            cursor = analysis.dockerfile.stages[current].baseStage
        }
        return result.reversed()
    }

    /// The instructions of the chain (root stage first) that take effect in this stage's image.
    public var effectiveInstructions: [InstructionView] { chain.flatMap(\.instructions) }

    /// `stage "builder"`, or `stage 0 (python:3.12)` for a stage without a name.
    public var label: String {
        if let name = stage.name { return "stage \"\(name)\"" }
        let image = stage.baseImage.isEmpty ? stage.baseName.value : stage.baseImage
        return "stage \(index) (\(image))"
    }

    /// Position of the FROM keyword.
    public var position: TextPosition { from.instruction.position }

    /// Position of the image word of FROM (the keyword when it is missing).
    public var imagePosition: TextPosition { from.instruction.from?.image.range.start ?? position }

    public func violation(_ message: String, at position: TextPosition? = nil, severity: Severity? = nil) -> DockerfileViolation {
        DockerfileViolation(message, at: position ?? self.position, instruction: fromIndex, severity: severity)
    }
}

/// One instruction of an analysed Dockerfile, with its stage and the commands it runs.
public struct InstructionView: Sendable {
    public let analysis: DockerfileAnalysis
    public let index: Int
    public let instruction: Instruction

    init(analysis: DockerfileAnalysis, index: Int) {
        self.analysis = analysis
        self.index = index
        self.instruction = analysis.dockerfile.instructions[index]
    }

    public var keyword: Keyword { instruction.keyword }

    /// The stage the instruction belongs to; nil for ARGs before the first FROM.
    public var stage: StageView? {
        guard let stageIndex = instruction.stageIndex, analysis.dockerfile.stages.indices.contains(stageIndex) else { return nil }
        return analysis.stage(at: stageIndex)
    }

    /// True when the instruction's layer or setting is part of the final image.
    public var isShipped: Bool { stage?.isShipped ?? false }

    /// The simple commands of RUN, CMD, ENTRYPOINT and HEALTHCHECK: those of the shell form (with
    /// `sh -c` scripts expanded), of heredocs a shell reads, and the exec form as one command
    /// (plus its `sh -c` script). Empty for other instructions.
    public var commands: [SimpleCommand] { analysis.commandsByInstruction[index] }

    /// The environment (ENV) in effect when the instruction runs, inherited stages included.
    public var environment: InstructionEnvironment {
        let (table, visible) = analysis.environments[index]
        return InstructionEnvironment(table: analysis.environmentTables[table], visible: visible)
    }

    /// `RUN in stage "builder"`, `ARG before the first FROM`.
    public var subject: String {
        let keyword = instruction.keyword == .unknown ? instruction.rawKeyword.uppercased() : instruction.keyword.rawValue
        guard let stage else { return "\(keyword) before the first FROM" }
        return "\(keyword) in \(stage.label)"
    }

    /// The `--mount=type=cache` targets of a RUN.
    public var cacheMountTargets: [String] {
        instruction.mounts.filter { $0.type == .cache }.compactMap(\.target)
    }

    public func violation(_ message: String, at position: TextPosition? = nil, severity: Severity? = nil) -> DockerfileViolation {
        DockerfileViolation(message, at: position ?? instruction.position, instruction: index, severity: severity)
    }

    /// Name/value settings the instruction makes: ENV pairs, ARG declarations (value nil when no
    /// default), and in commands `NAME=value` assignments and `NAME=value` words (`export`, `env`).
    public var settings: [Setting] {
        var result: [Setting] = []
        switch instruction.keyword {
        case .env:
            for pair in instruction.keyValues {
                result.append(Setting(name: pair.key.resolved, value: pair.value.value, position: pair.value.range.start,
                                      namePosition: pair.key.range.start, source: .env))
            }
        case .arg:
            for declaration in instruction.argDeclarations {
                result.append(Setting(name: declaration.name.value, value: declaration.defaultValue?.value,
                                      position: declaration.defaultValue?.range.start ?? declaration.name.range.start,
                                      namePosition: declaration.name.range.start, source: .arg))
            }
        default:
            for command in commands {
                for assignment in command.assignments {
                    result.append(Setting(name: assignment.name, value: assignment.value.value, position: assignment.range.start,
                                          namePosition: assignment.range.start, source: .command))
                }
                for word in command.words {
                    guard let (name, value) = Setting.split(word.value) else { continue }
                    result.append(Setting(name: name, value: value, position: word.range.start, namePosition: word.range.start, source: .command))
                }
            }
        }
        return result
    }
}

/// A `NAME=value` an instruction sets.
public struct Setting: Sendable, Hashable {
    public enum Source: Sendable, Hashable { case env, arg, command }

    public var name: String
    /// The value as written (quotes removed, variables not substituted); nil for an ARG without default.
    public var value: String?
    /// Where the value starts (the name for an ARG without default).
    public var position: TextPosition
    public var namePosition: TextPosition
    public var source: Source

    /// `NAME=value` with a shell variable name, nil otherwise.
    static func split(_ word: String) -> (String, String)? {
        guard let equals = word.firstIndex(of: "="), equals != word.startIndex else { return nil }
        let name = word[..<equals]
        guard let first = name.utf8.first, first == UInt8(ascii: "_") || (first | 0x20) >= 97 && (first | 0x20) <= 122,
              name.utf8.allSatisfy({ $0 == UInt8(ascii: "_") || ($0 | 0x20) >= 97 && ($0 | 0x20) <= 122 || $0 >= 48 && $0 <= 57 })
        else { return nil }
        return (String(name), String(word[word.index(after: equals)...]))
    }
}
