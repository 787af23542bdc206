import BulwarkCore

/// Splits a single-stage Python image into a builder and a final stage.
///
/// The builder is the original stage on the slim base: the build dependencies it installed,
/// `pip install` into a virtualenv at /opt/venv, its COPY, ADD and build steps, in their order.
/// The final stage starts from the same slim base with the runtime packages only, creates the
/// non-root user, copies /opt/venv and the application directories from the builder, and keeps
/// EXPOSE, CMD, ENTRYPOINT and the other run-time instructions. Applies when the final stage is a
/// Debian-based `python` image that runs `pip install` or installs build tools.
struct BuilderSplit {
    let dockerfile: Dockerfile
    let source: HardenSource
    let options: HardenOptions

    struct Output {
        var text: String
        var changes: [String]
        var warnings: [String]
    }

    static let venv = "/opt/venv"

    /// One piece of output: lines, after a blank line when `blankBefore`.
    private struct Block {
        var blankBefore: Bool
        var lines: [String]
    }

    /// Why the split does not apply, when it does not; nil when it applies or is not wanted.
    private(set) var skipReason: String?

    init(dockerfile: Dockerfile, source: HardenSource, options: HardenOptions) {
        self.dockerfile = dockerfile
        self.source = source
        self.options = options
    }

    var instructions: [Instruction] { dockerfile.instructions }

    // MARK: - Deciding

    /// The rewrite, nil when the split does not apply (`skipReason` says why, when it matters).
    mutating func run() -> Output? {
        guard let final = dockerfile.finalStage, let base = PythonBase(stage: final, in: dockerfile), base.isRewritable,
            !base.tag.isAlpine, !base.tag.isWindows
        else { return nil }
        let body = Array(final.instructionRange.dropFirst())
        let runs = body.filter { instructions[$0].keyword == .run }
        let installsWithPip = runs.contains { index in
            InPlaceHardener.topLevelCommands(instructions[index]).contains { HardenerPackageCommand.pipInstallIndex($0) != nil }
        }
        let buildPackages = runs.flatMap { index in
            InPlaceHardener.topLevelCommands(instructions[index]).flatMap(InPlaceHardener.installedPackages)
        }.filter { PackageRole(package: $0) == .build }
        guard installsWithPip || !buildPackages.isEmpty else { return nil }
        guard let roots = applicationRoots(of: final) else { return nil }
        return render(final: final, base: base, body: body, roots: roots)
    }

    /// The directories and files the build writes that the final stage needs: every WORKDIR and
    /// every COPY/ADD destination, outermost first. Nil (with `skipReason`) when one cannot be
    /// resolved or is `/` itself.
    private mutating func applicationRoots(of stage: Stage) -> [String]? {
        let directories = dockerfile.workingDirectories(of: stage)
        var paths: [String] = []
        for index in stage.instructionRange.dropFirst() {
            let instruction = instructions[index]
            guard let before = directories.before[index] ?? nil else {
                skipReason = "a WORKDIR uses a variable the build does not define"
                return nil
            }
            switch instruction.keyword {
            case .workdir:
                guard let word = instruction.textArgument, word.isResolved else {
                    skipReason = "a WORKDIR uses a variable the build does not define"
                    return nil
                }
                paths.append(HardenPath.join(before, word.resolved))
            case .copy, .add:
                guard let transfer = instruction.fileTransfer, let destination = transfer.destination, destination.isResolved else {
                    skipReason = "a COPY destination uses a variable the build does not define"
                    return nil
                }
                let target = HardenPath.join(before, destination.resolved)
                let looksLikeFiles = !transfer.sources.isEmpty && transfer.sources.allSatisfy { source in
                    let name = source.resolved.split(separator: "/").last ?? ""
                    return name.dropFirst().contains(".") && !name.contains("*") && !name.contains("?") && !source.resolved.contains("://")
                }
                if (destination.resolved.hasSuffix("/") || transfer.sources.count > 1) && looksLikeFiles && target != before {
                    for source in transfer.sources {
                        paths.append(HardenPath.join(target, String(source.resolved.split(separator: "/").last ?? "")))
                    }
                } else {
                    paths.append(target)
                }
            default:
                break
            }
        }
        if paths.contains("/") {
            skipReason = "files are copied to / itself (no WORKDIR), so they cannot be copied from a builder stage"
            return nil
        }
        var roots: [String] = []
        for path in paths.sorted(by: { $0.count < $1.count }) where !roots.contains(where: { HardenPath.isInside(path, $0) }) {
            if HardenPath.isInside(Self.venv, path) || HardenPath.isInside(path, Self.venv) {
                skipReason = "the build writes to \(path), where the virtualenv goes"
                return nil
            }
            roots.append(path)
        }
        // In file order of first appearance, for a stable and readable result.
        return paths.reduce(into: [String]()) { result, path in
            if roots.contains(path) && !result.contains(path) { result.append(path) }
        }
    }

