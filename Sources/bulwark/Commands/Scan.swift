import ArgumentParser
import BulwarkCore
import BulwarkDockerfile
import BulwarkKubernetes

struct Scan: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Scan Kubernetes manifests (YAML, JSON, kind: List, Helm output) and Dockerfiles for security problems.",
        discussion: """
        Directories are walked recursively (.git, node_modules and .build* folders are skipped). YAML/JSON files are read
        as Kubernetes manifests (documents that are not Kubernetes objects are skipped and counted); Dockerfile,
        Dockerfile.*, *.Dockerfile and Containerfile are read as Dockerfiles, each with the .dockerignore BuildKit would use.
        Suppress a finding on an object with the annotation bulwark.dev/ignore: "rule-id[,rule-id…]: reason", in a
        Dockerfile with a comment "# bulwark:ignore rule-id reason" above the instruction, or in .bulwark.yaml.
        """
    )

    @OptionGroup var input: InputOptions
    @OptionGroup var reporting: ReportingOptions

    func run() async throws {
        let clock = PhaseClock()
        let configuration = try reporting.loadConfiguration()
        let policy = Policy(configuration: configuration)
        let discovery = InputDiscovery.files(under: input.paths)
        let included = discovery.files.filter { !configuration.isExcluded(path: $0.path) }
        let dockerfiles = included.filter(DockerfileInputs.accepts)
        let manifests = included.filter { KubernetesLoader.accepts($0) && !DockerfileInputs.accepts($0) }
        var inventory = KubernetesLoader.load(files: manifests, options: LoadOptions(maxFileSize: input.maxFileSize << 20))
        inventory.errors += discovery.errors
        let dockerfileRules = DockerfileRules.all.filter { policy.isEnabled($0.descriptor) }
        let dockerfileScan = DockerfileInputs.scan(files: dockerfiles, rules: dockerfileRules, maxFileSize: input.maxFileSize << 20)
        inventory.errors += dockerfileScan.errors
        inventory.files += dockerfiles.count
        clock.mark("load \(inventory.files) files, \(inventory.objects.count) objects")
        let rules = KubernetesRules.all.filter { policy.isEnabled($0.descriptor) }
        let timings = clock.ruleTimings ? RuleTimings() : nil
        var scanned = KubernetesScanner(rules: rules, timings: timings).scan(inventory)
        scanned += dockerfileScan.findings
        let findings = policy.apply(consume scanned, catalog: Catalog.all)
        clock.mark("rules: \(findings.count) findings")
        if let timings { clock.report(timings) }
        let compliance = reporting.compliance.map { Renderer.compliance(findings: findings, framework: $0) }
        let report = Report(
            findings: consume findings, errors: inventory.errors, files: inventory.files, objects: inventory.objects.count,
            skippedDocuments: inventory.skippedDocuments, compliance: compliance
        )
        // The manifests' trees are not needed for writing the report.
        _ = consume inventory
        let threshold = reporting.threshold(configuration)
        try Renderer.emit(report, options: reporting, failOn: threshold)
        clock.mark("report")
        let code = report.exitCode(failOn: threshold)
        if code != 0 { throw ExitCode(code) }
    }
}

/// Every rule of every domain.
enum Catalog {
    static let all = RuleCatalog(KubernetesRules.descriptors + DockerfileRules.descriptors)
}
