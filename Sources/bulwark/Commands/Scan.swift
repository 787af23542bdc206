import ArgumentParser
import BulwarkArtifacts
import BulwarkCore
import BulwarkEngine
import BulwarkImage
import BulwarkReport

struct Scan: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Scan Kubernetes manifests (YAML, JSON, kind: List, Helm output), Dockerfiles, model files and container images for security problems.",
        discussion: """
        Directories are walked recursively; only regular files are read. Version-control, dependency and build folders \
        (.git, node_modules, .venv, .build …), symbolic links to directories, FIFOs and devices are not read, and each \
        is named in the report. Each file goes to the domain that claims it by content and name: manifests (YAML/JSON \
        files; documents that are not Kubernetes objects are skipped and counted) and Dockerfiles (Dockerfile, \
        Dockerfile.*, *.Dockerfile, Containerfile, or any file named on the command line whose first instruction is \
        FROM), each with the .dockerignore BuildKit would use, and model files (pickles, PyTorch checkpoints, NumPy \
        object arrays, safetensors, GGUF, ONNX, recognised by content whatever their names; see bulwark model scan) and \
        container images (OCI layouts, oci-archive and docker save tars; see bulwark image, whose --platform, --db, --max-db-age \
        and --vex apply here too). Suppress a finding on an object with the annotation \
        bulwark.dev/ignore: "rule-id[,rule-id…]: reason", in a Dockerfile with a comment "# bulwark:ignore rule-id \
        reason" above the instruction, or in .bulwark.yaml. --format cyclonedx writes a CycloneDX 1.6 ML-BOM of the \
        model files found (see bulwark model scan); findings about other inputs are only counted there.
        """
    )

    @OptionGroup var input: InputOptions
    @OptionGroup var dates: DateOptions
    @OptionGroup var reporting: ReportingOptions
    @OptionGroup var modelPolicy: ModelPolicyOptions
    @OptionGroup var imageOptions: ImageOptions

    func run() async throws {
        let clock = PhaseClock()
        let configuration = try reporting.loadConfiguration()
        let baseline = try reporting.loadBaseline()
        var request = ScanRequest(paths: input.paths, configuration: configuration, configurationFile: reporting.configurationFile,
                                  maxFileSize: input.limits.limit, evaluationDate: dates.date, compliance: reporting.compliance)
        request.ruleTimings = clock.ruleTimings
        request.onPhase = clock.mark
        let policy = try modelPolicy.policy(commandLine: [:], configuration: configuration)
        let engine = Engine.standard.replacing(ModelDomain(policy: policy, hashes: reporting.format == .cyclonedx || reporting.format == .spdx))
            .replacing(try imageOptions.domain(policy: policy))
        let outcome = engine.scan(request)
        let report = baseline.map { $0.apply(to: outcome.report) } ?? outcome.report
        let threshold = reporting.threshold(configuration)
        try reporting.emit(report, configuration: configuration, failOn: threshold, models: outcome.models, images: outcome.images)
        clock.mark("report")
        clock.reportRules()
        let code = report.exitCode(failOn: threshold)
        if code != 0 { throw ExitCode(code) }
    }
}
