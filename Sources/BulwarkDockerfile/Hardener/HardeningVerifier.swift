import BulwarkCore

/// Checks a rewrite of `DockerfileHardener` against the original, re-parsed from the text it
/// would write: the invariants the fixer promises and the rules it must not trip.
///
/// - Every program a stage still runs (its RUNs; the final stage's CMD, ENTRYPOINT and
///   HEALTHCHECK; `CommandUsage`) keeps the package that provides it, if the original stage
///   installed one (`PackageRole.programs`, `PackageRole.isUsed`).
/// - The USER of the final stage, when the fixer wrote it, exists there: an account its chain
///   (the stage and the stages it is built FROM) creates, or a known account of its base image;
///   `COPY --chown` of the final stage names that user (or root).
/// - A HEALTHCHECK the fixer wrote is an HTTP request only for a server known to speak HTTP, and
///   a `grpc_health_probe` run only for a gRPC one.
/// - No finding of `dockerfile/base-image-eol`, `dockerfile/root-user` or
///   `dockerfile/user-not-numeric` lands on a line the fixer wrote.
///
/// A problem names the step that caused it; `DockerfileHardener` runs the pass again without that
/// step and says why in the output.
struct HardeningVerifier {
    struct Problem: Sendable, Hashable {
        /// The in-place step to turn off; nil when no step can be turned off (the builder split).
        var step: HardeningStep?
        var message: String
    }

    /// Rules whose findings on a line the fixer wrote mean the fixer chose wrong, and the step that chose.
    static let watchedRules: [String: HardeningStep] = [
        "dockerfile/base-image-eol": .baseImage, "dockerfile/root-user": .user, "dockerfile/user-not-numeric": .user,
    ]

    let original: Dockerfile
    let hardened: Dockerfile
    let options: HardenOptions

    /// `check` in the shape `DockerfileHardener.harden` takes.
    static func verify(_ original: Dockerfile, _ hardenedText: String, _ options: HardenOptions) -> [Problem] {
        check(original: original, hardenedText: hardenedText, options: options)
    }

    static func check(original: Dockerfile, hardenedText: String, options: HardenOptions) -> [Problem] {
        let hardened = DockerfileParser.parse(text: hardenedText, file: original.file)
        guard hardened.errors.isEmpty, !hardened.stages.isEmpty, !original.stages.isEmpty else { return [] }
        let verifier = HardeningVerifier(original: original, hardened: hardened, options: options)
        var problems = verifier.toolProblems() + verifier.userProblems() + verifier.healthcheckProblems()
        problems += verifier.ruleProblems(originalLines: Set(original.instructions.map(\.sourceText)))
        return problems.reduce(into: []) { if !$0.contains($1) { $0.append($1) } }
    }

    /// The line of the input an instruction of the rewrite comes from (same text), nil for one
    /// the fixer wrote or edited. Messages cite input lines: the rewrite's move with its header.
    func originalLine(ofHardenedLine line: Int) -> Int? {
        guard let instruction = hardened.instructions.first(where: { $0.startLine <= line && line <= $0.endLine }) else { return nil }
        return original.instructions.first { $0.sourceText == instruction.sourceText }?.startLine
    }

    // MARK: - Packages

    /// The package names (without versions) the RUNs of a stage chain install with apt or apk.
    static func installed(_ stage: Stage, in dockerfile: Dockerfile) -> Set<String> {
        var packages: Set<String> = []
        for member in dockerfile.chain(from: stage) {
            for instruction in dockerfile.instructions(of: member) where instruction.keyword == .run {
                for command in CommandExtraction.commands(of: instruction) {
                    packages.formUnion(InPlaceHardener.installedPackages(command).map(PackageRole.baseName))
                }
            }
        }
        return packages
    }

