import BulwarkCore
import BulwarkDockerfile
import Testing

@Suite struct StageTests {
    static let multiStage = lines(
        "# syntax=docker/dockerfile:1",
        "ARG PY=3.12",
        "FROM python:${PY} AS builder",
        "RUN python -m venv /opt/venv",
        "FROM builder AS test",
        "RUN pytest",
        "FROM --platform=linux/arm64 python:${PY}-slim",
        "COPY --from=builder /opt/venv /opt/venv",
        "COPY --from=0 /etc/passwd /tmp/",
        "COPY --from=nginx:latest /etc/nginx /etc/nginx",
        "FROM scratch AS final",
        "COPY --from=2 / /")

    @Test func splitsStages() throws {
        let dockerfile = parse(Self.multiStage)
        #expect(dockerfile.errors.isEmpty, "\(dockerfile.errorDescriptions)")
        let stages = dockerfile.stages
        #expect(stages.map(\.name) == ["builder", "test", nil, "final"])
        #expect(stages.map(\.baseImage) == ["python:3.12", "builder", "python:3.12-slim", "scratch"])
        #expect(stages.map(\.baseStage) == [nil, 0, nil, nil])
        #expect(stages.map(\.instructionRange) == [1..<3, 3..<5, 5..<9, 9..<11])
        #expect(stages[2].platform == "linux/arm64")
        #expect(stages[3].isScratch)
        #expect(stages[3].baseReference?.isScratch == true)
        #expect(stages[1].baseReference == nil)
        #expect(dockerfile.finalStage?.name == "final")
        #expect(dockerfile.instructions(of: stages[2]).map(\.keyword) == [.from, .copy, .copy, .copy])
        #expect(dockerfile.instructions[0].stageIndex == nil)
        #expect(dockerfile.instructions.dropFirst().map(\.stageIndex) == [0, 0, 1, 1, 2, 2, 2, 2, 3, 3])
        #expect(dockerfile.stage(named: "BUILDER")?.index == 0)
        #expect(dockerfile.stage(reference: "2")?.index == 2)
        #expect(dockerfile.stage(reference: "test")?.index == 1)
        #expect(stages[1].nameRange == TextRange(start: position(5, 17), end: position(5, 21)))
    }

    @Test func copyFromResolvesEarlierStagesOnly() throws {
        let dockerfile = parse(Self.multiStage)
        let froms = dockerfile.instructions(.copy).map { $0.fileTransfer?.fromStage }
        #expect(froms == [0, 0, nil, 2])
    }

    @Test func baseStageNamesAreCaseInsensitive() {
        let dockerfile = parse(lines("FROM alpine AS Base", "FROM BASE"))
        #expect(dockerfile.stages[1].baseStage == 0)
    }

    @Test func laterStageNameIsNotABase() {
        let dockerfile = parse(lines("FROM app", "FROM alpine AS app"))
        #expect(dockerfile.stages[0].baseStage == nil)
        #expect(dockerfile.stages[0].baseReference?.familiarName == "app")
    }

    @Test func digestPinnedBase() throws {
        let digest = "sha256:" + String(repeating: "ab", count: 32)
        let dockerfile = parse("FROM python:3.12-slim@\(digest)")
        let reference = try #require(dockerfile.stages.first?.baseReference)
        #expect(reference.isPinnedByDigest)
        #expect(reference.digest == digest)
        #expect(reference.tag == "3.12-slim")
        #expect(reference.isValid)
    }
}
