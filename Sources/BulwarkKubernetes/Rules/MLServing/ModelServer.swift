import BulwarkCore
import Foundation

/// A model server found in a container: what runs, how it was recognised, and its arguments.
public struct ModelServer: Sendable {
    public enum Evidence: Sendable, Equatable {
        /// Recognised from the command line (`vllm serve`, `python -m …`, `tritonserver`, …).
        case command(String)
        /// Recognised from the image; the arguments go to the image's own entrypoint.
        case image(String)
    }

    public let kind: ServingWorkload.Kind
    public let evidence: Evidence
    /// The arguments after the program and its sub-command (or all `args` for an image match).
    public let flags: ServerFlags
    /// The word that named the program (nil for an image match).
    public let programWord: CommandWord?

    public init(kind: ServingWorkload.Kind, evidence: Evidence, flags: ServerFlags, programWord: CommandWord?) {
        self.kind = kind
        self.evidence = evidence
        self.flags = flags
        self.programWord = programWord
    }

    /// `vllm serve`, `python -m vllm.entrypoints.openai.api_server`, or the image name.
    public var entrypoint: String {
        switch evidence {
        case .command(let text), .image(let text): text
        }
    }

    /// Every model server the container runs. The command line decides when the container sets
    /// `command` (it replaces the image's entrypoint); otherwise `args` are checked for a known
    /// program first (images whose entrypoint execs its arguments), then the image name.
    public static func detect(_ container: ContainerView) -> [ModelServer] {
        container.memo.value(.modelServers) { compute(container) }
    }

    private static func compute(_ container: ContainerView) -> [ModelServer] {
        let invocations = ContainerCommandLine.invocations(of: container)
        var servers: [ModelServer] = []
        for words in invocations {
            let start = ContainerCommandLine.programIndex(words)
            if let server = recognize(Array(words[start...])) { servers.append(server) }
        }
        if servers.isEmpty, !ContainerCommandLine.setsCommand(container), let kind = defaultKind(ofImage: container.image) {
            servers.append(ModelServer(kind: kind, evidence: .image(container.image ?? ""),
                                       flags: ServerFlags(words: invocations.flatMap { $0 }), programWord: nil))
        }
        return servers
    }

    /// The kind of the first model server the container runs, if any.
    public static func kind(of container: ContainerView) -> ServingWorkload.Kind? {
        detect(container).first?.kind
    }

    /// The model server an image runs by default (its entrypoint), from the repository name: the
    /// kinds whose flags the `serving/…` rules read. Narrower than `ServingWorkload.kind(ofImage:)`,
    /// which says whether an image serves models at all.
    public static func defaultKind(ofImage image: String?) -> ServingWorkload.Kind? {
        guard let image else { return nil }
        let reference = ServingImage(image)
        let repository = reference.repository
        let last = reference.lastComponent
        if last.contains("vllm") { return .vllm }
        if last.contains("text-generation-inference") { return .textGenerationInference }
        if last.contains("tritonserver") { return .triton }
        if last.contains("torchserve") { return .torchserve }
        let hubParts = ["k8s-hub", "http-proxy", "network-tools", "image-awaiter", "secret-sync", "web-app", "foundation"]
        if repository.contains("jupyter") || last.hasSuffix("-notebook") || last.hasPrefix("jupyter-") {
            return hubParts.contains(where: repository.contains) ? nil : .jupyter
        }
        return nil
    }

    /// The servers of one kind in the container.
    public static func detect(_ container: ContainerView, kind: ServingWorkload.Kind) -> [ModelServer] {
        detect(container).filter { $0.kind == kind }
    }

    static let pythonModules: [(module: String, kind: ServingWorkload.Kind, subcommands: Set<String>)] = [
        ("vllm.entrypoints.openai.api_server", .vllm, []),
        ("vllm.entrypoints.api_server", .vllm, []),
        ("jupyterlab", .jupyter, []),
        ("notebook", .jupyter, []),
        ("jupyter_server", .jupyter, []),
        ("jupyter", .jupyter, ["notebook", "lab", "server", "nbclassic"]),
        ("mlflow", .mlflow, ["server", "ui"]),
    ]

    static let programs: [(name: String, kind: ServingWorkload.Kind, subcommands: Set<String>)] = [
        ("vllm", .vllm, ["serve"]),
        ("text-generation-launcher", .textGenerationInference, []),
        ("tritonserver", .triton, []),
        ("torchserve", .torchserve, []),
        ("ray", .ray, ["start"]),
        ("jupyter", .jupyter, ["notebook", "lab", "server", "labhub", "nbclassic"]),
        ("jupyter-lab", .jupyter, []),
        ("jupyter-notebook", .jupyter, []),
        ("jupyter-server", .jupyter, []),
        ("jupyterhub-singleuser", .jupyter, []),
        ("start-notebook.sh", .jupyter, []),
        ("start-notebook.py", .jupyter, []),
        ("start-singleuser.sh", .jupyter, []),
        ("start-singleuser.py", .jupyter, []),
        ("mlflow", .mlflow, ["server", "ui"]),
    ]

    /// Recognises the program at the start of `words`.
    static func recognize(_ words: [CommandWord]) -> ModelServer? {
        guard let first = words.first else { return nil }
        let program = first.basename
        if isPython(program) {
            var index = 1
            while index < words.count, words[index].text.hasPrefix("-"), words[index].text != "-m" {
                index += ["-X", "-W"].contains(words[index].text) ? 2 : 1
            }
            guard index + 1 < words.count, words[index].text == "-m" else { return nil }
            let module = words[index + 1].text
            for entry in pythonModules where entry.module == module {
                var argsStart = index + 2
                var entrypoint = "python -m \(module)"
                if !entry.subcommands.isEmpty {
                    guard argsStart < words.count, entry.subcommands.contains(words[argsStart].text) else { continue }
                    entrypoint += " \(words[argsStart].text)"
                    argsStart += 1
                }
                return ModelServer(kind: entry.kind, evidence: .command(entrypoint),
                                   flags: ServerFlags(words: Array(words[min(argsStart, words.count)...])), programWord: first)
            }
            return nil
        }
        for entry in programs where entry.name == program {
            var argsStart = 1
            var entrypoint = program
            if !entry.subcommands.isEmpty {
                guard argsStart < words.count, entry.subcommands.contains(words[argsStart].text) else { continue }
                entrypoint += " \(words[argsStart].text)"
                argsStart += 1
            }
            return ModelServer(kind: entry.kind, evidence: .command(entrypoint),
                               flags: ServerFlags(words: Array(words[argsStart...])), programWord: first)
        }
        return nil
    }

    static func isPython(_ program: String) -> Bool {
        guard program.hasPrefix("python") else { return false }
        return program.dropFirst("python".count).allSatisfy { $0.isNumber || $0 == "." }
    }
}
