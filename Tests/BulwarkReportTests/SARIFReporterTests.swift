import BulwarkCore
import BulwarkKubernetes
import BulwarkReport
import Foundation
import Testing

@Suite struct SARIFReporterTests {
    let reporter = SARIFReporter(rules: ReportFixture.rules)

    @Test func matchesTheGoldenFile() {
        Golden.check(reporter.render(ReportFixture.report), against: "report.sarif")
    }

    @Test("validates against the official SARIF 2.1.0 schema", arguments: ["representative", "empty", "all rules and a source root"])
    func validatesAgainstTheSchema(_ name: String) throws {
        let report = name == "empty" ? ReportFixture.empty : ReportFixture.report
        let allRules = name == "all rules and a source root"
        let reporter = SARIFReporter(rules: ReportFixture.rules, includeAllRules: allRules, sourceRoot: allRules ? "/work/repo with space" : nil)
        let problems = try SchemaValidator.validate(reporter.render(report))
        #expect(problems == "", "\(name): \(problems)")
    }

    @Test func realRulesAndFindingsValidate() throws {
        // Every failing example of every Kubernetes rule, scanned with all rules: real titles,
        // summaries, tags, controls and messages.
        var findings: [Finding] = []
        var errors: [InputError] = []
        for (index, rule) in KubernetesRules.all.enumerated() {
            for example in rule.descriptor.failing where example.fileName.hasSuffix(".yaml") {
                let inventory = KubernetesLoader.parse(text: example.stripped.text, file: "examples/\(index)/\(example.fileName)")
                findings += KubernetesScanner().scan(inventory)
                errors += inventory.errors
            }
        }
        try #require(!findings.isEmpty)
        let report = Report(findings: findings, errors: errors, files: 1, objects: 1, tool: ReportFixture.tool)
        let sarif = SARIFReporter(rules: KubernetesRules.descriptors, includeAllRules: true).render(report)
        let problems = try SchemaValidator.validate(sarif)
        #expect(problems == "", "\(problems.prefix(2000))")
    }

    /// A finding in a binary input (a model file) has a byte offset and no line: the region is
    /// `byteOffset` alone, which the schema allows.
    @Test func binaryLocationsValidate() throws {
        let finding = Finding(ruleId: "model/pickle-dangerous-global", severity: .critical, title: "Pickle imports a dangerous global",
                              message: "GLOBAL at archive/data.pkl, offset 57 imports posix.system", remediation: "Do not load it.",
                              location: SourceLocation(file: "models/resnet.pt", member: "archive/data.pkl", offset: 57))
        let report = Report(findings: [finding], errors: [], files: 1, objects: 0, tool: ReportFixture.tool)
        let sarif = SARIFReporter(rules: ReportFixture.rules).renderString(report)
        #expect(sarif.contains("\"byteOffset\" : 57"), "\(sarif)")
        #expect(!sarif.contains("startLine"))
        let problems = try SchemaValidator.validate(Array(sarif.utf8))
        #expect(problems == "", "\(problems)")
    }

    @Test func schemaValidationCatchesAnInvalidLog() throws {
        var text = reporter.renderString(ReportFixture.report)
        text = text.replacingOccurrences(of: "\"level\" : \"error\"", with: "\"level\" : \"fatal\"")
            .replacingOccurrences(of: "\"level\": \"error\"", with: "\"level\": \"fatal\"")
        let problems = try SchemaValidator.validate(Array(text.utf8))
        #expect(problems.contains("fatal"), "the validator accepted an invalid level: \(problems)")
    }

    @Test func declaresSchemaVersionAndTool() throws {
        let log = reporter.log(for: ReportFixture.report)
        #expect(log.schema == "https://json.schemastore.org/sarif-2.1.0.json")
        #expect(log.version == "2.1.0")
        let run = try #require(log.runs.first)
        #expect(log.runs.count == 1)
        #expect(run.tool.driver.name == "bulwark")
        #expect(run.tool.driver.version == "0.1.0")
        #expect(run.tool.driver.semanticVersion == "0.1.0")
        #expect(run.tool.driver.informationUri == SARIFReporter.informationURI)
        #expect(run.originalUriBaseIds == nil)
    }

