import BulwarkCore

/// What Bulwark knows about common base images: the support schedules of language runtimes and
/// distributions (a dated table), leaner variants of full images, images without a shell, images
/// that run as non-root by default.
///
/// The schedules come from the upstream projects' published dates (Python's release-cycle data
/// and PEPs, the Node.js release schedule, Go's "two most recent releases" policy, ruby-lang.org,
/// Debian's release and LTS pages, Ubuntu's release cycle, alpinelinux.org's release branches,
/// CentOS and Amazon Linux announcements, the Docker Hub deprecation of `openjdk`); they were last
/// checked on `checkedOn`. A release is end of life when its end-of-life date is on or before the
/// evaluation date the caller passes (a date given as a month counts from the first day of that
/// month; "or earlier" marks a date by which the release had certainly ended). A release without a
/// schedule here, or whose dates lie after the evaluation date, is treated as supported. Update the
/// schedules and `checkedOn` together; `staleness(on:)` says when the table is old.
public enum BaseImageCatalog {
    /// The day the schedules were last checked against their upstream sources.
    public static let checkedOn = CalendarDate(year: 2026, month: 11, day: 27) ?? CalendarDate(daysSinceEpoch: 0)

    /// How old (in days before the evaluation date) the table may be before `staleness(on:)`
    /// warns: a release cycle of the fastest-moving projects listed (Go, Alpine, Node.js odd
    /// releases) is six months, so an older table may miss releases that have ended since.
    public static let maximumAgeInDays = 180

    /// A warning that the schedules were checked long before the evaluation date, so releases
    /// that ended in between may be missing from them; nil when the table is recent enough.
    public static func staleness(on date: CalendarDate, maximumAge: Int = maximumAgeInDays) -> Staleness? {
        let age = checkedOn.days(until: date)
        return age > maximumAge ? Staleness(checkedOn: checkedOn, evaluationDate: date, days: age) : nil
    }

    /// The end-of-life table is older than `maximumAgeInDays` at the evaluation date.
    public struct Staleness: Sendable, Hashable, CustomStringConvertible {
        public let checkedOn: CalendarDate
        public let evaluationDate: CalendarDate
        /// Days from `checkedOn` to `evaluationDate`.
        public let days: Int

        /// `the base-image end-of-life table was checked on 2026-11-27, 200 days before 2027-06-15; update Bulwark`
        public var description: String {
            "the base-image end-of-life table was checked on \(checkedOn), \(days) days before \(evaluationDate); update Bulwark"
        }
    }

    /// A date of a published support schedule: a day (`2024-06-30`) or, where the schedule names
    /// only the month, a month (`2026-10`), optionally `or earlier` (the release had ended by then
    /// at the latest).
    public struct ScheduleDate: Sendable, Hashable, CustomStringConvertible {
        /// The first day the date covers: the day itself, or the first day of the month.
        public let start: CalendarDate
        /// False for a month (`2026-10`).
        public let isDay: Bool
        public let orEarlier: Bool

        init(start: CalendarDate, isDay: Bool, orEarlier: Bool) {
            self.start = start
            self.isDay = isDay
            self.orEarlier = orEarlier
        }

        /// Parses `YYYY-MM-DD` or `YYYY-MM`, each optionally followed by ` or earlier`.
        public init?(_ text: String) {
            var body = Substring(text)
            orEarlier = body.hasSuffix(" or earlier")
            if orEarlier { body = body.dropLast(" or earlier".count) }
            if let day = CalendarDate(String(body)) {
                start = day
                isDay = true
            } else if let first = CalendarDate(String(body) + "-01") {
                start = first
                isDay = false
            } else {
                return nil
            }
        }

        /// True when the date has come by `date` (a month from its first day).
        public func isOnOrBefore(_ date: CalendarDate) -> Bool { start <= date }

        public var description: String {
            let text = isDay ? start.description : String(start.description.prefix(7))
            return orEarlier ? text + " or earlier" : text
        }
    }

    /// The published support dates of one release.
    public struct ReleaseSchedule: Sendable, Hashable {
        /// `Python 3.9`, `Debian 12 (bookworm)`.
        public var release: String
        /// When regular security support ends and only a long-term-support team still patches the
        /// release; nil for projects without such a phase.
        public var regularSupportEnds: ScheduleDate?
        /// When all security support ends.
        public var endOfLife: ScheduleDate

