import BulwarkCore
import BulwarkDockerfile
import Testing

/// The scanner around the rules: suppression pragmas, ordering, locations, errors and the build context.
@Suite struct DockerfileRuleScannerTests {
    /// Scans as of a fixed day, so end-of-life findings do not change with the calendar.
    static func scan(_ text: String, context: DockerfileScanContext = DockerfileScanContext()) -> [Finding] {
        let day = CalendarDate(year: 2026, month: 12, day: 1) ?? CalendarDate(daysSinceEpoch: 0)
        return DockerfileScanner().scan(DockerfileAnalysis(DockerfileParser.parse(text: text, file: "svc/Dockerfile"), context: context, evaluationDate: day))
    }

    @Test func aPragmaAboveTheInstructionSuppressesWithItsReason() throws {
        let findings = Self.scan(lines(
            "FROM python:3.12-slim",
            "# bulwark:ignore dockerfile/chmod-world-writable shared scratch directory for the sidecar",
            "RUN chmod 777 /scratch",
            "RUN chmod 777 /other"))
        let chmod = findings.filter { $0.ruleId == "dockerfile/chmod-world-writable" }
        try #require(chmod.count == 2)
        #expect(chmod[0].suppressed && chmod[0].suppressionReason == "shared scratch directory for the sidecar")
        #expect(chmod[0].suppressionKind == .inSource)
        #expect(!chmod[1].suppressed && chmod[1].suppressionReason == nil)
    }

    @Test("stage-level findings belong to the stage's FROM", arguments: [
        "dockerfile/root-user", "all", "dockerfile/no-healthcheck,dockerfile/root-user",
    ])
    func stageFindingsAreSuppressedAboveFrom(_ ids: String) {
        let findings = Self.scan(lines("FROM python:3.12-slim AS build", "# bulwark:ignore \(ids) runs as root by design", "FROM python:3.12-slim", "CMD [\"python\"]"))
        let root = findings.filter { $0.ruleId == "dockerfile/root-user" }
        #expect(root.count == 1)
        #expect(root.allSatisfy { $0.suppressed && $0.location.line == 3 })
    }

    @Test func aPragmaWithoutReasonGetsTheDefaultOne() {
        let findings = Self.scan(lines("FROM python:3.12-slim", "# bulwark:ignore dockerfile/maintainer-deprecated", "MAINTAINER a@example.com"))
        let finding = findings.first { $0.ruleId == "dockerfile/maintainer-deprecated" }
        #expect(finding?.suppressed == true)
        #expect(finding?.suppressionReason == "suppressed by a # bulwark:ignore comment")
    }

    @Test func aPragmaInsideContinuationLinesCoversItsInstruction() {
        let findings = Self.scan(lines(
            "FROM debian:trixie-slim",
            "RUN apt-get update \\",
            "# bulwark:ignore dockerfile/apt-no-install-recommends needs the recommended fonts",
            " && apt-get install -y fonts-dejavu && rm -rf /var/lib/apt/lists/*"))
        #expect(findings.first { $0.ruleId == "dockerfile/apt-no-install-recommends" }?.suppressed == true)
    }

    @Test func aPragmaForAnotherRuleOrInstructionDoesNotSuppress() {
        let findings = Self.scan(lines(
            "FROM python:3.12-slim",
            "# bulwark:ignore dockerfile/sudo not this one",
            "RUN chmod 777 /scratch",
            "# bulwark:ignore dockerfile/chmod-world-writable only the next instruction",
            "RUN true",
            "RUN chmod 777 /other"))
        #expect(findings.filter { $0.ruleId == "dockerfile/chmod-world-writable" }.allSatisfy { !$0.suppressed })
    }

    @Test func findingsAreSortedAndCarryTheFileAndNoObject() {
        let findings = Self.scan(lines("FROM python", "MAINTAINER a@example.com", "WORKDIR app", "CMD python app.py"))
        #expect(findings == findings.sorted(by: Finding.reportOrder))
        #expect(findings.allSatisfy { $0.location.file == "svc/Dockerfile" && $0.object == nil && !$0.title.isEmpty && !$0.remediation.isEmpty })
        #expect(findings.allSatisfy { !$0.controls.isEmpty })
    }

    @Test func parseErrorsComeBackAsInputErrors() {
        let (findings, errors) = DockerfileScanner().scan(text: "FROM python:3.12-slim\nFROBNICATE now\nUSER root\n", file: "Dockerfile")
        #expect(!errors.isEmpty)
        #expect(errors.allSatisfy { $0.file == "Dockerfile" && $0.line == 2 })
        #expect(findings.contains { $0.ruleId == "dockerfile/root-user" && $0.location.line == 3 })
    }

    @Test func aRuleSubsetRunsOnlyThoseRules() {
        let scanner = DockerfileScanner(rules: DockerfileRules.all.filter { $0.id == "dockerfile/maintainer-deprecated" })
        let findings = scanner.scan(DockerfileParser.parse(text: "FROM python\nMAINTAINER x\nUSER root\n", file: "Dockerfile"))
        #expect(findings.map(\.ruleId) == ["dockerfile/maintainer-deprecated"])
    }

