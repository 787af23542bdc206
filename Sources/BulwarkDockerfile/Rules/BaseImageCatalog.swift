import BulwarkCore

/// What Bulwark knows about common base images: end-of-life releases (a dated table), leaner
/// variants of full images, images without a shell, images that run as non-root by default.
///
/// The end-of-life table is as of `BaseImageCatalog.asOf`: a release is listed when its upstream
/// project's published schedule had ended its security support by that date (Python's PEPs and
/// devguide, the Node.js release schedule, Go's "two most recent releases" policy, ruby-lang.org,
/// Debian's security and LTS pages, Ubuntu's release cycle, alpinelinux.org's release branches,
/// CentOS and Amazon Linux announcements, the Docker Hub deprecation of `openjdk`). Dates given as
/// a month come from schedules that name only the month. Update the table and `asOf` together.
public enum BaseImageCatalog {
    /// The date the end-of-life table was last checked against the upstream schedules.
    public static let asOf = "2026-11-27"

    public struct Lifecycle: Sendable, Hashable, CustomStringConvertible {
        public enum Status: Sendable, Hashable {
            /// No security updates from the project any more.
            case endOfLife
            /// Regular security support ended; only a long-term-support team still patches it.
            case longTermSupportOnly
        }

        /// `Python 3.9`, `Debian 10 (buster)`.
        public var release: String
        /// `2025-10`, `2024-06-30`.
        public var date: String
        public var status: Status

        public var description: String {
            switch status {
            case .endOfLife: "\(release) (end of life \(date))"
            case .longTermSupportOnly: "\(release) (regular security support ended \(date), long-term support only)"
            }
        }
    }

    // MARK: - End of life

