import ArgumentParser
import BulwarkCore
import BulwarkKubernetes

struct Scan: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Scan Kubernetes manifests (YAML, JSON, kind: List, Helm output) for security problems.",
        discussion: """
        Directories are walked recursively (.git, node_modules and .build* folders are skipped). Files that are
        not Kubernetes YAML are skipped and counted. Suppress a finding on an object with the annotation
        bulwark.dev/ignore: "rule-id[,rule-id…]: reason", or in .bulwark.yaml.
        """
    )

    @OptionGroup var input: InputOptions
    @OptionGroup var reporting: ReportingOptions

    func run() async throws {
        let clock = PhaseClock()
        let configuration = try reporting.loadConfiguration()
        let policy = Policy(configuration: configuration)
        let discovery = InputDiscovery.files(under: input.paths)
        let files = discovery.files.filter { KubernetesLoader.accepts($0) && !configuration.isExcluded(path: $0.path) }
        var inventory = KubernetesLoader.load(files: files, options: LoadOptions(maxFileSize: input.maxFileSize << 20))
        inventory.errors += discovery.errors
        clock.mark("load \(inventory.files) files, \(inventory.objects.count) objects")
        let rules = KubernetesRules.all.filter { policy.isEnabled($0.descriptor) }
        let findings = policy.apply(KubernetesScanner(rules: rules).scan(inventory), catalog: Catalog.all)
        clock.mark("rules: \(findings.count) findings")
        let report = Report(
            findings: findings, errors: inventory.errors, files: inventory.files, objects: inventory.objects.count,
            skippedDocuments: inventory.skippedDocuments,
            compliance: reporting.compliance.map { Renderer.compliance(findings: findings, framework: $0) }
        )
        let threshold = reporting.threshold(configuration)
        try Renderer.emit(report, options: reporting, failOn: threshold)
        clock.mark("report")
        let code = report.exitCode(failOn: threshold)
        if code != 0 { throw ExitCode(code) }
    }
}

/// Every rule of every domain.
enum Catalog {
    static let all = RuleCatalog(KubernetesRules.descriptors)
}
