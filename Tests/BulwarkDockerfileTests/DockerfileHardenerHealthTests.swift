import BulwarkCore
import BulwarkDockerfile
import Testing

/// The HEALTHCHECK's URL: port from the server's command line, the application source or EXPOSE;
/// route from the source, else `--health-path`, else `/healthz`.
@Suite struct DockerfileHardenerHealthTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var command: String
        var extra: [String] = []
        var sources: [String] = []
        var url: String
        var testDescription: String { name }
    }

    static func dockerfile(_ testCase: Case) -> String {
        (["FROM python:3.12-slim", "WORKDIR /app", "COPY . ."] + testCase.extra + ["CMD " + testCase.command]).joined(separator: "\n") + "\n"
    }

    static let route = "@app.get(\"/healthz\")"

    static let cases: [Case] = [
        Case(name: "gunicorn --bind host:port", command: "gunicorn --bind 0.0.0.0:8080 app:app", sources: [route], url: "http://127.0.0.1:8080/healthz"),
        Case(name: "gunicorn -b :port", command: "[\"gunicorn\", \"-b\", \":9000\", \"app:app\"]", sources: [route], url: "http://127.0.0.1:9000/healthz"),
        Case(name: "gunicorn --bind=[::]:port", command: "gunicorn --bind=[::]:8443 app:app", sources: [route], url: "http://127.0.0.1:8443/healthz"),
        Case(name: "gunicorn bound to one address", command: "gunicorn -b 10.0.0.5:8080 app:app", sources: [route], url: "http://10.0.0.5:8080/healthz"),
        Case(name: "gunicorn without --bind uses EXPOSE", command: "gunicorn app:app", extra: ["EXPOSE 7000"], sources: [route],
             url: "http://127.0.0.1:7000/healthz"),
        Case(name: "gunicorn default port", command: "gunicorn app:app", sources: [route], url: "http://127.0.0.1:8000/healthz"),
        Case(name: "gunicorn.conf.py bind", command: "[\"gunicorn\", \"-c\", \"gunicorn.conf.py\", \"app:app\"]",
             sources: ["bind = \"0.0.0.0:8081\"\nworkers = 2", route], url: "http://127.0.0.1:8081/healthz"),
        Case(name: "gunicorn port from ENV", command: "gunicorn --bind 0.0.0.0:${PORT:-8000} app:app", extra: ["ENV PORT=9100"],
             sources: [route], url: "http://127.0.0.1:9100/healthz"),
        Case(name: "uvicorn --port", command: "uvicorn main:app --host 0.0.0.0 --port 8001", sources: [route], url: "http://127.0.0.1:8001/healthz"),
        Case(name: "python -m uvicorn --port=", command: "[\"python\", \"-m\", \"uvicorn\", \"main:app\", \"--port=8002\"]", sources: [route],
             url: "http://127.0.0.1:8002/healthz"),
        Case(name: "uvicorn default port", command: "uvicorn main:app", sources: [route], url: "http://127.0.0.1:8000/healthz"),
        Case(name: "flask run --port", command: "flask run --host=0.0.0.0 --port 5001", sources: [route], url: "http://127.0.0.1:5001/healthz"),
        Case(name: "flask run default port", command: "flask run --host=0.0.0.0", sources: [route], url: "http://127.0.0.1:5000/healthz"),
        Case(name: "flask run FLASK_RUN_PORT", command: "flask run", extra: ["ENV FLASK_RUN_PORT=5002"], sources: [route],
             url: "http://127.0.0.1:5002/healthz"),
        Case(name: "python script with app.run(port=)", command: "python app.py",
             sources: ["from flask import Flask\napp = Flask(__name__)\n@app.route('/health')\ndef h(): return 'ok'\napp.run(host='0.0.0.0', port=7860)"],
             url: "http://127.0.0.1:7860/health"),
        Case(name: "python script with a PORT default in code", command: "python serve.py",
             sources: ["import os\nfrom fastapi import FastAPI\nimport uvicorn\nuvicorn.run(app, port=int(os.environ.get(\"PORT\", \"8088\")))"],
             url: "http://127.0.0.1:8088/healthz"),
        Case(name: "waitress --listen", command: "waitress-serve --listen=*:8090 app:app", sources: [route], url: "http://127.0.0.1:8090/healthz"),
        Case(name: "streamlit has its own health route", command: "streamlit run app.py", url: "http://127.0.0.1:8501/_stcore/health"),
        Case(name: "wrapped in tini", command: "[\"tini\", \"--\", \"uvicorn\", \"main:app\", \"--port\", \"8003\"]", sources: [route],
             url: "http://127.0.0.1:8003/healthz"),
        Case(name: "route(methods=GET)", command: "gunicorn -b :8080 app:app",
             sources: ["@bp.route('/health', methods=['GET'])\ndef health(): pass"], url: "http://127.0.0.1:8080/health"),
        Case(name: "POST-only route is not a health check", command: "gunicorn -b :8080 app:app",
             sources: ["@app.route(\"/healthz\", methods=[\"POST\"])\n@app.get(\"/ping\")"], url: "http://127.0.0.1:8080/ping"),
        Case(name: "healthz preferred over health", command: "gunicorn -b :8080 app:app",
             sources: ["@app.get(\"/health\")", "@router.get(\"/healthz\")"], url: "http://127.0.0.1:8080/healthz"),
        Case(name: "nested route", command: "gunicorn -b :8080 app:app", sources: ["@api.get(\"/api/v1/livez\")"],
             url: "http://127.0.0.1:8080/api/v1/livez"),
        Case(name: "add_url_rule", command: "gunicorn -b :8080 app:app", sources: ["app.add_url_rule(\"/readyz\", view_func=ready)"],
             url: "http://127.0.0.1:8080/readyz"),
        Case(name: "Starlette Route", command: "uvicorn main:app --port 8000", sources: ["routes = [Route(\"/health\", endpoint=health)]"],
             url: "http://127.0.0.1:8000/health"),
        Case(name: "Django path", command: "gunicorn -b :8000 site.wsgi", sources: ["urlpatterns = [path(\"healthz/\", views.health)]"],
             url: "http://127.0.0.1:8000/healthz/"),
        Case(name: "routes with parameters are skipped", command: "gunicorn -b :8080 app:app",
             sources: ["@app.get(\"/status/{job}\")\n@app.get(\"/ping\")"], url: "http://127.0.0.1:8080/ping"),
        Case(name: "commented-out route is ignored", command: "gunicorn -b :8080 app:app", sources: ["# @app.get(\"/health\")"],
             url: "http://127.0.0.1:8080/healthz"),
    ]

    @Test(arguments: cases)
    func findsPortAndRoute(_ testCase: Case) {
        let result = harden(Self.dockerfile(testCase), sources: testCase.sources)
        #expect(result.text.contains("urlopen('\(testCase.url)', timeout=2)"), "\(result.text)")
    }

    @Test func explicitHealthPathWinsOverTheSource() {
        let testCase = Self.cases[0]
        let result = harden(Self.dockerfile(testCase), sources: testCase.sources, healthPath: "/-/ready")
        #expect(result.text.contains("urlopen('http://127.0.0.1:8080/-/ready', timeout=2)"))
        #expect(!result.warnings.contains { $0.contains("health route") })
    }

    @Test func defaultRouteComesWithAWarning() {
        let result = harden(lines("FROM python:3.12-slim", "CMD [\"uvicorn\", \"main:app\", \"--port\", \"8000\"]"))
        #expect(result.text.contains("http://127.0.0.1:8000/healthz"))
        #expect(result.warnings.contains { $0.contains("No health route was found") })
    }

    @Test(arguments: [
        ("a Unix socket", "gunicorn --bind unix:/run/app.sock app:app", "Unix socket"),
        ("no server", "python worker.py", "no HTTP server was found"),
    ])
    func noHealthcheckWithoutAnHTTPPort(_ name: String, _ command: String, _ warning: String) {
        let result = harden(lines("FROM python:3.12-slim", "CMD " + command))
        #expect(!result.body.contains("HEALTHCHECK"))
        #expect(result.warnings.contains { $0.contains(warning) }, "\(result.warnings)")
    }

    @Test func curlHealthcheckKeepsItsURL() {
        let result = harden(lines(
            "FROM python:3.12-slim", "HEALTHCHECK --interval=10s CMD curl -fsS http://localhost:8080/ready || exit 1",
            "CMD [\"gunicorn\", \"-b\", \":8080\", \"app:app\"]"))
        #expect(!result.body.contains("curl"))
        #expect(result.text.contains("urlopen('http://127.0.0.1:8080/ready', timeout=2)"))
        #expect(result.changes.contains { $0.contains("instead of curl/wget") })
    }

    @Test func healthcheckNoneIsKept() {
        let result = harden(lines("FROM python:3.12-slim", "USER 10001", "HEALTHCHECK NONE", "CMD [\"gunicorn\", \"-b\", \":8080\", \"app:app\"]"))
        #expect(result.text.contains("HEALTHCHECK NONE"))
        #expect(!result.text.contains("urlopen"))
    }
}
