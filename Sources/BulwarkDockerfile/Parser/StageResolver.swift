import BulwarkCore

/// Splits instructions into stages and expands ARG/ENV references as BuildKit does:
/// ARGs before the first FROM are global and usable in FROM lines; inside a stage a global is
/// visible only after `ARG NAME` redeclares it; ENV wins over ARG; a stage built FROM an earlier
/// stage inherits its ENV and SHELL.
///
/// Expansion is bounded (`DockerfileParser.Options`): a word may grow by at most
/// `maxExpandedWordBytes` through substitution, the words of the file by at most the file's
/// expansion budget together, pattern operations share a number of comparisons, and the stages
/// together inherit at most `maxInheritedEnvironmentEntries` ENV variables. What crosses a limit
/// is an error at its position and is left unexpanded; the rest of the file is still resolved.
struct StageResolver {
    let escape: UInt8
    let buildArgs: [String: String]
    let maxWordBytes: Int
    let maxInheritedEntries: Int
    var errors: [DockerfileError] = []

    /// The file's expansion budget: bytes substitutions may still add, in all words together.
    private let fileBudget: Int
    private var expansionLeft: Int
    private var expansionExhausted = false
    /// Comparisons left for the file's pattern operations.
    private let patternBudget: Int
    private var patternStepsLeft: Int
    private var patternBudgetReported = false
    private var inheritedEntries = 0
    private var inheritanceExhausted = false

    private var globals: [String: String?] = [:]
    private var stages: [Stage] = []
    /// The last stage with each name (stage names are looked up once per FROM and COPY --from).
    private var stageByName: [String: Int] = [:]
    private var env: [String: String] = [:]
    private var args: [String: String?] = [:]
    private var shell = Stage.defaultShell

    init(escape: UInt8, options: DockerfileParser.Options, fileSize: Int) {
        self.escape = escape
        self.buildArgs = options.buildArgs
        maxWordBytes = options.maxExpandedWordBytes
        maxInheritedEntries = options.maxInheritedEnvironmentEntries
        fileBudget = options.expansionBudget(forFileOf: fileSize)
        expansionLeft = fileBudget
        patternBudget = options.maxPatternSteps
        patternStepsLeft = options.maxPatternSteps
    }

    mutating func resolve(_ instructions: inout [Instruction]) -> ([Stage], [String: String?]) {
        // Instructions are updated in place (no copies, so their arrays stay uniquely referenced).
        for index in instructions.indices {
            let keyword = instructions[index].keyword
            if keyword == .from {
                closeStage(at: index)
                openStage(&instructions[index], at: index)
            } else if stages.isEmpty {
                if keyword == .arg {
                    declareGlobals(&instructions[index])
                } else if keyword != .unknown {
                    errors.append(DockerfileError(at: instructions[index].position, "no build stage in current context (\(keyword.rawValue) before the first FROM)"))
                }
            } else {
                instructions[index].stageIndex = stages.count - 1
                resolveInStage(&instructions[index])
            }
        }
        closeStage(at: instructions.count)
        return (stages, globals)
    }

    // MARK: - Expansion

    private enum Scope { case global, stage }

    /// The variables visible in a scope (built only when a word needs expanding).
    private func lookup(_ scope: Scope) -> (String) -> String? {
        scope == .global ? globalLookup : stageLookup
    }

    private mutating func expand(_ word: inout Word, in scope: Scope) {
        let text = word.isJSON ? word.value : word.raw
        let hasDollar = text.utf8.withContiguousStorageIfAvailable { $0.contains(ASCII.dollar) } ?? text.utf8.contains(ASCII.dollar)
        if !hasDollar && (word.isJSON || word.raw == word.value) {
            word.expanded = word.value
            return
        }
        let (expanded, unresolved) = expand(text, at: word.range.start, in: scope)
        word.expanded = expanded
        word.unresolvedVariables = unresolved
    }

    private mutating func expand(_ flag: inout Flag, in scope: Scope) {
        guard let value = flag.value else { return }
        guard WordProcessor.needsProcessing(value.utf8, escape: escape) else {
            flag.expandedValue = value
            return
        }
        flag.expandedValue = expand(value, at: flag.range.start, in: scope).expanded
        // Options of a `--mount` whose value could not be expanded stay unexpanded (one error).
        if flag.expandedValue != nil, var mount = flag.mount {
            for index in mount.options.indices {
                guard let optionValue = mount.options[index].value, optionValue.contains("$") else { continue }
                mount.options[index].expandedValue = expand(optionValue, at: flag.range.start, in: scope).expanded
            }
            flag.mount = Mount(typeName: mount.typeName, options: mount.options)
        }
    }

