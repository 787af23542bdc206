/// What the container's main command starts.
struct ServerInvocation: Sendable, Hashable {
    /// `gunicorn`, `uvicorn`, `flask`, …, `python` for `python script.py`, nil when unknown.
    var server: String?
    /// The port the command line names (after `$VAR` substitution), nil when it names none.
    var port: Int?
    /// The host it binds, when written.
    var host: String?
    /// True when it listens on a Unix socket or inherited descriptor only.
    var socketOnly = false

    /// The words of the command line after the program (for protocol flags such as `--grpc-port`).
    var arguments: [String] = []

    static let webServers: Set<String> = ["gunicorn", "uvicorn", "hypercorn", "flask", "waitress-serve", "streamlit", "fastapi", "daphne", "granian"]

    /// Model servers whose API is HTTP (their gRPC variants are told apart by `ServerProtocol`):
    /// vLLM's OpenAI-compatible server, TorchServe's inference API, MLflow, BentoML, Triton
    /// (HTTP unless `--allow-http=false`), TensorFlow Serving with `--rest_api_port`.
    static let httpModelServers: Set<String> = ["vllm", "torchserve", "mlflow", "bentoml", "tritonserver", "tensorflow_model_server"]

    /// The route each model server answers health requests on.
    var defaultHealthPath: String? {
        switch server {
        case "streamlit": "/_stcore/health"
        case "vllm", "mlflow": "/health"
        case "torchserve": "/ping"
        case "bentoml": "/healthz"
        case "tritonserver": "/v2/health/ready"
        default: nil
        }
    }

    /// The port each server uses when the command line names none.
    var defaultPort: Int? {
        switch server {
        case "gunicorn", "uvicorn", "hypercorn", "fastapi", "daphne", "granian": 8000
        case "flask": 5000
        case "waitress-serve": 8080
        case "streamlit": 8501
        case "vllm": 8000
        case "torchserve": 8080
        case "mlflow": 5000
        case "bentoml": 3000
        case "tritonserver": 8000
        default: nil
        }
    }

    var isWebServer: Bool { server.map(Self.webServers.contains) ?? false }

    /// Reads a command's words (exec form, or one simple command of the shell form).
    init(words rawWords: [String], environment: [String: String]) {
        var words = rawWords.map { Self.substitute($0, environment) }
        // Wrappers that run the real program.
        unwrap: while let first = words.first {
            switch Self.baseName(first) {
            case "exec", "nohup", "ddtrace-run", "opentelemetry-instrument":
                words.removeFirst()
            case "tini", "dumb-init":
                words.removeFirst()
                while let next = words.first, next.hasPrefix("-") {
                    words.removeFirst()
                    if next == "--" { break }
                }
            case "env":
                words.removeFirst()
                while let next = words.first, next.contains("=") || next.hasPrefix("-") { words.removeFirst() }
            case "gosu", "su-exec":
                words.removeFirst(min(2, words.count))
            case "newrelic-admin" where words.count > 1 && words[1] == "run-program":
                words.removeFirst(2)
            default:
                break unwrap
            }
        }
        guard let first = words.first else { return }
        var program = Self.baseName(first)
        var arguments = Array(words.dropFirst())
        if HardenerPackageCommand.isPython(program) {
            var index = 0
            while index < arguments.count, arguments[index].hasPrefix("-"), arguments[index] != "-m", arguments[index] != "-c" { index += 1 }
            if index + 1 < arguments.count, arguments[index] == "-m" {
                program = arguments[index + 1]
                arguments = Array(arguments[(index + 2)...])
            } else {
                server = "python"
                self.arguments = arguments
                return
            }
        }
        // `python -m vllm.entrypoints.openai.api_server`, `vllm serve MODEL`.
        if program.hasPrefix("vllm.entrypoints") { program = "vllm" }
        server = program
        self.arguments = arguments
        func value(_ names: [String]) -> String? {
            for (index, argument) in arguments.enumerated() {
                for name in names {
                    if argument == name, index + 1 < arguments.count { return arguments[index + 1] }
                    if name.hasPrefix("--"), argument.hasPrefix(name + "=") { return String(argument.dropFirst(name.count + 1)) }
                    if !name.hasPrefix("--"), name.count == 2, argument.hasPrefix(name), argument.count > 2 { return String(argument.dropFirst(2)) }
                }
            }
            return nil
        }
        switch program {
        case "gunicorn", "hypercorn":
            if let bind = value(["--bind", "-b"]) { readAddress(bind) }
        case "uvicorn", "fastapi", "granian":
            port = value(["--port"]).flatMap { Int($0) }
            host = value(["--host"])
            socketOnly = value(["--uds", "--fd"]) != nil && port == nil
        case "flask":
            port = value(["--port", "-p"]).flatMap { Int($0) } ?? environment["FLASK_RUN_PORT"].flatMap { Int($0) }
            host = value(["--host", "-h"]) ?? environment["FLASK_RUN_HOST"]
        case "waitress-serve":
            if let listen = value(["--listen"]) { readAddress(listen) }
            port = port ?? value(["--port"]).flatMap { Int($0) }
            host = host ?? value(["--host"])
        case "streamlit":
            port = value(["--server.port"]).flatMap { Int($0) }
            host = value(["--server.address"])
        case "vllm", "mlflow", "bentoml":
            port = value(["--port", "-p"]).flatMap { Int($0) }
            host = value(["--host", "-h"])
        case "tritonserver":
            port = value(["--http-port"]).flatMap { Int($0) }
        case "tensorflow_model_server":
            port = value(["--rest_api_port"]).flatMap { Int($0) }.flatMap { $0 > 0 ? $0 : nil }
        case "daphne":
            port = value(["--port", "-p"]).flatMap { Int($0) }
            host = value(["--bind", "-b"])
            socketOnly = value(["-u", "--unix-socket"]) != nil && port == nil
        default:
            break
        }
    }