        /// Entries are written as literals. A date that does not parse is a typo in this file
        /// (a test parses every entry); it counts as "ended long ago", so the release is reported
        /// rather than silently passed.
        init(_ release: String, end: String, regularSupportEnds: String? = nil) {
            let typo = ScheduleDate(start: CalendarDate(daysSinceEpoch: 0), isDay: true, orEarlier: true)
            self.release = release
            self.endOfLife = ScheduleDate(end) ?? typo
            self.regularSupportEnds = regularSupportEnds.map { ScheduleDate($0) ?? typo }
        }

        /// The release's state at `date`: end of life, long-term support only, or nil (supported).
        public func lifecycle(on date: CalendarDate) -> Lifecycle? {
            if endOfLife.isOnOrBefore(date) {
                return Lifecycle(release: release, since: endOfLife, until: nil, status: .endOfLife)
            }
            if let regularSupportEnds, regularSupportEnds.isOnOrBefore(date) {
                return Lifecycle(release: release, since: regularSupportEnds, until: endOfLife, status: .longTermSupportOnly)
            }
            return nil
        }

        /// True when the release is supported at `date` with regular security support for more
        /// than `days` days after it.
        func isSupported(on date: CalendarDate, forMoreThan days: Int) -> Bool {
            let end = regularSupportEnds ?? endOfLife
            return !end.isOnOrBefore(date.adding(days: days))
        }
    }

    /// A release past (regular) security support at an evaluation date.
    public struct Lifecycle: Sendable, Hashable, CustomStringConvertible {
        public enum Status: Sendable, Hashable {
            /// No security updates from the project any more.
            case endOfLife
            /// Regular security support ended; only a long-term-support team still patches it.
            case longTermSupportOnly
        }

        /// `Python 3.9`, `Debian 10 (buster)`.
        public var release: String
        /// When the status began: the end of life, or the end of regular security support.
        public var since: ScheduleDate
        /// For `longTermSupportOnly`: when long-term support ends.
        public var until: ScheduleDate?
        public var status: Status

        /// `Python 3.9 (end of life since 2025-10)`,
        /// `Debian 12 (bookworm) (long-term support only since 2026-06-10, end of life 2028-06-30)`.
        public var description: String {
            switch status {
            case .endOfLife: "\(release) (end of life since \(since))"
            case .longTermSupportOnly: "\(release) (long-term support only since \(since)\(until.map { ", end of life \($0)" } ?? ""))"
            }
        }

        /// `Python 3.9 has been end of life since 2025-10`,
        /// `Debian 12 (bookworm) has had long-term support only since 2026-06-10`.
        public var sentence: String {
            switch status {
            case .endOfLife: "\(release) has been end of life since \(since)"
            case .longTermSupportOnly: "\(release) has had long-term support only since \(since)"
            }
        }
    }

    // MARK: - End of life

    /// The releases an image reference names that are end of life (or in long-term support only)
    /// at `date`, by image and tag.
    public static func lifecycle(of reference: ImageReference, on date: CalendarDate) -> [Lifecycle] {
        schedules(of: reference).compactMap { $0.lifecycle(on: date) }
    }