    @Test func listsOnlyTheRulesThatProducedFindingsByDefault() throws {
        let run = try #require(reporter.log(for: ReportFixture.report).runs.first)
        let ids = run.tool.driver.rules.map(\.id)
        #expect(ids == ids.sorted())
        #expect(!ids.contains("k8s/read-only-root-filesystem"))
        #expect(ids.contains("dockerfile/root-user"))  // not in the catalogue: made from the finding
        let all = try #require(SARIFReporter(rules: ReportFixture.rules, includeAllRules: true).log(for: ReportFixture.report).runs.first)
        #expect(all.tool.driver.rules.map(\.id).contains("k8s/read-only-root-filesystem"))
    }

    @Test func everyResultPointsAtItsRule() throws {
        let run = try #require(reporter.log(for: ReportFixture.report).runs.first)
        #expect(run.results.count == ReportFixture.findings.count)
        for result in run.results {
            let rule = try #require(run.tool.driver.rules.indices.contains(result.ruleIndex) ? run.tool.driver.rules[result.ruleIndex] : nil)
            #expect(rule.id == result.ruleId)
        }
    }

    @Test func aliasedRuleIdsAreReportedUnderTheCurrentId() throws {
        let run = try #require(reporter.log(for: ReportFixture.report).runs.first)
        #expect(run.results.contains { $0.ruleId == "k8s/privileged-container" })
        #expect(!run.results.contains { $0.ruleId == "k8s/privileged" })
        let rule = try #require(run.tool.driver.rules.first { $0.id == "k8s/privileged-container" })
        #expect(rule.deprecatedIds == ["k8s/privileged"])
    }

