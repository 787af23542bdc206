import BulwarkCore

extension InPlaceHardener {
    /// Shell-form ENTRYPOINT and CMD of the final stage in exec form. When the ENTRYPOINT was in
    /// shell form, it ignored every CMD; in exec form it would pass them on as arguments, so the
    /// CMDs are removed.
    mutating func useExecForm() {
        let body = finalBody
        let entrypoints = body.filter { instructions[$0].keyword == .entrypoint }
        let cmds = body.filter { instructions[$0].keyword == .cmd }
        var entrypointWasShell = false
        for index in entrypoints {
            guard case .shell(let command) = instructions[index].form else { continue }
            convert(index, command)
            if index == entrypoints.last { entrypointWasShell = true }
        }
        if entrypointWasShell {
            for index in cmds {
                let instruction = instructions[index]
                let first = instruction.sourceText.split(separator: "\n").first.map(String.init) ?? "CMD"
                let what = instruction.endLine > instruction.startLine ? "a CMD" : first
                let note = "removed \(what): the shell-form ENTRYPOINT ignored it, and the exec-form ENTRYPOINT would receive it as arguments."
                let lines = Self.wrap(note, first: "# bulwark: ", rest: "# bulwark: ")
                patch.replaceLines(instruction.startLine, instruction.endLine, with: lines, in: source)
            }
            if !cmds.isEmpty {
                changes.append("CMD removed: the shell-form ENTRYPOINT ignored it, and the exec form would pass it on as arguments.")
            }
            return
        }
        let execEntrypoint = entrypoints.last.map { instructions[$0].form?.isExec == true } ?? false
        for index in cmds {
            guard case .shell(let command) = instructions[index].form else { continue }
            convert(index, command)
            if execEntrypoint && index == cmds.last {
                warnings.append("""
                    The shell-form CMD followed an exec-form ENTRYPOINT, which received "/bin/sh -c …" as arguments; it now \
                    receives the command's words.
                    """)
            }
        }
    }

    private mutating func convert(_ index: Int, _ command: ShellCommand) {
        let instruction = instructions[index]
        let arguments = ExecForm.arguments(for: command, shell: instruction.shell)
        guard !arguments.isEmpty else { return }
        let replacement = instruction.rawKeyword + " " + ExecForm.json(arguments)
        let start = instruction.keywordRange.start
        let end = TextPosition(line: instruction.endLine, column: (source.line(instruction.endLine).unicodeScalars.count) + 1)
        patch.replace(TextRange(start: start, end: end), with: replacement)
        let keyword = instruction.keyword.rawValue
        let program = ServerInvocation.baseName(arguments.first ?? "")
        if arguments.count > 2, ["/bin/sh", "sh", "/bin/bash", "bash"].contains(arguments[0]) {
            changes.append("\(keyword) in exec form; it keeps its shell for the variables it expands, and execs the last command so that it gets SIGTERM.")
        } else {
            changes.append("\(keyword) in exec form, so \(program) runs as PID 1 and gets SIGTERM from docker stop and the kubelet.")
        }
    }

    /// A HEALTHCHECK in a Python final stage that requests the server's health route with the
    /// image's own interpreter; one that calls curl or wget (absent from slim images) is replaced.
    mutating func addHealthcheck() {
        let body = finalBody
        let existing = body.last { instructions[$0].keyword == .healthcheck }
        if let existing {
            let check = instructions[existing]
            if check.healthcheck?.isNone == true { return }
            guard finalIsPython, let url = Self.downloaderURL(check) else { return }
            let endpoint = endpoint(forURL: url) ?? healthEndpoint()
            guard let endpoint else { return }
            patch.replaceLines(check.startLine, check.endLine, with: endpoint.instructionLines, in: source)
            changes.append("HEALTHCHECK uses the image's Python instead of curl/wget, which slim images do not have: GET \(endpoint.url).")
            return
        }
        guard finalIsPython else {
            warnings.append("""
                No HEALTHCHECK added: the final image is not a Python image, so bulwark cannot count on an interpreter to probe \
                the server; add one that fits the application.
                """)
            return
        }
        guard let endpoint = healthEndpoint() else { return }
        // Before the CMD/ENTRYPOINT that ends the stage (and its comments), else at the end.
        let tailStart = body.lastIndex { [.run, .copy, .add, .user, .workdir].contains(instructions[$0].keyword) }.map { body.index(after: $0) } ?? 0
        let anchor = body[tailStart...].first { [.cmd, .entrypoint].contains(instructions[$0].keyword) }
        let stageEnd = body.last.map { instructions[$0].endLine } ?? instructions[finalStage.fromIndex].endLine
        let line = anchor.map { blockStart(of: instructions[$0]) } ?? stageEnd + 1
        patch.insertLines(before: line, endpoint.instructionLines)
        changes.append("HEALTHCHECK added: the image's Python interpreter requests \(endpoint.url) (slim images have no curl).")
    }

