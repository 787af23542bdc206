/// Where a Python web server listens and which route says it is healthy: read from the server's
/// command line (gunicorn, uvicorn, hypercorn, flask run, waitress, streamlit, fastapi, daphne),
/// the application's source (routes, `app.run(port=…)`, gunicorn.conf.py `bind`) and EXPOSE.
struct HealthEndpoint: Sendable, Hashable {
    var host: String
    var port: Int
    var path: String

    var url: String { "http://\(host):\(port)\(path)" }

    /// The HEALTHCHECK instruction: the image's Python interpreter fetches the URL (slim images
    /// have no curl); any answer but 200, a refused connection or a timeout is unhealthy.
    var instructionLines: [String] {
        let script = "import urllib.request,sys; sys.exit(0 if urllib.request.urlopen('\(url)', timeout=2).status == 200 else 1)"
        return [
            "HEALTHCHECK --interval=30s --timeout=3s --start-period=20s --retries=3 \\",
            "    CMD " + ExecForm.json(["python", "-c", script]),
        ]
    }
}
