/// What the final image's server speaks, as far as a HEALTHCHECK is concerned: an HTTP check
/// (`urllib`) can only pass against an HTTP server, a `grpc_health_probe` check only against a
/// gRPC one. Decided from the command line first, then the application's sources; anything
/// else is unknown, and bulwark adds no check for it.
struct ServerProtocol: Sendable, Hashable {
    enum Kind: Sendable, Hashable { case http, grpc, unknown }

    var kind: Kind
    /// Why, for the notes of the output (`uvicorn serves HTTP`, `--grpc-port on the command line`).
    var reason: String
    /// The gRPC port the command line or sources name.
    var grpcPort: Int?

    /// `--grpc-port`, `--grpc_port` … on a command line.
    static func grpcFlag(_ arguments: [String]) -> String? {
        arguments.first { $0.hasPrefix("--grpc") }.map { String($0.split(separator: "=").first ?? "") }
    }

    static func value(_ arguments: [String], _ names: [String]) -> String? {
        for (index, argument) in arguments.enumerated() {
            for name in names {
                if argument == name, index + 1 < arguments.count { return arguments[index + 1] }
                if argument.hasPrefix(name + "=") { return String(argument.dropFirst(name.count + 1)) }
            }
        }
        return nil
    }

    init(kind: Kind, reason: String, grpcPort: Int? = nil) {
        self.kind = kind
        self.reason = reason
        self.grpcPort = grpcPort
    }

    /// The protocol of the server `invocation` starts (nil: no command found), with the facts of
    /// the application's sources.
    init(invocation: ServerInvocation?, facts: AppSourceFacts) {
        let arguments = invocation?.arguments ?? []
        let server = invocation?.server
        let grpcPortArgument = Self.value(arguments, ["--grpc-port", "--grpc_port"]).flatMap { Int($0) }
        switch server {
        case "tritonserver":
            let http = Self.value(arguments, ["--allow-http"]).map { !["false", "0", "no"].contains($0.lowercased()) } ?? true
            self = http
                ? ServerProtocol(kind: .http, reason: "Triton serves HTTP")
                : ServerProtocol(kind: .grpc, reason: "Triton runs with --allow-http=false", grpcPort: grpcPortArgument ?? 8001)
            return
        case "tensorflow_model_server":
            if invocation?.port == nil {
                let port = Self.value(arguments, ["--port"]).flatMap { Int($0) } ?? 8500
                self = ServerProtocol(kind: .grpc, reason: "tensorflow_model_server has no --rest_api_port, only its gRPC port", grpcPort: port)
            } else {
                self = ServerProtocol(kind: .http, reason: "tensorflow_model_server serves its REST API")
            }
            return
        default:
            break
        }
        if let flag = Self.grpcFlag(arguments) {
            self = ServerProtocol(kind: .grpc, reason: "\(flag) on the server's command line", grpcPort: grpcPortArgument ?? facts.grpcPort)
            return
        }
        if let invocation, invocation.isWebServer || (invocation.server.map(ServerInvocation.httpModelServers.contains) ?? false) {
            self = ServerProtocol(kind: .http, reason: "\(invocation.server ?? "the server") serves HTTP")
            return
        }
        switch (facts.isGRPCServer, facts.isWebApp) {
        case (true, false):
            self = ServerProtocol(kind: .grpc, reason: "the application starts a gRPC server (grpc.server)", grpcPort: facts.grpcPort)
        case (false, true):
            self = ServerProtocol(kind: .http, reason: "the application uses a web framework")
        case (true, true):
            self = ServerProtocol(kind: .unknown, reason: "the application has both a gRPC server and a web framework")
        case (false, false):
            self = ServerProtocol(kind: .unknown, reason: "no HTTP server command (gunicorn, uvicorn, flask …) or web framework was found")
        }
    }
}
