import BulwarkCore

/// A tag of the official `python` image (`3.12-slim-bookworm`, `3.9`, `3.11-alpine3.20`,
/// `slim`, `latest`), and what a hardened build should use instead.
///
/// Whether a Python line or an OS release is past its support comes from `BaseImageCatalog`, the
/// table `dockerfile/base-image-eol` judges by, at the hardener's evaluation date
/// (`HardenOptions.evaluationDate`): the rewrite never picks a base that the rule reports.
struct PythonImageTag: Sendable, Hashable {
    /// `3`, `12`, `4` of `3.12.4`; nil parts were not written.
    var major: Int?
    var minor: Int?
    /// The version as written (`3.12.4`), nil for `latest`, `slim`, `alpine`, ….
    var versionText: String?
    /// The parts after the version: `["slim", "bookworm"]`, `["alpine3.20"]`.
    var variant: [String]

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

    /// True when the version names a patch release (`3.12.4`).
    var isPatchRelease: Bool { versionText.map { $0.split(separator: ".").count > 2 } ?? false }

    var isAlpine: Bool { variant.contains { $0.hasPrefix("alpine") } }
    var isWindows: Bool { variant.contains { $0.hasPrefix("windowsservercore") || $0.hasPrefix("nanoserver") } }
    var isSlim: Bool { variant.contains("slim") || isAlpine }
    var codename: String? { variant.first(where: BaseImageCatalog.isDebianCodename) }

    /// The Alpine release of `alpine3.18` (nil for plain `alpine`).
    var alpineRelease: (Int, Int)? {
        guard let part = variant.first(where: { $0.hasPrefix("alpine") }) else { return nil }
        let numbers = part.dropFirst("alpine".count).split(separator: ".").compactMap { Int($0) }
        return numbers.count >= 2 ? (numbers[0], numbers[1]) : nil
    }

    /// Why the Python version must change at the target's date; nil when it is supported.
    func versionProblem(_ target: HardeningTarget) -> String? {
        guard let major, let minor else {
            return versionText == nil ? "no Python version is pinned" : "only the major Python version is pinned"
        }
        return BaseImageCatalog.pythonLifecycle(major: major, minor: minor, on: target.date)?.sentence
    }

    /// Why the operating-system release must change at the target's date (end of life, or for
    /// Debian also long-term support only); nil when it is supported.
    func releaseProblem(_ target: HardeningTarget) -> String? {
        if let codename, let lifecycle = BaseImageCatalog.debianLifecycle(codename: codename, on: target.date) { return lifecycle.sentence }
        if let (major, minor) = alpineRelease, let lifecycle = BaseImageCatalog.alpineLifecycle(major: major, minor: minor, on: target.date) {
            return lifecycle.sentence
        }
        return nil
    }

    /// The tag with another version and variant.
    static func render(version: String, variant: [String]) -> String {
        ([version] + variant).joined(separator: "-")
    }

    /// The version a hardened stage writes: the target line when a stage of the build is past
    /// end of life, else the version as written; a patch release (`3.11.4`) becomes its line when
    /// the variant names a Debian release the tag did not, since images of older patch releases
    /// were never built on a newer Debian release.
    func hardenedVersion(variant: [String], moveToTarget: Bool, _ target: HardeningTarget) -> String {
        if moveToTarget { return target.python }
        guard let versionText else { return target.python }
        let newCodename = variant.first(where: BaseImageCatalog.isDebianCodename)
        if isPatchRelease, let line, let newCodename, newCodename != codename { return line }
        return versionText
    }

    /// The variant a hardened stage uses: slim (final stage) on a supported Debian release, or
    /// Alpine kept as Alpine.
    func hardenedVariant(slim: Bool, codename: String? = nil, _ target: HardeningTarget) -> [String] {
        if isAlpine {
            if releaseProblem(target) != nil || alpineRelease == nil { return ["alpine"] }
            return variant.filter { $0.hasPrefix("alpine") }
        }
        let kept = self.codename.flatMap { BaseImageCatalog.debianLifecycle(codename: $0, on: target.date) == nil ? $0 : nil }
        return (slim || isSlim ? ["slim"] : []) + [codename ?? kept ?? target.debian]
    }
}

/// The Python line and Debian release `DockerfileHardener` moves unsupported stages to, chosen
/// from `BaseImageCatalog` at the evaluation date.
struct HardeningTarget: Sendable, Hashable {
    var date: CalendarDate
    /// `3.12`
    var python: String
    /// `trixie`
    var debian: String

    init(on date: CalendarDate) {
        self.date = date
        self.python = BaseImageCatalog.pythonHardeningTarget(on: date)
        self.debian = BaseImageCatalog.debianHardeningTarget(on: date)
    }
}
