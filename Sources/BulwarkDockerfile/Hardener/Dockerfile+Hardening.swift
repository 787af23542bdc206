import BulwarkCore

extension Dockerfile {
    /// The stage whose FROM names an image (following `FROM <stage>` references).
    func rootStage(of stage: Stage) -> Stage {
        var current = stage
        var seen: Set<Int> = [stage.index]
        while let base = current.baseStage, stages.indices.contains(base), !seen.contains(base) {
            seen.insert(base)
            current = stages[base]
        }
        return current
    }

    /// The working directory before each instruction of a stage, resolved to an absolute path
    /// (nil once a WORKDIR uses an unresolved variable), and the one at the end of the stage.
    func workingDirectories(of stage: Stage, depth: Int = 0) -> (before: [Int: String?], end: String?) {
        var current: String? = "/"
        // A stage built FROM another stage starts in that stage's working directory.
        if let base = stage.baseStage, base < stage.index, stages.indices.contains(base), depth < 64 {
            current = workingDirectories(of: stages[base], depth: depth + 1).end
        }
        var before: [Int: String?] = [:]
        for index in stage.instructionRange where instructions.indices.contains(index) {
            before[index] = current
            let instruction = instructions[index]
            if instruction.keyword == .workdir, let word = instruction.textArgument {
                current = word.isResolved ? current.map { HardenPath.join($0, word.resolved) } : nil
            }
        }
        return (before, current)
    }
}
