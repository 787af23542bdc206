extension InPlaceHardener {
    /// A `.dockerignore` recommendation when the whole build context is copied and the context's
    /// `.dockerignore` is missing or lets VCS data and `.env` files in.
    mutating func checkBuildContext() {
        let copiesContext = instructions.contains { instruction in
            guard [.copy, .add].contains(instruction.keyword), instruction.flag("from") == nil, let transfer = instruction.fileTransfer else { return false }
            return transfer.sources.contains { [".", "./", "*", "./*", "/"].contains($0.resolved) }
        }
        guard copiesContext else { return }
        let missing = DockerignoreAdvice.missingEssentials(in: options.dockerignore)
        guard !missing.isEmpty else { return }
        if let existing = options.dockerignore {
            recommendedDockerignore = DockerignoreAdvice.appending(missing, to: existing)
            warnings.append("""
                COPY of the whole build context, and the .dockerignore does not exclude \(missing.joined(separator: ", ")): add them \
                so that secrets and VCS data stay out of the image.
                """)
        } else {
            recommendedDockerignore = DockerignoreAdvice.recommended
            warnings.append("""
                COPY of the whole build context without a .dockerignore: add one that excludes .git, .env files, keys and secret \
                manifests (bulwark fix dockerfile --write creates it).
                """)
        }
    }
}
