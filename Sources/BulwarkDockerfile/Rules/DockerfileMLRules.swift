import BulwarkCore

/// The ML-serving pack: remote code from model repositories, notebook servers in serving images,
/// unpinned model downloads at build time, TorchServe and vLLM switches.
public enum DockerfileMLRules {
    public static let all: [DockerfileRule] = [trustRemoteCode, notebookServer, modelDownloadUnpinned, torchServeTokenAuth, torchServeEndOfLife, vllmDevMode]

    static let modelSuffixes = [
        ".bin", ".pt", ".pth", ".safetensors", ".gguf", ".ggml", ".onnx", ".ckpt", ".h5", ".keras", ".pkl", ".pickle", ".joblib",
        ".tflite", ".pb", ".mlmodel", ".mar", ".nemo",
    ]

    /// A URL path or file name of a model artifact (weights, pickles, archives of model servers).
    static func isModelFile(_ path: String) -> Bool {
        let lowered = path.lowercased()
        return modelSuffixes.contains { lowered.hasSuffix($0) }
    }

    /// Lines of heredoc bodies that no shell reads (Python scripts, files written by COPY), with
    /// their file positions.
    static func foreignHeredocLines(_ view: InstructionView) -> [(text: String, position: TextPosition)] {
        var lines: [(String, TextPosition)] = []
        for heredoc in view.instruction.heredocs where heredoc.script == nil {
            for (offset, line) in heredoc.body.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" }).enumerated() {
                let text = line.hasSuffix("\r") ? String(line.dropLast()) : String(line)
                let indent = text.prefix { $0 == " " || $0 == "\t" }.count
                lines.append((text, TextPosition(line: heredoc.startLine + offset, column: indent + 1)))
            }
        }
        return lines
    }

    // MARK: - dockerfile/trust-remote-code

    static let trustRemoteCode = DockerfileRule(
        RuleDescriptor(
            id: "dockerfile/trust-remote-code",
            severity: .high,
            title: "Model loaded with trust_remote_code",
            summary: """
            `--trust-remote-code` (vLLM, TGI, lm-eval, transformers CLIs) and `trust_remote_code=True` run the Python files \
            of the model repository inside the server: whoever can change the repository (or the revision it resolves to) \
            runs code in the image build or in every serving container.
            """,
            remediation: """
            Serve architectures that transformers implements natively; when remote code is unavoidable, review the code, \
            vendor it into the image (or pin `--revision` to a reviewed commit and `--code-revision` likewise) and load \
            the model from a local, read-only path.
            """,
            controls: ["nist-800-190:4.1.3", "cis-docker:4.11"],
            failing: [
                dockerfileExample("""
                FROM vllm/vllm-openai:v0.6.3
                ENTRYPOINT ["python3", "-m", "vllm.entrypoints.openai.api_server", "--model", "/models/phi-3", ↓"--trust-remote-code"]
                """),
                dockerfileExample("""
                FROM python:3.12-slim
                RUN python -c ↓"from transformers import AutoModel; AutoModel.from_pretrained('/models/m', trust_remote_code=True)"
                CMD text-generation-launcher --model-id /models/m ↓--trust-remote-code
                """),
            ],
            passing: [
                dockerfileExample("""
                FROM vllm/vllm-openai:v0.6.3
                ENTRYPOINT ["python3", "-m", "vllm.entrypoints.openai.api_server", "--model", "/models/llama-3.1-8b", "--trust-remote-code=false"]
                """),
            ],
            tags: ["ml"]
        ),
        check: .instruction([.run, .cmd, .entrypoint]) { view in
            var violations: [DockerfileViolation] = []
            for command in view.commands {
                for word in command.words where word.value.utf8.contains(UInt8(ascii: "_")) || word.value.hasPrefix("--trust") {
                    let lowered = word.value.lowercased()
                    let flag = lowered == "--trust-remote-code" || lowered == "--trust_remote_code"
                        || (lowered.hasPrefix("--trust-remote-code=") || lowered.hasPrefix("--trust_remote_code=")) && !SupplyChain.isFalse(String(lowered.split(separator: "=").last ?? ""))
                    let code = lowered.filter { $0 != " " }.contains("trust_remote_code=true")
                    guard flag || code else { continue }
                    violations.append(view.violation("\(view.subject) loads a model with \(flag ? word.value : "trust_remote_code=True"), running the model repository's code",
                                                     at: word.range.start))
                }
            }
            for line in foreignHeredocLines(view) where line.text.filter({ $0 != " " }).lowercased().contains("trust_remote_code=true") {
                violations.append(view.violation("\(view.subject) loads a model with trust_remote_code=True, running the model repository's code", at: line.position))
            }
            return violations
        }
    )

    // MARK: - dockerfile/notebook-server

    static let notebookPackages: Set<String> = [
        "jupyter", "jupyterlab", "notebook", "jupyter-server", "jupyter_server", "nbclassic", "voila", "jupyterhub", "jupyter-notebook",
        "python3-notebook", "jupyter-lab",
    ]
    static let notebookPrograms: Set<String> = ["jupyter", "jupyter-lab", "jupyter-notebook", "jupyter-server", "voila", "jupyterhub"]

    static let notebookServer = DockerfileRule(
        RuleDescriptor(
            id: "dockerfile/notebook-server",
            severity: .medium,
            title: "Notebook server in a serving image",
            summary: """
            Jupyter (or Voilà, JupyterHub) installed in an image that serves a model gives anyone who reaches its port an \
            interactive Python shell as the container's user; such servers are mass-scanned and exploited for \
            cryptomining. The rule reports notebook packages in the final image of a service whose entrypoint is \
            something else, and a notebook server started with an empty token or password.
            """,
            remediation: """
            Keep notebooks out of serving images (a separate development image, or a builder stage); where a notebook \
            image is the product, keep token authentication on (`--IdentityProvider.token` from a secret), bind to \
            `127.0.0.1` behind an authenticating proxy and run as non-root.
            """,
            controls: ["cis-docker:4.3", "nist-800-190:4.1.2"],
            failing: [
                dockerfileExample("""
                FROM python:3.12-slim
                RUN pip install --no-cache-dir fastapi==0.115.5 uvicorn==0.32.1 ↓jupyterlab==4.3.1
                CMD ["uvicorn", "serve:app", "--host", "0.0.0.0", "--port", "8080"]
                """),
                dockerfileExample("""
                FROM quay.io/jupyter/scipy-notebook:2024-11-25
                CMD ["start-notebook.py", ↓"--IdentityProvider.token=", "--ServerApp.ip=0.0.0.0"]
                """),
            ],
            passing: [
                dockerfileExample("""
                FROM python:3.12 AS dev
                RUN pip install --no-cache-dir jupyterlab==4.3.1
                FROM python:3.12-slim
                RUN pip install --no-cache-dir fastapi==0.115.5
                CMD ["uvicorn", "serve:app", "--host", "0.0.0.0", "--port", "8080"]
                """),
                dockerfileExample("""
                FROM quay.io/jupyter/scipy-notebook:2024-11-25
                RUN pip install --no-cache-dir jupyterlab-git==0.50.2
                """),
            ],
            tags: ["ml"]
        ),
        check: .stage { stage in
            guard stage.isFinal else { return [] }
            var violations: [DockerfileViolation] = []
            let effective = stage.effectiveInstructions
            let entry = effective.last(where: { $0.keyword == .entrypoint }) ?? effective.last(where: { $0.keyword == .cmd })
            // Empty tokens and passwords on a notebook command line.
            for view in effective where view.keyword == .cmd || view.keyword == .entrypoint {
                for command in view.commands {
                    for word in command.words {
                        let lowered = word.value.lowercased()
                        guard let equals = lowered.firstIndex(of: "="), lowered.hasPrefix("--"),
                              lowered.hasSuffix(".token=") || lowered.hasSuffix(".password=")
                                || [".token=''", ".token=\"\"", ".password=''", ".password=\"\""].contains(where: { lowered.hasSuffix($0) })
                        else { continue }
                        let key = String(word.value[word.value.index(word.value.startIndex, offsetBy: 2)..<equals])
                        violations.append(view.violation("\(view.subject) starts a notebook server with an empty \(key)", at: word.range.start))
                    }
                }
            }
            let launchesNotebook = entry?.commands.contains { command in
                guard let program = command.program else { return false }
                return notebookPrograms.contains(program) || program.hasPrefix("start-notebook") || program.hasPrefix("start-singleuser")
            } ?? false
            let notebookBase = stage.rootImage.map { $0.repository.contains("jupyter") || $0.repository.contains("notebook") } ?? false
            guard !launchesNotebook, !notebookBase else { return violations }
            let serving = entry.map { " of a service started by \($0.keyword.rawValue) \(Text.excerpt($0.commands.first?.excerpt(limit: 40) ?? "", limit: 40))" } ?? ""
            for view in effective where view.keyword == .run {
                for command in view.commands {
                    guard let install = PackageCommand(command), install.installs else { continue }
                    for package in install.packageNames where notebookPackages.contains(package.name) {
                        violations.append(view.violation("\(view.subject) installs \(package.word.value) into the final image\(serving)", at: package.word.range.start))
                    }
                }
            }
            return violations
        }
    )

    // MARK: - dockerfile/model-download-unpinned

    static let modelDownloadUnpinned = DockerfileRule(
        RuleDescriptor(
            id: "dockerfile/model-download-unpinned",
            severity: .medium,
            title: "Model downloaded at build time without a pinned revision or checksum",
            summary: """
            `huggingface-cli download` (or `hf download`) without `--revision <commit>`, `snapshot_download`, \
            `hf_hub_download` or `from_pretrained` without `revision=<commit>`, `git clone` of a Hugging Face repository \
            without checking out a commit, and curl/wget of weight files (`.safetensors`, `.bin`, `.pt`, `.gguf`, `.onnx`, \
            pickles) without a checksum bake whatever the branch holds at build time into the image: a pushed (or \
            hijacked) revision changes the model, and pickle-based weights run code when loaded.
            """,
            remediation: """
            Pin the 40-character commit: `huggingface-cli download org/model --revision 4f2a9c1…`, \
            `snapshot_download("org/model", revision="4f2a9c1…")`, `git -C model checkout 4f2a9c1…`; for plain downloads, \
            check a pinned SHA-256 (`sha256sum -c`). Prefer safetensors, and sign and verify the model (`bulwark model sign`).
            """,
            controls: ["cis-docker:4.11", "nist-800-190:4.1.3"],
            failing: [
                dockerfileExample("""
                FROM python:3.12-slim
                RUN ↓huggingface-cli download meta-llama/Llama-3.1-8B-Instruct --local-dir /models/llama --revision main
                RUN python -c ↓"from huggingface_hub import snapshot_download; snapshot_download('BAAI/bge-small-en-v1.5', local_dir='/models/bge')"
                RUN ↓git clone https://huggingface.co/sentence-transformers/all-MiniLM-L6-v2 /models/minilm
                RUN ↓curl -fsSLo /models/model.gguf https://huggingface.co/org/m-GGUF/resolve/main/m.Q4_K_M.gguf
                """),
                dockerfileExample("""
                FROM python:3.12-slim
                RUN <<EOF python3
                from transformers import AutoTokenizer
                ↓AutoTokenizer.from_pretrained("bert-base-uncased").save_pretrained("/models/tok")
                EOF
                """),
            ],
            passing: [
                dockerfileExample("""
                FROM python:3.12-slim
                RUN huggingface-cli download meta-llama/Llama-3.1-8B-Instruct --local-dir /models/llama --revision 0e9e39f249a16976918f6564b8830bc894c89659
                RUN python -c "from huggingface_hub import snapshot_download; snapshot_download('BAAI/bge-small-en-v1.5', revision='5c38ec7c405ec4b44b94cc5a9bb96e735b38267a')"
                RUN git clone https://huggingface.co/sentence-transformers/all-MiniLM-L6-v2 /models/minilm && git -C /models/minilm checkout c9745ed1d9f207416be6d2e6f8de32d1f16199bf
                RUN curl -fsSLo /models/m.gguf https://example.com/m.gguf && echo "0b3bb6c5e2a8d3c5e9f1a7c4b2d6e8f0a1b3c5d7e9f1a3b5c7d9e1f3a5b7c9d1  /models/m.gguf" | sha256sum -c -
                RUN python -c "from transformers import AutoModel; AutoModel.from_pretrained('/models/local')"
                """),
            ],
            tags: ["ml", "supply-chain"]
        ),
        check: .instruction([.run]) { view in
            var violations: [DockerfileViolation] = []
            let commands = view.commands
            let verified = IntegrityCheck.present(in: commands)
            let checkedOut = commands.contains { command in
                guard let invocation = ToolInvocation(command), invocation.tool == "git" else { return false }
                let words = invocation.arguments.map(\.value)
                guard let action = words.firstIndex(where: { ["checkout", "reset", "switch"].contains($0) }) else { return false }
                return words[(action + 1)...].contains { DockerfileSupplyChainRules.isFullCommitSHA($0) }
            }
            for command in commands {
                guard let invocation = ToolInvocation(command) else { continue }
                switch invocation.tool {
                case "huggingface-cli", "hf":
                    guard invocation.arguments.first?.value == "download" else { break }
                    let revision = invocation.values("--revision").last
                    guard revision.map({ !DockerfileSupplyChainRules.isFullCommitSHA($0) }) ?? true else { break }
                    let repository = invocation.operands(valueOptions: ["--revision", "--local-dir", "--cache-dir", "--token", "--repo-type", "--include", "--exclude", "--max-workers"])
                        .dropFirst().first?.value ?? "a model"
                    let how = revision.map { "at the movable revision \($0)" } ?? "without --revision"
                    violations.append(view.violation("\(view.subject) downloads \(repository) \(how)", at: invocation.toolWord.range.start))
                case "git":
                    guard let clone = invocation.arguments.firstIndex(where: { $0.value == "clone" }) else { break }
                    let arguments = invocation.arguments
                    guard let url = arguments[(clone + 1)...].first(where: { $0.value.contains("huggingface.co/") || $0.value.contains("hf.co/") }) else { break }
                    let pinnedClone = arguments.contains { $0.value.hasPrefix("--revision=") && DockerfileSupplyChainRules.isFullCommitSHA(String($0.value.dropFirst(11))) }
                    guard !checkedOut, !pinnedClone else { break }
                    violations.append(view.violation("\(view.subject) clones \(Text.excerpt(url.value, limit: 70)) without checking out a commit", at: invocation.toolWord.range.start))
                case "curl", "wget":
                    break
                default:
                    for word in command.words where unpinnedHubCall(word.value) {
                        violations.append(view.violation("\(view.subject) downloads a model with \(hubCall(word.value) ?? "the Hub API") and no pinned revision", at: word.range.start))
                    }
                }
            }
            if !verified {
                for download in Download.all(in: commands) {
                    guard let url = download.urls.first(where: { isModelFile($0.value.split(separator: "?").first.map(String.init) ?? "") }) else { continue }
                    violations.append(view.violation("\(view.subject) downloads the model file \(Text.excerpt(url.value, limit: 70)) and verifies no checksum",
                                                     at: download.invocation.toolWord.range.start))
                }
            }
            for line in foreignHeredocLines(view) where unpinnedHubCall(line.text) {
                let column = line.text.firstRange(of: hubCall(line.text) ?? "")?.lowerBound.utf16Offset(in: line.text) ?? (line.position.column - 1)
                violations.append(view.violation("\(view.subject) downloads a model with \(hubCall(line.text) ?? "the Hub API") and no pinned revision",
                                                 at: TextPosition(line: line.position.line, column: column + 1)))
            }
            return violations
        }
    )

    static let hubCalls = ["snapshot_download(", "hf_hub_download(", "from_pretrained("]

    /// The first Hub download call in a text, nil when none.
    static func hubCall(_ text: String) -> String? {
        var best: (String, String.Index)?
        for call in hubCalls {
            if let range = text.firstRange(of: call), best.map({ range.lowerBound < $0.1 }) ?? true {
                // `AutoTokenizer.from_pretrained(` → start at the receiver.
                var start = range.lowerBound
                while start > text.startIndex {
                    let before = text[text.index(before: start)]
                    guard before.isLetter || before.isNumber || before == "_" || before == "." else { break }
                    start = text.index(before: start)
                }
                best = (String(text[start..<range.upperBound].dropLast()), start)
            }
        }
        return best?.0
    }

    /// A Hub download call without a pinned `revision=`; `from_pretrained` of a local path is not a download.
    static func unpinnedHubCall(_ text: String) -> Bool {
        guard text.utf8.contains(UInt8(ascii: "(")), hubCalls.contains(where: { text.contains($0) }) else { return false }
        if let range = text.firstRange(of: "from_pretrained("), !text.contains("snapshot_download("), !text.contains("hf_hub_download(") {
            let argument = text[range.upperBound...].drop { $0 == " " }
            if let quote = argument.first, quote == "'" || quote == "\"" {
                let value = argument.dropFirst().prefix { $0 != quote }
                if value.hasPrefix("/") || value.hasPrefix(".") { return false }
            } else {
                return false  // a variable: cannot tell
            }
        }
        var rest = Substring(text)
        while let range = rest.firstRange(of: "revision") {
            var after = rest[range.upperBound...].drop { $0 == " " }
            if after.first == "=" {
                after = after.dropFirst().drop { $0 == " " || $0 == "'" || $0 == "\"" }
                let value = after.prefix { $0.isHexDigit }
                if value.count == 40 { return false }
            }
            rest = rest[range.upperBound...]
        }
        return true
    }

    // MARK: - dockerfile/torchserve-token-auth-disabled

    static let torchServeTokenAuth = DockerfileRule(
        RuleDescriptor(
            id: "dockerfile/torchserve-token-auth-disabled",
            severity: .high,
            title: "TorchServe token authorization switched off",
            summary: """
            TorchServe requires API tokens for its inference and management APIs since 0.11; \
            `TS_DISABLE_TOKEN_AUTHORIZATION=true`, `--disable-token-auth` or `disable_token_authorization=true` in \
            `config.properties` turn that off, so anyone who reaches the management port can register a model from a URL \
            and run its handler code (the ShellTorch chain, CVE-2023-43654).
            """,
            remediation: """
            Keep token authorization on, hand the generated keys (`key_file.json`) only to the clients that need them, and \
            bind the management API to `127.0.0.1` (`management_address=http://127.0.0.1:8081`).
            """,
            controls: ["nist-800-190:4.1.2"],
            failing: [
                dockerfileExample("""
                FROM pytorch/torchserve:0.12.0-cpu
                ENV ↓TS_DISABLE_TOKEN_AUTHORIZATION=true
                CMD ["torchserve", "--start", "--model-store", "/models", ↓"--disable-token-auth", "--foreground"]
                """),
                dockerfileExample("""
                FROM pytorch/torchserve:0.12.0-cpu
                COPY <<EOF /home/model-server/config.properties
                inference_address=http://0.0.0.0:8080
                ↓disable_token_authorization=true
                EOF
                RUN echo ↓"disable_token_authorization=true" >> /home/model-server/config.properties
                """),
            ],
            passing: [
                dockerfileExample("""
                FROM pytorch/torchserve:0.12.0-cpu
                ENV TS_DISABLE_TOKEN_AUTHORIZATION=false
                COPY <<EOF /home/model-server/config.properties
                management_address=http://127.0.0.1:8081
                EOF
                """),
            ],
            tags: ["ml", "torchserve"]
        ),
        check: .instruction([.env, .arg, .run, .cmd, .entrypoint, .copy, .add]) { view in
            var violations: [DockerfileViolation] = []
            for setting in view.settings where setting.name.uppercased() == "TS_DISABLE_TOKEN_AUTHORIZATION" && (setting.value ?? "").lowercased().trimmingSet("\"' ") == "true" {
                violations.append(view.violation("\(view.subject) sets TS_DISABLE_TOKEN_AUTHORIZATION=true", at: setting.namePosition))
            }
            for command in view.commands {
                for word in command.words where word.value.utf8.contains(UInt8(ascii: "=")) || word.value.hasPrefix("--") {
                    let compact = word.value.lowercased().filter { $0 != " " }
                    if compact == "--disable-token-auth" {
                        violations.append(view.violation("\(view.subject) starts TorchServe with --disable-token-auth", at: word.range.start))
                    } else if compact.contains("disable_token_authorization=true") {
                        violations.append(view.violation("\(view.subject) writes disable_token_authorization=true into the TorchServe configuration", at: word.range.start))
                    }
                }
            }
            for line in foreignHeredocLines(view) where line.text.lowercased().filter({ $0 != " " }).hasPrefix("disable_token_authorization=true") {
                violations.append(view.violation("\(view.subject) writes disable_token_authorization=true into the TorchServe configuration", at: line.position))
            }
            return violations
        }
    )

    // MARK: - dockerfile/torchserve-eol

    static let torchServeEndOfLife = DockerfileRule(
        RuleDescriptor(
            id: "dockerfile/torchserve-eol",
            severity: .medium,
            title: "TorchServe, which receives no security fixes",
            summary: """
            TorchServe is in "limited maintenance" and no longer receives security patches; its images and the \
            `torchserve` package carry the management API whose past flaws (ShellTorch: CVE-2023-43654, CVE-2022-1471) \
            will not be fixed again.
            """,
            remediation: """
            Move to a maintained model server (KServe with its Hugging Face or custom Python runtime, NVIDIA Triton, vLLM, \
            or a small FastAPI service); until then, keep the management API on localhost, token authorization on and \
            `allowed_urls` restricted.
            """,
            controls: ["cis-docker:4.4", "nist-800-190:4.1.1"],
            failing: [
                dockerfileExample("""
                FROM ↓pytorch/torchserve:0.12.0-gpu
                """),
                dockerfileExample("""
                FROM python:3.12-slim
                RUN pip install --no-cache-dir ↓torchserve==0.12.0 torch-model-archiver==0.12.0
                """),
            ],
            passing: [
                dockerfileExample("""
                FROM nvcr.io/nvidia/tritonserver:24.10-py3
                RUN pip install --no-cache-dir torch==2.5.1
                """),
            ],
            tags: ["ml", "torchserve"]
        ),
        check: .file { analysis in
            var violations: [DockerfileViolation] = []
            for stage in analysis.stages {
                if let reference = stage.baseImage, BaseImageCatalog.isTorchServe(reference) {
                    violations.append(stage.violation("\(stage.label) is built on \(reference.description): TorchServe receives no security fixes", at: stage.imagePosition))
                }
                guard stage.isShipped else { continue }
                for view in stage.instructions where view.keyword == .run {
                    for command in view.commands {
                        guard let install = PackageCommand(command), install.installs, install.manager == .pip || install.manager == .conda else { continue }
                        for package in install.packageNames where package.name == "torchserve" {
                            violations.append(view.violation("\(view.subject) installs \(package.word.value): TorchServe receives no security fixes", at: package.word.range.start))
                        }
                    }
                }
            }
            return violations
        }
    )

    // MARK: - dockerfile/vllm-dev-mode

    static let vllmDevMode = DockerfileRule(
        RuleDescriptor(
            id: "dockerfile/vllm-dev-mode",
            severity: .high,
            title: "vLLM development mode switched on",
            summary: """
            `VLLM_SERVER_DEV_MODE=1` adds development endpoints to the vLLM OpenAI server (`/collective_rpc`, `/sleep`, \
            `/reset_prefix_cache` …) that `--api-key` does not protect; `/collective_rpc` calls methods on the workers.
            """,
            remediation: """
            Remove `VLLM_SERVER_DEV_MODE` from the image (and from the Deployment); expose only `/v1` through an \
            authenticating reverse proxy.
            """,
            controls: ["nist-800-190:4.1.2"],
            failing: [
                dockerfileExample("""
                FROM vllm/vllm-openai:v0.8.5
                ENV ↓VLLM_SERVER_DEV_MODE=1
                """),
                dockerfileExample("""
                FROM vllm/vllm-openai:v0.8.5
                ENTRYPOINT ["env", ↓"VLLM_SERVER_DEV_MODE=true", "vllm", "serve", "/models/m"]
                """),
            ],
            passing: [
                dockerfileExample("""
                FROM vllm/vllm-openai:v0.8.5
                ENV VLLM_SERVER_DEV_MODE=0 VLLM_API_KEY_FILE=/run/secrets/vllm-key
                """),
            ],
            tags: ["ml", "vllm"]
        ),
        check: .instruction([.env, .arg, .run, .cmd, .entrypoint]) { view in
            view.settings.compactMap { setting in
                guard setting.name == "VLLM_SERVER_DEV_MODE", let value = setting.value?.trimmingSet("\"' ").lowercased(),
                      !["", "0", "false", "no", "off"].contains(value) else { return nil }
                return view.violation("\(view.subject) sets VLLM_SERVER_DEV_MODE=\(value), which exposes vLLM's development endpoints", at: setting.namePosition)
            }
        }
    )
}

/// Shared helpers of the supply-chain rules under a short name.
typealias SupplyChain = DockerfileSupplyChainRules
