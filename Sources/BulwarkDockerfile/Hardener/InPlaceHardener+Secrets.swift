import BulwarkCore

extension InPlaceHardener {
    /// Removes ENV and ARG variables that hold secrets, with a comment that says how to pass them
    /// instead; RUN steps that used one get it from `--mount=type=secret,…,env=NAME`.
    mutating func removeSecrets() {
        for (index, instruction) in instructions.enumerated() {
            let keyword: String
            let entries: [(name: String, text: String, isSecret: Bool)]
            switch instruction.keyword {
            case .env:
                keyword = "ENV"
                entries = instruction.keyValues.map { pair in
                    (pair.key.value, pair.key.raw + "=" + pair.value.raw, SecretVariable.isSecret(name: pair.key.value, value: pair.value.value))
                }
            case .arg:
                keyword = "ARG"
                entries = instruction.argDeclarations.map { declaration in
                    let text = declaration.name.raw + (declaration.defaultValue.map { "=" + $0.raw } ?? "")
                    return (declaration.name.value, text, SecretVariable.isSecret(name: declaration.name.value, value: declaration.defaultValue?.value))
                }
            default:
                continue
            }
            let secrets = entries.filter(\.isSecret).map(\.name)
            guard !secrets.isEmpty else { continue }
            let mounted = mountSecrets(secrets, after: index, declaredIn: instruction.stageIndex)
            var lines = SecretVariable.removalNote(keyword: keyword, names: secrets, mounted: mounted)
            // A remaining word that starts with "-" would read as a flag once it comes first.
            let kept = entries.filter { !$0.isSecret && !$0.text.hasPrefix("-") }.map(\.text)
            if !kept.isEmpty {
                lines.append(keyword + " " + kept.joined(separator: " "))
            } else if instruction.endLine < source.lineCount, !source.line(instruction.endLine + 1).trimmingSet(" \t").isEmpty {
                // The note is about what was removed, not about the next instruction.
                lines.append("")
            }
            patch.replaceLines(instruction.startLine, instruction.endLine, with: lines, in: source)
            changes.append("""
                \(keyword) \(secrets.joined(separator: ", ")) removed: a secret must not be baked into the image; inject it at run time or \
                use RUN --mount=type=secret.
                """)
        }
    }

    /// Adds `--mount=type=secret,id=NAME,env=NAME` to the later RUN instructions of the stage (and
    /// of stages built from it) that refer to one of the names. True when any RUN got one.
    private mutating func mountSecrets(_ names: [String], after index: Int, declaredIn stageIndex: Int?) -> Bool {
        guard let stageIndex else { return false }
        var mounted = false
        for later in instructions.indices where later > index && instructions[later].keyword == .run {
            let run = instructions[later]
            guard let runStage = run.stageIndex, dockerfile.stages.indices.contains(runStage),
                isDerived(dockerfile.stages[runStage], from: stageIndex)
            else { continue }
            let text = run.original + run.heredocs.map(\.body).joined()
            let existing = Set(run.mounts.filter { $0.type == .secret }.compactMap(\.id))
            let needed = names.filter { SecretVariable.isReferenced($0, in: text) && !existing.contains($0) }
            guard !needed.isEmpty else { continue }
            let flags = needed.map { " --mount=type=secret,id=\($0),env=\($0)" }.joined()
            patch.insert(at: run.keywordRange.end, flags)
            mounted = true
            addedSecretMount = true
        }
        return mounted
    }

    /// True when `stage` is `ancestor` or built FROM it (directly or through other stages).
    func isDerived(_ stage: Stage, from ancestor: Int) -> Bool {
        var current = stage
        var steps = 0
        while current.index != ancestor {
            guard let base = current.baseStage, dockerfile.stages.indices.contains(base), steps < dockerfile.stages.count else { return false }
            current = dockerfile.stages[base]
            steps += 1
        }
        return true
    }
}