    /// Expands one word's text within the limits. Past a limit the result is nil (the word is
    /// left unexpanded, its variables unresolved) and an error names the position and variable.
    private mutating func expand(_ text: String, at position: TextPosition, in scope: Scope) -> (expanded: String?, unresolved: [String]) {
        guard !expansionExhausted else { return (nil, referencedVariables(text)) }
        let limit = min(maxWordBytes, expansionLeft)
        var processor = WordProcessor(escape: escape, lookup: lookup(scope), limit: limit, globSteps: patternStepsLeft)
        let bytes = Array(text.utf8)
        let expanded = processor.process(bytes, 0, bytes.count)
        patternStepsLeft = processor.globSteps
        if let name = processor.patternGaveUp, patternStepsLeft <= 0, !patternBudgetReported {
            patternBudgetReported = true
            errors.append(DockerfileError(
                at: position, "pattern substitutions in this file need more than \(patternBudget) comparisons (at $\(name)); values are used unchanged from here on"))
        }
        guard let name = processor.overflow else {
            expansionLeft -= processor.substituted
            return (expanded, Self.unique(processor.unresolved))
        }
        if limit == maxWordBytes {
            errors.append(DockerfileError(
                at: position, "expanding $\(name) makes this word longer than \(maxWordBytes) bytes (variable expansion bomb?); the word is left unexpanded"))
        } else {
            expansionExhausted = true
            errors.append(DockerfileError(
                at: position, "variable expansion in this file exceeds \(fileBudget) bytes at $\(name) (variable expansion bomb?); this word and the later ones are left unexpanded"))
        }
        return (nil, Self.unique([name] + referencedVariables(text)))
    }

    /// The variables a word refers to, without substituting anything.
    private func referencedVariables(_ text: String) -> [String] {
        var processor = WordProcessor(escape: escape, lookup: { _ in nil }, globSteps: 0)
        _ = processor.process(text)
        return Self.unique(processor.unresolved)
    }

    private static func unique(_ names: [String]) -> [String] {
        var seen: Set<String> = []
        return names.filter { seen.insert($0).inserted }
    }

    private var globalLookup: (String) -> String? {
        let globals = self.globals
        return { name in globals[name] ?? nil }
    }

    private var stageLookup: (String) -> String? {
        let env = self.env
        let args = self.args
        return { name in env[name] ?? (args[name] ?? nil) }
    }

    // MARK: - Global ARGs

    private mutating func declareGlobals(_ instruction: inout Instruction) {
        guard case .arg(var declarations) = instruction.details else { return }
        instruction.details = .none
        for index in declarations.indices {
            let name = declarations[index].name.value
            var value: String? = buildArgs[name]
            if var defaultValue = declarations[index].defaultValue {
                expand(&defaultValue, in: .global)
                declarations[index].defaultValue = defaultValue
                value = value ?? defaultValue.expanded
            }
            globals[name] = .some(value)
        }
        instruction.details = .arg(declarations)
    }

    // MARK: - Stages

    private mutating func closeStage(at index: Int) {
        guard let last = stages.indices.last else { return }
        stages[last].instructionRange = stages[last].instructionRange.lowerBound..<index
        stages[last].environment = env
        stages[last].arguments = args
        stages[last].shell = shell
    }

    private mutating func openStage(_ instruction: inout Instruction, at index: Int) {
        let stageIndex = stages.count
        instruction.stageIndex = stageIndex
        for flagIndex in instruction.flags.indices { expand(&instruction.flags[flagIndex], in: .global) }
        guard case .from(var from) = instruction.details else {
            // FROM without an image (an error is already recorded): an empty stage keeps indices stable.
            let empty = Word(raw: "", value: "", range: instruction.keywordRange)
            stages.append(Stage(index: stageIndex, baseName: empty, baseImage: "", instructionRange: index..<(index + 1)))
            env = [:]
            args = [:]
            shell = Stage.defaultShell
            return
        }
        expand(&from.image, in: .global)
        let baseImage = from.image.expanded ?? from.image.value
        let name = from.alias.map { $0.value.lowercased() }
        if let name, let alias = from.alias, stageByName[name] != nil {
            errors.append(DockerfileError(at: alias.range.start, "duplicate stage name \"\(name)\""))
        }
        let lowered = baseImage.lowercased()
        let baseStage = stageByName[lowered]
        var reference: ImageReference?
        if baseStage == nil && from.image.unresolvedVariables.isEmpty {
            reference = ImageReference.parse(baseImage)
        }
        instruction.details = .from(from)
        env = baseStage.map { inheritedEnvironment(of: $0, at: from.image.range.start) } ?? [:]
        shell = baseStage.map { stages[$0].shell } ?? Stage.defaultShell
        args = [:]
        let platform = instruction.flag("platform").flatMap(\.resolvedValue)
        if let name { stageByName[name] = stageIndex }
        stages.append(
            Stage(
                index: stageIndex, name: name, nameRange: from.alias?.range, baseName: from.image, baseImage: baseImage,
                baseStage: baseStage, baseReference: reference, unresolvedVariables: from.image.unresolvedVariables,
                platform: platform, instructionRange: index..<(index + 1)))
    }