    /// The original stage a stage of the rewrite stands for: the final stage for the final stage,
    /// else the stage of the same name, else the same index when the rewrite has as many stages.
    func originalStage(for stage: Stage) -> Stage? {
        if stage.index == hardened.stages.count - 1 { return original.stages.last }
        if let name = stage.name, let match = original.stage(named: name) { return match }
        if hardened.stages.count == original.stages.count { return original.stages[stage.index] }
        return nil
    }

    func toolProblems() -> [Problem] {
        var problems: [Problem] = []
        for stage in hardened.stages {
            guard let before = originalStage(for: stage) else { continue }
            let removed = Self.installed(before, in: original).subtracting(Self.installed(stage, in: hardened))
            guard !removed.isEmpty else { continue }
            let isFinal = stage.index == hardened.stages.count - 1
            var usage = CommandUsage()
            for instruction in hardened.instructions(of: stage) {
                switch instruction.keyword {
                case .run: usage.add(instruction)
                case .cmd where isFinal, .entrypoint where isFinal, .healthcheck where isFinal: usage.add(instruction)
                default: break
                }
            }
            let label = stage.name.map { "stage \"\($0)\"" } ?? (isFinal ? "the final stage" : "stage \(stage.index)")
            for package in removed.sorted() {
                if let line = usage.unknownProgramLine {
                    problems.append(Problem(step: .dropTools, message: """
                        \(package) stays installed in \(label): \(originalLine(ofHardenedLine: line).map { "line \($0)" } ?? "a RUN") runs a \
                        program named by a variable, which may need it
                        """))
                } else if PackageRole.isUsed(package, by: usage.programs) {
                    let program = PackageRole.programs(of: package).first(where: usage.programs.contains)
                        ?? PackageRole.implicitDependencies[package]?.first(where: usage.programs.contains) ?? package
                    let line = usage.lines[program].flatMap(originalLine(ofHardenedLine:)).map { " (line \($0))" } ?? ""
                    problems.append(Problem(step: .dropTools, message: "\(package) stays installed in \(label): \(program)\(line) needs it"))
                }
            }
        }
        return problems
    }

    // MARK: - User

    func userProblems() -> [Problem] {
        guard let final = hardened.stages.last, let before = original.stages.last else { return [] }
        let lastUser = hardened.instructions(of: final).last { $0.keyword == .user }?.user
        let originalUser = original.instructions(of: before).last { $0.keyword == .user }?.user
        guard let lastUser, lastUser.word.resolved != originalUser?.word.resolved, !lastUser.isRoot else { return [] }
        let hardener = InPlaceHardener(dockerfile: hardened, source: HardenSource(reconstructing: hardened), options: options, headerName: "")
        let accounts = hardener.finalChainAccounts
        let family = ImageFamily(stage: final, in: hardened)
        var problems: [Problem] = []
        let name = lastUser.user
        let account = lastUser.isNumeric ? accounts.last { $0.uid == Int(name) } : accounts.last { $0.name == name }
        let known = lastUser.isNumeric
            ? InPlaceHardener.knownUsers.keys.contains { hardener.knownUID($0) == Int(name) }
            : hardener.knownUID(name) != nil
        let cannotCreate = lastUser.isNumeric && (family == .shellless || family == .unknown)
        if account == nil && !known && !cannotCreate {
            problems.append(Problem(step: .user, message: """
                USER \(lastUser.word.resolved) is not written: no useradd/adduser of the final stage (or a stage it is built FROM) \
                creates \(lastUser.isNumeric ? "UID " : "")\(name), so that user would own nothing and have no passwd entry
                """))
        }
        for instruction in hardened.instructions(of: final) where [.copy, .add].contains(instruction.keyword) {
            guard let chown = instruction.flag("chown")?.value else { continue }
            let owner = String(chown.split(separator: ":", omittingEmptySubsequences: false).first ?? "")
            let matches = owner == name || owner == "root" || owner == "0" || owner.contains("$")
                || account.map { owner == $0.name || owner == $0.uid.map(String.init) } == true
            if !matches {
                let line = originalLine(ofHardenedLine: instruction.startLine)
                problems.append(Problem(step: line == nil ? .user : nil, message: """
                    COPY --chown=\(chown)\(line.map { " (line \($0))" } ?? "") names another user than USER \(lastUser.word.resolved): \
                    the application's files would not belong to the user that runs it
                    """))
            }
        }
        return problems
    }

