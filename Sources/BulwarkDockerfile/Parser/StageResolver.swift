import BulwarkCore

/// Splits instructions into stages and expands ARG/ENV references as BuildKit does:
/// ARGs before the first FROM are global and usable in FROM lines; inside a stage a global is
/// visible only after `ARG NAME` redeclares it; ENV wins over ARG; a stage built FROM an earlier
/// stage inherits its ENV and SHELL.
struct StageResolver {
    let escape: UInt8
    let buildArgs: [String: String]
    var errors: [DockerfileError] = []

    private var globals: [String: String?] = [:]
    private var stages: [Stage] = []
    private var env: [String: String] = [:]
    private var args: [String: String?] = [:]
    private var shell = Stage.defaultShell

    init(escape: UInt8, buildArgs: [String: String]) {
        self.escape = escape
        self.buildArgs = buildArgs
    }

    mutating func resolve(_ instructions: inout [Instruction]) -> ([Stage], [String: String?]) {
        for index in instructions.indices {
            var instruction = instructions[index]
            if instruction.keyword == .from {
                closeStage(at: index)
                openStage(&instruction, at: index)
            } else if stages.isEmpty {
                if instruction.keyword == .arg {
                    declareGlobals(&instruction)
                } else if instruction.keyword != .unknown {
                    errors.append(DockerfileError(at: instruction.position, "no build stage in current context (\(instruction.keyword.rawValue) before the first FROM)"))
                }
            } else {
                instruction.stageIndex = stages.count - 1
                resolveInStage(&instruction)
            }
            instructions[index] = instruction
        }
        closeStage(at: instructions.count)
        return (stages, globals)
    }

    // MARK: - Expansion

    private func expand(_ word: inout Word, lookup: @escaping (String) -> String?) {
        var processor = WordProcessor(escape: escape, lookup: lookup)
        let bytes = Array((word.isJSON ? word.value : word.raw).utf8)
        let expanded = processor.process(bytes, 0, bytes.count)
        word.expanded = expanded
        word.unresolvedVariables = Self.unique(processor.unresolved)
    }

