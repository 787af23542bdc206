/// Where a Python web server listens and which route says it is healthy: read from the server's
/// command line (gunicorn, uvicorn, hypercorn, flask run, waitress, streamlit, fastapi, daphne),
/// the application's source (routes, `app.run(port=…)`, gunicorn.conf.py `bind`) and EXPOSE.
struct HealthEndpoint: Sendable, Hashable {
    let host: String
    let port: Int
    /// Percent-encoded (`HealthPath.normalize`).
    let path: String

    /// Nil unless the host is a host name or IP address, the port a TCP port and the path a URL
    /// path (`HealthPath`): values from command lines, sources and options never reach the
    /// generated code unchecked.
    init?(host: String, port: Int, path: String) {
        guard HealthPath.isHost(host), (1...65535).contains(port), let path = try? HealthPath.normalize(path) else { return nil }
        self.host = host
        self.port = port
        self.path = path
    }

    var url: String { "http://\(host):\(port)\(path)" }

    /// The HEALTHCHECK instruction: the image's Python interpreter fetches the URL (slim images
    /// have no curl); any answer but 200, a refused connection or a timeout is unhealthy. The URL
    /// is a Python string literal (`PythonLiteral`) inside a JSON string (`ExecForm.json`).
    var instructionLines: [String] {
        let script = "import urllib.request,sys; sys.exit(0 if urllib.request.urlopen(\(PythonLiteral.string(url)), timeout=2).status == 200 else 1)"
        return [
            "HEALTHCHECK --interval=30s --timeout=3s --start-period=20s --retries=3 \\",
            "    CMD " + ExecForm.json(["python", "-c", script]),
        ]
    }
}