    /// The URL a `curl`/`wget` health check requests, nil when it calls neither.
    static func downloaderURL(_ check: Instruction) -> String? {
        var candidates: [[String]] = check.shellCommands.map { $0.words.map(\.value) }
        if let words = check.execArguments {
            candidates.append(words)
            if words.count >= 3, ["sh", "bash"].contains(ServerInvocation.baseName(words[0])), words[1] == "-c" {
                candidates += ShellCommand.parse(words[2]).allCommands.map { $0.words.map(\.value) }
            }
        }
        for words in candidates {
            guard let first = words.first, ["curl", "wget"].contains(ServerInvocation.baseName(first)) else { continue }
            return words.first { $0.hasPrefix("http://") || $0.hasPrefix("https://") } ?? ""
        }
        return nil
    }

    /// `http://localhost:8000/health` as an endpoint (nil for HTTPS or an unreadable URL).
    func endpoint(forURL url: String) -> HealthEndpoint? {
        guard url.hasPrefix("http://") else { return nil }
        let rest = url.dropFirst("http://".count)
        let slash = rest.firstIndex(of: "/") ?? rest.endIndex
        let authority = rest[..<slash]
        let path = slash < rest.endIndex ? String(rest[slash...]) : "/"
        var host = String(authority)
        var port = 80
        if let colon = authority.lastIndex(of: ":"), !authority.hasSuffix("]") {
            host = String(authority[..<colon])
            guard let number = Int(authority[authority.index(after: colon)...]) else { return nil }
            port = number
        }
        if host == "localhost" || host == "0.0.0.0" { host = "127.0.0.1" }
        return HealthEndpoint(host: host, port: port, path: path)
    }

    /// Where the final image's server listens and its health route; nil (with a warning) when no
    /// HTTP server can be found.
    mutating func healthEndpoint() -> HealthEndpoint? {
        let body = finalBody
        let environment = finalStage.environment
        let facts = AppSourceFacts(sources: options.appSource)
        var candidates: [[String]] = []
        let entrypoint = body.last { instructions[$0].keyword == .entrypoint }.map { instructions[$0] }
        let cmd = body.last { instructions[$0].keyword == .cmd }.map { instructions[$0] }
        func words(of instruction: Instruction?) -> [[String]] {
            guard let instruction else { return [] }
            if let exec = instruction.execArguments {
                if exec.count >= 3, ["sh", "bash"].contains(ServerInvocation.baseName(exec[0])), exec[1] == "-c" {
                    return ShellCommand.parse(exec[2]).allCommands.map { $0.words.map(\.value) }
                }
                return [exec]
            }
            return instruction.shellCommand?.script.allCommands.map { $0.words.map(\.value) } ?? []
        }
        if let exec = entrypoint?.execArguments, let cmdWords = cmd?.execArguments {
            candidates.append(exec + cmdWords)
        }
        candidates += words(of: entrypoint) + words(of: cmd)
        let invocations = candidates.map { ServerInvocation(words: $0, environment: environment) }
        let invocation = invocations.first { $0.isWebServer } ?? invocations.first { $0.server == "python" }
        let exposed = body.flatMap { instructions[$0].exposedPorts }.first { $0.transport == "tcp" && $0.port != nil }?.port
        if invocation?.socketOnly == true {
            warnings.append("No HEALTHCHECK added: the server listens on a Unix socket or file descriptor.")
            return nil
        }
        let isServer = invocation?.isWebServer == true || facts.isWebApp || exposed != nil
        guard isServer else {
            warnings.append("""
                No HEALTHCHECK added: no HTTP server was found (no gunicorn/uvicorn/flask command, web framework or EXPOSE); \
                add one if the container serves requests.
                """)
            return nil
        }
        let port = invocation?.port ?? facts.port ?? exposed ?? invocation?.defaultPort
        serverPort = port
        guard let port else {
            warnings.append("No HEALTHCHECK added: the server's port could not be found; add EXPOSE or pass the port on its command line.")
            return nil
        }
        var host = "127.0.0.1"
        if let bound = invocation?.host, !["", "0.0.0.0", "::", "[::]", "localhost", "127.0.0.1", "*"].contains(bound) {
            let candidate = bound.contains(":") && !bound.hasPrefix("[") ? "[\(bound)]" : bound
            if HealthPath.isHost(candidate) {
                host = candidate
            } else {
                warnings.append("The server binds to \(QuotedString.quoted(bound)), which is not a host name or IP address; the HEALTHCHECK requests 127.0.0.1.")
            }
        }
        var route = facts.healthRoute
        if let found = route {
            do throws(HealthPath.Problem) {
                _ = try HealthPath.normalize(found)
            } catch {
                warnings.append("The health route found in the application source was not used: \(error).")
                route = nil
            }
        }
        let path: String
        if let explicit = options.healthPath {
            path = explicit
        } else if let route {
            path = route
        } else if invocation?.server == "streamlit" {
            path = "/_stcore/health"
        } else {
            path = options.defaultHealthPath
            warnings.append("""
                No health route was found in the application source: the HEALTHCHECK requests \(path); serve it, or pass \
                --health-path with the route the application has.
                """)
        }
        guard let endpoint = HealthEndpoint(host: host, port: port, path: path) else {
            warnings.append("No HEALTHCHECK added: port \(port) is not a TCP port, or \(QuotedString.quoted(path)) is not a URL path.")
            return nil
        }
        return endpoint
    }
}
