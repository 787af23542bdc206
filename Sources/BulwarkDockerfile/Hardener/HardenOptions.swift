import BulwarkCore

/// What `DockerfileHardener` may assume about the build and how it should write the result.
public struct HardenOptions: Sendable, Hashable, ValidatedOptions {
    /// The UID and GID of the non-root user the image runs as.
    public var uid: Int
    public var gid: Int
    /// The route the HEALTHCHECK requests. When nil, it is found in `appSource` (a Flask,
    /// FastAPI, Starlette or aiohttp route named healthz, health, livez, readyz, ping …), else
    /// `defaultHealthPath` is used.
    public var healthPath: String?
    /// The route when neither `healthPath` nor the sources name one.
    public var defaultHealthPath: String
    /// The contents of the application's Python files (read from the build context), used to find
    /// the health route and a port set in code (`app.run(port=…)`, gunicorn.conf.py `bind`).
    public var appSource: [String]
    /// The contents of the build context's `.dockerignore`; nil when there is none.
    public var dockerignore: String?
    /// The name the generated header gives the input (`Dockerfile`). Nil: the base name of
    /// `Dockerfile.file`.
    public var sourceName: String?
    /// The day the base-image end-of-life table is read at (`--as-of`; default today): an
    /// end-of-life Python line or OS release moves to one `BaseImageCatalog` supports at that
    /// date, the same table and date `dockerfile/base-image-eol` judges by.
    public var evaluationDate: CalendarDate

    public init(
        uid: Int = 10001, gid: Int? = nil, healthPath: String? = nil, defaultHealthPath: String = "/healthz",
        appSource: [String] = [], dockerignore: String? = nil, sourceName: String? = nil, evaluationDate: CalendarDate = .today()
    ) {
        self.uid = uid
        self.gid = gid ?? uid
        self.healthPath = healthPath
        self.defaultHealthPath = defaultHealthPath
        self.appSource = appSource
        self.dockerignore = dockerignore
        self.sourceName = sourceName
        self.evaluationDate = evaluationDate
    }

    /// Everything wrong with the options: a UID or GID outside 1…`KubernetesID.maximum` (0 is
    /// root), a health path that is not a URL path (`HealthPath.normalize`). Empty when they are
    /// usable; `DockerfileHardener` refuses to rewrite otherwise.
    public var problems: [OptionProblem] {
        var problems = [("the UID", uid), ("the GID", gid)].compactMap { name, value in
            KubernetesID.problem(name, value, consequence: "a pod could never run the image as that user (runAsUser, runAsGroup, fsGroup)")
        }
        for path in [healthPath, defaultHealthPath].compactMap({ $0 }) {
            do throws(HealthPath.Problem) {
                _ = try HealthPath.normalize(path)
            } catch {
                problems.append(OptionProblem(error.description))
            }
        }
        return problems
    }
}
