import BulwarkCore
import BulwarkDockerfile
import Testing

/// `dockerfile/copy-context-without-dockerignore` fires only for a COPY that names the whole
/// context, in a stage whose files reach the image.
@Suite struct DockerfileRuleCopyContextTests {
    static func findingLines(in text: String) -> [Int] {
        let day = CalendarDate(year: 2026, month: 12, day: 1) ?? CalendarDate(daysSinceEpoch: 0)
        let analysis = DockerfileAnalysis(DockerfileParser.parse(text: text, file: "Dockerfile"), evaluationDate: day)
        return DockerfileScanner().scan(analysis).filter { $0.ruleId == "dockerfile/copy-context-without-dockerignore" }.map(\.location.line)
    }

    @Test("a variable naming one file is not the whole context", arguments: [
        "ARG MODEL=model.onnx\nCOPY $MODEL /models/",
        "ARG MODEL\nCOPY $MODEL /models/model.onnx",
        "ENV CONFIG=serve.yaml\nCOPY ${CONFIG} /etc/serve.yaml",
        "COPY requirements.txt app.py /app/",
    ])
    func explicitFiles(_ body: String) {
        #expect(Self.findingLines(in: "FROM python:3.12-slim\n" + body + "\n").isEmpty)
    }

    @Test func aVariableThatExpandsToTheContextStillCounts() {
        #expect(Self.findingLines(in: "FROM python:3.12-slim\nARG SRC=.\nCOPY ${SRC} /app/\n") == [3])
    }

    @Test func aBuilderWhoseFilesNeverReachTheImageDoesNotCount() {
        let text = lines("FROM golang:1.23 AS lint", "COPY . /src/", "RUN go vet ./...", "FROM python:3.12-slim", "COPY app/ /app/")
        #expect(Self.findingLines(in: text).isEmpty)
    }

    @Test func stagesCopiedFromCountTransitively() {
        let text = lines(
            "FROM python:3.12 AS src", "COPY . /src/",
            "FROM python:3.12 AS wheels", "COPY --from=src /src /src", "RUN pip wheel -w /wheels /src",
            "FROM golang:1.23 AS unused", "COPY . /x/",
            "FROM python:3.12-slim", "COPY --from=wheels /wheels /wheels")
        #expect(Self.findingLines(in: text) == [2])
    }

    @Test func aStageMountedFromCounts() {
        let text = lines("FROM python:3.12 AS src", "COPY . /src/", "FROM python:3.12-slim",
                         "RUN --mount=from=src,source=/src,target=/mnt cp -r /mnt /app")
        #expect(Self.findingLines(in: text) == [2])
    }

    @Test func theFinalStageAndItsBasesCount() {
        #expect(Self.findingLines(in: lines("FROM python:3.12-slim AS base", "COPY . /app/", "FROM base", "CMD [\"python\"]")) == [2])
    }
}