    /// The ENV a stage inherits from its base stage. Each stage holds its own copy, so a chain of
    /// stages that each add a variable costs the square of its length: past the file's allowance
    /// stages inherit nothing (an error says so once).
    private mutating func inheritedEnvironment(of base: Int, at position: TextPosition) -> [String: String] {
        let environment = stages[base].environment
        guard !inheritanceExhausted else { return [:] }
        guard environment.count <= maxInheritedEntries - inheritedEntries else {
            inheritanceExhausted = true
            errors.append(DockerfileError(
                at: position, "stages built FROM earlier stages inherit more than \(maxInheritedEntries) ENV variables in total (a long chain of stages?); this stage and the later ones inherit no ENV"))
            return [:]
        }
        inheritedEntries += environment.count
        return environment
    }

    // MARK: - Inside a stage

    private mutating func resolveInStage(_ instruction: inout Instruction) {
        switch instruction.keyword {
        case .env:
            guard case .keyValues(var pairs) = instruction.details else { return }
            instruction.details = .none
            for index in pairs.indices {
                // Every pair of one ENV sees the environment from before the instruction
                // (`ENV a=bye b=$a` gives b the old a), as BuildKit expands before it applies.
                expand(&pairs[index].key, in: .stage)
                expand(&pairs[index].value, in: .stage)
            }
            for pair in pairs {
                // A value left unexpanded at a limit is unknown: later references are unresolved
                // (rather than doubling its unexpanded text again).
                if pair.key.expanded == nil || pair.value.expanded == nil {
                    env[pair.key.resolved] = nil
                } else {
                    env[pair.key.resolved] = pair.value.resolved
                }
            }
            instruction.details = .keyValues(pairs)
        case .label:
            guard case .keyValues(var pairs) = instruction.details else { return }
            instruction.details = .none
            for index in pairs.indices {
                expand(&pairs[index].key, in: .stage)
                expand(&pairs[index].value, in: .stage)
            }
            instruction.details = .keyValues(pairs)
        case .arg:
            guard case .arg(var declarations) = instruction.details else { return }
            instruction.details = .none
            for index in declarations.indices {
                let name = declarations[index].name.value
                if var defaultValue = declarations[index].defaultValue {
                    expand(&defaultValue, in: .stage)
                    declarations[index].defaultValue = defaultValue
                }
                var value: String?
                if let given = buildArgs[name] {
                    value = given
                } else if let defaultValue = declarations[index].defaultValue {
                    value = defaultValue.expanded
                } else if let global = globals[name] {
                    value = global
                }
                args[name] = .some(value)
            }
            instruction.details = .arg(declarations)
        case .copy, .add:
            for index in instruction.flags.indices { expand(&instruction.flags[index], in: .stage) }
            guard case .files(var transfer) = instruction.details else { return }
            instruction.details = .none
            for index in transfer.sources.indices { expand(&transfer.sources[index], in: .stage) }
            if var destination = transfer.destination {
                expand(&destination, in: .stage)
                transfer.destination = destination
            }
            if let from = instruction.flag("from")?.resolvedValue {
                let current = stages.count - 1
                let lowered = from.lowercased()
                if let named = stageByName[lowered], named < current {
                    transfer.fromStage = named
                } else if let number = Int(from), number >= 0, number < current {
                    transfer.fromStage = number
                }
            }
            instruction.details = .files(transfer)
        case .run:
            for index in instruction.flags.indices where instruction.flags[index].name == "mount" {
                expand(&instruction.flags[index], in: .stage)
            }
            setShell(&instruction)
        case .cmd, .entrypoint, .healthcheck:
            setShell(&instruction)
        case .shell:
            if let arguments = instruction.execArguments, !arguments.isEmpty { shell = arguments }
        case .expose:
            guard case .expose(var ports) = instruction.details else { return }
            instruction.details = .none
            for index in ports.indices { expand(&ports[index].word, in: .stage) }
            instruction.details = .expose(ports)
        case .volume:
            guard case .volume(var paths) = instruction.details else { return }
            instruction.details = .none
            for index in paths.indices { expand(&paths[index], in: .stage) }
            instruction.details = .volume(paths)
        case .user:
            guard case .user(var user) = instruction.details else { return }
            instruction.details = .none
            expand(&user.word, in: .stage)
            instruction.details = .user(user)
        case .workdir, .stopsignal:
            guard case .text(var word) = instruction.details else { return }
            instruction.details = .none
            expand(&word, in: .stage)
            instruction.details = .text(word)
        case .from, .maintainer, .onbuild, .unknown:
            break
        }
    }

    private func setShell(_ instruction: inout Instruction) {
        if case .shell = instruction.form { instruction.shell = shell }
    }
}
