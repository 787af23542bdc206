import BulwarkCore
import BulwarkTestSupport
import Foundation
import Synchronization
@testable import bulwark

/// Runs `bulwark` command lines in-process: the same `Bulwark.run` the executable's `main`
/// calls, with standard output and error captured (`Console.$current`). Arguments naming the
/// repository's examples (`examples/…`, as the README writes them) go through `repo`, since a test
/// cannot change the working directory.
enum CLI {
    static func run(_ arguments: [String], output: (any OutputSink)? = nil) async -> CommandResult {
        let stdout = MemorySink()
        let stderr = MemorySink()
        let console = Console(output: output ?? stdout, errors: stderr, isTerminal: false)
        let resolved = arguments.map { $0.hasPrefix("examples/") || $0 == "examples" ? repo($0) : $0 }
        let status = await Console.$current.withValue(console) { await Bulwark.run(resolved) }
        return CommandResult(status: status, stdoutData: Data(stdout.bytes), stderrData: Data(stderr.bytes))
    }

    /// A path inside the package, relative as the README writes it when the tests run from the
    /// package root (as `swift test` and CI do), absolute otherwise.
    static func repo(_ path: String) -> String {
        FileManager.default.currentDirectoryPath == CommandRunner.packageRoot.path
            ? path : CommandRunner.packageRoot.appendingPathComponent(path).path
    }
}

/// Output kept in memory.
final class MemorySink: OutputSink {
    private let buffer = Mutex<[UInt8]>([])

    var bytes: [UInt8] { buffer.withLock { $0 } }

    @Sendable func write(_ bytes: [UInt8]) { buffer.withLock { $0 += bytes } }

    func commit() throws(OutputError) {}
}

/// Output that fails like a full disk: the first write is lost and `commit` reports it.
final class FullDiskSink: OutputSink {
    private let failed = Mutex(false)

    @Sendable func write(_ bytes: [UInt8]) { failed.withLock { $0 = $0 || !bytes.isEmpty } }

    func commit() throws(OutputError) {
        if failed.withLock({ $0 }) { throw OutputError(path: "standard output", reason: Errno(ENOSPC).description) }
    }
}