    // MARK: - Writing

    private func render(final: Stage, base: PythonBase, body: [Int], roots: [String]) -> Output {
        var changes: [String] = []
        var warnings: [String] = []
        let from = instructions[final.fromIndex]
        let target = HardeningTarget(on: options.evaluationDate)
        let variant = base.tag.hardenedVariant(slim: true, target)
        let version = base.tag.hardenedVersion(variant: variant, moveToTarget: base.tag.versionProblem(target) != nil, target)
        let tag = PythonImageTag.render(version: version, variant: variant)
        let image = base.reference(withTag: tag)
        let platform = from.flag("platform").map { $0.raw + " " } ?? ""
        let builder = builderName()
        let workdir = dockerfile.workingDirectories(of: final).end ?? "/"

        // Everything before the final stage stays as it is, without an old bulwark header.
        let firstLine = blockFirstLine(of: from)
        let directiveLines = Set(dockerfile.directives.all.map(\.line))
        var prefix = source.text(lines: 1, firstLine - 1).enumerated().filter { offset, line in
            !InPlaceHardener.isHeaderLine(line) || directiveLines.contains(offset + 1)
        }.map(\.element)
        while prefix.last?.trimmingSet(" \t").isEmpty == true { prefix.removeLast() }

        var builderBlocks = [Block(blankBefore: !prefix.isEmpty, lines: commentLines(of: from) + ["FROM \(platform)\(image) AS \(builder)"])]
        var finalArgs: [String] = []
        var finalEnv: [String] = []
        var finalShell: [String] = []
        var setupRuns: [String] = []
        var userLines: [String] = []
        var tail: [Block] = []
        var runtimePackages: [String] = []
        var keptInBuilder: [String] = []
        var droppedPackages: [String] = []
        var venvAdded = false
        // The programs the build steps run (they stay in the builder) and those the final
        // image's CMD, ENTRYPOINT and HEALTHCHECK run (they are installed in the final stage too),
        // read as the in-place pass reads them (`CommandUsage`).
        var buildUsage = CommandUsage()
        var finalUsage = CommandUsage()
        let replacesHealthcheck = InPlaceHardener(dockerfile: dockerfile, source: source, options: options, headerName: "").willReplaceHealthcheck
        for index in body {
            let instruction = instructions[index]
            switch instruction.keyword {
            case .run where !isAptOnly(instruction): buildUsage.add(instruction)
            case .cmd, .entrypoint: finalUsage.add(instruction)
            case .healthcheck where !replacesHealthcheck: finalUsage.add(instruction)
            default: break
            }
        }
        let buildPrograms = buildUsage

        for index in body {
            let instruction = instructions[index]
            let comments = commentLines(of: instruction)
            let blank = hasBlankBefore(instruction) || !comments.isEmpty
            let lines = source.lines(of: instruction)
            let opensBuild: Bool = switch instruction.keyword {
            case .run: !isAptOnly(instruction)
            case .copy, .add, .workdir: true
            default: false
            }
            if opensBuild && !venvAdded {
                builderBlocks.append(Block(blankBefore: true, lines: venvLines))
                venvAdded = true
            }
            switch instruction.keyword {
            case .run where isAptOnly(instruction):
                let split = splitPackages(instruction, buildPrograms: buildPrograms, finalPrograms: finalUsage)
                runtimePackages += split.runtime.filter { !runtimePackages.contains($0) }
                keptInBuilder += split.builder.filter { PackageRole(package: $0) != .runtime && !runtimePackages.contains($0) && !keptInBuilder.contains($0) }
                droppedPackages += split.dropped.filter { !droppedPackages.contains($0) }
                if let run = split.builderRun {
                    builderBlocks.append(Block(blankBefore: blank, lines: comments + run))
                } else if !comments.isEmpty {
                    builderBlocks.append(Block(blankBefore: true, lines: comments + ["# bulwark: this RUN only installed tools the image does not need."]))
                }
            case .run:
                let edited = linesWithoutUserInstalls(instruction)
                builderBlocks.append(Block(blankBefore: blank, lines: comments + edited))
                if isSetupOnly(instruction) { setupRuns += lines }
                warnings += outsidePaths(instruction, roots: roots, builder: builder)
            case .env:
                builderBlocks.append(Block(blankBefore: blank, lines: comments + lines))
                let pairs = instruction.keyValues
                if !pairs.allSatisfy({ SecretVariable.isSecret(name: $0.key.value, value: $0.value.value) }) { finalEnv += lines }
            case .arg:
                builderBlocks.append(Block(blankBefore: blank, lines: comments + lines))
                finalArgs += lines
            case .shell:
                builderBlocks.append(Block(blankBefore: blank, lines: comments + lines))
                finalShell += lines
            case .workdir, .copy, .add:
                builderBlocks.append(Block(blankBefore: blank, lines: comments + lines))
            case .user:
                userLines += comments + lines
                if body.contains(where: { $0 > index && instructions[$0].keyword == .run }) {
                    warnings.append("USER at line \(instruction.startLine) came before build steps; in the builder stage they now run as root.")
                }
            default:
                tail.append(Block(blankBefore: blank, lines: comments + lines))
            }
        }
        if !venvAdded { builderBlocks.append(Block(blankBefore: true, lines: venvLines)) }

        // The final stage.
        let alias = from.from?.alias.map { " AS " + $0.raw } ?? ""
        var finalBlocks = [Block(blankBefore: true, lines: ["FROM \(platform)\(image)\(alias)"])]
        finalBlocks.append(Block(blankBefore: true, lines: finalShell + finalArgs + [
            "ENV PYTHONDONTWRITEBYTECODE=1 \\",
            "    PYTHONUNBUFFERED=1 \\",
            "    PATH=\(Self.venv)/bin:$PATH",
        ] + finalEnv))
        if !runtimePackages.isEmpty {
            finalBlocks.append(Block(blankBefore: true, lines: Self.aptRun(packages: runtimePackages)))
        }
        let lastUser = body.last { instructions[$0].keyword == .user }.flatMap { instructions[$0].user }
        let ownUser = lastUser.map(\.isRoot) ?? true
        if ownUser, let creation = ImageFamily.debian.userCreation(uid: options.uid, gid: options.gid) {
            finalBlocks.append(Block(blankBefore: true, lines: [creation]))
        }
        var copies: [String] = []
        if workdir != "/" { copies.append("WORKDIR \(workdir)") }
        copies.append("COPY --from=\(builder) \(Self.venv) \(Self.venv)")
        for root in roots {
            let chown = ownUser && workdir != "/" && HardenPath.isInside(root, workdir) ? "--chown=\(options.uid):\(options.gid) " : ""
            copies.append("COPY --from=\(builder) \(chown)\(root) \(root)")
        }
        finalBlocks.append(Block(blankBefore: true, lines: copies + setupRuns))
        finalBlocks.append(Block(blankBefore: true, lines: ownUser ? ["USER \(options.uid):\(options.gid)"] : userLines))
        if let first = tail.first { tail[0] = Block(blankBefore: true, lines: first.lines) }
        finalBlocks += tail

        // What changed.
        let oldImage = from.from?.image.raw ?? final.baseImage
        var reasons: [String] = []
        if let problem = base.tag.versionProblem(target) { reasons.append(problem) }
        if let problem = base.tag.releaseProblem(target) { reasons.append(problem) }
        reasons.append("the slim variant leaves out the compilers and tools of the full image")
        changes.append("FROM \(oldImage) → \(image) for both stages: \(reasons.joined(separator: "; ")).")
        changes.append("""
            Split into a builder stage (build tools, pip install into the virtualenv \(Self.venv), build steps) and a final stage \
            that copies \(([Self.venv] + roots).joined(separator: " and ")) from it.
            """)
        if !keptInBuilder.isEmpty { changes.append("Build-only packages stay in the builder stage: \(keptInBuilder.joined(separator: ", ")).") }
        if !droppedPackages.isEmpty {
            changes.append("Not installed any more: \(droppedPackages.joined(separator: ", ")) (debugging and download tools no build step uses).")
        }
        if !runtimePackages.isEmpty { changes.append("Runtime packages in the final stage: \(runtimePackages.joined(separator: ", ")).") }
        changes.append("ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 and the virtualenv on PATH in the final stage.")
        if ownUser {
            changes.append("""
                Runs as the non-root user \(options.uid):\(options.gid), created without a lastlog entry or home directory; a numeric \
                USER lets the kubelet verify runAsNonRoot.
                """)
            if workdir != "/" && roots.contains(where: { HardenPath.isInside($0, workdir) }) {
                changes.append("""
                    The application files are copied with --chown=\(options.uid):\(options.gid); the virtualenv stays owned by root, \
                    so the application cannot change its own libraries.
                    """)
            }
        }
        warnings.append("Pin \(image) by digest (FROM \(image)@sha256:…) for reproducible builds; bulwark does not look digests up.")

        var lines = prefix
        for block in builderBlocks + finalBlocks where !block.lines.isEmpty {
            if block.blankBefore, let last = lines.last, !last.trimmingSet(" \t").isEmpty { lines.append("") }
            lines += block.lines
        }
        // Comments after the last instruction.
        if let last = instructions.last, last.endLine < source.lineCount {
            let trailing = source.text(lines: last.endLine + 1, source.lineCount)
            if trailing.contains(where: { !$0.trimmingSet(" \t").isEmpty }) { lines += trailing }
        }
        while lines.last?.trimmingSet(" \t").isEmpty == true { lines.removeLast() }
        var rendered = HardenSource(text: "")
        rendered.lineEnding = source.lineEnding
        rendered.hasByteOrderMark = source.hasByteOrderMark
        rendered.endsWithNewline = true
        return Output(text: rendered.render(lines), changes: changes, warnings: warnings)
    }

