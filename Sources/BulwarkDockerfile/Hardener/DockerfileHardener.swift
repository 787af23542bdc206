import BulwarkCore

/// `bulwark fix dockerfile`: rewrites a Dockerfile into a hardened one that builds the same
/// application.
///
/// For a Python image that installs packages (Flask, FastAPI, gunicorn, uvicorn, scikit-learn,
/// PyTorch …) the stage is split into a builder with the build dependencies and a virtualenv at
/// /opt/venv, and a final stage on the matching `-slim` base (a supported Python when the
/// original's is past end of life). Every Dockerfile then gets, where missing: a numeric non-root
/// USER created without a lastlog entry, `COPY --chown` for the application files, apt/apk/pip
/// cache hygiene, no secrets in ENV/ARG, exec-form ENTRYPOINT/CMD, and for Python images a
/// HEALTHCHECK that uses the interpreter (slim images have no curl) against the server's port and
/// health route. Comments are kept; a `# bulwark:` header says what changed.
///
/// The rewrite is verified before it is returned (`HardeningVerifier`): a step whose result breaks
/// an invariant (a tool a later step runs removed, a USER without an account in its stage, an HTTP
/// check for a server not known to speak HTTP, a base the rules flag) is not applied, and a
/// `Not applied …` warning says why.
///
/// Hardening is idempotent: each step checks the property it would add, so a hardened file (this
/// function's output included) comes back byte for byte. Pure: no I/O (see `DockerBuildContext`
/// for reading the application's sources).
public enum DockerfileHardener {
    /// Hardens the text of a Dockerfile. Lines that need no change keep their bytes.
    public static func harden(text: String, file: String = "Dockerfile", options: HardenOptions = HardenOptions()) -> HardenResult {
        let dockerfile = DockerfileParser.parse(text: text, file: file)
        return harden(dockerfile, source: HardenSource(text: text), original: text, options: options)
    }

    /// Hardens a parsed Dockerfile. Without the original bytes, the text is rebuilt from the
    /// model (instructions as written, comments normalised to `# text`); `HardenResult.original`
    /// is that rebuilt text.
    public static func harden(_ dockerfile: Dockerfile, options: HardenOptions = HardenOptions()) -> HardenResult {
        let source = HardenSource(reconstructing: dockerfile)
        return harden(dockerfile, source: source, original: source.render(source.lines), options: options)
    }