    private func expand(_ flag: inout Flag, lookup: @escaping (String) -> String?) {
        guard let value = flag.value else { return }
        var processor = WordProcessor(escape: escape, lookup: lookup)
        flag.expandedValue = processor.process(value)
        if var mount = flag.mount {
            for index in mount.options.indices {
                guard let optionValue = mount.options[index].value, optionValue.contains("$") else { continue }
                var optionProcessor = WordProcessor(escape: escape, lookup: lookup)
                mount.options[index].expandedValue = optionProcessor.process(optionValue)
            }
            flag.mount = Mount(typeName: mount.typeName, options: mount.options)
        }
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
        for index in declarations.indices {
            let name = declarations[index].name.value
            var value: String? = buildArgs[name]
            if var defaultValue = declarations[index].defaultValue {
                expand(&defaultValue, lookup: globalLookup)
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
        let lookup = globalLookup
        for flagIndex in instruction.flags.indices { expand(&instruction.flags[flagIndex], lookup: lookup) }
        guard case .from(var from) = instruction.details else {
            // FROM without an image (an error is already recorded): an empty stage keeps indices stable.
            let empty = Word(raw: "", value: "", range: instruction.keywordRange)
            stages.append(Stage(index: stageIndex, baseName: empty, baseImage: "", instructionRange: index..<(index + 1)))
            env = [:]
            args = [:]
            shell = Stage.defaultShell
            return
        }
        expand(&from.image, lookup: lookup)
        let baseImage = from.image.expanded ?? from.image.value
        let name = from.alias.map { $0.value.lowercased() }
        if let name, let alias = from.alias, stages.contains(where: { $0.name == name }) {
            errors.append(DockerfileError(at: alias.range.start, "duplicate stage name \"\(name)\""))
        }
        let lowered = baseImage.lowercased()
        let baseStage = stages.lastIndex { $0.name == lowered }
        var reference: ImageReference?
        if baseStage == nil && from.image.unresolvedVariables.isEmpty {
            reference = ImageReference.parse(baseImage)
        }
        instruction.details = .from(from)
        env = baseStage.map { stages[$0].environment } ?? [:]
        shell = baseStage.map { stages[$0].shell } ?? Stage.defaultShell
        args = [:]
        let platform = instruction.flag("platform").flatMap(\.resolvedValue)
        stages.append(
            Stage(
                index: stageIndex, name: name, nameRange: from.alias?.range, baseName: from.image, baseImage: baseImage,
                baseStage: baseStage, baseReference: reference, unresolvedVariables: from.image.unresolvedVariables,
                platform: platform, instructionRange: index..<(index + 1)))
    }

    // MARK: - Inside a stage

    private mutating func resolveInStage(_ instruction: inout Instruction) {
        switch instruction.keyword {
        case .env:
            guard case .keyValues(var pairs) = instruction.details else { return }
            for index in pairs.indices {
                // Every pair of one ENV sees the environment from before the instruction
                // (`ENV a=bye b=$a` gives b the old a), as BuildKit expands before it applies.
                expand(&pairs[index].key, lookup: stageLookup)
                expand(&pairs[index].value, lookup: stageLookup)
            }
            for pair in pairs { env[pair.key.resolved] = pair.value.resolved }
            instruction.details = .keyValues(pairs)
        case .label:
            guard case .keyValues(var pairs) = instruction.details else { return }
            for index in pairs.indices {
                expand(&pairs[index].key, lookup: stageLookup)
                expand(&pairs[index].value, lookup: stageLookup)
            }
            instruction.details = .keyValues(pairs)
        case .arg:
            guard case .arg(var declarations) = instruction.details else { return }
            for index in declarations.indices {
                let name = declarations[index].name.value
                if var defaultValue = declarations[index].defaultValue {
                    expand(&defaultValue, lookup: stageLookup)
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
            let lookup = stageLookup
            for index in instruction.flags.indices { expand(&instruction.flags[index], lookup: lookup) }
            guard case .files(var transfer) = instruction.details else { return }
            for index in transfer.sources.indices { expand(&transfer.sources[index], lookup: lookup) }
            if var destination = transfer.destination {
                expand(&destination, lookup: lookup)
                transfer.destination = destination
            }
            if let from = instruction.flag("from")?.resolvedValue {
                let current = stages.count - 1
                let lowered = from.lowercased()
                if let named = stages[..<current].lastIndex(where: { $0.name == lowered }) {
                    transfer.fromStage = named
                } else if let number = Int(from), number >= 0, number < current {
                    transfer.fromStage = number
                }
            }
            instruction.details = .files(transfer)
        case .run:
            let lookup = stageLookup
            for index in instruction.flags.indices where instruction.flags[index].name == "mount" {
                expand(&instruction.flags[index], lookup: lookup)
            }
            setShell(&instruction)
        case .cmd, .entrypoint, .healthcheck:
            setShell(&instruction)
        case .shell:
            if let arguments = instruction.execArguments, !arguments.isEmpty { shell = arguments }
        case .expose:
            guard case .expose(var ports) = instruction.details else { return }
            for index in ports.indices { expand(&ports[index].word, lookup: stageLookup) }
            instruction.details = .expose(ports)
        case .volume:
            guard case .volume(var paths) = instruction.details else { return }
            for index in paths.indices { expand(&paths[index], lookup: stageLookup) }
            instruction.details = .volume(paths)
        case .user:
            guard case .user(var user) = instruction.details else { return }
            expand(&user.word, lookup: stageLookup)
            instruction.details = .user(user)
        case .workdir, .stopsignal:
            guard case .text(var word) = instruction.details else { return }
            expand(&word, lookup: stageLookup)
            instruction.details = .text(word)
        case .from, .maintainer, .onbuild, .unknown:
            break
        }
    }

    private func setShell(_ instruction: inout Instruction) {
        if case .shell = instruction.form { instruction.shell = shell }
    }
}
