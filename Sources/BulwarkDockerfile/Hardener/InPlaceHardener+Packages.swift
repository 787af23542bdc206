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
    /// command of the stage from that RUN on runs them (`CommandUsage`: the RUN itself and later
    /// RUNs, through `sh -c`, pipelines, chains, wrappers, `xargs` and substitutions) and the
    /// stage's CMD, ENTRYPOINT and HEALTHCHECK (unless this pass replaces the HEALTHCHECK) do not
    /// either; keeps the command when nothing would be left of it. Returns the removed package
    /// names. When a command's program is a variable nothing is removed, with a warning.
    mutating func dropUnusedTools(_ command: SimpleCommand, after index: Int, in stage: Stage) -> [String] {
        guard HardenerPackageCommand.aptSubcommand(command) == "install" || HardenerPackageCommand.apkSubcommand(command) == "add" else { return [] }
        guard !disabledSteps.contains(.dropTools) else { return [] }
        let packages = HardenerPackageCommand.packageIndices(command)
        let candidates = packages.filter { position in
            let word = command.words[position]
            let role = PackageRole(package: word.value)
            return (role == .debug || role == .download) && !word.hasExpansion
        }
        guard !candidates.isEmpty else { return [] }
        let usage = stageUsage(in: stage, from: index)
        if let line = usage.unknownProgramLine {
            warnings.append("""
                Kept \(candidates.map { command.words[$0].value }.joined(separator: ", ")) in the final stage: line \(line) runs a \
                program named by a variable, so bulwark cannot tell whether it needs them.
                """)
            return []
        }
        let removable = candidates.filter { !PackageRole.isUsed(command.words[$0].value, by: usage.programs) }
        guard !removable.isEmpty, removable.count < packages.count else { return [] }
        for position in removable {
            let previous = command.words[position - 1]
            patch.replace(TextRange(start: previous.range.end, end: command.words[position].range.end), with: "")
        }
        return removable.map { command.words[$0].value }
    }

    /// The programs a stage runs from instruction `index` on: its RUNs (that one included), and
    /// for the final stage its CMD, ENTRYPOINT and HEALTHCHECK (a curl/wget HEALTHCHECK this pass
    /// replaces with the image's Python is left out).
    func stageUsage(in stage: Stage, from index: Int) -> CommandUsage {
        var usage = CommandUsage()
        let isFinal = stage.index == finalStage.index
        let replacesHealthcheck = isFinal && willReplaceHealthcheck
        for later in stage.instructionRange where later >= index && instructions.indices.contains(later) {
            let instruction = instructions[later]
            switch instruction.keyword {
            case .run: usage.add(instruction)
            case .cmd where isFinal, .entrypoint where isFinal: usage.add(instruction)
            case .healthcheck where isFinal && !replacesHealthcheck: usage.add(instruction)
            default: break
            }
        }
        return usage
    }

    /// True when `addHealthcheck` will replace the final stage's curl/wget HEALTHCHECK (run on a
    /// copy, so nothing of this pass changes).
    var willReplaceHealthcheck: Bool {
        guard finalIsPython, !disabledSteps.contains(.healthcheck), finalBody.contains(where: { instructions[$0].keyword == .healthcheck })
        else { return false }
        var probe = self
        probe.patch = SourcePatch()
        probe.addHealthcheck()
        return probe.replacedHealthcheck
    }
}