    /// The schedules of the releases an image reference names (a runtime and the distribution
    /// release in its tag), whatever the date; one per release.
    public static func schedules(of reference: ImageReference) -> [ReleaseSchedule] {
        var result: [ReleaseSchedule] = []
        let name = officialName(reference)
        let tag = (reference.tag ?? "").lowercased()
        let tokens = tag.split(whereSeparator: { $0 == "-" || $0 == "_" }).map(String.init)
        let leading = tokens.first.flatMap(version(_:))

        switch name {
        case "python": if let leading, let entry = python(leading) { result.append(entry) }
        case "node":
            if let leading, let entry = node(leading[0]) {
                result.append(entry)
            } else if let codename = tokens.first, let major = nodeCodenames[codename], let entry = node(major) {
                result.append(entry)
            }
        case "golang": if let leading, let entry = golang(leading) { result.append(entry) }
        case "ruby": if let leading, let entry = ruby(leading) { result.append(entry) }
        case "debian":
            if let leading, let entry = debianByNumber[leading[0]] {
                result.append(entry)
            } else if let codename = tokens.first, let entry = debianCodenames[codename] {
                result.append(entry)
            }
        case "ubuntu": if let token = tokens.first, let entry = ubuntu[token] { result.append(entry) }
        case "alpine": if let leading, leading.count >= 2, let entry = alpine(leading[1]), leading[0] == 3 { result.append(entry) }
        case "centos":
            switch leading?.first {
            case 8: result.append(ReleaseSchedule("CentOS Linux 8", end: "2021-12-31"))
            case 7: result.append(ReleaseSchedule("CentOS Linux 7", end: "2024-06-30"))
            default: result.append(ReleaseSchedule("CentOS Linux", end: "2024-06-30 or earlier"))
            }
        case "amazonlinux":
            if tag == "1" || tag.hasPrefix("2018.03") || tag.hasPrefix("2017.") {
                result.append(ReleaseSchedule("Amazon Linux 1", end: "2023-12-31"))
            }
        case "openjdk": result.append(ReleaseSchedule("the deprecated openjdk image (no updates for released JDKs)", end: "2022-07"))
        default: break
        }
        if reference.domain == "quay.io", reference.repository == "centos/centos", tag.hasPrefix("stream8") {
            result.append(ReleaseSchedule("CentOS Stream 8", end: "2024-05-31"))
        }

        // Distribution releases named in the tag of any image (`3.9-slim-buster`, `12.2.0-runtime-ubuntu20.04`).
        if name != "debian" && name != "ubuntu" && name != "alpine" && name != "centos" {
            for (position, token) in tokens.enumerated() {
                if let entry = debianCodenames[token] {
                    result.append(entry)
                } else if let entry = ubuntu[token], token.first?.isNumber == false {
                    result.append(entry)
                } else if token.hasPrefix("ubuntu") {
                    let rest = String(token.dropFirst(6))
                    let release = rest.isEmpty && position + 1 < tokens.count ? tokens[position + 1] : rest
                    if let entry = ubuntu[release] { result.append(entry) }
                } else if token.hasPrefix("alpine"), let found = version(String(token.dropFirst(6))), found.count >= 2, found[0] == 3,
                          let entry = alpine(found[1]) {
                    result.append(entry)
                } else if token == "centos7" || token == "centos8" {
                    result.append(ReleaseSchedule(token == "centos7" ? "CentOS 7" : "CentOS 8", end: token == "centos7" ? "2024-06-30" : "2021-12-31"))
                } else if name != "python", token.hasPrefix("python"), let found = version(String(token.dropFirst(6))), let entry = python(found) {
                    result.append(entry)
                }
            }
        }
        var seen: Set<String> = []
        return result.filter { seen.insert($0.release).inserted }
    }

    /// `[3, 9, 18]` for `3.9.18`; nil unless the text starts with digits.
    static func version(_ text: String) -> [Int]? {
        guard let first = text.first, first.isASCII, first.isNumber else { return nil }
        var parts: [Int] = []
        for piece in text.split(separator: ".", omittingEmptySubsequences: false) {
            let digits = piece.prefix { $0.isASCII && $0.isNumber }
            guard let value = Int(digits) else { break }
            parts.append(value)
            if digits.count != piece.count { break }
        }
        return parts.isEmpty ? nil : parts
    }

    /// Python lines and their end of life (python/devguide `include/release-cycle.json`, the
    /// release PEPs: 3.11 PEP 664, 3.12 PEP 693, 3.13 PEP 719, 3.14 PEP 745). Months as the
    /// schedule gives them.
    static let pythonLines: [(minor: Int, end: String)] = [
        (0, "2009-06-27"), (1, "2012-04-09"), (2, "2016-02-20"), (3, "2017-09-29"), (4, "2019-03-18"), (5, "2020-09-30"),
        (6, "2021-12-23"), (7, "2023-06-27"), (8, "2024-10-07"), (9, "2025-10"), (10, "2026-10"), (11, "2027-10"),
        (12, "2028-10"), (13, "2029-10"), (14, "2030-10"),
    ]

    static func python(_ version: [Int]) -> ReleaseSchedule? {
        switch (version[0], version.count > 1 ? version[1] : nil) {
        case (2, _):
            let release = version.count > 1 ? "Python \(version[0]).\(version[1])" : "Python \(version[0])"
            return ReleaseSchedule(release, end: "2020-01-01")
        case (3, .some(let minor)):
            guard let line = pythonLines.first(where: { $0.minor == minor }) else { return nil }
            return ReleaseSchedule("Python 3.\(minor)", end: line.end)
        default:
            return nil
        }
    }

