import BulwarkCore

/// The kind of operating system a stage's image has, as far as creating a user goes.
enum ImageFamily: Sendable, Hashable {
    /// Debian or Ubuntu: `groupadd` / `useradd`.
    case debian
    /// Alpine (BusyBox): `addgroup` / `adduser`.
    case alpine
    /// No shell and no package manager (distroless, scratch, Chainguard): only `USER`.
    case shellless
    case unknown

    /// Official service images that create an account for their service and chown their data
    /// directories to it (their Dockerfiles' `groupadd`/`useradd` or `addgroup`/`adduser`).
    static let serviceImagesWithOwnAccount: Set<String> = [
        "redis", "postgres", "mysql", "mariadb", "mongo", "cassandra", "rabbitmq", "elasticsearch", "memcached",
        "nginx", "httpd", "zookeeper", "kafka", "couchdb", "influxdb", "neo4j", "solr", "grafana", "prometheus",
    ]

    static let debianImages: Set<String> = [
        "python", "node", "debian", "ubuntu", "golang", "ruby", "openjdk", "eclipse-temurin", "php", "perl", "rust",
        "buildpack-deps", "pytorch", "tensorflow", "cuda", "r-base", "julia", "gcc", "haskell", "elixir", "erlang", "clojure",
        "maven", "gradle", "sapmachine", "ibmjava", "swift",
    ]

    /// The family of a stage: from its base image, else from the package manager its RUNs call.
    init(stage: Stage, in dockerfile: Dockerfile) {
        var current = stage
        var seen: Set<Int> = []
        while let base = current.baseStage, dockerfile.stages.indices.contains(base), !seen.contains(base) {
            seen.insert(base)
            current = dockerfile.stages[base]
        }
        if current.isScratch {
            self = .shellless
            return
        }
        if let reference = current.baseReference {
            let name = reference.familiarName.lowercased()
            let tag = reference.tag?.lowercased() ?? ""
            if name.hasPrefix("gcr.io/distroless/") || (name.hasPrefix("cgr.dev/") && !tag.contains("dev")) {
                self = .shellless
                return
            }
            if reference.name == "alpine" || tag.contains("alpine") {
                self = .alpine
                return
            }
            if Self.debianImages.contains(reference.name) || tag.contains("ubuntu") || tag.contains("bookworm")
                || tag.contains("bullseye") || tag.contains("trixie") || tag.contains("jammy") || tag.contains("noble")
            {
                self = .debian
                return
            }
        }
        // Fall back on the package manager the stages of this chain use.
        var family = ImageFamily.unknown
        for index in seen.union([stage.index]) where dockerfile.stages.indices.contains(index) {
            for instruction in dockerfile.instructions(of: dockerfile.stages[index]) where instruction.keyword == .run {
                for command in instruction.shellCommands {
                    if command.program == "apt-get" || command.program == "apt" { family = .debian }
                    if command.program == "apk" { family = .alpine }
                }
            }
        }
        self = family
    }

    /// The RUN that creates the group and user, nil when the image has no shell or tools to do it.
    func userCreation(uid: Int, gid: Int, name: String = "app") -> String? {
        switch self {
        case .debian:
            "RUN groupadd -r -g \(gid) \(name) && useradd --no-log-init -r -u \(uid) -g \(name) \(name)"
        case .alpine:
            "RUN addgroup -S -g \(gid) \(name) && adduser -S -D -H -u \(uid) -G \(name) \(name)"
        case .unknown:
            // The tools are not known: use whichever the image has (shadow's useradd, BusyBox's
            // adduser), so the UID has an account in the final image; an image with neither fails
            // the build here, visibly, rather than running as a UID without an account.
            "RUN if command -v useradd >/dev/null 2>&1; then groupadd -r -g \(gid) \(name) && useradd --no-log-init -r -u \(uid) -g \(name) \(name); "
                + "else addgroup -S -g \(gid) \(name) && adduser -S -D -H -u \(uid) -G \(name) \(name); fi"
        case .shellless:
            nil
        }
    }
}
