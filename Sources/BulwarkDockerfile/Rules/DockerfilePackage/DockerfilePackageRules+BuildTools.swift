import BulwarkCore

/// Compilers and build tools left in the final image.
extension DockerfilePackageRules {
    static let buildToolsInFinalStage = DockerfileRule(
        RuleDescriptor(
            id: "dockerfile/build-tools-in-final-stage",
            severity: .low,
            title: "Compilers and build tools in the final image",
            summary: """
            Compilers, `make`, `git` and `-dev` header packages installed in a stage of the final image are needed only to \
            build: at run time they let an attacker who gets code execution compile and fetch tools, and they add packages \
            to patch. Packages removed again in the same RUN (`apt-get purge`, `apk del .build-deps`) are not reported.
            """,
            remediation: """
            Use a multi-stage build: install the build tools in a builder stage, build wheels, a virtualenv or binaries \
            there, and `COPY --from=builder` only the result into a slim final stage.
            """,
            controls: ["cis-docker:4.3", "nist-800-190:4.1.1"],
            failing: [
                dockerfileExample("""
                FROM python:3.12-slim
                RUN apt-get update && apt-get install -y --no-install-recommends ↓build-essential libpq-dev curl && rm -rf /var/lib/apt/lists/*
                RUN apk add --no-cache ↓git
                """),
            ],
            passing: [
                dockerfileExample("""
                FROM python:3.12 AS build
                RUN apt-get update && apt-get install -y --no-install-recommends build-essential libpq-dev
                FROM python:3.12-slim
                RUN apt-get update && apt-get install -y --no-install-recommends libpq5 && rm -rf /var/lib/apt/lists/*
                RUN apk add --no-cache --virtual .build-deps gcc musl-dev && pip install --no-cache-dir psutil==6.1.0 && apk del .build-deps
                RUN apt-get install -y --no-install-recommends gcc && make && apt-get purge -y gcc
                """),
            ],
            tags: ["hygiene"]
        ),
        check: .instruction([.run]) { view in
            guard view.isShipped else { return [] }
            let commands = packageCommands(view)
            var removed: Set<String> = []
            for command in commands where ["remove", "purge", "del", "erase", "autoremove"].contains(command.action) {
                for word in command.operands { removed.insert(PackageCommand.packageName(word.value, manager: command.manager)) }
            }
            return commands.compactMap { command in
                guard command.manager != .pip && command.manager != .conda, command.installs else { return nil }
                if command.manager == .apk, let virtual = command.invocation.values("-t", "--virtual").first, removed.contains(virtual.lowercased()) {
                    return nil
                }
                let tools = command.packageNames.filter { isBuildTool($0.name) && !removed.contains($0.name) }
                guard let first = tools.first else { return nil }
                return view.violation("\(view.subject) installs \(Text.list(tools.map(\.word.value))) into the final image", at: first.word.range.start)
            }
        }
    )
}