    static let nodeCodenames: [String: Int] = [
        "argon": 4, "boron": 6, "carbon": 8, "dubnium": 10, "erbium": 12, "fermium": 14, "gallium": 16, "hydrogen": 18, "iron": 20,
        "jod": 22, "krypton": 24,
    ]

    static func node(_ major: Int) -> ReleaseSchedule? {
        let dates: [Int: String] = [
            10: "2021-04-30", 11: "2019-06-01", 12: "2022-04-30", 13: "2020-06-01", 14: "2023-04-30", 15: "2021-06-01",
            16: "2023-09-11", 17: "2022-06-01", 18: "2025-04-30", 19: "2023-06-01", 20: "2026-04-30", 21: "2024-06-01",
            22: "2027-04-30", 23: "2025-06-01", 24: "2028-04-30", 25: "2026-06-01",
        ]
        if let date = dates[major] { return ReleaseSchedule("Node.js \(major)", end: date) }
        if major < 10 { return ReleaseSchedule("Node.js \(major)", end: "2019-12-31 or earlier") }
        return nil
    }

    static func golang(_ version: [Int]) -> ReleaseSchedule? {
        guard version.count >= 2, version[0] == 1 else { return nil }
        let dates: [Int: String] = [24: "2026-02", 23: "2025-08", 22: "2025-02", 21: "2024-08"]
        let minor = version[1]
        if let date = dates[minor] { return ReleaseSchedule("Go 1.\(minor)", end: date) }
        if minor < 21 { return ReleaseSchedule("Go 1.\(minor)", end: "2024-02 or earlier") }
        return nil
    }

    static func ruby(_ version: [Int]) -> ReleaseSchedule? {
        let minor = version.count > 1 ? version[1] : nil
        let release = minor.map { "Ruby \(version[0]).\($0)" } ?? "Ruby \(version[0])"
        switch (version[0], minor) {
        case (let major, _) where major < 3: return ReleaseSchedule(release, end: "2023-03-31 or earlier")
        case (3, 0): return ReleaseSchedule(release, end: "2024-04-23")
        case (3, 1): return ReleaseSchedule(release, end: "2025-03-26")
        case (3, 2): return ReleaseSchedule(release, end: "2026-03")
        default: return nil
        }
    }

    /// Debian releases, oldest first: regular security support (Debian Security Team) and the end
    /// of long-term support (Debian LTS), from debian.org/releases and wiki.debian.org/LTS. Dates of
    /// releases still in regular support are the announced ones (trixie: three years after its
    /// 2025-08-09 release, LTS to 2030-06-30). Only releases that reached their end of life carry
    /// no regular-support date.
    static let debianReleases: [(number: Int, codename: String, schedule: ReleaseSchedule)] = [
        (6, "squeeze", ReleaseSchedule("Debian 6 (squeeze)", end: "2016-02-29")),
        (7, "wheezy", ReleaseSchedule("Debian 7 (wheezy)", end: "2018-05-31")),
        (8, "jessie", ReleaseSchedule("Debian 8 (jessie)", end: "2020-06-30")),
        (9, "stretch", ReleaseSchedule("Debian 9 (stretch)", end: "2022-06-30")),
        (10, "buster", ReleaseSchedule("Debian 10 (buster)", end: "2024-06-30")),
        (11, "bullseye", ReleaseSchedule("Debian 11 (bullseye)", end: "2026-08-31", regularSupportEnds: "2024-08-14")),
        (12, "bookworm", ReleaseSchedule("Debian 12 (bookworm)", end: "2028-06-30", regularSupportEnds: "2026-06-10")),
        (13, "trixie", ReleaseSchedule("Debian 13 (trixie)", end: "2030-06-30", regularSupportEnds: "2028-08-09")),
    ]

    static let debianCodenames: [String: ReleaseSchedule] = Dictionary(uniqueKeysWithValues: debianReleases.map { ($0.codename, $0.schedule) })
    static let debianByNumber: [Int: ReleaseSchedule] = Dictionary(uniqueKeysWithValues: debianReleases.map { ($0.number, $0.schedule) })

    static let ubuntu: [String: ReleaseSchedule] = {
        var table: [String: ReleaseSchedule] = [:]
        let releases: [(String, String, String)] = [
            ("14.04", "trusty", "2019-04-30"), ("16.04", "xenial", "2021-04-30"), ("18.04", "bionic", "2023-05-31"),
            ("20.04", "focal", "2025-05-31"), ("22.10", "kinetic", "2023-07-20"), ("23.04", "lunar", "2024-01-25"),
            ("23.10", "mantic", "2024-07-11"), ("24.10", "oracular", "2025-07-10"), ("25.04", "plucky", "2026-01"),
            ("25.10", "questing", "2026-07"),
        ]
        for (number, codename, date) in releases {
            let entry = ReleaseSchedule("Ubuntu \(number) (\(codename))", end: date)
            table[number] = entry
            table[codename] = entry
        }
        return table
    }()

