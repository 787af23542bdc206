import ArgumentParser
import BulwarkArtifacts
import BulwarkCore
import BulwarkEngine
import BulwarkReport
import Foundation

struct Model: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Model files: scan them (pickles, PyTorch checkpoints, safetensors, GGUF, ONNX) for code that runs when loaded, sign and verify model directories, encrypt and decrypt weights, print the init-container pattern.",
        subcommands: [
            ModelScan.self,
            ModelSign.self, ModelVerify.self,
            ModelEncrypt.self, ModelDecrypt.self,
            ModelInitContainer.self,
        ]
    )
}

struct ModelScan: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scan",
        abstract: "Scan model files for code that runs when they are loaded: pickle programs judged allowlist-first, Keras, TorchScript, GGUF templates, ONNX external data, invalid headers.",
        discussion: """
        Files are recognised by content, whatever their names: raw pickles (protocols 0–5, several in a row), the \
        legacy PyTorch format, and zips with pickle members (PyTorch checkpoints, nested archives), read as \
        leniently as PyTorch reads them. Each pickle program is followed as CPython's unpickler runs it, without \
        running anything: a global on no allowlist is high, one that a peer scanner blocks is critical, a call of a \
        computed value is high, and a stream that cannot be followed is high, never clean. bulwark scan runs the same \
        rules on every model file it finds. Findings give the byte offset (and archive member) of the opcode. \
        model.allow in .bulwark.yaml allows globals as --allow does, each with a reason; a global that a peer \
        scanner blocks (os.system …) is allowed only with --allow-blocked-global too. --format cyclonedx writes a \
        CycloneDX 1.6 ML-BOM: one machine-learning-model component per file, with its SHA-256 and SHA-512, format, \
        framework guess, signature status (model.sig next to it) and verdict, and the findings as vulnerabilities. \
        safetensors, GGUF and ONNX files are recognised by content too: invalid safetensors and GGUF headers are \
        high, a GGUF chat template with code (dunder attributes, template-injection globals) is critical, ONNX \
        external data outside the model's directory is critical and operators from custom domains are medium. \
        joblib files (compressed with zlib, gzip, bz2, lzma or xz too), compressed zip members, Keras .keras and \
        legacy .h5 configs (Lambda layers, arbitrary callables) and TorchScript code are read as well.
        """
    )

    @OptionGroup var input: InputOptions
    @OptionGroup var dates: DateOptions
    @OptionGroup var reporting: ReportingOptions
    @OptionGroup var modelPolicy: ModelPolicyOptions

    @Option(name: .customLong("key"), help: ArgumentHelp(
        "Verify the model.sig of each model file's directory with this public key (PEM, P-256/384/521), as model verify does; "
            + "the outcome is the signature status of --format cyclonedx, and a failure is a warning.",
        valueName: "key.pub"))
    var verificationKey: String?

    @Option(name: .customLong("allow"), help: ArgumentHelp(
        "Allow a global with a reason: MODULE.NAME=REASON (MODULE:NAME=REASON when the name has dots). Repeatable.",
        valueName: "global=reason"))
    var allow: [String] = []

    func allowed() throws -> [PickleGlobal: String] {
        var allowed: [PickleGlobal: String] = [:]
        for entry in allow {
            guard let equals = entry.firstIndex(of: "=") else {
                throw ValidationError("--allow \(entry.terminalSafe): give the reason after =, e.g. --allow mylib.Model='our class, reviewed'")
            }
            let target = entry[..<equals]
            let reason = entry[entry.index(after: equals)...].trimmingCharacters(in: .whitespaces)
            let split = target.firstIndex(of: ":") ?? target.lastIndex(of: ".")
            guard let split, split != target.startIndex, target.index(after: split) != target.endIndex, !reason.isEmpty else {
                throw ValidationError("--allow \(entry.terminalSafe): expected MODULE.NAME=REASON")
            }
            allowed[PickleGlobal(module: String(target[..<split]), name: String(target[target.index(after: split)...]))] = reason
        }
        return allowed
    }

    func run() async throws {
        let clock = PhaseClock()
        let configuration = try reporting.loadConfiguration()
        let baseline = try reporting.loadBaseline()
        let policy = try modelPolicy.policy(commandLine: try allowed(), configuration: configuration)
        let verifier = try verificationKey.map { path in
            ModelDirectoryVerifier(key: try ModelSigningPathOptions.key(path) { try ModelSigningPublicKey(pem: $0) })
        }
        let engine = Engine(domains: [ModelDomain(policy: policy, hashes: reporting.format == .cyclonedx || reporting.format == .spdx, verifier: verifier)])
        var request = ScanRequest(paths: input.paths, configuration: configuration, configurationFile: reporting.configurationFile,
                                  maxFileSize: input.limits.limit, evaluationDate: dates.date, compliance: reporting.compliance)
        request.onPhase = clock.mark
        let outcome = engine.scan(request)
        let report = baseline.map { $0.apply(to: outcome.report) } ?? outcome.report
        let threshold = reporting.threshold(configuration)
        try reporting.emit(report, configuration: configuration, failOn: threshold, models: outcome.models)
        clock.mark("report")
        let code = report.exitCode(failOn: threshold)
        if code != 0 { throw ExitCode(code) }
    }
}
