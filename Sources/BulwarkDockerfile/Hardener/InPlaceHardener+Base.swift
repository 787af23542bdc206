import BulwarkCore

extension InPlaceHardener {
    /// Moves `python` stages to a supported Python on a supported Debian release, and the final
    /// stage to its slim variant. Every Python stage ends on the same Python line, and builders on
    /// the final stage's Debian release, so what they build runs in the final image.
    mutating func hardenBaseImages() {
        let bases = dockerfile.stages.compactMap { PythonBase(stage: $0, in: dockerfile) }.filter { !$0.tag.isWindows }
        guard !bases.isEmpty else { return }
        let finalIndex = finalStage.index
        let target = HardeningTarget(on: options.evaluationDate)
        let unsupported = bases.contains { $0.tag.versionProblem(target) != nil }
        var finalCodename: String?
        var plans: [(base: PythonBase, tag: String, reasons: [String])] = []
        // A final stage that still compiles or installs packages keeps the tools of its variant.
        let buildsInPlace = finalBuilds
        if let base = bases.first(where: { $0.stageIndex == finalIndex }) {
            var reasons: [String] = []
            if let problem = base.tag.versionProblem(target) { reasons.append(problem) }
            if let problem = base.tag.releaseProblem(target) { reasons.append(problem) }
            if !base.tag.isSlim && !buildsInPlace { reasons.append("the slim variant leaves out the compilers and tools of the full image") }
            if reasons.isEmpty && unsupported && base.tag.line != target.python {
                reasons.append("the same Python as the other stages")
            }
            if !reasons.isEmpty {
                let variant = base.tag.hardenedVariant(slim: !buildsInPlace, target)
                finalCodename = variant.first(where: BaseImageCatalog.isDebianCodename)
                let version = base.tag.hardenedVersion(variant: variant, moveToTarget: unsupported, target)
                plans.append((base, PythonImageTag.render(version: version, variant: variant), reasons))
            }
        }
        for base in bases where base.stageIndex != finalIndex {
            var reasons: [String] = []
            if let problem = base.tag.versionProblem(target) { reasons.append(problem) }
            if let problem = base.tag.releaseProblem(target) { reasons.append(problem) }
            if let finalCodename, !base.tag.isAlpine, base.tag.codename != finalCodename {
                reasons.append("the final stage's Debian release, so what this stage builds runs there")
            }
            if reasons.isEmpty && unsupported && base.tag.line != target.python {
                reasons.append("the same Python as the final stage")
            }
            guard !reasons.isEmpty else { continue }
            let variant = base.tag.hardenedVariant(slim: false, codename: base.tag.isAlpine ? nil : finalCodename, target)
            let version = base.tag.hardenedVersion(variant: variant, moveToTarget: unsupported, target)
            plans.append((base, PythonImageTag.render(version: version, variant: variant), reasons))
        }
        for plan in plans.sorted(by: { $0.base.stageIndex < $1.base.stageIndex }) {
            let stage = dockerfile.stages[plan.base.stageIndex]
            let from = instructions[stage.fromIndex]
            let old = from.from?.image.raw ?? stage.baseImage
            let new = plan.base.reference(withTag: plan.tag)
            guard old != new else { continue }
            guard plan.base.isRewritable, let word = from.from?.image else {
                warnings.append("FROM \(old) (line \(from.startLine)) names its image with variables: use \(new) (\(plan.reasons.joined(separator: "; "))).")
                continue
            }
            patch.replace(word.range, with: new)
            var sentence = "FROM \(old) → \(new): " + plan.reasons.joined(separator: "; ") + "."
            if plan.base.reference.digest != nil { sentence += " The old digest pinned the old tag and was dropped." }
            changes.append(sentence)
            if stage.index == finalIndex {
                warnings.append("Pin \(new) by digest (FROM \(new)@sha256:…) for reproducible builds; bulwark does not look digests up.")
                if !plan.base.tag.isSlim && !buildsInPlace {
                    warnings.append("""
                        \(new) leaves out system libraries the full image had: if the application loads one at run time \
                        (libpq, libxml2, …), install its runtime package in the final stage.
                        """)
                }
            }
        }
    }

    /// True when the final stage runs `pip install` or installs build tools: it needs what the
    /// full image has, so the base keeps its variant (the builder split did not apply).
    var finalBuilds: Bool {
        finalBody.contains { index in
            instructions[index].keyword == .run && Self.topLevelCommands(instructions[index]).contains { command in
                HardenerPackageCommand.pipInstallIndex(command) != nil
                    || Self.installedPackages(command).contains { PackageRole(package: $0) == .build }
            }
        }
    }

    /// `PYTHONDONTWRITEBYTECODE=1` and `PYTHONUNBUFFERED=1` in a Python final stage.
    mutating func addPythonEnvironment() {
        guard finalIsPython else { return }
        let missing = ["PYTHONDONTWRITEBYTECODE", "PYTHONUNBUFFERED"].filter { finalStage.environment[$0] == nil }
        guard !missing.isEmpty else { return }
        let from = instructions[finalStage.fromIndex]
        patch.insertLines(before: from.endLine + 1, ["ENV " + missing.map { $0 + "=1" }.joined(separator: " ")])
        let assignments = missing.map { $0 + "=1" }.joined(separator: " ")
        changes.append("ENV \(assignments) in the final stage: no .pyc files written at run time, logs not held in a buffer.")
    }
}
