import ArgumentParser
import BulwarkCore
import BulwarkDockerfile
import Foundation

/// `bulwark fix dockerfile FILE`: the hardened rewrite of one Dockerfile.
struct FixDockerfile: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dockerfile",
        abstract: "Rewrite a Dockerfile into a hardened one that builds the same application.",
        discussion: """
        A Python image that installs packages (Flask, FastAPI, gunicorn, uvicorn, scikit-learn, PyTorch …) is split into \
        a builder stage with the build dependencies and a virtualenv at /opt/venv, and a final stage on the matching \
        -slim base (a supported Python when the original's is past end of life, Debian bookworm). Every Dockerfile then \
        gets, where it is missing: a numeric non-root USER (10001:10001, created with useradd --no-log-init), COPY \
        --chown for the application files, apt --no-install-recommends with the package lists removed, pip \
        --no-cache-dir, apk --no-cache, no secrets in ENV or ARG (a comment says how to pass them instead), exec-form \
        ENTRYPOINT and CMD, and for Python images a HEALTHCHECK that uses the interpreter (slim images have no curl) \
        against the server's port (gunicorn --bind, uvicorn --port, flask run --port, EXPOSE) and health route (found \
        in the *.py files of the build context, else --health-path). Comments are kept, a "# bulwark:" header lists \
        what changed, and rewriting a rewritten file changes nothing.

        The result goes to standard output, back into FILE with --write (which also creates a .dockerignore in the \
        build context when the Dockerfile copies the whole context and there is none), or as a unified diff with \
        --diff. Warnings go to standard error. Exit 2 when FILE cannot be read or has syntax errors.
        """
    )

    @Argument(help: "The Dockerfile (or Containerfile) to harden; - reads standard input.")
    var file: String

    @ArgumentParser.Flag(help: "Rewrite FILE in place (and create a missing .dockerignore the rewrite asks for).")
    var write = false

    @ArgumentParser.Flag(help: "Print a unified diff instead of the rewritten file.")
    var diff = false

    @Option(name: .customLong("health-path"),
            help: ArgumentHelp("The route the HEALTHCHECK requests (default: found in the application source, else /healthz).", valueName: "path"))
    var healthPath: String?

    @Option(help: ArgumentHelp("The build context, where the application's *.py files and .dockerignore are read (default: FILE's directory).",
                               valueName: "dir"))
    var context: String?

    @Option(help: "The UID and GID of the non-root user.")
    var uid = 10001

    @Option(help: "Largest input file to read, in MiB.")
    var maxFileSize = 8

    func validate() throws {
        if write && diff { throw ValidationError("--write and --diff exclude each other") }
        if write && file == "-" { throw ValidationError("--write cannot rewrite standard input") }
        if uid <= 0 { throw ValidationError("--uid must be a positive number (got \(uid))") }
        if maxFileSize <= 0 { throw ValidationError("--max-file-size must be positive") }
        if let healthPath, !healthPath.hasPrefix("/") { throw ValidationError("--health-path must start with / (got \"\(healthPath)\")") }
    }

    func run() async throws {
        let bytes: [UInt8]
        switch InputDiscovery.read(DiscoveredFile(path: file, explicit: true), limit: maxFileSize << 20) {
        case .failure(let error):
            Terminal.error("\(error)")
            throw ExitCode(2)
        case .success(let data):
            bytes = data
        }
        let directory = context ?? (file == "-" ? nil : (file as NSString).deletingLastPathComponent)
        let buildContext = directory.map { DockerBuildContext.load(directory: $0.isEmpty ? "." : $0) } ?? DockerBuildContext()
        let name = file == "-" ? "Dockerfile" : (file as NSString).lastPathComponent
        let options = buildContext.options(HardenOptions(uid: uid, healthPath: healthPath, sourceName: name))
        let result = DockerfileHardener.harden(text: String(decoding: bytes, as: UTF8.self), file: file, options: options)
        if !result.errors.isEmpty {
            for error in result.errors { Terminal.error("\(file):\(error.line):\(error.column): \(error.message)") }
            throw ExitCode(2)
        }
        for warning in result.warnings { Terminal.error("warning: \(warning)") }
        if write {
            try writeResult(result, contextDirectory: directory)
        } else if diff {
            Terminal.write(result.unifiedDiff(oldLabel: file, newLabel: file))
        } else {
            Terminal.write(result.text)
        }
    }

    private func writeResult(_ result: HardenResult, contextDirectory: String?) throws {
        if result.isChanged {
            do {
                try Data(result.text.utf8).write(to: URL(fileURLWithPath: file))
            } catch {
                Terminal.error("cannot write \(file): \(error.localizedDescription)")
                throw ExitCode(2)
            }
            Terminal.error("hardened \(file) (\(result.changes.count) \(result.changes.count == 1 ? "change" : "changes"))")
        } else {
            Terminal.error("\(file) is already hardened; nothing changed")
        }
        guard let advice = result.recommendedDockerignore, let contextDirectory else { return }
        let path = URL(fileURLWithPath: contextDirectory.isEmpty ? "." : contextDirectory).appendingPathComponent(".dockerignore").path
        guard !FileManager.default.fileExists(atPath: path) else {
            Terminal.error("warning: \(path) exists; add the patterns above to it")
            return
        }
        guard FileManager.default.createFile(atPath: path, contents: Data(advice.utf8)) else {
            Terminal.error("cannot write \(path)")
            throw ExitCode(2)
        }
        Terminal.error("wrote \(path)")
    }
}
