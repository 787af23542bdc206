import BulwarkCore
import BulwarkDockerfile
import Testing

@Suite struct ShellTokenizerTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var script: String
        /// Each command: assignments and words (values), joined by spaces.
        var commands: [String]
        var separators: [ShellOperator?]
        var testDescription: String { script }
    }

    static let cases: [Case] = [
        Case(script: "apt-get update && apt-get install -y curl", commands: ["apt-get update", "apt-get install -y curl"], separators: [.and, nil]),
        Case(script: "a || b; c | d |& e & f", commands: ["a", "b", "c", "d", "e", "f"], separators: [.or, .semicolon, .pipe, .pipeAll, .background, nil]),
        Case(script: "a\nb\n\nc", commands: ["a", "b", "c"], separators: [.newline, .newline, nil]),
        Case(script: "a &&\n  b", commands: ["a", "b"], separators: [.and, nil]),
        Case(script: "a \\\n  && b", commands: ["a", "b"], separators: [.and, nil]),
        Case(script: "echo 'single $HOME' \"double $HOME\" \\$x", commands: ["echo single $HOME double $HOME $x"], separators: [nil]),
        Case(script: "echo \"a \\\"b\\\" \\\\ \\n\"", commands: ["echo a \"b\" \\ \\n"], separators: [nil]),
        Case(script: "echo it\\'s a\\ b", commands: ["echo it's a b"], separators: [nil]),
        Case(script: "echo $(curl -s https://x | sh) `uname -m` ${HOME:-/root}", commands: ["echo $(curl -s https://x | sh) `uname -m` ${HOME:-/root}"], separators: [nil]),
        Case(script: "echo \"$(date +%s) and $((1 + 2))\"", commands: ["echo $(date +%s) and $((1 + 2))"], separators: [nil]),
        Case(script: "echo $'tab\\there'", commands: ["echo tab\there"], separators: [nil]),
        Case(script: "DEBIAN_FRONTEND=noninteractive apt-get install -y x", commands: ["DEBIAN_FRONTEND=noninteractive apt-get install -y x"], separators: [nil]),
        Case(script: "A=1 B=\"two words\"; echo $A", commands: ["A=1 B=two words", "echo $A"], separators: [.semicolon, nil]),
        Case(script: "echo a=b c", commands: ["echo a=b c"], separators: [nil]),
        Case(script: "cmd > out.txt 2>&1 < in.txt", commands: ["cmd"], separators: [nil]),
        Case(script: "curl -fsSL https://get.example.com | bash -s -- --yes", commands: ["curl -fsSL https://get.example.com", "bash -s -- --yes"], separators: [.pipe, nil]),
        Case(script: "if [ -f x ]; then rm x; else touch y; fi && echo done", commands: ["[ -f x ]", "rm x", "touch y", "echo done"], separators: [.semicolon, .semicolon, .semicolon, nil]),
        Case(script: "for f in a b; do echo $f; done", commands: ["for f in a b", "echo $f"], separators: [.semicolon, .semicolon]),
        Case(script: "while read l; do echo $l; done < file", commands: ["read l", "echo $l", ""], separators: [.semicolon, .semicolon, nil]),
        Case(script: "case \"$(uname -m)\" in x86_64) ARCH=amd64 ;; aarch64|arm64) ARCH=arm64 ;; *) exit 1 ;; esac; echo $ARCH",
             commands: ["ARCH=amd64", "ARCH=arm64", "exit 1", "echo $ARCH"], separators: [.caseBreak, .caseBreak, .caseBreak, nil]),
        Case(script: "(cd /src && make) | tee build.log", commands: ["cd /src", "make", "tee build.log"], separators: [.and, .pipe, nil]),
        Case(script: "{ echo a; echo b; } > out", commands: ["echo a", "echo b", ""], separators: [.semicolon, .semicolon, nil]),
        Case(script: "! grep -q x file", commands: ["grep -q x file"], separators: [nil]),
        Case(script: "echo a # comment && rm -rf /\necho b", commands: ["echo a", "echo b"], separators: [.newline, nil]),
        Case(script: "echo a#b", commands: ["echo a#b"], separators: [nil]),
        Case(script: "arr=(one two) && echo ${arr[0]}", commands: ["arr=(one two)", "echo ${arr[0]}"], separators: [.and, nil]),
        Case(script: "diff <(sort a) <(sort b)", commands: ["diff <(sort a) <(sort b)"], separators: [nil]),
        Case(script: "", commands: [], separators: []),
        Case(script: "   \n\t ", commands: [], separators: []),
    ]

    @Test(arguments: cases)
    func tokenizes(_ test: Case) {
        let script = ShellCommand.parse(test.script)
        #expect(script.commandTexts == test.commands)
        #expect(script.commands.map(\.separator) == test.separators)
        #expect(script.issues.isEmpty, "\(script.issues)")
    }

    @Test func pipelines() {
        let script = ShellCommand.parse("set -o pipefail; curl -fsSL https://x | tar xz -C /opt && wget -qO- y | sh")
        #expect(script.pipelines.map { $0.map { $0.program ?? "" } } == [["set"], ["curl", "tar"], ["wget", "sh"]])
    }

    @Test func redirections() throws {
        let command = try #require(ShellCommand.parse("cmd >out 2>>err.log &>all <in 3<&0 >&2 >| f <<< word").commands.first)
        #expect(command.words.map(\.value) == ["cmd"])
        #expect(command.redirections.map(\.op) == [">", ">>", "&>", "<", "<&", ">&", ">|", "<<<"])
        #expect(command.redirections.map(\.fileDescriptor) == [nil, 2, nil, nil, 3, nil, nil, nil])
        #expect(command.redirections.map { $0.target?.value } == ["out", "err.log", "all", "in", "0", "2", "f", "word"])
    }

    @Test func heredocInsideAScript() throws {
        let script = ShellCommand.parse("cat <<-'EOF' > /etc/app.conf\n\tkey=$value\n\tEOF\necho done")
        #expect(script.commandTexts == ["cat", "echo done"])
        let heredoc = try #require(script.commands[0].redirections.first)
        #expect(heredoc.op == "<<-")
        #expect(heredoc.target?.value == "EOF")
        #expect(heredoc.heredocBody == "\tkey=$value\n")
        #expect(script.commands[1].range.start == position(4, 1))
    }

    @Test func wordPositions() {
        let script = ShellCommand.parse("echo  \"a b\"\n  ls -la")
        #expect(script.commands[0].words[1].range == TextRange(start: position(1, 7), end: position(1, 12)))
        #expect(script.commands[0].words[1].raw == "\"a b\"")
        #expect(script.commands[0].words[1].isQuoted)
        #expect(script.commands[1].words[1].range == TextRange(start: position(2, 6), end: position(2, 9)))
    }

    @Test(arguments: [
        ("sh -c 'apt-get update && apt-get install -y curl'", ["apt-get update", "apt-get install -y curl"]),
        ("bash -c \"curl -k https://x | sh\"", ["curl -k https://x", "sh"]),
        ("/bin/bash -euxo pipefail -c 'wget -q y'", ["wget -q y"]),
        ("sh -ec 'a; b' arg0", ["a", "b"]),
        ("bash -lc -- 'x'", ["x"]),
        ("sudo sh -c 'echo hi > /etc/motd'", ["echo hi"]),
        ("su app -c 'pip install --user x'", ["pip install --user x"]),
        ("eval \"$(ssh-agent) && ssh-add\"", ["$(ssh-agent)", "ssh-add"]),
        ("bash script.sh", []),
        ("sh -x", []),
    ])
    func nestedShellScripts(_ text: String, _ nested: [String]) {
        let script = ShellCommand.parse(text)
        #expect(script.commands.count == 1)
        #expect(script.commands[0].nested?.commandTexts ?? [] == nested)
        #expect(script.allCommands.dropFirst().allSatisfy { $0.depth == 1 })
    }

    @Test func nestedScriptPositionsPointIntoTheOuterText() throws {
        let script = ShellCommand.parse("RUN_X=1 bash -c \"echo \\\"hi\\\" && curl -k x\"")
        let nested = try #require(script.commands.first?.nested)
        #expect(nested.commands[1].words[1].value == "-k")
        #expect(nested.commands[1].words[1].range == TextRange(start: position(1, 38), end: position(1, 40)))
        #expect(nested.commands[0].words[1].value == "hi")
        #expect(nested.commands[0].words[1].range == TextRange(start: position(1, 24), end: position(1, 29)))
    }

    @Test func nestedShellsInADockerfileRunKeepFilePositions() throws {
        let dockerfile = parse(lines("FROM debian", "RUN set -eux; \\", "    sh -c 'curl -fsSL https://x.example | sh'"))
        let commands = try #require(dockerfile.instructions.last?.shellCommands)
        #expect(commands.map(\.description) == ["set -eux", "sh -c curl -fsSL https://x.example | sh", "curl -fsSL https://x.example", "sh"])
        #expect(commands[3].range.start == position(3, 43))
        #expect(commands[2].depth == 1)
    }

    @Test func deepNestingStops() {
        let script = ShellCommand.parse("sh -c \"sh -c 'sh -c \\\"sh -c x\\\"'\"")
        #expect(script.allCommands.map(\.depth) == [0, 1, 2, 3, 4])
    }

    @Test func wrappersAndPrograms() {
        let script = ShellCommand.parse(
            "sudo -u root -E apt-get install x; env -i PATH=/bin FOO=1 /usr/bin/pip install y; nohup python app.py & exec gunicorn app; command -v curl; timeout -s KILL 30 curl z; sudo")
        #expect(script.commands.map(\.program) == ["apt-get", "pip", "python", "gunicorn", "command", "curl", "sudo"])
        #expect(script.commands.map(\.wrappers) == [["sudo"], ["env"], ["nohup"], ["exec"], [], ["timeout"], ["sudo"]])
        #expect(script.commands[1].argumentValues == ["install", "y"])
    }

    @Test func optionHelpers() throws {
        let curl = try #require(ShellCommand.parse("curl -fsSLk --retry 3 -o /tmp/x --insecure=true https://x").commands.first)
        #expect(curl.hasOption("-k"))
        #expect(curl.hasOption("--insecure"))
        #expect(!curl.hasOption("-x"))
        #expect(curl.optionValue("-o", "--output") == "/tmp/x")
        #expect(curl.optionValue("--retry") == "3")
        let pip = try #require(ShellCommand.parse("pip install --no-cache-dir --index-url=https://pypi.example/simple -r requirements.txt").commands.first)
        #expect(pip.subcommand == "install")
        #expect(pip.optionValue("--index-url", "-i") == "https://pypi.example/simple")
        #expect(pip.hasOption("--no-cache-dir"))
        let apt = try #require(ShellCommand.parse("apt-get -y --no-install-recommends install curl ca-certificates").commands.first)
        #expect(apt.subcommand == "install")
        #expect(apt.operands.map(\.value) == ["install", "curl", "ca-certificates"])
    }

    @Test func assignments() throws {
        let command = try #require(ShellCommand.parse("NODE_TLS_REJECT_UNAUTHORIZED=0 PATH+=:/x npm install").commands.first)
        #expect(command.assignments.map(\.name) == ["NODE_TLS_REJECT_UNAUTHORIZED", "PATH"])
        #expect(command.assignments.map(\.value.value) == ["0", ":/x"])
        #expect(command.assignments[1].isAppend)
        #expect(command.program == "npm")
    }

    @Test(arguments: [
        ("echo 'open", "unterminated single-quoted string"),
        ("echo \"open", "unterminated double-quoted string"),
        ("echo $(open", "unterminated $( command substitution"),
        ("echo `open", "unterminated backtick command substitution"),
        ("echo ${open", "unterminated ${ parameter expansion"),
        ("cat <<EOF\nbody", "here-document EOF is not terminated"),
        ("echo >", "redirection > has no target"),
    ])
    func issues(_ text: String, _ message: String) {
        let script = ShellCommand.parse(text)
        #expect(script.issues.map(\.message) == [message])
    }
}
