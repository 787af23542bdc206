import BulwarkCore

/// Model-server switches baked into the image: TorchServe token authorization and end of life, vLLM
/// development mode.
extension DockerfileMLRules {
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
