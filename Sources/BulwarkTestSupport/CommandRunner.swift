import BulwarkCore
import Foundation

/// Runs the built `bulwark` executable for end-to-end tests.
public struct CommandResult: Sendable {
    public let status: Int32
    public let stdout: String
    public let stderr: String
    public let stdoutData: Data

    public init(status: Int32, stdoutData: Data, stderrData: Data) {
        self.status = status
        self.stdout = String(decoding: stdoutData, as: UTF8.self)
        self.stderr = String(decoding: stderrData, as: UTF8.self)
        self.stdoutData = stdoutData
    }
}

public enum CommandRunner {
    /// The package root (three levels above this source file).
    public static let packageRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// `bulwark` next to the test bundle: the test targets depend on the executable, so the build
    /// that made the tests made it too (SwiftPM puts every product of a build in one folder).
    public static let executable: URL = {
        let bundleDirectory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for directory in [bundleDirectory, bundleDirectory.deletingLastPathComponent(), Bundle.main.bundleURL.deletingLastPathComponent()] {
            let candidate = directory.appendingPathComponent("bulwark")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
        }
        return bundleDirectory.appendingPathComponent("bulwark")
    }()

    /// Why the executable cannot be trusted to be the code under test: missing, or built from
    /// other sources than those on disk now (the fingerprint `bulwark --version` reports, computed
    /// as the build plugin computes it). Checked once; `run` refuses a stale binary.
    public static let staleness: String? = {
        guard FileManager.default.isExecutableFile(atPath: executable.path) else {
            return "no bulwark executable next to the tests at \(executable.path); run swift build"
        }
        // As BuildInfoPlugin computes it: the Swift files under Sources/ in path order, then Package.swift.
        let files = InputDiscovery.files(under: [packageRoot.appendingPathComponent("Sources").path]).files
            .map(\.path).filter { $0.hasSuffix(".swift") }.sorted()
        let fingerprint = try? runTool("/bin/sh", ["-c", "cat \"$@\" | sha256sum | cut -c1-12", "fingerprint"]
                                       + files + [packageRoot.appendingPathComponent("Package.swift").path])
        let version = try? runTool(executable.path, ["--version"])
        guard let sources = fingerprint?.stdout.trimmingCharacters(in: .whitespacesAndNewlines), !sources.isEmpty,
              let line = version?.stdout else { return "cannot read the version of \(executable.path)" }
        guard line.contains("sources \(sources))") else {
            return "\(executable.path) was built from other sources (\(line.trimmingCharacters(in: .newlines)); the tree is \(sources)): "
                + "the tests would run a stale binary; run swift build"
        }
        return nil
    }()

    public struct StaleBinary: Error, CustomStringConvertible {
        public let description: String
    }

    /// Runs `bulwark ARGS` in `directory` (default: the package root) with optional standard input;
    /// `stdoutPath` sends standard output to a file (e.g. `/dev/full`) instead of a pipe. Throws
    /// when the executable is older than the sources (`staleness`).
    public static func run(_ arguments: [String], in directory: URL? = nil, stdin: String? = nil, stdoutPath: String? = nil) throws -> CommandResult {
        if let staleness { throw StaleBinary(description: staleness) }
        return try runTool(executable.path, arguments, in: directory, stdin: stdin, stdoutPath: stdoutPath)
    }

    /// Runs any program the same way (a shell for process substitution, `mount` for a tmpfs).
    public static func runTool(_ path: String, _ arguments: [String], in directory: URL? = nil, stdin: String? = nil,
                               stdoutPath: String? = nil) throws -> CommandResult {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        process.currentDirectoryURL = directory ?? packageRoot
        var environment = ProcessInfo.processInfo.environment
        environment["NO_COLOR"] = "1"
        process.environment = environment
        let output = Pipe()
        let error = Pipe()
        let outputFile = try stdoutPath.map { try FileHandle(forWritingTo: URL(fileURLWithPath: $0)) }
        process.standardOutput = outputFile ?? output
        process.standardError = error
        let input = Pipe()
        process.standardInput = input
        try process.run()
        let writer = Thread {
            if let stdin { input.fileHandleForWriting.write(Data(stdin.utf8)) }
            try? input.fileHandleForWriting.close()
        }
        writer.start()
        // Read both pipes to the end before waiting, so a large report cannot block the child.
        let errorReader = ErrorCollector(error.fileHandleForReading)
        try output.fileHandleForWriting.close()
        let outData = outputFile == nil ? output.fileHandleForReading.readDataToEndOfFile() : Data()
        let errData = errorReader.finish()
        process.waitUntilExit()
        return CommandResult(status: process.terminationStatus, stdoutData: outData, stderrData: errData)
    }
}

/// Drains a pipe on its own thread.
private final class ErrorCollector: @unchecked Sendable {
    private var data = Data()
    private let done = DispatchSemaphore(value: 0)

    init(_ handle: FileHandle) {
        Thread {
            self.data = handle.readDataToEndOfFile()
            self.done.signal()
        }.start()
    }

    func finish() -> Data {
        done.wait()
        return data
    }
}
