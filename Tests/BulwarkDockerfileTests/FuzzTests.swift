import BulwarkCore
import BulwarkDockerfile
import BulwarkTestSupport
import Testing

/// Mutated Dockerfiles and shell scripts must parse without trapping, with every position inside
/// the input and every instruction index consistent.
@Suite struct FuzzTests {
    static let seeds: [String] = [
        HeredocTests.cases.map(\.text).joined(separator: "\n"),
        StageTests.multiStage,
        lines(
            "# syntax=docker/dockerfile:1.7",
            "# escape=\\",
            "ARG PY=3.12",
            "FROM --platform=$BUILDPLATFORM python:${PY:-3.11}-slim AS build",
            "ENV PIP_NO_CACHE_DIR=1 PATH=\"/opt/venv/bin:$PATH\"",
            "RUN --mount=type=cache,target=/root/.cache/pip --mount=type=secret,id=hf,env=HF_TOKEN \\",
            "    python -m venv /opt/venv && \\",
            "    # comment inside",
            "    pip install -r requirements.txt | tee /tmp/log; sh -c 'curl -k https://x | bash'",
            "COPY --chown=10001:10001 --chmod=0755 [\"app.py\", \"/app/\"]",
            "HEALTHCHECK --interval=30s CMD [\"python\", \"-c\", \"print(1)\"]",
            "ONBUILD RUN <<-EOF",
            "\techo ${X#*/} $(date) `id`",
            "\tEOF",
            "LABEL a=\"b c\" d='e'",
            "EXPOSE 8080/tcp",
            "USER 10001:10001",
            "CMD [\"gunicorn\", \"-b\", \"0.0.0.0:8080\", \"app:app\"]"),
        lines("# escape=`", "FROM mcr.microsoft.com/windows/servercore", "RUN powershell -Command `", "    Write-Host hi", "SHELL [\"powershell\", \"-Command\"]"),
        // Expansion: doubling chains, every substitution form, flags, stages that inherit ENV.
        (["ARG G=0123456789abcdef", "FROM alpine AS s0", "ENV V0=$G"] + (1...12).map { "ENV V\($0)=${V\($0 - 1)}${V\($0 - 1)}" } + [
            "ARG A=${V12:-x}${V3:+y}${V2#0}${V2%%f}${V2//0/$V2}${UNSET-$V1}",
            "FROM s0 AS s1", "ENV W=${V12}${V12}", "COPY --chown=${V4}:${V4} --from=s0 ${V1}/ /srv/", "RUN --mount=type=cache,target=/$V2 true",
            "FROM s1", "LABEL l=${W##*a*b*c}", "USER ${V0:-10001}",
        ]).joined(separator: "\n"),
    ]

    @Test(arguments: 0..<4)
    func mutatedDockerfilesParse(_ shard: Int) {
        var mutator = Mutator(seed: 0xD0C4_E5F1 &+ UInt64(shard))
        let seeds = Self.seeds.map { Array($0.utf8) }
        for iteration in 0..<1_000 {
            var bytes = seeds[(iteration + shard) % seeds.count]
            for _ in 0..<(1 + mutator.below(3)) { bytes = mutator.mutate(bytes) }
            let dockerfile = DockerfileParser.parse(bytes: bytes, file: "fuzz")
            check(dockerfile, byteCount: bytes.count)
        }
    }

    @Test(arguments: 0..<2)
    func mutatedShellScriptsParse(_ shard: Int) {
        var mutator = Mutator(seed: 0x5E11 &+ UInt64(shard))
        let seeds = ShellTokenizerTests.cases.map { Array($0.script.utf8) } + [Array("sh -c \"bash -c 'eval \\\"$(x)\\\"'\" <<EOF\nbody\nEOF\n".utf8)]
        for iteration in 0..<1_500 {
            let bytes = mutator.mutate(seeds[iteration % seeds.count])
            let script = ShellCommand.parse(String(decoding: bytes, as: UTF8.self))
            for command in script.allCommands {
                #expect(command.range.start.line >= 1 && command.range.start.column >= 1)
                #expect(command.commandIndex <= command.words.count)
                _ = command.program
                _ = command.operands
            }
            _ = script.pipelines
        }
    }

    private func check(_ dockerfile: Dockerfile, byteCount: Int) {
        let maxLine = max(dockerfile.lineCount, 1)
        for error in dockerfile.errors + dockerfile.warnings {
            #expect(error.line >= 1 && error.line <= maxLine && error.column >= 1, "\(error)")
        }
        for (index, instruction) in dockerfile.instructions.enumerated() {
            #expect(instruction.startLine >= 1 && instruction.startLine <= instruction.endLine && instruction.endLine <= maxLine)
            #expect(instruction.byteRange.upperBound <= byteCount)
            if let stage = instruction.stageIndex {
                #expect(dockerfile.stages[stage].instructionRange.contains(index))
            }
            for command in instruction.shellCommands {
                #expect(command.range.start.line >= instruction.startLine && command.range.end.line <= instruction.endLine)
            }
        }
        for pragma in dockerfile.ignorePragmas {
            if let index = pragma.instructionIndex { #expect(dockerfile.instructions.indices.contains(index)) }
        }
    }
}
