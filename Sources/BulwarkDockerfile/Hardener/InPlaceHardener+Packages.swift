import BulwarkCore

extension InPlaceHardener {
    /// apt: `--no-install-recommends` and the package lists removed in the same RUN; apk:
    /// `--no-cache`; pip: `--no-cache-dir`. In the final stage, debugging and download tools that
    /// no later step uses are dropped.
    mutating func hardenPackageCommands() {
        var recommends = 0, aptCleanup = 0, pipCache = 0, apkCache = 0
        var dropped: [String] = []
        var buildTools: [String] = []
        for stage in dockerfile.stages {
            let isFinal = stage.index == finalStage.index
            let pipCacheOff = !(stage.environment["PIP_NO_CACHE_DIR"] ?? "").isEmpty
            for index in stage.instructionRange where instructions.indices.contains(index) && instructions[index].keyword == .run {
                let run = instructions[index]
                // A script the shell parser could not read completely is left as it is.
                guard Self.isReadable(run) else { continue }
                let commands = Self.topLevelCommands(run)
                let cacheTargets = run.mounts.filter { $0.type == .cache }.compactMap(\.target)
                var lastApt: SimpleCommand?
                var hasCleanup = false
                for command in commands {
                    if let subcommand = HardenerPackageCommand.aptSubcommand(command) {
                        if ["update", "install", "upgrade", "dist-upgrade", "full-upgrade"].contains(subcommand) { lastApt = command }
                        if subcommand == "install", !command.hasOption("--no-install-recommends"),
                            !command.words.contains(where: { $0.value.contains("Install-Recommends") }),
                            let wordIndex = HardenerPackageCommand.subcommandIndex(command)
                        {
                            patch.insert(at: command.words[wordIndex].range.end, " --no-install-recommends")
                            recommends += 1
                        }
                    }
                    if command.program == "rm", command.argumentValues.contains(where: { $0.hasPrefix("/var/lib/apt/lists") }) {
                        hasCleanup = true
                    }
                    if let wordIndex = HardenerPackageCommand.pipInstallIndex(command), !command.hasOption("--no-cache-dir"), !pipCacheOff,
                        !cacheTargets.contains(where: { $0.contains(".cache") })
                    {
                        patch.insert(at: command.words[wordIndex].range.end, " --no-cache-dir")
                        pipCache += 1
                    }
                    if HardenerPackageCommand.apkSubcommand(command) == "add", !command.hasOption("--no-cache"),
                        !cacheTargets.contains(where: { $0.hasPrefix("/var/cache/apk") }), let wordIndex = HardenerPackageCommand.subcommandIndex(command)
                    {
                        patch.insert(at: command.words[wordIndex].range.end, " --no-cache")
                        apkCache += 1
                    }
                    if isFinal {
                        dropped += dropUnusedTools(command, after: index, in: stage)
                        buildTools += Self.installedPackages(command).filter { PackageRole(package: $0) == .build }
                    }
                }
                if let lastApt, !hasCleanup, !cacheTargets.contains(where: { $0.hasPrefix("/var/lib/apt") }),
                    ![.pipe, .pipeAll, .background].contains(lastApt.separator)
                {
                    patch.insert(at: lastApt.range.end, " && rm -rf /var/lib/apt/lists/*")
                    aptCleanup += 1
                }
            }
        }
        if recommends > 0 { changes.append("apt-get install --no-install-recommends: only the named packages, not their recommendations.") }
        if aptCleanup > 0 { changes.append("apt package lists removed in the same RUN (rm -rf /var/lib/apt/lists/*), so no layer keeps them.") }
        if pipCache > 0 { changes.append("pip install --no-cache-dir: pip's download cache stays out of the image.") }
        if apkCache > 0 { changes.append("apk add --no-cache: the package index stays out of the image.") }
        if !dropped.isEmpty {
            changes.append("Dropped from the final stage: \(dropped.joined(separator: ", ")) (debugging and download tools no build step uses).")
        }
        if !buildTools.isEmpty {
            let unique = buildTools.reduce(into: [String]()) { if !$0.contains($1) { $0.append($1) } }
            warnings.append("""
                The final stage installs build tools (\(unique.joined(separator: ", "))): build in a separate stage and copy only \
                what it produces.
                """)
        }
    }

    /// True when the RUN's shell scripts parsed without problems (quotes, substitutions and
    /// here-documents all closed), so editing them at the parser's positions is safe.
    static func isReadable(_ run: Instruction) -> Bool {
        (run.shellCommand?.script.issues.isEmpty ?? true) && run.heredocs.allSatisfy { $0.isTerminated && ($0.script?.issues.isEmpty ?? true) }
    }

    /// The package words of `apt-get install` / `apk add`.
    static func installedPackages(_ command: SimpleCommand) -> [String] {
        guard HardenerPackageCommand.aptSubcommand(command) == "install" || HardenerPackageCommand.apkSubcommand(command) == "add" else { return [] }
        return HardenerPackageCommand.packageIndices(command).map { command.words[$0].value }
    }

    /// Removes debugging and download tools from an install command of the final stage when no
    /// later RUN (or a HEALTHCHECK that stays) calls them; keeps the command when nothing would be
    /// left of it. Returns the removed package names.
    mutating func dropUnusedTools(_ command: SimpleCommand, after index: Int, in stage: Stage) -> [String] {
        guard HardenerPackageCommand.aptSubcommand(command) == "install" || HardenerPackageCommand.apkSubcommand(command) == "add" else { return [] }
        let packages = HardenerPackageCommand.packageIndices(command)
        var used: Set<String> = []
        for later in stage.instructionRange where later > index && instructions.indices.contains(later) {
            let instruction = instructions[later]
            let keepsCommand = instruction.keyword == .run || instruction.keyword == .entrypoint || instruction.keyword == .cmd
                || (instruction.keyword == .healthcheck && !finalIsPython)
            guard keepsCommand else { continue }
            for other in instruction.shellCommands { if let program = other.program { used.insert(program) } }
            if let words = instruction.execArguments, let first = words.first { used.insert(ServerInvocation.baseName(first)) }
        }
        let removable = packages.filter { position in
            let word = command.words[position]
            let role = PackageRole(package: word.value)
            guard role == .debug || role == .download, !word.hasExpansion else { return false }
            return !PackageRole.programs(of: word.value).contains(where: used.contains)
        }
        guard !removable.isEmpty, removable.count < packages.count else { return [] }
        for position in removable {
            let previous = command.words[position - 1]
            patch.replace(TextRange(start: previous.range.end, end: command.words[position].range.end), with: "")
        }
        return removable.map { command.words[$0].value }
    }
}
