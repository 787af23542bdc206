import BulwarkCore
import BulwarkKubernetes
import Testing

/// The command-line reading behind the `serving/…` rules: shell splitting, flag lookup and the
/// model-server heuristic.
@Suite struct MLServingRulesServerFlagsTests {
    static let anchor = YAMLNode(.scalar("", .plain), position: TextPosition(line: 1, column: 1))

    /// The first container of the first pod spec of a one-object manifest.
    static func container(_ yaml: String) throws -> ContainerView {
        let inventory = KubernetesLoader.parse(text: yaml, file: "test.yaml")
        let object = try #require(inventory.objects.first)
        let pod = try #require(PodSpecExtractor.podSpecs(in: object).first)
        return try #require(pod.containers.first)
    }

    static func pod(command: String? = nil, args: String? = nil, image: String = "registry.example.com/app:1.0") -> String {
        var text = """
        apiVersion: v1
        kind: Pod
        metadata: {name: p, namespace: ml}
        spec:
          containers:
            - name: c
              image: \(image)

        """
        if let command { text += "      command: \(command)\n" }
        if let args { text += "      args: \(args)\n" }
        return text
    }

    // MARK: - ShellWords

    @Test("shell scripts split into commands and words", arguments: [
        ("vllm serve m --trust-remote-code", [["vllm", "serve", "m", "--trust-remote-code"]]),
        ("pip install x && exec vllm serve m", [["pip", "install", "x"], ["exec", "vllm", "serve", "m"]]),
        ("a; b | c || d & e", [["a"], ["b"], ["c"], ["d"], ["e"]]),
        ("jupyter lab --ServerApp.token='' --ip=0.0.0.0", [["jupyter", "lab", "--ServerApp.token=", "--ip=0.0.0.0"]]),
        ("echo \"a b\" 'c d' e\\ f", [["echo", "a b", "c d", "e f"]]),
        ("run --flag \\\n  --next", [["run", "--flag", "--next"]]),
        ("start # a comment\nnext", [["start"], ["next"]]),
        ("cmd 2>&1 --x", [["cmd", "2>&1", "--x"]]),
        ("--key=$(cat /run/key) --other", [["--key=$(cat", "/run/key)", "--other"]]),
        ("say \"quote \\\" inside\"", [["say", "quote \" inside"]]),
    ])
    func shellWords(script: String, expected: [[String]]) {
        #expect(ShellWords.commands(in: script) == expected)
    }

    // MARK: - ServerFlags

    static func flags(_ words: [String]) -> ServerFlags { ServerFlags(words, node: anchor) }

    @Test func optionsReadEqualsAndSpaceForms() {
        let flags = Self.flags(["--model", "m", "--port=8000", "--api-key", "", "--host", "--next"])
        #expect(flags.option("--model")?.value == "m")
        #expect(flags.option("--port")?.value == "8000")
        #expect(flags.option("--api-key")?.value == "")
        #expect(flags.option("--host")?.value == nil)
        #expect(flags.option("--missing") == nil)
    }

    @Test func theLastOccurrenceWinsAndAllAreListed() {
        let flags = Self.flags(["--http-restricted-api=logging:k=v", "--http-restricted-api", "model-repository:k=v"])
        #expect(flags.options(["--http-restricted-api"]).map(\.value) == ["logging:k=v", "model-repository:k=v"])
        #expect(flags.option("--http-restricted-api")?.value == "model-repository:k=v")
    }

    @Test func underscoresAndHyphensAreTheSameFlag() {
        #expect(Self.flags(["--trust_remote_code"]).switch("--trust-remote-code")?.isOn == true)
        #expect(Self.flags(["--tensor-parallel-size", "4"]).option("--tensor_parallel_size")?.value == "4")
    }

    @Test func switchesDoNotSwallowPositionals() {
        let flags = Self.flags(["--trust-remote-code", "meta-llama/Llama-3-8B"])
        let match = flags.switch("--trust-remote-code")
        #expect(match?.isOn == true)
        #expect(match?.value == nil)
        #expect(match?.display == "--trust-remote-code")
    }

    @Test("switch values and negations", arguments: [
        (["--disable-token-auth"], true),
        (["--disable-token-auth=true"], true),
        (["--disable-token-auth=False"], false),
        (["--disable-token-auth", "--no-disable-token-auth"], false),
        (["--no-disable-token-auth", "--disable-token-auth"], true),
    ])
    func switches(words: [String], on: Bool) {
        #expect(Self.flags(words).switch("--disable-token-auth")?.isOn == on)
    }

    @Test func quotedEmptyValuesReadAsEmpty() {
        #expect(ServerFlags.unquoted("''") == "")
        #expect(ServerFlags.unquoted("\"\"") == "")
        #expect(ServerFlags.unquoted("'abc'") == "abc")
        #expect(ServerFlags.unquoted("'abc") == "'abc")
        #expect(ServerFlags.isTrue("True") && ServerFlags.isTrue("'1'") && !ServerFlags.isTrue("0"))
    }

    // MARK: - Container command lines and model servers