    private var venvLines: [String] {
        ["RUN python -m venv \(Self.venv)", "ENV VIRTUAL_ENV=\(Self.venv) PATH=\(Self.venv)/bin:$PATH"]
    }

    /// `builder`, or another name when a stage already has it.
    private func builderName() -> String {
        for candidate in ["builder", "python-builder", "venv-builder"] where dockerfile.stage(named: candidate) == nil { return candidate }
        return "builder-\(dockerfile.stages.count)"
    }

    // MARK: - Instructions

    /// The first line of an instruction's comment block (or its keyword line).
    private func blockFirstLine(of instruction: Instruction) -> Int {
        instruction.comments.filter { !$0.insideInstruction && $0.line < instruction.startLine }.map(\.line).min() ?? instruction.startLine
    }

    /// The comment lines above an instruction as written, without directives and old headers.
    private func commentLines(of instruction: Instruction) -> [String] {
        let first = blockFirstLine(of: instruction)
        guard first < instruction.startLine else { return [] }
        let directiveLines = Set(dockerfile.directives.all.map(\.line))
        var lines: [String] = []
        for line in first..<instruction.startLine where !directiveLines.contains(line) {
            let text = source.line(line)
            if InPlaceHardener.isHeaderLine(text) { continue }
            lines.append(text)
        }
        while lines.first?.trimmingSet(" \t").isEmpty == true { lines.removeFirst() }
        while lines.last?.trimmingSet(" \t").isEmpty == true { lines.removeLast() }
        return lines
    }

