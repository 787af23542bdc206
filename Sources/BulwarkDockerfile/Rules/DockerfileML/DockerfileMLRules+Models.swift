import BulwarkCore

/// Code and weights from model repositories: trust_remote_code, and downloads at build time without a
/// pinned revision or checksum.
extension DockerfileMLRules {
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
            controls: ["nist-800-190:4.1.3", "mitre-atlas:AML.T0010.003", "owasp-ml:ML06"],
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
            controls: ["cis-docker:4.11", "nist-800-190:4.1.3", "mitre-atlas:AML.T0010.003", "owasp-ml:ML06"],
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
}
