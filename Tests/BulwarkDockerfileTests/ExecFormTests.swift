import BulwarkCore
import BulwarkDockerfile
import Testing

@Suite struct ExecFormTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var arguments: String
        var exec: [String]?
        var error: String?
        var warning: Bool = false
        var testDescription: String { arguments }
    }

    static let cases: [Case] = [
        Case(arguments: #"["a\"b", "c\\d", "e\/f"]"#, exec: ["a\"b", "c\\d", "e/f"]),
        Case(arguments: #"["tab\there", "line\nbreak", "cr\r", "\b\f"]"#, exec: ["tab\there", "line\nbreak", "cr\r", "\u{8}\u{C}"]),
        Case(arguments: #"["\u00e9t\u00E9", "\u2603"]"#, exec: ["été", "☃"]),
        Case(arguments: #"["\ud83d\ude00", "\ud83d", "\ude00x"]"#, exec: ["😀", "\u{FFFD}", "\u{FFFD}x"]),
        Case(arguments: #"["python"] trailing text"#, exec: ["python"], warning: true),
        Case(arguments: "[ \\\n  \"a\" ]", exec: ["a"]),
        Case(arguments: #"["a", 1]"#, exec: nil, error: "when using JSON array syntax, arrays must be comprised of strings only"),
        Case(arguments: #"[true]"#, exec: nil, error: "when using JSON array syntax, arrays must be comprised of strings only"),
        Case(arguments: #"["a", {"b": [1, 2.5e3, null]}]"#, exec: nil, error: "when using JSON array syntax, arrays must be comprised of strings only"),
        Case(arguments: #"["a",]"#, exec: nil, warning: true),
        Case(arguments: #"["a" "b"]"#, exec: nil, warning: true),
        Case(arguments: #"["bad \x escape"]"#, exec: nil, warning: true),
        Case(arguments: "[\"raw\ttab\"]", exec: nil, warning: true),
        Case(arguments: #"["unterminated"#, exec: nil, warning: true),
        Case(arguments: #"[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["#, exec: nil, warning: true),
    ]

    @Test(arguments: cases)
    func execForm(_ test: Case) throws {
        let dockerfile = parse("FROM debian\nCMD " + test.arguments)
        let cmd = try #require(dockerfile.instructions.last)
        #expect(cmd.execArguments == test.exec)
        #expect(dockerfile.errors.map(\.message) == (test.error.map { [$0] } ?? []))
        #expect(!dockerfile.warnings.isEmpty == test.warning, "\(dockerfile.warnings)")
        if test.exec == nil && test.error == nil {
            #expect(cmd.shellCommand != nil)
        }
    }

    @Test func deeplyNestedJSONDoesNotExhaustTheStack() {
        let text = "FROM debian\nCMD " + String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        let dockerfile = parse(text)
        #expect(dockerfile.instructions.count == 2)
    }

    @Test func jsonFormAcrossContinuationLines() throws {
        let dockerfile = parse(lines("FROM debian", "ENTRYPOINT [\"gunicorn\", \\", "            \"-b\", \"0.0.0.0:8080\", \\", "            \"app:app\"]"))
        let entrypoint = try #require(dockerfile.instructions.last)
        #expect(entrypoint.execArguments == ["gunicorn", "-b", "0.0.0.0:8080", "app:app"])
        guard case .exec(let words) = entrypoint.form else { return }
        #expect(words[3].range.start == position(4, 13))
    }
}
