import BulwarkCore

/// Hardens a Dockerfile where it stands. Each step checks one property (a supported slim base, a
/// numeric non-root USER, apt/apk/pip hygiene, no secrets in ENV/ARG, exec-form CMD, a
/// HEALTHCHECK …) and edits the file only when the property is missing, at the positions the
/// parser reports, so untouched lines keep their bytes and a hardened file comes back unchanged.
struct InPlaceHardener {
    let dockerfile: Dockerfile
    let source: HardenSource
    let options: HardenOptions
    /// What an earlier pass (the builder split) changed; listed in the header with this pass's changes.
    let priorChanges: [String]
    let priorWarnings: [String]
    /// The input's name in the header.
    let headerName: String

    var patch = SourcePatch()
    var changes: [String] = []
    var warnings: [String] = []
    var recommendedDockerignore: String?
    /// Set when this pass added the non-root user, so application files get `--chown`.
    var addedUser = false
    /// Secret mounts with `env=` need the Dockerfile 1.10 frontend.
    var addedSecretMount = false
    /// The port the final image's server listens on, when the health-check step found it.
    var serverPort: Int?
    /// Steps the verifier found unsafe on an earlier pass (`HardeningVerifier`): not applied.
    var disabledSteps: Set<HardeningStep> = []
    /// Set when `addHealthcheck` replaced a curl/wget HEALTHCHECK.
    var replacedHealthcheck = false
    /// The UID and GID the final stage runs as when this pass chose them (added or reused account).
    var runAs: (uid: Int, gid: Int)?

    init(dockerfile: Dockerfile, source: HardenSource, options: HardenOptions, headerName: String, priorChanges: [String] = [],
         priorWarnings: [String] = [], disabledSteps: Set<HardeningStep> = []) {
        self.disabledSteps = disabledSteps
        self.dockerfile = dockerfile
        self.source = source
        self.options = options
        self.headerName = headerName
        self.priorChanges = priorChanges
        self.priorWarnings = priorWarnings
    }

    /// Runs every step; nil when nothing had to change (and nothing changed before).
    mutating func run() -> String? {
        guard dockerfile.finalStage != nil else { return nil }
        if !disabledSteps.contains(.baseImage) { hardenBaseImages() }
        addPythonEnvironment()
        hardenPackageCommands()
        removeSecrets()
        if !disabledSteps.contains(.user) {
            runAsNonRoot()
            chownApplicationFiles()
        }
        useExecForm()
        if !disabledSteps.contains(.healthcheck) { addHealthcheck() }
        checkPrivilegedPorts()
        checkBuildContext()
        guard !changes.isEmpty || !priorChanges.isEmpty else { return nil }
        if addedSecretMount { requireSecretEnvironmentFrontend() }
        addHeader()
        return patch.apply(to: source)
    }

    // MARK: - Shared facts

    var instructions: [Instruction] { dockerfile.instructions }

    /// The final stage (the parser guarantees one when `run` proceeds).
    var finalStage: Stage { dockerfile.stages[dockerfile.stages.count - 1] }

    /// The indices of the final stage's instructions after its FROM.
    var finalBody: [Int] { Array(finalStage.instructionRange.dropFirst()) }

    /// True when the final image is a `python` image (directly or through earlier stages).
    var finalIsPython: Bool { PythonBase(stage: dockerfile.rootStage(of: finalStage), in: dockerfile) != nil }

    /// The simple commands of a RUN that a shell runs: the shell form's top level and the
    /// heredoc scripts (nested `sh -c` scripts are left alone).
    static func topLevelCommands(_ run: Instruction) -> [SimpleCommand] {
        var commands = run.shellCommand?.script.commands ?? []
        for heredoc in run.heredocs {
            if let script = heredoc.script { commands += script.commands }
        }
        return commands
    }

    /// The first line of an instruction's block: its attached comments, else its keyword line.
    func blockStart(of instruction: Instruction) -> Int {
        let lines = instruction.comments.filter { !$0.insideInstruction && $0.line < instruction.startLine }.map(\.line)
        // Only the comments right above (no blank line between them and the instruction).
        var start = instruction.startLine
        for line in lines.sorted(by: >) where line == start - 1 {
            start = line
        }
        return start
    }

