import BulwarkCore

/// References between the stages of the build.
extension DockerfileBaseImageRules {
    static let copyFromUnknownStage = DockerfileRule(
        RuleDescriptor(
            id: "dockerfile/copy-from-unknown-stage",
            severity: .medium,
            title: "COPY --from names no earlier stage",
            summary: """
            `COPY --from=NAME` and `RUN --mount=from=NAME` read an earlier stage when one has that name, and otherwise pull \
            the image `NAME` (from Docker Hub for a bare name): a typo (`--from=bulider`) or a stage defined later silently \
            copies files out of somebody else's image, or fails the build. References with a registry, tag or digest are \
            taken as deliberate images and not reported.
            """,
            remediation: """
            Name a stage defined above the instruction (`FROM … AS builder`, `COPY --from=builder`), or write the image \
            explicitly with tag and digest (`--from=docker.io/library/busybox:1.37@sha256:…`).
            """,
            controls: ["cis-docker:4.2", "nist-800-190:4.1.5"],
            failing: [
                dockerfileExample("""
                FROM python:3.12 AS builder
                RUN pip wheel --wheel-dir /wheels numpy==2.1.3
                FROM python:3.12-slim
                COPY ↓--from=bulider /wheels /wheels
                """),
                dockerfileExample("""
                FROM python:3.12-slim
                COPY ↓--from=1 /out /out
                RUN ↓--mount=type=bind,from=assets,target=/assets cp -r /assets /srv
                FROM node:22-slim AS assets
                """),
            ],
            passing: [
                dockerfileExample("""
                FROM python:3.12 AS builder
                FROM python:3.12-slim
                COPY --from=builder /wheels /wheels
                COPY --from=0 /etc/passwd /etc/passwd
                COPY --from=docker.io/library/busybox:1.37 /bin/busybox /bin/busybox
                RUN --mount=type=cache,target=/root/.cache/pip --mount=type=bind,from=builder,source=/wheels,target=/w ls /w
                """),
            ],
            tags: ["hadolint:DL3022", "hadolint:DL3023"]
        ),
        check: .instruction([.copy, .add, .run]) { view in
            guard let stage = view.stage else { return [] }
            var references: [(value: String, position: TextPosition, what: String)] = []
            if view.keyword != .run, let flag = view.instruction.flag("from"), let value = flag.resolvedValue, view.instruction.fileTransfer?.fromStage == nil {
                references.append((value, flag.range.start, "--from=\(value)"))
            }
            if view.keyword == .run {
                for flag in view.instruction.flags(named: "mount") {
                    guard let from = flag.mount?.from else { continue }
                    references.append((from, flag.range.start, "--mount from=\(from)"))
                }
            }
            let earlier = view.analysis.dockerfile.stages[..<stage.index]
            return references.compactMap { reference in
                let value = reference.value
                guard !value.isEmpty, !value.contains("$"), !value.contains("/"), !value.contains(":"), !value.contains("@"), !value.contains(".") else { return nil }
                let lowered = value.lowercased()
                if earlier.contains(where: { $0.name == lowered }) { return nil }
                if let number = Int(value) {
                    if number >= 0 && number < stage.index { return nil }
                    return view.violation("\(view.subject) uses \(reference.what), but there is no stage \(number) before it", at: reference.position)
                }
                let stages = view.analysis.dockerfile.stages
                if stages.contains(where: { $0.name == lowered }) {
                    return view.violation("\(view.subject) uses \(reference.what), a stage defined at or after this instruction: BuildKit reads it as the image \(value)",
                                          at: reference.position)
                }
                return view.violation("\(view.subject) uses \(reference.what), which names no stage: BuildKit pulls the image docker.io/library/\(lowered):latest instead",
                                      at: reference.position)
            }
        }
    )
}
