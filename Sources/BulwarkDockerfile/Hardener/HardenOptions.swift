import BulwarkCore

/// What `DockerfileHardener` may assume about the build and how it should write the result.
public struct HardenOptions: Sendable, Hashable {
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

    /// The largest UID and GID the hardener writes: Kubernetes validates `runAsUser`,
    /// `runAsGroup` and `fsGroup` as 0…2147483647, so an image USER above it can never be matched
    /// by a pod's securityContext.
    public static let maximumID = 2_147_483_647

    /// Why options cannot be used, in a sentence a command line can show after the flag name.
    public struct Problem: Error, Sendable, Hashable, CustomStringConvertible {
        public let message: String
        public var description: String { message }
    }

    /// Everything wrong with the options: a UID or GID outside 1…`maximumID` (0 is root), a
    /// health path that is not a URL path (`HealthPath.normalize`). Empty when they are usable;
    /// `DockerfileHardener` refuses to rewrite otherwise.
    public var problems: [Problem] {
        var problems: [Problem] = []
        for (name, value) in [("UID", uid), ("GID", gid)] {
            if value <= 0 {
                problems.append(Problem(message: "the \(name) \(value) is not a non-root ID: use 1 to \(Self.maximumID)"))
            } else if value > Self.maximumID {
                problems.append(Problem(message: """
                    the \(name) \(value) is above \(Self.maximumID), the largest user or group ID Kubernetes accepts \
                    (runAsUser, runAsGroup, fsGroup): a pod could never run the image as that user
                    """))
            }
        }
        for path in [healthPath, defaultHealthPath].compactMap({ $0 }) {
            do throws(HealthPath.Problem) {
                _ = try HealthPath.normalize(path)
            } catch {
                problems.append(Problem(message: error.description))
            }
        }
        return problems
    }

    /// Throws the first of `problems`.
    public func validate() throws(Problem) {
        if let problem = problems.first { throw problem }
    }
}