    /// The end-of-life (or LTS-only) releases an image reference names, by image and tag.
    public static func lifecycle(of reference: ImageReference) -> [Lifecycle] {
        var result: [Lifecycle] = []
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
            case 8: result.append(Lifecycle(release: "CentOS Linux 8", date: "2021-12-31", status: .endOfLife))
            case 7: result.append(Lifecycle(release: "CentOS Linux 7", date: "2024-06-30", status: .endOfLife))
            default: result.append(Lifecycle(release: "CentOS Linux", date: "2024-06-30 or earlier", status: .endOfLife))
            }
        case "amazonlinux":
            if tag == "1" || tag.hasPrefix("2018.03") || tag.hasPrefix("2017.") {
                result.append(Lifecycle(release: "Amazon Linux 1", date: "2023-12-31", status: .endOfLife))
            }
        case "openjdk": result.append(Lifecycle(release: "the deprecated openjdk image (no updates for released JDKs)", date: "2022-07", status: .endOfLife))
        default: break
        }
        if reference.domain == "quay.io", reference.repository == "centos/centos", tag.hasPrefix("stream8") {
            result.append(Lifecycle(release: "CentOS Stream 8", date: "2024-05-31", status: .endOfLife))
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
                    result.append(Lifecycle(release: token == "centos7" ? "CentOS 7" : "CentOS 8", date: token == "centos7" ? "2024-06-30" : "2021-12-31", status: .endOfLife))
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

    static func python(_ version: [Int]) -> Lifecycle? {
        let date: String?
        switch (version[0], version.count > 1 ? version[1] : nil) {
        case (2, _): date = "2020-01-01"
        case (3, .some(let minor)) where minor <= 4: date = "2019-03-18 or earlier"
        case (3, 5): date = "2020-09-30"
        case (3, 6): date = "2021-12-23"
        case (3, 7): date = "2023-06-27"
        case (3, 8): date = "2024-10-07"
        case (3, 9): date = "2025-10"
        case (3, 10): date = "2026-10"
        default: date = nil
        }
        guard let date else { return nil }
        let release = version.count > 1 ? "Python \(version[0]).\(version[1])" : "Python \(version[0])"
        return Lifecycle(release: release, date: date, status: .endOfLife)
    }

    static let nodeCodenames: [String: Int] = [
        "argon": 4, "boron": 6, "carbon": 8, "dubnium": 10, "erbium": 12, "fermium": 14, "gallium": 16, "hydrogen": 18, "iron": 20,
    ]

    static func node(_ major: Int) -> Lifecycle? {
        let dates: [Int: String] = [
            10: "2021-04-30", 11: "2019-06-01", 12: "2022-04-30", 13: "2020-06-01", 14: "2023-04-30", 15: "2021-06-01",
            16: "2023-09-11", 17: "2022-06-01", 18: "2025-04-30", 19: "2023-06-01", 20: "2026-04-30", 21: "2024-06-01",
            23: "2025-06-01", 25: "2026-06-01",
        ]
        if let date = dates[major] { return Lifecycle(release: "Node.js \(major)", date: date, status: .endOfLife) }
        if major < 10 { return Lifecycle(release: "Node.js \(major)", date: "2019-12-31 or earlier", status: .endOfLife) }
        return nil
    }

    static func golang(_ version: [Int]) -> Lifecycle? {
        guard version.count >= 2, version[0] == 1 else { return nil }
        let dates: [Int: String] = [24: "2026-02", 23: "2025-08", 22: "2025-02", 21: "2024-08"]
        let minor = version[1]
        if let date = dates[minor] { return Lifecycle(release: "Go 1.\(minor)", date: date, status: .endOfLife) }
        if minor < 21 { return Lifecycle(release: "Go 1.\(minor)", date: "2024-02 or earlier", status: .endOfLife) }
        return nil
    }

    static func ruby(_ version: [Int]) -> Lifecycle? {
        let minor = version.count > 1 ? version[1] : nil
        let release = minor.map { "Ruby \(version[0]).\($0)" } ?? "Ruby \(version[0])"
        switch (version[0], minor) {
        case (let major, _) where major < 3: return Lifecycle(release: release, date: "2023-03-31 or earlier", status: .endOfLife)
        case (3, 0): return Lifecycle(release: release, date: "2024-04-23", status: .endOfLife)
        case (3, 1): return Lifecycle(release: release, date: "2025-03-26", status: .endOfLife)
        case (3, 2): return Lifecycle(release: release, date: "2026-03", status: .endOfLife)
        default: return nil
        }
    }

    static let debianCodenames: [String: Lifecycle] = [
        "squeeze": Lifecycle(release: "Debian 6 (squeeze)", date: "2016-02-29", status: .endOfLife),
        "wheezy": Lifecycle(release: "Debian 7 (wheezy)", date: "2018-05-31", status: .endOfLife),
        "jessie": Lifecycle(release: "Debian 8 (jessie)", date: "2020-06-30", status: .endOfLife),
        "stretch": Lifecycle(release: "Debian 9 (stretch)", date: "2022-06-30", status: .endOfLife),
        "buster": Lifecycle(release: "Debian 10 (buster)", date: "2024-06-30", status: .endOfLife),
        "bullseye": Lifecycle(release: "Debian 11 (bullseye)", date: "2026-08-31", status: .endOfLife),
        "bookworm": Lifecycle(release: "Debian 12 (bookworm)", date: "2026-06-10", status: .longTermSupportOnly),
    ]

    static let debianByNumber: [Int: Lifecycle] = {
        var table: [Int: Lifecycle] = [:]
        for (number, codename) in [(6, "squeeze"), (7, "wheezy"), (8, "jessie"), (9, "stretch"), (10, "buster"), (11, "bullseye"), (12, "bookworm")] {
            table[number] = debianCodenames[codename]
        }
        return table
    }()

    static let ubuntu: [String: Lifecycle] = {
        var table: [String: Lifecycle] = [:]
        let releases: [(String, String, String)] = [
            ("14.04", "trusty", "2019-04-30"), ("16.04", "xenial", "2021-04-30"), ("18.04", "bionic", "2023-05-31"),
            ("20.04", "focal", "2025-05-31"), ("22.10", "kinetic", "2023-07-20"), ("23.04", "lunar", "2024-01-25"),
            ("23.10", "mantic", "2024-07-11"), ("24.10", "oracular", "2025-07-10"), ("25.04", "plucky", "2026-01"),
            ("25.10", "questing", "2026-07"),
        ]
        for (number, codename, date) in releases {
            let entry = Lifecycle(release: "Ubuntu \(number) (\(codename))", date: date, status: .endOfLife)
            table[number] = entry
            table[codename] = entry
        }
        return table
    }()

    static func alpine(_ minor: Int) -> Lifecycle? {
        let dates: [Int: String] = [21: "2026-11-01", 20: "2026-04-01", 19: "2025-11-01", 18: "2025-05-09", 17: "2024-11-22"]
        if let date = dates[minor] { return Lifecycle(release: "Alpine 3.\(minor)", date: date, status: .endOfLife) }
        if minor < 17 { return Lifecycle(release: "Alpine 3.\(minor)", date: "2024-05-23 or earlier", status: .endOfLife) }
        return nil
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
