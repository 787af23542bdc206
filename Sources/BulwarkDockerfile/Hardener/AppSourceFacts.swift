/// What the application's Python sources say about serving.
struct AppSourceFacts: Sendable, Hashable {
    /// The best health route found (`/healthz` before `/health`, `/livez`, `/ping` …).
    var healthRoute: String?
    /// A port set in code: `app.run(port=8080)`, `uvicorn.run(app, port=8000)`,
    /// `int(os.environ.get("PORT", "8080"))` inside such a call, gunicorn.conf.py `bind = "…:8080"`.
    var port: Int?
    /// True when a web framework is imported (Flask, FastAPI, Starlette, aiohttp, Django, …).
    var isWebApp: Bool
    /// True when the sources start a gRPC server (`grpc.server(…)`, `grpc.aio.server(…)`,
    /// `add_insecure_port(…)`).
    var isGRPCServer = false
    /// The port of `server.add_insecure_port("[::]:50051")`.
    var grpcPort: Int?

    static let routePreference = [
        "healthz", "health", "livez", "healthcheck", "health-check", "health_check", "readyz", "ready", "readiness", "liveness",
        "ping", "status",
    ]
    static let frameworks = ["flask", "fastapi", "starlette", "aiohttp", "django", "bottle", "tornado", "sanic", "litestar", "quart", "falcon"]

    init(sources: [String]) {
        var best: (rank: Int, route: String)?
        var port: Int?
        var isWebApp = false
        var isGRPCServer = false
        var grpcPort: Int?
        for source in sources {
            for rawLine in source.split(whereSeparator: { $0 == "\n" || $0 == "\r" }) {
                let line = rawLine.drop { $0 == " " || $0 == "\t" }
                if line.hasPrefix("#") { continue }
                if line.hasPrefix("import ") || line.hasPrefix("from ") {
                    let module = line.split(separator: " ").dropFirst().first.map { $0.split(separator: ".").first.map(String.init) ?? "" } ?? ""
                    if Self.frameworks.contains(module) { isWebApp = true }
                }
                if let route = Self.route(in: line), let rank = Self.rank(route), rank < (best?.rank ?? Int.max) {
                    best = (rank, route)
                }
                if port == nil { port = Self.port(in: line) }
                if line.contains("grpc.server(") || line.contains("grpc.aio.server(") || line.contains("add_insecure_port(")
                    || line.contains("add_secure_port(")
                {
                    isGRPCServer = true
                    if grpcPort == nil, let match = line.firstMatch(of: #/add_(?:in)?secure_port\(\s*[fF]?["'][^"']*:(\d{2,5})["']/#) {
                        grpcPort = Int(match.output.1)
                    }
                }
            }
        }
        healthRoute = best?.route
        self.port = port
        self.isWebApp = isWebApp || best != nil
        self.isGRPCServer = isGRPCServer
        self.grpcPort = grpcPort
    }

    /// The GET route a line declares, if any.
    static func route(in line: Substring) -> String? {
        if let match = line.firstMatch(of: #/@[A-Za-z_][\w.]*\.(get|route|api_route|head)\(\s*[rRuU]?(["'])(/[^"']*)\2(.*)/#) {
            let rest = match.output.4
            if match.output.1 == "route" || match.output.1 == "api_route", let methods = rest.firstRange(of: "methods") {
                let list = rest[methods.upperBound...].uppercased()
                if !list.contains("\"GET\"") && !list.contains("'GET'") { return nil }
            }
            return String(match.output.3)
        }
        if let match = line.firstMatch(of: #/(?:add_url_rule|add_get|web\.get|Route)\(\s*[rR]?(["'])(/[^"']*)\1/#) {
            return String(match.output.2)
        }
        if let match = line.firstMatch(of: #/\b(?:re_)?path\(\s*[rR]?(["'])\^?([^"'$]*)\$?\1/#) {
            let path = String(match.output.2)
            return path.hasPrefix("/") ? path : "/" + path
        }
        return nil
    }

    /// The preference rank of a route by its last segment; nil when it is not a health route or
    /// has parameters.
    static func rank(_ route: String) -> Int? {
        guard !route.contains("<"), !route.contains("{"), !route.contains("(") else { return nil }
        let last = route.split(separator: "/").last.map { $0.lowercased() } ?? ""
        return routePreference.firstIndex(of: last)
    }

    static func port(in line: Substring) -> Int? {
        if line.contains(".run(") || line.contains("run_app(") || line.contains("serve(") {
            if let match = line.firstMatch(of: #/\bport\s*=\s*(\d{2,5})\b/#) { return Int(match.output.1) }
            if let match = line.firstMatch(of: #/\bport\s*=\s*int\(\s*os\.(?:environ\.get|getenv)\(\s*["'][A-Za-z_]+["']\s*,\s*["']?(\d{2,5})/#) {
                return Int(match.output.1)
            }
        }
        if line.hasPrefix("bind"), let match = line.firstMatch(of: #/^bind\s*=\s*\[?\s*["'][^"']*:(\d{2,5})["']/#) {
            return Int(match.output.1)
        }
        return nil
    }
}