    @Test func describesRules() throws {
        let run = try #require(reporter.log(for: ReportFixture.report).runs.first)
        let rule = try #require(run.tool.driver.rules.first { $0.id == "k8s/run-as-non-root" })
        #expect(rule.name == "K8sRunAsNonRoot")
        #expect(rule.shortDescription.text == "Container may run as root")
        #expect(rule.fullDescription.text == "Container may run as root (summary of k8s/run-as-non-root).")
        #expect(rule.help.text == "Fix k8s/run-as-non-root as the documentation says.")
        #expect(rule.help.markdown?.contains("- `cis-k8s:5.2.7`: CIS Kubernetes Benchmark 5.2.7: Minimize the admission of root containers") == true)
        #expect(rule.defaultConfiguration.level == .error)
        #expect(rule.properties.tags == ["k8s", "pss", "security"])
        #expect(rule.properties.precision == "high")
        #expect(rule.properties.securitySeverity == "8.0")
        let optIn = try #require(SARIFReporter(rules: ReportFixture.rules, includeAllRules: true).log(for: ReportFixture.empty)
            .runs.first?.tool.driver.rules.first { $0.id == "k8s/missing-network-policy" })
        #expect(optIn.defaultConfiguration.enabled == false)
    }

    @Test("levels by severity", arguments: [
        (Severity.critical, SARIFLog.Level.error), (.high, .error), (.medium, .warning), (.low, .note), (.info, .note),
    ])
    func level(_ severity: Severity, _ level: SARIFLog.Level) {
        #expect(SARIFReporter.level(for: severity) == level)
    }

    @Test("PascalCase rule names", arguments: [
        ("k8s/run-as-non-root", "K8sRunAsNonRoot"), ("serving/unauthenticated-endpoint", "ServingUnauthenticatedEndpoint"),
        ("vuln/os_package", "VulnOsPackage"), ("rbac/x", "RbacX"),
    ])
    func pascalCase(_ id: String, _ name: String) {
        #expect(SARIFReporter.pascalCase(id) == name)
    }

    @Test("paths become URI references", arguments: [
        ("k8s/deploy.yaml", "k8s/deploy.yaml", "%SRCROOT%"),
        ("./k8s/deploy.yaml", "k8s/deploy.yaml", "%SRCROOT%"),
        ("k8s/rbac & roles/übersicht.yaml", "k8s/rbac%20%26%20roles/%C3%BCbersicht.yaml", "%SRCROOT%"),
        ("a:b/c#d?e%f.yaml", "a%3Ab/c%23d%3Fe%25f.yaml", "%SRCROOT%"),
        ("/abs/dir/x.yaml", "file:///abs/dir/x.yaml", nil),
    ])
    func artifactLocation(_ path: String, _ uri: String, _ base: String?) {
        let location = SARIFReporter.artifactLocation(forPath: path)
        #expect(location.uri == uri)
        #expect(location.uriBaseId == base)
    }

    @Test func locatesResultsInFileAndObject() throws {
        let run = try #require(reporter.log(for: ReportFixture.report).runs.first)
        let result = try #require(run.results.first { $0.ruleId == "k8s/run-as-non-root" })
        let location = try #require(result.locations.first)
        #expect(location.physicalLocation.artifactLocation.uri == "k8s/deploy.yaml")
        #expect(location.physicalLocation.artifactLocation.uriBaseId == "%SRCROOT%")
        #expect(location.physicalLocation.region?.startLine == 27)
        #expect(location.physicalLocation.region?.startColumn == 9)
        let logical = try #require(location.logicalLocations?.first)
        #expect(location.logicalLocations?.count == 1)
        #expect(logical.name == "server")
        #expect(logical.fullyQualifiedName == "Deployment/ml/model-server/server")
        #expect(logical.kind == "object")
        #expect(result.level == .error)
        #expect(result.properties.severity == "high")
        #expect(result.properties.controls == ["pss-restricted:runAsNonRoot", "cis-k8s:5.2.7", "nist-800-190:4.4.3"])
        #expect(result.suppressions == nil)
    }

    @Test func marksSuppressedResultsWithTheirKind() throws {
        let run = try #require(reporter.log(for: ReportFixture.report).runs.first)
        let external = try #require(run.results.first { $0.ruleId == "k8s/host-network" })
        #expect(external.suppressions?.map(\.kind) == ["external"])
        #expect(external.suppressions?.map(\.justification) == ["needed by the CNI daemon; approved in SEC-123"])
        let inSource = try #require(run.results.first { $0.ruleId == "k8s/automount-service-account-token" })
        #expect(inSource.suppressions?.map(\.kind) == ["inSource"])
        #expect(inSource.suppressions?.map(\.justification) == ["token required by the model registry client"])
    }

    @Test func fingerprintsIgnoreLinesButNotContent() {
        let finding = ReportFixture.findings[0]
        var moved = finding
        moved.location.line += 10
        moved.location.column += 2
        var other = finding
        other.message += "!"
        var otherObject = finding
        otherObject.object?.name = "model-server-2"
        #expect(SARIFReporter.fingerprint(finding) == SARIFReporter.fingerprint(moved))
        #expect(SARIFReporter.fingerprint(finding) != SARIFReporter.fingerprint(other))
        #expect(SARIFReporter.fingerprint(finding) != SARIFReporter.fingerprint(otherObject))
        #expect(SARIFReporter.fingerprint(finding).count == 16)
    }

    @Test func inputErrorsAreToolExecutionNotifications() throws {
        let run = try #require(reporter.log(for: ReportFixture.report).runs.first)
        let invocation = try #require(run.invocations.first)
        #expect(!invocation.executionSuccessful)
        #expect(invocation.toolExecutionNotifications.count == 2)
        let broken = invocation.toolExecutionNotifications[0]
        #expect(broken.level == .error)
        #expect(broken.message.text == ReportFixture.errors[0].message)
        #expect(broken.locations.first?.physicalLocation.artifactLocation.uri == "k8s/broken.yaml")
        #expect(broken.locations.first?.physicalLocation.region?.startLine == 3)
        #expect(broken.locations.first?.physicalLocation.region?.startColumn == 1)
        #expect(invocation.toolExecutionNotifications[1].locations.first?.physicalLocation.region == nil)
        let clean = try #require(reporter.log(for: ReportFixture.empty).runs.first?.invocations.first)
        #expect(clean.executionSuccessful)
        #expect(clean.toolExecutionNotifications.isEmpty)
    }

    @Test func sourceRootBecomesAnOriginalURIBase() throws {
        let run = try #require(SARIFReporter(rules: [], sourceRoot: "/srv/my repo").log(for: ReportFixture.empty).runs.first)
        #expect(run.originalUriBaseIds?.count == 1)
        #expect(run.originalUriBaseIds?["%SRCROOT%"]?.uri == "file:///srv/my%20repo/")
        #expect(run.originalUriBaseIds?["%SRCROOT%"]?.uriBaseId == nil)
    }

    @Test func outputDecodesBackIntoTheModel() throws {
        let decoded = try JSONDecoder().decode(SARIFLog.self, from: Data(reporter.render(ReportFixture.report)))
        #expect(decoded == reporter.log(for: ReportFixture.report))
    }

    @Test func outputIsDeterministic() {
        #expect(reporter.render(ReportFixture.report) == SARIFReporter(rules: ReportFixture.rules.reversed()).render(ReportFixture.report))
    }
}