    @Test func shellWrappedCommandsAreOpened() throws {
        let container = try Self.container(Self.pod(
            command: "[\"tini\", \"--\", \"/bin/bash\", \"-ec\"]",
            args: "[\"pip install x && exec python3 -m vllm.entrypoints.openai.api_server --model m --trust-remote-code\"]"))
        let invocations = ContainerCommandLine.invocations(of: container)
        #expect(invocations.map { $0.map(\.text) } == [
            ["pip", "install", "x"],
            ["exec", "python3", "-m", "vllm.entrypoints.openai.api_server", "--model", "m", "--trust-remote-code"],
        ])
        #expect(invocations.flatMap { $0 }.allSatisfy { !$0.isWholeScalar })
        let server = try #require(ModelServer.detect(container).first)
        #expect(server.kind == .vllm)
        #expect(server.entrypoint == "python -m vllm.entrypoints.openai.api_server")
        #expect(server.flags.words.map(\.text) == ["--model", "m", "--trust-remote-code"])
    }

    @Test("model servers are recognised from the command line or the image", arguments: [
        (nil, "[\"--model\", \"m\"]", "vllm/vllm-openai:v0.6.3", ServingWorkload.Kind.vllm, "vllm/vllm-openai:v0.6.3"),
        ("[\"vllm\", \"serve\", \"m\"]", nil, "registry.example.com/llm:1", .vllm, "vllm serve"),
        ("[\"python3.11\", \"-u\", \"-m\", \"vllm.entrypoints.api_server\"]", nil, "registry.example.com/llm:1", .vllm, "python -m vllm.entrypoints.api_server"),
        ("[\"/opt/nvidia/nvidia_entrypoint.sh\", \"tritonserver\"]", nil, "nvcr.io/nvidia/tritonserver:24.05-py3", .triton, "tritonserver"),
        (nil, "[\"tritonserver\", \"--model-repository=/m\"]", "nvcr.io/nvidia/tritonserver:24.05-py3", .triton, "tritonserver"),
        (nil, nil, "ghcr.io/huggingface/text-generation-inference:2.4.1", .textGenerationInference, "ghcr.io/huggingface/text-generation-inference:2.4.1"),
        ("[\"text-generation-launcher\"]", nil, "registry.example.com/tgi:1", .textGenerationInference, "text-generation-launcher"),
        (nil, "[\"torchserve\", \"--start\"]", "pytorch/torchserve:0.11.0-cpu", .torchserve, "torchserve"),
        ("[\"sh\", \"-c\", \"ray start --head --block\"]", nil, "rayproject/ray:2.52.0", .ray, "ray start"),
        ("[\"bash\", \"-o\", \"pipefail\", \"-ec\", \"exec torchserve --start\"]", nil, "registry.example.com/ts:1", .torchserve, "torchserve"),
        ("[\"jupyter\", \"lab\"]", nil, "python:3.12", .jupyter, "jupyter lab"),
        (nil, nil, "quay.io/jupyter/base-notebook:2024-06-17", .jupyter, "quay.io/jupyter/base-notebook:2024-06-17"),
        ("[\"mlflow\", \"server\"]", nil, "ghcr.io/mlflow/mlflow:v2.14.1", .mlflow, "mlflow server"),
        ("[\"env\", \"A=1\", \"mlflow\", \"ui\"]", nil, "python:3.12", .mlflow, "mlflow ui"),
    ] as [(String?, String?, String, ServingWorkload.Kind, String)])
    func detection(command: String?, args: String?, image: String, kind: ServingWorkload.Kind, entrypoint: String) throws {
        let container = try Self.container(Self.pod(command: command, args: args, image: image))
        let server = try #require(ModelServer.detect(container).first)
        #expect(server.kind == kind)
        #expect(server.entrypoint == entrypoint)
        #expect(ModelServer.kind(of: container) == kind)
    }

    @Test("containers that are not model servers", arguments: [
        ("[\"python\", \"app.py\"]", nil, "vllm/vllm-openai:v0.6.3"),
        ("[\"huggingface-cli\", \"download\", \"m\"]", nil, "vllm/vllm-openai:v0.6.3"),
        ("[\"mlflow\", \"run\", \".\"]", nil, "ghcr.io/mlflow/mlflow:v2.14.1"),
        ("[\"bash\", \"/scripts/start.sh\"]", nil, "registry.example.com/app:1.0"),
        (nil, nil, "jupyterhub/k8s-hub:3.3.7"),
        (nil, nil, "docker.io/kubeflownotebookswg/jupyter-web-app:v1.8.0"),
        (nil, nil, "registry.example.com/app:1.0"),
    ] as [(String?, String?, String)])
    func nonServers(command: String?, args: String?, image: String) throws {
        let container = try Self.container(Self.pod(command: command, args: args, image: image))
        #expect(ModelServer.detect(container).isEmpty)
        #expect(ModelServer.kind(of: container) == nil)
    }

    @Test func wordsOfExecFormItemsKeepTheirOwnPositions() throws {
        let container = try Self.container(Self.pod(command: "[\"vllm\", \"serve\"]", args: "[\"m\", \"--trust-remote-code\"]"))
        let server = try #require(ModelServer.detect(container, kind: .vllm).first)
        let flag = try #require(server.flags.switch("--trust-remote-code"))
        #expect(flag.flagWord.isWholeScalar)
        #expect(flag.node.position == TextPosition(line: 9, column: 19))
    }
}