    /// `verify` is `HardeningVerifier.check`; tests pass another to see how a refused step is handled.
    static func harden(
        _ dockerfile: Dockerfile, source: HardenSource, original: String, options: HardenOptions,
        verify: (Dockerfile, String, HardenOptions) -> [HardeningVerifier.Problem] = HardeningVerifier.verify
    ) -> HardenResult {
        // Options are the caller's input: refuse them before anything is written (line 0: no
        // position in the file).
        let problems = options.problems
        guard problems.isEmpty else {
            return HardenResult(original: original, text: original,
                                errors: problems.map { DockerfileError(line: 0, column: 0, message: "invalid option: \($0)") })
        }
        guard dockerfile.errors.isEmpty else {
            return HardenResult(original: original, text: original,
                                warnings: ["The Dockerfile has syntax errors; fix them first, nothing was rewritten."], errors: dockerfile.errors)
        }
        if let dangling = danglingContinuation(dockerfile, source) {
            return HardenResult(original: original, text: original, warnings: [
                "Line \(dangling) ends with a line continuation that nothing follows; fix it first, nothing was rewritten.",
            ])
        }
        if isWindows(dockerfile) {
            return HardenResult(original: original, text: original,
                                warnings: ["Windows images are not rewritten: users, shells and packages work differently there."])
        }
        let name = options.sourceName ?? baseName(dockerfile.file)
        var current = dockerfile
        var currentSource = source
        var priorChanges: [String] = []
        var priorWarnings: [String] = []
        if dockerfile.stages.contains(where: { PythonBase(stage: $0, in: dockerfile) != nil }),
           let staleness = BaseImageCatalog.staleness(on: options.evaluationDate) {
            // The Python line and Debian release it picks come from that table.
            priorWarnings.append(sentence(staleness.description))
        }
        var split = BuilderSplit(dockerfile: dockerfile, source: source, options: options)
        if let output = split.run() {
            let reparsed = DockerfileParser.parse(text: output.text, file: dockerfile.file)
            if reparsed.errors.isEmpty {
                current = reparsed
                currentSource = HardenSource(text: output.text)
                priorChanges = output.changes
                priorWarnings = output.warnings
            } else {
                priorWarnings.append("The builder-stage split produced an invalid Dockerfile and was skipped: \(reparsed.errors[0]).")
            }
        } else if let reason = split.skipReason {
            priorWarnings.append("Kept a single stage: \(reason).")
        }
        // The in-place pass, verified (`HardeningVerifier`): a step whose result breaks an
        // invariant is turned off and the pass runs again, with the reason in the output.
        var disabled: Set<HardeningStep> = []
        var refusals: [String] = []
        var pass = 0
        while true {
            pass += 1
            var hardener = InPlaceHardener(dockerfile: current, source: currentSource, options: options, headerName: name,
                                           priorChanges: priorChanges, priorWarnings: priorWarnings + refusals, disabledSteps: disabled)
            let text = hardener.run()
            let changes = (priorChanges + hardener.changes).reduce(into: [String]()) { if !$0.contains($1) { $0.append($1) } }
            let warnings = (priorWarnings + refusals + hardener.warnings).reduce(into: [String]()) { if !$0.contains($1) { $0.append($1) } }
            guard let text, !changes.isEmpty else {
                return HardenResult(original: original, text: original, warnings: warnings, recommendedDockerignore: hardener.recommendedDockerignore)
            }
            let problems = verify(dockerfile, text, options)
            let avoidable = problems.filter { $0.step.map { !disabled.contains($0) } ?? false }
            let unexplained = problems.filter { problem in
                !refusals.contains("Check: \(problem.message).") && !avoidable.contains(problem)
            }
            if !avoidable.isEmpty, pass <= HardeningStep.allCases.count {
                for problem in avoidable {
                    if let step = problem.step { disabled.insert(step) }
                    refusals.append("Not applied, as it could not be proven safe: \(problem.message).")
                }
                continue
            }
            if !unexplained.isEmpty, pass <= HardeningStep.allCases.count + 1 {
                // What no step can be turned off for is said in the output for a person to review.
                for problem in unexplained { refusals.append("Check: \(problem.message).") }
                continue
            }
            return verified(HardenResult(original: original, text: text, changes: changes, warnings: warnings,
                                         recommendedDockerignore: hardener.recommendedDockerignore), file: dockerfile.file)
        }
    }

    /// A rewrite that parses, or, when the rewrite has syntax errors, the input unchanged with
    /// errors (so the command exits 2 and prints nothing) that say the rewrite, not the input, is
    /// at fault.
    static func verified(_ result: HardenResult, file: String) -> HardenResult {
        let check = DockerfileParser.parse(text: result.text, file: file)
        guard !check.errors.isEmpty else { return result }
        return HardenResult(original: result.original, text: result.original, warnings: result.warnings, errors: check.errors.map {
            DockerfileError(line: 0, column: 0, message: "the hardened rewrite does not parse (its line \($0.line), column \($0.column): \($0.message)); nothing was rewritten, please report this")
        })
    }

    /// The line of an instruction whose last line still ends with the escape character (the file
    /// ends, or a comment follows): lines added after it would join the instruction.
    static func danglingContinuation(_ dockerfile: Dockerfile, _ source: HardenSource) -> Int? {
        let escape = dockerfile.directives.escape
        for instruction in dockerfile.instructions where instruction.heredocs.isEmpty {
            let lines = source.text(lines: instruction.startLine, instruction.endLine).map { $0.trimmingSet(" \t") }
            if let last = lines.last(where: { !$0.isEmpty }), last.last == escape { return instruction.endLine }
        }
        return nil
    }

    /// A Windows build: backtick escapes, or a Windows base image in the final stage.
    static func isWindows(_ dockerfile: Dockerfile) -> Bool {
        if dockerfile.directives.escape == "`" { return true }
        guard let final = dockerfile.finalStage else { return false }
        let image = dockerfile.rootStage(of: final).baseImage.lowercased()
        return ["windows", "servercore", "nanoserver"].contains { image.contains($0) }
    }

    /// `the table …` → `The table ….`
    static func sentence(_ text: String) -> String {
        (text.first.map { String($0).uppercased() + text.dropFirst() } ?? "") + "."
    }

    static func baseName(_ path: String) -> String {
        let name = path.split(separator: "/").last.map(String.init) ?? path
        return name.isEmpty || name == "-" ? "Dockerfile" : name
    }
}