    /// `0.0.0.0:8080`, `[::]:8080`, `:8080`, `unix:/run/app.sock`.
    private mutating func readAddress(_ address: String) {
        if address.hasPrefix("unix:") || address.hasPrefix("fd://") {
            socketOnly = true
            return
        }
        guard let colon = address.lastIndex(of: ":"), !address.hasSuffix("]") else {
            host = address
            return
        }
        host = String(address[..<colon])
        port = Int(address[address.index(after: colon)...])
    }

    /// A substituted word longer than this is left as written (`$V$V$V…` with a large V would
    /// otherwise multiply it; server arguments are short).
    static let maxSubstitutedLength = 64 << 10

    /// `$NAME`, `${NAME}`, `${NAME:-default}` and `${NAME-default}` from the stage's environment.
    static func substitute(_ word: String, _ environment: [String: String]) -> String {
        guard word.contains("$") else { return word }
        var result = ""
        var rest = Substring(word)
        while let dollar = rest.firstIndex(of: "$") {
            guard result.utf8.count <= maxSubstitutedLength else { return word }
            result += rest[..<dollar]
            rest = rest[rest.index(after: dollar)...]
            if rest.first == "{", let close = rest.firstIndex(of: "}") {
                let body = rest[rest.index(after: rest.startIndex)..<close]
                rest = rest[rest.index(after: close)...]
                if let range = body.firstRange(of: ":-") {
                    let value = environment[String(body[..<range.lowerBound])] ?? ""
                    result += value.isEmpty ? String(body[range.upperBound...]) : value
                } else if let range = body.firstRange(of: "-") {
                    result += environment[String(body[..<range.lowerBound])] ?? String(body[range.upperBound...])
                } else {
                    result += environment[String(body)] ?? ""
                }
            } else {
                let name = rest.prefix { $0.isLetter || $0.isNumber || $0 == "_" }
                rest = rest[name.endIndex...]
                result += name.isEmpty ? "$" : environment[String(name)] ?? ""
            }
        }
        return result.utf8.count + rest.utf8.count <= maxSubstitutedLength ? result + rest : word
    }

    static func baseName(_ path: String) -> String {
        path.lastIndex(of: "/").map { String(path[path.index(after: $0)...]) } ?? path
    }
}
