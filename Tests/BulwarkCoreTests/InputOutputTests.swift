import BulwarkCore
import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// The one reader and the one writer: what they refuse, what they report, what they never do.
@Suite struct InputFileTests {
    func scratch() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("bulwark-io-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// A link to /dev/zero in a scanned directory: `stat` says size 0, and reading it would never
    /// end. It is skipped with its type, never opened.
    @Test func aLinkToADeviceIsSkippedWithItsType() throws {
        let directory = try scratch()
        defer { try? FileManager.default.removeItem(at: directory) }
        try FileManager.default.createSymbolicLink(atPath: directory.appendingPathComponent("zero.yaml").path, withDestinationPath: "/dev/zero")
        try Data("kind: x\n".utf8).write(to: directory.appendingPathComponent("ok.yaml"))
        let found = InputDiscovery.files(under: [directory.path])
        #expect(found.files.map(\.fileName) == ["ok.yaml"])
        #expect(found.skipped.map(\.reason) == ["symbolic link to a character device (only regular files are read)"])
        // Named on the command line, a device is refused without reading.
        guard case .failure(let error) = InputFile.read("/dev/zero") else { Issue.record("read /dev/zero"); return }
        #expect(error.message == "not a regular file (character device); not read")
    }

    /// A FIFO in a scanned directory would block an open() forever: it is skipped, and the other
    /// files are read.
    @Test func aFIFOInADirectoryIsSkippedNotOpened() throws {
        let directory = try scratch()
        defer { try? FileManager.default.removeItem(at: directory) }
        let fifo = directory.appendingPathComponent("pipe.yaml").path
        #expect(mkfifo(fifo, 0o600) == 0)
        try Data("a: 1\n".utf8).write(to: directory.appendingPathComponent("ok.yaml"))
        let found = InputDiscovery.files(under: [directory.path])
        #expect(found.files.map(\.fileName) == ["ok.yaml"])
        #expect(found.skipped.map(\.path) == [fifo])
        #expect(found.skipped.first?.reason == "named pipe (FIFO) (only regular files are read)")
        // Even if it were asked for as a found file, opening does not block and refuses it.
        guard case .failure(let error) = InputFile.open(fifo, named: false) else { Issue.record("opened a FIFO"); return }
        #expect(error.message.contains("named pipe"))
    }

    /// A pipe named on the command line (`<(…)`, a FIFO argument) is read to its end.
    @Test func aNamedPipeIsRead() throws {
        var fds: [Int32] = [0, 0]
        #expect(pipe(&fds) == 0)
        let text = Array("apiVersion: v1\nkind: Pod\n".utf8)
        _ = text.withUnsafeBytes { write(fds[1], $0.baseAddress, $0.count) }
        close(fds[1])
        defer { close(fds[0]) }
        let read = InputFile.read("/proc/self/fd/\(fds[0])")
        #expect(try read.get() == text)
    }

    /// The limit is enforced while reading, whatever `stat` says, and never reads past it.
    @Test func theSizeLimitIsEnforcedWhileReading() throws {
        let directory = try scratch()
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("big.yaml")
        try Data(repeating: UInt8(ascii: "a"), count: 3000).write(to: file)
        guard case .failure(let error) = InputFile.read(file.path, limit: ByteLimit(bytes: 1024)) else { Issue.record("read past the limit"); return }
        #expect(error.message == "file is larger than the 1.0 KiB limit (raise --max-file-size)")
        #expect(try InputFile.read(file.path, limit: ByteLimit(bytes: 3000)).get().count == 3000)
    }

    /// `--max-file-size 8796093022208` was shifted into a negative limit.
    @Test(arguments: [0, -1, ByteLimit.maximumMebibytes + 1, 8_796_093_022_208, Int.max])
    func absurdLimitsAreRefused(_ mebibytes: Int) {
        #expect(ByteLimit(mebibytes: mebibytes) == nil)
    }

    @Test func missingFilesSayWhatIsMissing() {
        guard case .failure(let error) = InputFile.read("/nonexistent/cert.pem") else { Issue.record("read nothing"); return }
        #expect(error.message == "cannot open: no such file or directory")
    }
}

@Suite struct OutputFileTests {
    /// `-o /dev/full`: the write fails with ENOSPC, and the failure is reported.
    @Test func aFullDeviceIsAnError() throws {
        let output = try OutputFile.create("/dev/full")
        output.write(Array(repeating: 65, count: 100_000))
        #expect(throws: OutputError(path: "/dev/full", reason: "no space left on device")) { try output.commit() }
    }