    // MARK: - Health check

    func healthcheckProblems() -> [Problem] {
        guard let final = hardened.stages.last, let before = original.stages.last else { return [] }
        guard let check = hardened.instructions(of: final).last(where: { $0.keyword == .healthcheck }) else { return [] }
        let previous = original.instructions(of: before).last { $0.keyword == .healthcheck }
        guard previous?.sourceText != check.sourceText else { return [] }
        let text = check.sourceText
        let hardener = InPlaceHardener(dockerfile: hardened, source: HardenSource(reconstructing: hardened), options: options, headerName: "")
        let serverProtocol = ServerProtocol(invocation: hardener.mainInvocation(), facts: AppSourceFacts(sources: options.appSource))
        if text.contains("urllib.request") {
            // Replacing a curl/wget check of an http:// URL keeps what its author said the server speaks.
            let replacedHTTP = previous.flatMap(InPlaceHardener.downloaderURL)?.hasPrefix("http://") == true
            if serverProtocol.kind != .http && !replacedHTTP {
                return [Problem(step: .healthcheck, message: """
                    no HTTP HEALTHCHECK: the server is not known to speak HTTP (\(serverProtocol.reason)), and an HTTP request \
                    against another protocol can never pass
                    """)]
            }
        } else if text.contains("grpc_health_probe") {
            if serverProtocol.kind != .grpc || hardener.grpcHealthProbePath == nil {
                return [Problem(step: .healthcheck, message: "no grpc_health_probe HEALTHCHECK: the server is not known to speak gRPC, or the image has no probe")]
            }
        }
        return []
    }

    // MARK: - Rules

    /// Findings of the watched rules on instructions the fixer wrote (their text is not in the
    /// original) that are worse than what the original stage had: a rewritten FROM may still be
    /// reported at a lower severity when the table has nothing better on that day (a Debian
    /// release in long-term support only), but never as badly as the base it replaced.
    func ruleProblems(originalLines: Set<String>) -> [Problem] {
        let rules = DockerfileRules.all.filter { Self.watchedRules[$0.descriptor.id] != nil }
        let scanner = DockerfileScanner(rules: rules)
        let findings = scanner.scan(DockerfileAnalysis(hardened, evaluationDate: options.evaluationDate))
        let before = scanner.scan(DockerfileAnalysis(original, evaluationDate: options.evaluationDate))
        var problems: [Problem] = []
        for finding in findings where !finding.suppressed {
            guard let step = Self.watchedRules[finding.ruleId] else { continue }
            let instruction = hardened.instructions.first { $0.startLine <= finding.location.line && finding.location.line <= $0.endLine }
            // Only findings on an instruction the fixer wrote, of the kind the step writes (a FROM
            // for the base image, a USER for the user).
            guard let instruction, !originalLines.contains(instruction.sourceText),
                instruction.keyword == (step == .baseImage ? .from : .user)
            else { continue }
            if let stageIndex = instruction.stageIndex, hardened.stages.indices.contains(stageIndex),
                let stage = originalStage(for: hardened.stages[stageIndex])
            {
                let from = original.instructions.indices.contains(stage.fromIndex) ? original.instructions[stage.fromIndex] : nil
                let lines = from.map { $0.startLine...$0.endLine }
                let previous = before.filter { old in old.ruleId == finding.ruleId && lines?.contains(old.location.line) == true }
                if previous.contains(where: { $0.severity > finding.severity }) { continue }
            }
            problems.append(Problem(step: step, message: "\(finding.ruleId) flags what the rewrite chose: \(finding.message)"))
        }
        return problems
    }
}
