import BulwarkCore
import BulwarkDockerfile

/// Parses `text` as `Dockerfile`.
func parse(_ text: String, buildArgs: [String: String] = [:]) -> Dockerfile {
    DockerfileParser.parse(text: text, file: "Dockerfile", options: .init(buildArgs: buildArgs))
}

/// Joins lines with `\n` (so tables can hold Dockerfiles as arrays of lines).
func lines(_ lines: String...) -> String { lines.joined(separator: "\n") }

func position(_ line: Int, _ column: Int) -> TextPosition { TextPosition(line: line, column: column) }

extension Dockerfile {
    /// Error messages with their positions, `line:column: message`.
    var errorDescriptions: [String] { errors.map(\.description) }

    /// The instructions with a keyword.
    func instructions(_ keyword: Keyword) -> [Instruction] { instructions.filter { $0.keyword == keyword } }
}

extension ShellScript {
    /// Each command as its words joined by spaces (assignments first).
    var commandTexts: [String] { commands.map(\.description) }
}
