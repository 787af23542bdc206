import ArgumentParser
import BulwarkCore
import BulwarkDockerfile
import BulwarkEngine

/// `bulwark fix dockerfile FILE`: the hardened rewrite of one Dockerfile.
struct FixDockerfile: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dockerfile",
        abstract: "Rewrite a Dockerfile into a hardened one that builds the same application.",
        discussion: """
        A Python image that installs packages (Flask, FastAPI, gunicorn, uvicorn, scikit-learn, PyTorch …) is split into \
        a builder stage with the build dependencies and a virtualenv at /opt/venv, and a final stage on the matching \
        -slim base (a Python line and a Debian release with more than a year of support left at --as-of, from the same \
        end-of-life table dockerfile/base-image-eol judges by). Every Dockerfile then \
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

    @OptionGroup var dates: DateOptions

    var options: HardenOptions { HardenOptions(uid: uid, healthPath: healthPath, evaluationDate: dates.date) }

    func validate() throws {
        if write && diff { throw ValidationError("--write and --diff exclude each other") }
        if write && file == "-" { throw ValidationError("--write cannot rewrite standard input") }
        do {
            try options.validate()
        } catch {
            throw ValidationError("--uid/--health-path: \(error.message)")
        }
        if ByteLimit(mebibytes: maxFileSize) == nil {
            throw ValidationError("--max-file-size must be between 1 and \(ByteLimit.maximumMebibytes) MiB (got \(maxFileSize))")
        }
    }

    func run() async throws {
        let console = Console.current
        let outcome: DockerfileFixOutcome
        switch Engine.standard.hardenDockerfile(at: file, contextDirectory: context, options: options,
                                                 limit: ByteLimit(mebibytes: maxFileSize) ?? .standard) {
        case .failure(let error):
            console.error("\(error)")
            throw ExitCode(2)
        case .success(let result):
            outcome = result
        }
        let result = outcome.result
        if !result.errors.isEmpty {
            for error in result.errors {
                console.error(error.line > 0 ? "\(file):\(error.line):\(error.column): \(error.message)" : "\(file): \(error.message)")
            }
            throw ExitCode(2)
        }
        for warning in result.warnings { console.warning(warning) }
        if write {
            try writeResult(result, contextDirectory: outcome.contextDirectory)
        } else if diff {
            try console.emit(result.unifiedDiff(oldLabel: file, newLabel: file))
        } else {
            try console.emit(result.text)
        }
    }

    private func writeResult(_ result: HardenResult, contextDirectory: String?) throws {
        let console = Console.current
        if result.isChanged {
            do {
                try OutputFile.replace(file, with: Array(result.text.utf8))
            } catch {
                console.error("\(error); the file is unchanged")
                throw ExitCode(2)
            }
            console.error("hardened \(file) (\(result.changes.count) \(result.changes.count == 1 ? "change" : "changes"))")
        } else {
            console.error("\(file) is already hardened; nothing changed")
        }
        guard let advice = result.recommendedDockerignore, let contextDirectory else { return }
        let path = (contextDirectory.hasSuffix("/") ? contextDirectory : contextDirectory + "/") + ".dockerignore"
        if case .success = FileKind.ofLink(path) {
            console.warning("\(path) exists; add the patterns above to it")
            return
        }
        do {
            try OutputFile.replace(path, with: Array(advice.utf8))
        } catch {
            console.error("\(error)")
            throw ExitCode(2)
        }
        console.error("wrote \(path)")
    }
}
