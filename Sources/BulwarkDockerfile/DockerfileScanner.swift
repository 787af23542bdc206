import BulwarkCore

/// What a Dockerfile rule may know about the build besides the Dockerfile: the build context's
/// `.dockerignore`, and the day time-dependent rules judge by. The caller reads the file (rules do
/// no I/O); see `dockerignoreCandidates`.
public struct DockerfileScanContext: Sendable, Hashable {
    /// The contents of the ignore file that applies to the build; nil when the context has none.
    public var dockerignore: String?
    /// Its path as messages should show it (`.dockerignore`, `app.Dockerfile.dockerignore`).
    public var dockerignorePath: String?
    /// The day end-of-life is judged for (`--as-of`; today by default).
    public var evaluationDate: CalendarDate

    public init(dockerignore: String? = nil, dockerignorePath: String? = nil, evaluationDate: CalendarDate = .today()) {
        self.dockerignore = dockerignore
        self.dockerignorePath = dockerignorePath
        self.evaluationDate = evaluationDate
    }

    /// Where BuildKit looks for the ignore file of the Dockerfile at `dockerfilePath`, in order:
    /// `<Dockerfile path>.dockerignore` next to it, then `.dockerignore` at the root of the build
    /// context (the Dockerfile's directory unless `contextDirectory` says otherwise). The first
    /// one that exists applies.
    public static func dockerignoreCandidates(forDockerfileAt dockerfilePath: String, contextDirectory: String? = nil) -> [String] {
        let directory: String
        if let contextDirectory {
            directory = contextDirectory
        } else if let slash = dockerfilePath.lastIndex(of: "/") {
            directory = String(dockerfilePath[..<slash])
        } else {
            directory = ""
        }
        let root = directory.isEmpty ? ".dockerignore" : (directory.hasSuffix("/") ? directory : directory + "/") + ".dockerignore"
        return [dockerfilePath + ".dockerignore", root]
    }
}

/// Runs the Dockerfile rules over a parsed Dockerfile and returns findings.
///
/// One pass over the instructions runs the per-instruction checks (dispatched by keyword), then
/// the per-stage and per-file checks run once each. A comment line `# bulwark:ignore rule-id
/// reason` above an instruction (or between its continuation lines) suppresses that rule's
/// findings on the instruction: the finding is kept with `suppressed: true` and the reason
/// (`all` names every rule). Findings that concern a whole stage (no USER, no HEALTHCHECK) belong
/// to the stage's FROM instruction, so the pragma goes above that FROM.
///
/// Findings carry `location` (the Dockerfile's path, line and column) and `object: nil`: a
/// Dockerfile is not a Kubernetes object, `ObjectReference` has no field for a stage, and every
/// message names its stage already (`RUN in stage "builder" …`, `stage 0 (python:3.9) …`).
/// Parse errors are not findings: report `Dockerfile.inputErrors` next to them. `DockerfileDomain`
/// is how the engine reads and scans Dockerfiles.
public struct DockerfileScanner: Sendable {
    public let rules: [DockerfileRule]
    /// Collects the time of each rule when set.
    public let timings: RuleTimings?

    public init(rules: [DockerfileRule] = DockerfileRules.all, timings: RuleTimings? = nil) {
        self.rules = rules
        self.timings = timings
    }

    /// A rule's check, timed when timings are collected.
    private func run(_ rule: DockerfileRule, _ body: () -> [DockerfileViolation]) -> [DockerfileViolation] {
        guard let timings else { return body() }
        return timings.measure(rule.id, body)
    }

    public func scan(_ dockerfile: Dockerfile, context: DockerfileScanContext = DockerfileScanContext()) -> [Finding] {
        scan(DockerfileAnalysis(dockerfile, context: context))
    }

    /// Parses and scans a text; parse errors come back as `InputError`s.
    public func scan(text: String, file: String, context: DockerfileScanContext = DockerfileScanContext()) -> (findings: [Finding], errors: [InputError]) {
        let dockerfile = DockerfileParser.parse(text: text, file: file)
        return (scan(dockerfile, context: context), dockerfile.inputErrors)
    }

    public func scan(_ analysis: DockerfileAnalysis) -> [Finding] {
        var byKeyword: [Keyword: [(DockerfileRule, @Sendable (InstructionView) -> [DockerfileViolation])]] = [:]
        var stageChecks: [(DockerfileRule, @Sendable (StageView) -> [DockerfileViolation])] = []
        var fileChecks: [(DockerfileRule, @Sendable (DockerfileAnalysis) -> [DockerfileViolation])] = []
        for rule in rules {
            switch rule.check {
            case .instruction(let keywords, let check):
                for keyword in keywords { byKeyword[keyword, default: []].append((rule, check)) }
            case .stage(let check): stageChecks.append((rule, check))
            case .file(let check): fileChecks.append((rule, check))
            }
        }
        let dockerfile = analysis.dockerfile
        var findings: [Finding] = []
        for index in dockerfile.instructions.indices {
            guard let checks = byKeyword[dockerfile.instructions[index].keyword] else { continue }
            let view = analysis.instruction(at: index)
            for (rule, check) in checks {
                for violation in run(rule, { check(view) }) { findings.append(Self.finding(rule, violation, in: dockerfile)) }
            }
        }
        for stage in analysis.stages {
            for (rule, check) in stageChecks {
                for violation in run(rule, { check(stage) }) { findings.append(Self.finding(rule, violation, in: dockerfile)) }
            }
        }
        for (rule, check) in fileChecks {
            for violation in run(rule, { check(analysis) }) { findings.append(Self.finding(rule, violation, in: dockerfile)) }
        }
        return findings.sorted(by: Finding.reportOrder)
    }

    static let defaultReason = "suppressed by a # bulwark:ignore comment"

    static func finding(_ rule: DockerfileRule, _ violation: DockerfileViolation, in dockerfile: Dockerfile) -> Finding {
        let descriptor = rule.descriptor
        let pragma = ([descriptor.id] + descriptor.aliases).lazy.compactMap {
            dockerfile.ignorePragma(for: $0, instructionAt: violation.instructionIndex)
        }.first
        return descriptor.finding(
            violation, at: violation.position.located(in: dockerfile.file),
            suppression: pragma.map { $0.reason.isEmpty ? defaultReason : $0.reason })
    }
}
