import BulwarkRuntime
import Testing

@Suite struct ExecJudgeTests {
    static let python = FileIdentity(device: 8 << 20 | 1, inode: 100)
    static let loader = FileIdentity(device: 8 << 20 | 1, inode: 101)
    static let shell = FileIdentity(device: 8 << 20 | 1, inode: 102)
    static let other = FileIdentity(device: 8 << 20 | 1, inode: 999)
    static let pinned = String(repeating: "ab", count: 32)

    static func exec(default action: RuntimeAction = .deny, shell: CompiledExec.ExecEntry? = nil,
                     pythonDigest: String? = nil) -> CompiledExec {
        var entries = [
            CompiledExec.ExecEntry(identity: python, path: "/usr/bin/python3.11", sha256: pythonDigest, action: .allow,
                                   ruleIndex: 0),
            CompiledExec.ExecEntry(identity: loader, path: "/lib64/ld-linux-x86-64.so.2", action: .allow, ruleIndex: 1),
        ]
        if let shell { entries.append(shell) }
        return CompiledExec(defaultAction: action, entries: entries)
    }

    func judge(_ exec: CompiledExec, _ identity: FileIdentity, path: String? = nil, digest: String? = nil,
               interpreter: FileIdentity? = nil) -> ExecJudge.Verdict {
        ExecJudge(exec).judge(identity: identity, path: path, digest: { digest }, interpreter: { interpreter })
    }

    @Test func allowedEntryAllows() {
        let verdict = judge(Self.exec(), Self.python)
        #expect(verdict.action == .allow)
        #expect(verdict.ruleIndex == 0)
    }

    @Test(arguments: [RuntimeAction.deny, .alert, .allow])
    func fileNoRuleNamesGetsTheDefault(_ action: RuntimeAction) {
        let verdict = judge(Self.exec(default: action), Self.other, path: "/tmp/x")
        #expect(verdict.action == action)
        #expect(verdict.ruleIndex == CompiledPolicy.defaultRuleIndex)
    }

    @Test func denyEntryDeniesEvenWithAnAllowDefault() {
        let shell = CompiledExec.ExecEntry(identity: Self.shell, path: "/bin/sh", action: .deny, ruleIndex: 2)
        let verdict = judge(Self.exec(default: .allow, shell: shell), Self.shell)
        #expect(verdict.action == .deny)
        #expect(verdict.ruleIndex == 2)
    }

    @Test func firstEntryForAFileWins() {
        let exec = CompiledExec(defaultAction: .deny, entries: [
            CompiledExec.ExecEntry(identity: Self.shell, path: "/bin/sh", action: .alert, ruleIndex: 0),
            CompiledExec.ExecEntry(identity: Self.shell, path: "/usr/bin/dash", action: .allow, ruleIndex: 1),
        ])
        #expect(judge(exec, Self.shell).action == .alert)
    }

    @Test func matchingDigestAllowsAndIsReported() {
        let verdict = judge(Self.exec(pythonDigest: Self.pinned.uppercased()), Self.python, digest: Self.pinned)
        #expect(verdict.action == .allow)
        #expect(verdict.sha256 == Self.pinned)
    }

    @Test func replacedFileIsDenied() {
        let verdict = judge(Self.exec(default: .allow, pythonDigest: Self.pinned), Self.python,
                            digest: String(repeating: "cd", count: 32))
        #expect(verdict.action == .deny)
        #expect(verdict.ruleIndex == 0)
        #expect(verdict.reason.contains("replaced"))
        #expect(!verdict.hashFailed)
    }

    @Test func unreadableFileWithPinnedDigestIsDenied() {
        let verdict = judge(Self.exec(default: .allow, pythonDigest: Self.pinned), Self.python, digest: nil)
        #expect(verdict.action == .deny)
        #expect(verdict.hashFailed)
    }

    @Test func digestAndShebangAreOnlyReadWhenNeeded() {
        var digestCalls = 0
        var interpreterCalls = 0
        let verdict = ExecJudge(Self.exec()).judge(identity: Self.python, path: nil,
                                                    digest: { digestCalls += 1; return nil },
                                                    interpreter: { interpreterCalls += 1; return nil })
        #expect(verdict.action == .allow)
        #expect(digestCalls == 0 && interpreterCalls == 0)
    }

