import BulwarkCore

/// Notebook servers in serving images.
extension DockerfileMLRules {
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
}