    static func alpine(_ minor: Int) -> ReleaseSchedule? {
        let dates: [Int: String] = [
            22: "2027-05-01", 21: "2026-11-01", 20: "2026-04-01", 19: "2025-11-01", 18: "2025-05-09", 17: "2024-11-22",
        ]
        if let date = dates[minor] { return ReleaseSchedule("Alpine 3.\(minor)", end: date) }
        if minor < 17 { return ReleaseSchedule("Alpine 3.\(minor)", end: "2024-05-23 or earlier") }
        return nil
    }

    /// Every schedule of the table (for tests that check the dates parse and are in order).
    public static var allSchedules: [ReleaseSchedule] {
        pythonLines.compactMap { python([3, $0.minor]) } + [python([2, 7])].compactMap { $0 }
            + (4...25).compactMap(node) + (18...24).compactMap { golang([1, $0]) } + (2...3).flatMap { major in (0...2).compactMap { ruby([major, $0]) } }
            + debianReleases.map(\.schedule) + Array(ubuntu.values) + (10...22).compactMap(alpine)
    }

    // MARK: - Hardening targets

    /// The oldest Python line `DockerfileHardener` moves an end-of-life stage to: the ML stack
    /// (NumPy, SciPy, scikit-learn, PyTorch) publishes wheels for it.
    static let oldestPythonTarget = 12
    /// How long a release the hardener moves a stage to must stay in regular security support.
    public static let hardeningMarginInDays = 365

    /// The Python line (`3.12`) the hardener writes for an end-of-life one at `date`: the oldest
    /// line from `oldestPythonTarget` on with more than a year of support left, else the oldest
    /// that is still supported, else the newest known line.
    public static func pythonHardeningTarget(on date: CalendarDate) -> String {
        let candidates = pythonLines.filter { $0.minor >= oldestPythonTarget }.compactMap { line in python([3, line.minor]).map { (line.minor, $0) } }
        let chosen = candidates.first { $0.1.isSupported(on: date, forMoreThan: hardeningMarginInDays) }
            ?? candidates.first { $0.1.lifecycle(on: date) == nil }
            ?? candidates.last
        return "3.\(chosen?.0 ?? oldestPythonTarget)"
    }

    /// The Debian codename (`trixie`) the hardener writes at `date`: the oldest release with more
    /// than a year of regular security support left, else the oldest still in regular support,
    /// else the newest known one.
    public static func debianHardeningTarget(on date: CalendarDate) -> String {
        let chosen = debianReleases.first { $0.schedule.isSupported(on: date, forMoreThan: hardeningMarginInDays) }
            ?? debianReleases.first { $0.schedule.lifecycle(on: date) == nil }
            ?? debianReleases.last
        return chosen?.codename ?? "trixie"
    }

    /// The state of a Python line (`3`, `9`) at `date`; nil when supported or unknown.
    public static func pythonLifecycle(major: Int, minor: Int, on date: CalendarDate) -> Lifecycle? {
        python([major, minor])?.lifecycle(on: date)
    }

    /// The state of a Debian release at `date`; nil when supported or unknown.
    public static func debianLifecycle(codename: String, on date: CalendarDate) -> Lifecycle? {
        debianCodenames[codename]?.lifecycle(on: date)
    }

    /// The state of an Alpine release (`3`, `20`) at `date`; nil when supported or unknown.
    public static func alpineLifecycle(major: Int, minor: Int, on date: CalendarDate) -> Lifecycle? {
        major == 3 ? alpine(minor)?.lifecycle(on: date) : nil
    }

    /// Debian codenames the table knows, plus the announced next release.
    public static func isDebianCodename(_ token: String) -> Bool {
        debianCodenames[token] != nil || token == "forky"
    }

    // MARK: - Variants

    /// The Docker Hub official image name (`python` for `python`, `library/python`,
    /// `docker.io/library/python` and mirrors such as `public.ecr.aws/docker/library/python`);
    /// nil for other images.
    public static func officialName(_ reference: ImageReference) -> String? {
        if reference.isOfficialImage { return reference.name }
        let path = reference.repository
        if path.hasPrefix("library/") || path.contains("/library/") {
            let name = reference.name
            return path.hasSuffix("library/" + name) ? name : nil
        }
        return nil
    }