    /// True when a blank line separates the instruction's block from what comes before it.
    private func hasBlankBefore(_ instruction: Instruction) -> Bool {
        let first = blockFirstLine(of: instruction)
        return first > 1 && source.line(first - 1).trimmingSet(" \t").isEmpty
    }

    /// A shell-form RUN that only runs apt-get/apt (and removes apt's lists or caches).
    private func isAptOnly(_ run: Instruction) -> Bool {
        guard run.keyword == .run, run.heredocs.isEmpty, let script = run.shellCommand?.script, !script.commands.isEmpty, script.issues.isEmpty
        else { return false }
        return script.commands.allSatisfy { command in
            guard command.nested == nil, command.separator.map({ [.and, .semicolon, .newline].contains($0) }) ?? true else { return false }
            if HardenerPackageCommand.aptSubcommand(command) != nil { return true }
            return command.program == "rm" && command.operands.allSatisfy { $0.value.hasPrefix("/var/lib/apt/") || $0.value.hasPrefix("/var/cache/apt/") }
        }
    }

    /// A RUN that only creates directories, links, accounts and permissions.
    private func isSetupOnly(_ run: Instruction) -> Bool {
        guard run.heredocs.isEmpty, let script = run.shellCommand?.script, !script.commands.isEmpty else { return false }
        return script.allCommands.allSatisfy { $0.program.map(HardenerPackageCommand.setupPrograms.contains) ?? false }
    }