    /// A file is replaced whole or not at all, keeps its mode, and leaves no temporary file.
    @Test func filesAreReplacedAtomicallyKeepingTheirMode() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("bulwark-out-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("deploy.yaml").path
        try Data("old\n".utf8).write(to: URL(fileURLWithPath: path))
        #expect(chmod(path, 0o640) == 0)
        let output = try OutputFile.create(path)
        output.write(Array("new\n".utf8))
        // Until committed, readers see the old file.
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "old\n")
        try output.commit()
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "new\n")
        let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
        #expect(mode == 0o640)
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["deploy.yaml"])
    }

    /// A writer dropped without commit leaves the target as it was.
    @Test func anUncommittedWriteChangesNothing() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("bulwark-out-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("a.yaml").path
        try Data("old\n".utf8).write(to: URL(fileURLWithPath: path))
        do {
            let output = try OutputFile.create(path)
            output.write(Array("half".utf8))
        }
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "old\n")
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["a.yaml"])
    }


    /// A large output starts writeback as it goes (every 8 MiB); the file still holds every byte,
    /// in order, once committed, including chunks that straddle the writeback boundary.
    @Test func aLargeOutputIsWrittenWhole() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("bulwark-out-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("report.json").path
        let output = try OutputFile.create(path)
        var expected: [UInt8] = []
        for chunk in 0..<40 {
            let bytes = [UInt8](repeating: UInt8(truncatingIfNeeded: chunk), count: 1_000_003)
            output.write(bytes)
            expected += bytes
        }
        try output.commit()
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == Data(expected))
    }
    @Test func aDirectoryIsNotAnOutput() {
        #expect(throws: OutputError(path: "/tmp", reason: "is a directory")) { try OutputFile.create("/tmp") }
    }
}

@Suite struct TextUtilityTests {
    /// One escape set for JSON and YAML: controls, DEL, C1, line separators, BOM.
    @Test(arguments: [
        ("a\"b\\c", #""a\"b\\c""#),
        ("tab\tnl\ncr\r", #""tab\tnl\ncr\r""#),
        ("\u{1B}[2J\u{07}", #""\u001b[2J\u0007""#),
        ("del\u{7F} c1\u{85}\u{9B}", #""del\u007f c1\u0085\u009b""#),
        ("ls\u{2028}ps\u{2029}", #""ls\u2028ps\u2029""#),
        ("bom\u{FEFF}x\u{FFFE}", #""bom\ufeffx\ufffe""#),
        ("模型 é 🚀 \u{A0}", "\"模型 é 🚀 \u{A0}\""),
    ])
    func quoting(_ text: String, _ quoted: String) throws {
        #expect(QuotedString.quoted(text) == quoted)
        // Valid JSON that decodes back to the text.
        let decoded = try JSONDecoder().decode(String.self, from: Data(quoted.utf8))
        #expect(decoded == text)
    }

    @Test func terminalTextShowsControlsAsEscapes() {
        #expect(TerminalText.sanitized("x\n---\napiVersion: v1") == "x\\n---\\napiVersion: v1")
        #expect(TerminalText.sanitized("\u{1B}]0;pwned\u{07}name\r") == "\\u{1b}]0;pwned\\u{7}name\\r")
        #expect(TerminalText.sanitized("c1\u{9B}31m bidi\u{202E}txt.yaml") == "c1\\u{9b}31m bidi\\u{202e}txt.yaml")
        #expect(TerminalText.sanitized("plain-name_1.yaml") == "plain-name_1.yaml")
    }

    /// The glob never backtracks exponentially, and a budget bounds it.
    @Test func globsCostPatternTimesText() {
        let pattern = String(repeating: "a*", count: 30) + "b"
        let text = String(repeating: "a", count: 5000)
        var budget = Glob.defaultBudget * 10
        #expect(Glob(pattern, dialect: .shell).matches(text, budget: &budget) == false)
        #expect(budget > 0)
        var tight = 100
        #expect(Glob(pattern, dialect: .shell).matches(text, budget: &tight) == nil)
    }

    @Test(arguments: [
        ("**/foo", "foo", true), ("**/foo", "a/b/foo", true), ("**/foo", "xfoo", false),
        ("a/**/b", "a/b", true), ("a/**/b", "a/x/y/b", true), ("*.yaml", "a.yaml", true), ("*.yaml", "a/b.yaml", false),
        ("[!a]x", "bx", true), ("[!a]x", "/x", false), ("\\*", "*", true),
    ])
    func pathDialect(_ pattern: String, _ text: String, _ expected: Bool) {
        #expect(Glob(pattern, dialect: .path).matches(text) == expected)
    }

    @Test func shellPatternsTrimAndReplace() throws {
        var budget = Glob.defaultBudget
        #expect(ShellPattern("*/").trimPrefix("a/b/c", longest: false, budget: &budget) == "b/c")
        #expect(ShellPattern("*/").trimPrefix("a/b/c", longest: true, budget: &budget) == "c")
        #expect(ShellPattern(".*").trimSuffix("x.tar.gz", longest: false, budget: &budget) == "x.tar")
        #expect(ShellPattern(".*").trimSuffix("x.tar.gz", longest: true, budget: &budget) == "x")
        #expect(try ShellPattern("o").replace(in: "foo", with: "0", all: true, budget: &budget).get() == "f00")
        #expect(try ShellPattern("o").replace(in: "foo", with: "0", all: false, budget: &budget).get() == "f0o")
        // Out of budget, or past the length limit, the operation says so instead of answering.
        var none = 1
        #expect(ShellPattern("*x").trimPrefix(String(repeating: "a", count: 100), longest: true, budget: &none) == nil)
        guard case .failure(.length) = ShellPattern("?").replace(in: "abcd", with: "xyz", all: true, budget: &budget, maxLength: 10) else {
            Issue.record("the length limit did not apply")
            return
        }
    }
}
