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

    /// A HEALTHCHECK for a server whose protocol is known (`ServerProtocol`): in a Python final
    /// stage serving HTTP, one that requests the server's health route with the image's own
    /// interpreter (a curl/wget one, absent from slim images, is replaced); for a gRPC server, one
    /// that runs `grpc_health_probe` when the stage has that binary. Otherwise none, with a note
    /// saying why: an HTTP request can never pass against a gRPC server.
    mutating func addHealthcheck() {
        let body = finalBody
        let existing = body.last { instructions[$0].keyword == .healthcheck }
        if let existing {
            let check = instructions[existing]
            if check.healthcheck?.isNone == true { return }
            guard finalIsPython, let url = Self.downloaderURL(check) else { return }
            let serverProtocol = ServerProtocol(invocation: mainInvocation(), facts: AppSourceFacts(sources: options.appSource))
            if serverProtocol.kind == .grpc {
                // Translating it would keep a check that can never pass: leave it, and say so.
                warnings.append("""
                    The HEALTHCHECK requests \(url.isEmpty ? "a URL" : url) over HTTP, but the server speaks gRPC \
                    (\(serverProtocol.reason)), so it can never pass; check it with grpc_health_probe instead.
                    """)
                return
            }
            let endpoint = endpoint(forURL: url) ?? healthEndpoint()
            guard let endpoint else { return }
            patch.replaceLines(check.startLine, check.endLine, with: endpoint.instructionLines, in: source)
            replacedHealthcheck = true
            changes.append("HEALTHCHECK uses the image's Python instead of curl/wget, which slim images do not have: GET \(endpoint.url).")
            return
        }
        let serverProtocol = ServerProtocol(invocation: mainInvocation(), facts: AppSourceFacts(sources: options.appSource))
        if serverProtocol.kind == .grpc {
            addGRPCHealthcheck(serverProtocol)
            return
        }
        guard finalIsPython else {
            warnings.append("""
                No HEALTHCHECK added: the final image is not a Python image, so bulwark cannot count on an interpreter to probe \
                the server; add one that fits the application.
                """)
            return
        }
        if serverProtocol.kind == .unknown, body.contains(where: { !instructions[$0].exposedPorts.isEmpty }) || AppSourceFacts(sources: options.appSource).isGRPCServer {
            warnings.append("""
                No HEALTHCHECK added: the server's protocol is unknown (\(serverProtocol.reason)); bulwark adds an HTTP check only \
                for servers known to speak HTTP, since one against another protocol can never pass. Add one that fits the server.
                """)
            return
        }
        guard let endpoint = healthEndpoint() else { return }
        insertHealthcheck(endpoint.instructionLines)
        changes.append("HEALTHCHECK added: the image's Python interpreter requests \(endpoint.url) (slim images have no curl).")
    }

    /// Inserts HEALTHCHECK lines before the CMD/ENTRYPOINT that ends the final stage (and its
    /// comments), else at its end.
    private mutating func insertHealthcheck(_ lines: [String]) {
        let body = finalBody
        let tailStart = body.lastIndex { [.run, .copy, .add, .user, .workdir].contains(instructions[$0].keyword) }.map { body.index(after: $0) } ?? 0
        let anchor = body[tailStart...].first { [.cmd, .entrypoint].contains(instructions[$0].keyword) }
        let stageEnd = body.last.map { instructions[$0].endLine } ?? instructions[finalStage.fromIndex].endLine
        let line = anchor.map { blockStart(of: instructions[$0]) } ?? stageEnd + 1
        patch.insertLines(before: line, lines)
    }

    /// `HEALTHCHECK CMD ["/bin/grpc_health_probe", "-addr=127.0.0.1:PORT"]` when the final stage
    /// (or a stage it is built FROM) puts grpc_health_probe at a known path and the port is known;
    /// else a note.
    private mutating func addGRPCHealthcheck(_ serverProtocol: ServerProtocol) {
        let exposed = finalBody.flatMap { instructions[$0].exposedPorts }.first { $0.transport == "tcp" && $0.port != nil }?.port
        guard let probe = grpcHealthProbePath else {
            warnings.append("""
                No HEALTHCHECK added: the server speaks gRPC (\(serverProtocol.reason)), which an HTTP request cannot check, and \
                the image has no grpc_health_probe; copy it in (to /bin/grpc_health_probe) and bulwark adds a check that runs it.
                """)
            return
        }
        guard let port = serverProtocol.grpcPort ?? exposed, (1...65535).contains(port) else {
            warnings.append("No HEALTHCHECK added: the gRPC server's port could not be found; add EXPOSE or pass the port on its command line.")
            return
        }
        serverPort = port
        insertHealthcheck([
            "HEALTHCHECK --interval=30s --timeout=3s --start-period=20s --retries=3 \\",
            "    CMD " + ExecForm.json([probe, "-addr=127.0.0.1:\(port)"]),
        ])
        changes.append("HEALTHCHECK added: \(probe) checks the gRPC server on port \(port) (\(serverProtocol.reason)).")
    }

    /// The absolute path the final stage's chain puts grpc_health_probe at (a COPY/ADD
    /// destination or a path a RUN writes), nil when it has none.
    var grpcHealthProbePath: String? {
        let name = "grpc_health_probe"
        var found: String?
        for stage in finalChain.reversed() {
            for instruction in dockerfile.instructions(of: stage) {
                if [.copy, .add].contains(instruction.keyword), let transfer = instruction.fileTransfer,
                    let destination = transfer.destination?.resolved, destination.hasPrefix("/")
                {
                    let sources = transfer.sources.map { ServerInvocation.baseName($0.resolved) }
                    if ServerInvocation.baseName(destination) == name {
                        found = destination
                    } else if destination.hasSuffix("/"), sources.contains(name) {
                        found = destination + name
                    }
                } else if instruction.keyword == .run {
                    for match in instruction.sourceText.matches(of: #/(?:^|[^:/])(/[\w./-]*/grpc_health_probe)(?![\w./-])/#) {
                        found = String(match.output.1)
                    }
                }
            }
        }
        return found.flatMap { HealthPath.isSafeExecutablePath($0) ? $0 : nil }
    }

    /// The server command of the final stage: the ENTRYPOINT and CMD together, or either alone
    /// (the first that starts a known web server, else a Python script).
    func mainInvocation() -> ServerInvocation? {
        let body = finalBody
        let environment = finalStage.environment
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
        return invocations.first { $0.isWebServer }
            ?? invocations.first { $0.server.map(ServerInvocation.httpModelServers.contains) ?? false }
            ?? invocations.first { ServerProtocol.grpcFlag($0.arguments) != nil }
            ?? invocations.first { $0.server == "python" }
            ?? invocations.first
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
        let facts = AppSourceFacts(sources: options.appSource)
        let invocation = mainInvocation()
        let exposed = body.flatMap { instructions[$0].exposedPorts }.first { $0.transport == "tcp" && $0.port != nil }?.port
        if invocation?.socketOnly == true {
            warnings.append("No HEALTHCHECK added: the server listens on a Unix socket or file descriptor.")
            return nil
        }
        let isServer = invocation?.isWebServer == true || invocation?.server.map(ServerInvocation.httpModelServers.contains) == true
            || facts.isWebApp || exposed != nil
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
        } else if let known = invocation?.defaultHealthPath {
            path = known
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
