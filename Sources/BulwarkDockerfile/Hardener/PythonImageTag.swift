import BulwarkCore

/// A tag of the official `python` image (`3.12-slim-bookworm`, `3.9`, `3.11-alpine3.20`,
/// `slim`, `latest`), and what a hardened build should use instead.
///
/// The end-of-life table is dated (November 2026) and does not read the clock, so the rewrite of a
/// file is the same every day: Python 2 and 3.0–3.10 are past end of life (3.10 since October
/// 2026), Debian jessie, stretch, buster and bullseye too, and Alpine before 3.19.
struct PythonImageTag: Sendable, Hashable {
    /// `3`, `12`, `4` of `3.12.4`; nil parts were not written.
    var major: Int?
    var minor: Int?
    /// The version as written (`3.12.4`), nil for `latest`, `slim`, `alpine`, ….
    var versionText: String?
    /// The parts after the version: `["slim", "bookworm"]`, `["alpine3.20"]`.
    var variant: [String]

    /// The Python line the rewrite moves end-of-life versions to: supported until October 2028,
    /// with wheels for the common ML stack (NumPy, SciPy, scikit-learn, PyTorch).
    static let targetVersion = "3.12"
    /// The Debian release slim images are pinned to.
    static let targetCodename = "bookworm"

    /// When each Python line reached end of life (python.org/downloads, PEP 602 schedule).
    static let endOfLife: [String: String] = [
        "2.7": "January 2020", "3.0": "June 2009", "3.1": "April 2012", "3.2": "February 2016", "3.3": "September 2017",
        "3.4": "March 2019", "3.5": "September 2020", "3.6": "December 2021", "3.7": "June 2023", "3.8": "October 2024",
        "3.9": "October 2025", "3.10": "October 2026",
    ]
    static let endOfLifeCodenames: Set<String> = ["jessie", "stretch", "buster", "bullseye"]
    static let debianCodenames: Set<String> = ["jessie", "stretch", "buster", "bullseye", "bookworm", "trixie", "forky"]

    init(tag: String?) {
        let parts = (tag ?? "latest").split(separator: "-").map(String.init)
        if let first = parts.first, first.first?.isNumber == true, first.allSatisfy({ $0.isNumber || $0 == "." }) {
            let numbers = first.split(separator: ".").map { Int($0) }
            major = numbers.first ?? nil
            minor = numbers.count > 1 ? numbers[1] : nil
            versionText = first
            variant = Array(parts.dropFirst())
        } else {
            major = nil
            minor = nil
            versionText = nil
            variant = parts.filter { $0 != "latest" }
        }
    }

    /// `3.12` (major.minor), nil when the minor version is not written.
    var line: String? {
        guard let major, let minor else { return nil }
        return "\(major).\(minor)"
    }

    var isAlpine: Bool { variant.contains { $0.hasPrefix("alpine") } }
    var isWindows: Bool { variant.contains { $0.hasPrefix("windowsservercore") || $0.hasPrefix("nanoserver") } }
    var isSlim: Bool { variant.contains("slim") || isAlpine }
    var codename: String? { variant.first { Self.debianCodenames.contains($0) } }

    /// The Alpine release of `alpine3.18` (nil for plain `alpine`).
    var alpineRelease: (Int, Int)? {
        guard let part = variant.first(where: { $0.hasPrefix("alpine") }) else { return nil }
        let numbers = part.dropFirst("alpine".count).split(separator: ".").compactMap { Int($0) }
        return numbers.count >= 2 ? (numbers[0], numbers[1]) : nil
    }

    /// Why the Python version must change; nil when it is supported.
    var versionProblem: String? {
        guard let line else {
            return versionText == nil ? "no Python version is pinned" : "only the major Python version is pinned"
        }
        if let date = Self.endOfLife[line] { return "Python \(line) reached end of life in \(date)" }
        if let major, major < 3 { return "Python \(line) reached end of life" }
        return nil
    }

    /// Why the operating-system release must change; nil when it is supported.
    var releaseProblem: String? {
        if let codename, Self.endOfLifeCodenames.contains(codename) { return "Debian \(codename) is past end of life" }
        if let (major, minor) = alpineRelease, major < 3 || (major == 3 && minor < 19) { return "Alpine \(major).\(minor) is past end of life" }
        return nil
    }

    /// The tag with another version and variant.
    static func render(version: String, variant: [String]) -> String {
        ([version] + variant).joined(separator: "-")
    }

    /// The variant a hardened stage uses: slim (final stage) on a supported Debian release, or
    /// Alpine kept as Alpine.
    func hardenedVariant(slim: Bool, codename: String? = nil) -> [String] {
        if isAlpine {
            if releaseProblem != nil || alpineRelease == nil { return ["alpine"] }
            return variant.filter { $0.hasPrefix("alpine") }
        }
        let release = codename ?? (self.codename.flatMap { Self.endOfLifeCodenames.contains($0) ? nil : $0 } ?? Self.targetCodename)
        return (slim || isSlim ? ["slim"] : []) + [release]
    }
}