    /// The packages of an apt-only RUN sorted into the builder's (build tools, runtime libraries
    /// and the tools later build steps call), the final stage's (runtime libraries) and the dropped
    /// ones (debugging and download tools nothing calls); and the builder's RUN, nil when it
    /// installs nothing.
    private func splitPackages(
        _ run: Instruction, buildPrograms: CommandUsage, finalPrograms: CommandUsage
    ) -> (builder: [String], runtime: [String], dropped: [String], builderRun: [String]?) {
        guard let script = run.shellCommand?.script else { return ([], [], [], nil) }
        var builder: [String] = []
        var runtime: [String] = []
        var dropped: [String] = []
        var rendered: [String] = []
        var installs = 0
        for command in script.commands {
            let subcommand = HardenerPackageCommand.aptSubcommand(command)
            if subcommand == "install" {
                let packages = Set(HardenerPackageCommand.packageIndices(command))
                var words: [String] = command.assignments.map { $0.name + "=" + $0.value.raw }
                var kept = 0
                var flagAdded = command.hasOption("--no-install-recommends")
                for (position, word) in command.words.enumerated() {
                    if packages.contains(position) {
                        if !flagAdded {
                            words.append("--no-install-recommends")
                            flagAdded = true
                        }
                        let role = PackageRole(package: word.value)
                        // A program named by a variable may be any of them: keep them.
                        let used = buildPrograms.hasUnknownProgram || PackageRole.isUsed(word.value, by: buildPrograms.programs)
                        let usedAtRunTime = finalPrograms.hasUnknownProgram || PackageRole.isUsed(word.value, by: finalPrograms.programs)
                        switch role {
                        case .build:
                            builder.append(word.value)
                        case .runtime:
                            builder.append(word.value)
                            runtime.append(word.value)
                        case .download, .debug:
                            if usedAtRunTime {
                                builder.append(word.value)
                                runtime.append(word.value)
                            } else if used {
                                builder.append(word.value)
                            } else {
                                dropped.append(word.value)
                                continue
                            }
                        }
                        words.append(word.raw)
                        kept += 1
                    } else {
                        words.append(word.raw)
                    }
                }
                words += command.redirections.map { ($0.fileDescriptor.map(String.init) ?? "") + $0.op + ($0.target?.raw ?? "") }
                if kept > 0 {
                    rendered.append(words.joined(separator: " "))
                    installs += 1
                }
            } else {
                rendered.append(command.description(raw: true))
            }
        }
        guard installs > 0 else { return (builder, runtime, dropped, nil) }
        if !rendered.contains(where: { $0.contains("/var/lib/apt/lists") }) { rendered.append("rm -rf /var/lib/apt/lists/*") }
        let flags = run.flags.map(\.raw).joined(separator: " ")
        return (builder, runtime, dropped, Self.continued("RUN " + (flags.isEmpty ? "" : flags + " "), rendered))
    }