/// Runs the official SARIF 2.1.0 JSON schema (Fixtures/sarif-schema-2.1.0.json) over a log with
/// Python's `jsonschema` (Draft 7 validator, with format checks where the installed checkers can).
/// A missing python3 or jsonschema is a test failure, never a skip.
enum SchemaValidator {
    static let script = """
    import json, sys
    try:
        import jsonschema
    except ImportError:
        print("BULWARK-SETUP: the Python package jsonschema (4.x) is not installed; pip install 'jsonschema>=4'")
        sys.exit(3)
    with open(sys.argv[1], encoding="utf-8") as f:
        schema = json.load(f)
    with open(sys.argv[2], encoding="utf-8") as f:
        instance = json.load(f)
    validator = jsonschema.Draft7Validator(schema, format_checker=jsonschema.FormatChecker())
    errors = sorted(validator.iter_errors(instance), key=lambda e: [str(p) for p in e.absolute_path])
    for error in errors:
        print("/".join(str(p) for p in error.absolute_path) + ": " + error.message)
    sys.exit(1 if errors else 0)
    """

    /// The validator's complaints, empty when the log is valid.
    static func validate(_ sarif: [UInt8], sourceLocation: Testing.SourceLocation = #_sourceLocation) throws -> String {
        let schema = try Fixture.url("sarif-schema-2.1.0.json", sourceLocation: sourceLocation)
        let file = TemporaryFile(suffix: ".sarif")
        try Data(sarif).write(to: file.url)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script, schema.path, file.url.path]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        do {
            try process.run()
        } catch {
            Issue.record("cannot run python3 to validate SARIF (install python3 and jsonschema 4.x): \(error)", sourceLocation: sourceLocation)
            return "python3 not runnable"
        }
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        switch process.terminationStatus {
        case 0:
            return ""
        case 1:
            return output.isEmpty ? "invalid (no details)" : output
        case 3:
            Issue.record(Comment(rawValue: output), sourceLocation: sourceLocation)
            return output
        case 127:
            Issue.record("python3 is not installed; SARIF validation needs python3 with jsonschema 4.x", sourceLocation: sourceLocation)
            return "python3 missing"
        default:
            Issue.record("SARIF validation crashed (exit \(process.terminationStatus)): \(output)", sourceLocation: sourceLocation)
            return output
        }
    }
}