    /// A leaner image for a full one (`python:3.12-slim` for `python:3.12`), with why; nil when
    /// the image is already lean or unknown.
    public static func leanerVariant(of reference: ImageReference) -> (suggestion: String, reason: String)? {
        let tag = reference.tag ?? "latest"
        let lowered = tag.lowercased()
        let tokens = lowered.split(separator: "-").map(String.init)
        let lean = ["slim", "alpine", "windowsservercore", "nanoserver", "distroless", "minimal", "runtime", "jre", "base"]
        let isLean = tokens.contains { token in lean.contains { token.hasPrefix($0) } }
        let image = reference.familiarName
        switch officialName(reference) {
        case "python", "ruby", "perl":
            guard !isLean else { return nil }
            let suggestion = tag == "latest" ? "slim" : insertSlim(into: tag)
            return ("\(image):\(suggestion)", "the full image carries compilers, headers and hundreds of Debian packages the application does not run")
        case "node", "rust", "debian":
            guard !isLean else { return nil }
            let suggestion = tag == "latest" ? "slim" : (reference.name == "debian" || reference.name == "node" ? tag + "-slim" : insertSlim(into: tag))
            return ("\(image):\(suggestion)", "the full image carries compilers, headers and hundreds of Debian packages the application does not run")
        case "golang":
            return ("a distroless or scratch final stage (e.g. gcr.io/distroless/static-debian12:nonroot)", "a Go program needs the toolchain only to build")
        case "buildpack-deps":
            return ("debian:\(tokens.first(where: { debianCodenames[$0] != nil }) ?? "stable")-slim", "buildpack-deps is a build environment, not a runtime")
        case "eclipse-temurin", "amazoncorretto", "ibm-semeru-runtimes":
            guard !tokens.contains(where: { $0.hasPrefix("jre") }) else { return nil }
            let suggestion = tokens.contains("jdk") ? tokens.map { $0 == "jdk" ? "jre" : $0 }.joined(separator: "-") : (tag == "latest" ? "jre" : tag + "-jre")
            return ("\(image):\(suggestion)", "a JDK image carries the compiler and tools a JRE does not need")
        default:
            break
        }
        if reference.isDockerHub && (reference.repository == "pytorch/pytorch" || reference.repository == "nvidia/cuda"), tokens.contains(where: { $0.hasSuffix("devel") }) {
            let suggestion = tokens.map { $0.hasSuffix("devel") ? String($0.dropLast(5)) + "runtime" : $0 }.joined(separator: "-")
            return ("\(image):\(suggestion)", "the devel image carries compilers, headers and the CUDA toolkit that inference does not use")
        }
        return nil
    }

    /// `3.12-bookworm` → `3.12-slim-bookworm`, `3.12` → `3.12-slim`, `bookworm` → `slim-bookworm`.
    static func insertSlim(into tag: String) -> String {
        var tokens = tag.split(separator: "-").map(String.init)
        if let first = tokens.first, first.first?.isNumber == true {
            tokens.insert("slim", at: 1)
        } else {
            tokens.insert("slim", at: 0)
        }
        return tokens.joined(separator: "-")
    }

    /// Images without a shell or interpreter to run a HEALTHCHECK command with: `scratch` and
    /// distroless static/base/cc images.
    public static func hasNoShell(_ reference: ImageReference) -> Bool {
        if reference.isScratch { return true }
        guard reference.domain == "gcr.io" else { return false }
        return ["distroless/static", "distroless/base", "distroless/cc"].contains { reference.repository.hasPrefix($0) }
    }

    /// Images whose configuration sets a non-root user: distroless `nonroot` tags.
    public static func runsAsNonRootByDefault(_ reference: ImageReference) -> Bool {
        guard let tag = reference.tag?.lowercased() else { return false }
        return tag == "nonroot" || tag.hasSuffix("-nonroot") || tag.hasPrefix("nonroot-")
    }

    /// TorchServe images (`pytorch/torchserve`, `pytorch/torchserve-kfs`, `pytorch/torchserve-nightly`).
    public static func isTorchServe(_ reference: ImageReference) -> Bool {
        reference.isDockerHub && reference.repository.hasPrefix("pytorch/torchserve")
    }
}