    /// `RUN apt-get update && apt-get install -y --no-install-recommends … && rm -rf /var/lib/apt/lists/*`.
    static func aptRun(packages: [String]) -> [String] {
        continued("RUN ", [
            "apt-get update",
            "apt-get install -y --no-install-recommends " + packages.joined(separator: " "),
            "rm -rf /var/lib/apt/lists/*",
        ])
    }

    /// Commands joined with `&&`, one per continuation line.
    static func continued(_ head: String, _ commands: [String]) -> [String] {
        var lines: [String] = []
        for (index, command) in commands.enumerated() {
            let start = index == 0 ? head : "    && "
            lines.append(start + command + (index < commands.count - 1 ? " \\" : ""))
        }
        return lines
    }

    /// The RUN's lines without `--user` on its pip installs (a virtualenv has no user site).
    private func linesWithoutUserInstalls(_ run: Instruction) -> [String] {
        var patch = SourcePatch()
        for command in InPlaceHardener.topLevelCommands(run) where HardenerPackageCommand.pipInstallIndex(command) != nil {
            for (position, word) in command.words.enumerated() where word.value == "--user" && position > 0 {
                patch.replace(TextRange(start: command.words[position - 1].range.end, end: word.range.end), with: "")
            }
        }
        let lines = source.lines(of: run)
        guard !patch.isEmpty else { return lines }
        // Apply the edits to the instruction alone, with positions moved to its first line.
        var shifted = SourcePatch()
        for edit in patch.edits {
            let start = TextPosition(line: edit.range.start.line - run.startLine + 1, column: edit.range.start.column)
            let end = TextPosition(line: edit.range.end.line - run.startLine + 1, column: edit.range.end.column)
            shifted.replace(TextRange(start: start, end: end), with: edit.replacement)
        }
        var piece = HardenSource(text: lines.joined(separator: "\n"))
        piece.endsWithNewline = false
        return HardenSource(text: shifted.apply(to: piece)).lines
    }

    /// Warnings for absolute paths a build step names outside what the final stage copies.
    private func outsidePaths(_ run: Instruction, roots: [String], builder: String) -> [String] {
        let ignored = ["/tmp", "/dev", "/proc", "/sys", Self.venv, "/var/lib/apt", "/var/cache", "/usr", "/bin", "/sbin", "/lib", "/etc/apt"]
        var found: [String] = []
        for command in run.shellCommands {
            for word in command.words where word.value.hasPrefix("/") && !word.hasExpansion {
                let path = HardenPath.join("/", word.value)
                if roots.contains(where: { HardenPath.isInside(path, $0) }) || ignored.contains(where: { HardenPath.isInside(path, $0) }) { continue }
                if !found.contains(path) { found.append(path) }
            }
        }
        return found.map {
            """
            The build step at line \(run.startLine) names \($0), which the final stage does not copy: add \
            COPY --from=\(builder) \($0) \($0) if the application needs it.
            """
        }
    }
}