    static func interpreterEntry(_ scripts: [String], action: RuntimeAction = .allow,
                                 inline: RuntimeAction? = .deny) -> CompiledExec.ExecEntry {
        CompiledExec.ExecEntry(identity: shell, path: "/bin/sh", action: action, inlineCode: inline, allowedScripts: scripts,
                               ruleIndex: 2)
    }

    @Test(arguments: [
        (["/app/*.sh"], "/app/start.sh", RuntimeAction.allow),
        (["/app/*.sh"], "/app/bin/start.sh", .deny),
        (["/app/**/*.sh"], "/app/bin/start.sh", .allow),
        (["/opt/other.sh", "/app/**"], "/app/x/y/z", .allow),
        ([], "/anything/at/all.sh", .allow),
    ])
    func scriptPassesThroughItsInterpretersGlobs(_ globs: [String], _ script: String, _ expected: RuntimeAction) {
        let verdict = judge(Self.exec(shell: Self.interpreterEntry(globs)), Self.other, path: script, interpreter: Self.shell)
        #expect(verdict.action == expected)
        if expected == .allow { #expect(verdict.ruleIndex == 2) }
    }

    @Test func scriptOfADeniedOrPlainInterpreterGetsTheDefault() {
        let denied = Self.exec(shell: Self.interpreterEntry(["/app/*"], action: .deny))
        #expect(judge(denied, Self.other, path: "/app/a.sh", interpreter: Self.shell).action == .deny)
        let plain = Self.exec(shell: Self.interpreterEntry([], inline: nil))
        #expect(judge(plain, Self.other, path: "/app/a.sh", interpreter: Self.shell).action == .deny)
        let unknownInterpreter = Self.exec(shell: Self.interpreterEntry(["/app/*"]))
        #expect(judge(unknownInterpreter, Self.other, path: "/app/a.sh", interpreter: Self.other).action == .deny)
        #expect(judge(unknownInterpreter, Self.other, path: nil, interpreter: Self.shell).action == .deny)
    }

    @Test(arguments: [
        ("/app/*.py", "/app/main.py", true),
        ("/app/*.py", "/app/sub/main.py", false),
        ("/app/*.py", "/app/main.pyc", false),
        ("/app/**/*.py", "/app/main.py", true),
        ("/app/**/*.py", "/app/a/b/main.py", true),
        ("/app/**", "/app/x/y", true),
        ("/opt/*/bin/run", "/opt/x/bin/run", true),
        ("/opt/*/bin/run", "/opt/x/y/bin/run", false),
        ("/exact", "/exact", true),
        ("/exact", "/exactly", false),
        ("*", "/a", false),
    ])
    func globs(_ pattern: String, _ path: String, _ expected: Bool) {
        #expect(ScriptGlob.matches(pattern, path) == expected)
    }

    @Test(arguments: [
        ("#!/bin/sh\necho", "/bin/sh"),
        ("#! /usr/bin/env python3\n", "/usr/bin/env"),
        ("#!\t/usr/bin/python3 -u\n", "/usr/bin/python3"),
        ("#!/bin/bash", "/bin/bash"),
    ])
    func shebangNamesTheInterpreter(_ text: String, _ expected: String) {
        #expect(Shebang.interpreter(in: Array(text.utf8)[...]) == expected)
    }

    @Test(arguments: ["#!\n", "\u{7f}ELF\u{2}\u{1}", "", "#", "echo #!/bin/sh"])
    func noShebang(_ text: String) {
        #expect(Shebang.interpreter(in: Array(text.utf8)[...]) == nil)
    }

    @Test func mountTableSkipsPseudoFilesystemsAndUnescapes() {
        let table = MountTable(mountinfo: """
            22 1 254:0 / / rw,relatime shared:1 - ext4 /dev/vda rw
            23 22 0:21 / /proc rw,nosuid - proc proc rw
            24 22 0:22 / /sys/fs/cgroup/unified rw - cgroup2 cgroup2 rw
            25 22 0:23 / /mnt/with\\040space rw - tmpfs tmpfs rw
            garbage line
            """)
        #expect(table.mounts.count == 4)
        #expect(table.markable.map(\.mountPoint) == ["/", "/mnt/with space"])
        #expect(table.markable.first?.device == "254:0")
    }
}
