import BulwarkCore
import BulwarkDockerfile
import BulwarkTestSupport
import Testing

/// Mutated Dockerfiles: hardening never traps, a rewrite always parses, and a second pass never
/// changes a rewrite.
@Suite struct DockerfileHardenerFuzzTests {
    static let seeds: [String] = DockerfileHardenerTests.cases.map(\.input) + FuzzTests.seeds + DockerfileHardenerHealthTests.cases.map(DockerfileHardenerHealthTests.dockerfile) + [
        DockerfileHardenerEditTests.commented,
        lines("FROM python:3.9", "# comment", "RUN apt-get update && apt-get install -y gcc vim \\", "    curl", "ARG API_KEY=abc123def456ghi789",
              "WORKDIR /srv", "COPY . .", "RUN pip install --user -r requirements.txt && python -m compileall .", "RUN mkdir -p /data && chown 1 /data",
              "USER root", "ENTRYPOINT [\"python\"]", "CMD app.py --port 8000"),
        lines("FROM node:20 AS web", "RUN npm ci", "FROM python:3.11", "COPY --from=web /dist /app/static", "RUN <<EOF bash", "pip install x",
              "apt-get install -y libpq-dev", "EOF", "CMD flask run -p 5000"),
    ]

    @Test(arguments: 0..<4)
    func mutatedDockerfilesHardenConsistently(_ shard: Int) {
        var mutator = Mutator(seed: 0xF1C5 &+ UInt64(shard))
        let seeds = Self.seeds.map { Array($0.utf8) }
        for iteration in 0..<500 {
            var bytes = seeds[(iteration + shard) % seeds.count]
            if iteration % 4 != 0 { bytes = mutator.mutate(bytes) }
            let text = String(decoding: bytes, as: UTF8.self)
            let result = harden(text, sources: [DockerfileHardenerTests.flaskSource])
            #expect(!result.warnings.contains { $0.contains("please report") || $0.contains("produced an invalid") }, "\(text.debugDescription)")
            guard result.isChanged else { continue }
            let reparsed = DockerfileParser.parse(text: result.text, file: "fuzz")
            #expect(reparsed.errors.isEmpty, "\(text.debugDescription)")
            let again = harden(result.text, sources: [DockerfileHardenerTests.flaskSource])
            #expect(again.text == result.text, "not idempotent for \(text.debugDescription)\n\(again.unifiedDiff(oldLabel: "first", newLabel: "second"))")
        }
    }
}