    @Test func severityCanDependOnTheStage() {
        let findings = Self.scan(lines("FROM python:3.8 AS build", "FROM debian:bookworm-slim AS base", "FROM base"))
        let eol = findings.filter { $0.ruleId == "dockerfile/base-image-eol" }.map { "\($0.location.line) \($0.severity.rawValue)" }
        #expect(eol == ["1 low", "2 low"])
        let final = Self.scan("FROM python:3.8-slim\n").first { $0.ruleId == "dockerfile/base-image-eol" }
        #expect(final?.severity == .medium)
        let builderLTS = Self.scan("FROM debian:12 AS tools\nFROM scratch\n").first { $0.ruleId == "dockerfile/base-image-eol" }
        #expect(builderLTS?.severity == .info)
    }

    // MARK: - Build context

    @Test("the .dockerignore must exclude .git, .env and keys", arguments: [
        (".git\n.env\n*.pem\n*.key\nid_rsa\n", ""),
        ("*\n!app/\n", ""),
        ("# comment\n/.git\n**/.env\n**/*.pem\n*.key\nid_*\n", ""),
        ("node_modules\n", ".git, .env, SSH keys (id_rsa), *.pem keys and *.key files"),
        (".git\n.env\n", "SSH keys (id_rsa), *.pem keys and *.key files"),
        (".git\r\n.env*\r\n*.pem\r\n*.key\r\nid_*\r\n!.env\r\n", ".env"),
    ])
    func dockerignoreContents(_ contents: String, missing: String) {
        let context = DockerfileScanContext(dockerignore: contents, dockerignorePath: "svc/.dockerignore")
        let finding = Self.scan("FROM python:3.12-slim\nCOPY . /app/\n", context: context).first { $0.ruleId == "dockerfile/copy-context-without-dockerignore" }
        if missing.isEmpty {
            #expect(finding == nil)
        } else {
            #expect(finding?.message.hasSuffix("svc/.dockerignore does not exclude \(missing)") == true, "\(finding?.message ?? "no finding")")
        }
    }

    @Test func dockerignoreCandidatesFollowBuildKit() {
        #expect(DockerfileScanContext.dockerignoreCandidates(forDockerfileAt: "examples/inference-stack/Dockerfile")
            == ["examples/inference-stack/Dockerfile.dockerignore", "examples/inference-stack/.dockerignore"])
        #expect(DockerfileScanContext.dockerignoreCandidates(forDockerfileAt: "Dockerfile") == ["Dockerfile.dockerignore", ".dockerignore"])
        #expect(DockerfileScanContext.dockerignoreCandidates(forDockerfileAt: "build/api.Dockerfile", contextDirectory: ".")
            == ["build/api.Dockerfile.dockerignore", "./.dockerignore"])
    }
}

/// How literal credentials are graded, and that values never appear whole in messages.
@Suite struct DockerfileRuleSecretGradingTests {
    static func findings(_ text: String) -> [Finding] {
        DockerfileScanner().scan(text: text, file: "Dockerfile").findings.filter { $0.ruleId.hasPrefix("dockerfile/secret-") }
    }

    @Test("severity by value and place", arguments: [
        ("FROM python:3.12-slim\nENV DB_PASSWORD=hunter2\n", Severity.high),
        ("FROM python:3.12-slim\nENV DB_PASSWORD=changeme\n", Severity.medium),
        ("FROM python:3.12-slim\nRUN DB_PASSWORD=hunter2 ./migrate\n", Severity.medium),
        ("FROM python:3.12-slim\nRUN ./migrate --db-password=hunter2\n", Severity.medium),
        ("FROM python:3.12-slim\nRUN ./migrate --token hf_aBcDeFgHiJkLmNoPqRsTuVwXyZaBcDeFgH\n", Severity.high),
        ("FROM python:3.12-slim\nLABEL deploy.token=glpat-aBcDeFgHiJkLmNoPqRsT\n", Severity.high),
    ])
    func severity(_ text: String, _ severity: Severity) throws {
        let finding = try #require(Self.findings(text).first)
        #expect(finding.severity == severity)
        #expect(!finding.message.contains("hunter2") && !finding.message.contains("aBcDeFgHiJkLmNoPqRsT"))
    }

    @Test func referencesPathsAndFlagsAreNotSecrets() {
        #expect(Self.findings(lines(
            "FROM python:3.12-slim",
            "ARG DB_PASSWORD_FILE=/run/secrets/db",
            "ENV HF_HUB_ENABLE_HF_TRANSFER=1 AUTH_ENABLED=true TOKEN_PATH=/var/run/secrets/token",
            "RUN --mount=type=secret,id=db,env=DB_PASSWORD ./migrate --password \"$DB_PASSWORD\"")).isEmpty)
    }
}