    /// Secret mounts with `env=` need the Dockerfile frontend 1.10 or newer: adds `# syntax=`, or
    /// raises an older `docker/dockerfile:1.N` pin to 1.10.
    mutating func requireSecretEnvironmentFrontend() {
        guard let directive = dockerfile.directives.all.first(where: { $0.name == "syntax" }) else {
            patch.insertLines(before: 1, ["# syntax=docker/dockerfile:1"])
            changes.append("# syntax=docker/dockerfile:1 added: secret mounts with env= need the Dockerfile frontend 1.10 or newer.")
            return
        }
        let value = directive.value
        guard let marker = value.firstRange(of: "dockerfile:1.") else { return }
        let rest = value[marker.upperBound...]
        let digits = rest.prefix { $0.isNumber }
        guard let minor = Int(digits), minor < 10 else { return }
        var suffix = rest.dropFirst(digits.count)
        while suffix.first == "." || suffix.first?.isNumber == true { suffix = suffix.dropFirst() }
        let raised = String(value[..<marker.upperBound]) + "10" + suffix
        patch.replace(directive.valueRange, with: raised)
        changes.append("# syntax=\(value) → \(raised): secret mounts with env= need the Dockerfile frontend 1.10 or newer.")
    }

    // MARK: - Header

    static let headerPrefix = "# bulwark:"

    /// True for a line of the generated header (not a `# bulwark:ignore` pragma).
    static func isHeaderLine(_ line: String) -> Bool {
        let trimmed = line.drop { $0 == " " || $0 == "\t" }
        return trimmed.hasPrefix(headerPrefix) && !trimmed.hasPrefix("# bulwark:ignore")
    }

    /// Writes (or rewrites) the `# bulwark:` header after the parser directives.
    mutating func addHeader() {
        let directiveLines = Set(dockerfile.directives.all.map(\.line))
        var first = 1
        while first <= source.lineCount, directiveLines.contains(first) { first += 1 }
        var last = first - 1
        var previousChanges: [String] = []
        var inChange = false
        while last + 1 <= source.lineCount, Self.isHeaderLine(source.line(last + 1)) {
            last += 1
            let text = source.line(last).drop { $0 == " " || $0 == "\t" }.dropFirst(Self.headerPrefix.count)
            if text.hasPrefix(" - ") {
                previousChanges.append(String(text.dropFirst(3)))
                inChange = true
            } else if text.hasPrefix("   "), inChange, let previous = previousChanges.popLast() {
                previousChanges.append(previous + " " + text.drop { $0 == " " })
            } else {
                inChange = false
            }
        }
        var all: [String] = []
        for change in previousChanges + priorChanges + changes where !all.contains(change) { all.append(change) }
        var lines = ["# bulwark: generated by `bulwark fix dockerfile` from \(headerName); running it again changes nothing.",
                     "# bulwark: what changed:"]
        for change in all { lines += Self.wrap(change, first: "# bulwark: - ", rest: "# bulwark:   ") }
        let review = (priorWarnings + warnings).reduce(into: [String]()) { if !$0.contains($1) { $0.append($1) } }
        if !review.isEmpty {
            lines.append("# bulwark: review:")
            for warning in review { lines += Self.wrap(warning, first: "# bulwark: * ", rest: "# bulwark:   ") }
        }
        if last >= first {
            patch.replaceLines(first, last, with: lines, in: source)
        } else {
            let next = source.line(first)
            if !next.trimmingSet(" \t").isEmpty { lines.append("") }
            patch.insertLines(before: first, lines)
        }
    }

    /// Splits a sentence into comment lines of at most 110 characters.
    static func wrap(_ text: String, first: String, rest: String, width: Int = 110) -> [String] {
        var lines: [String] = []
        var current = first
        var currentIsEmpty = true
        for word in text.split(separator: " ") {
            if !currentIsEmpty && current.count + 1 + word.count > width {
                lines.append(current)
                current = rest + word
            } else {
                current += (currentIsEmpty ? "" : " ") + word
            }
            currentIsEmpty = false
        }
        lines.append(current)
        return lines
    }
}

/// A step of the in-place pass the verifier can turn off when it cannot prove the step's result
/// safe (`HardeningVerifier`).
enum HardeningStep: String, Sendable, Hashable, CaseIterable {
    /// Moving Python stages to a supported slim base.
    case baseImage
    /// Dropping debugging and download tools from the final stage's installs.
    case dropTools
    /// The non-root USER (added, reused or made numeric) and `COPY --chown`.
    case user
    /// The added or replaced HEALTHCHECK.
    case healthcheck
}
