import BulwarkCore

/// The parser directives at the top of the file (`# syntax=`, `# escape=`, `# check=`).
public struct Directives: Sendable, Hashable {
    /// The frontend image of `# syntax=` (e.g. `docker/dockerfile:1`).
    public var syntax: String?
    /// The escape character: `\` unless `# escape=`` ` chose a backtick (Windows-style files).
    public var escape: Character
    public var check: CheckDirective?
    /// Every directive in file order.
    public var all: [ParserDirective]

    public init(syntax: String? = nil, escape: Character = "\\", check: CheckDirective? = nil, all: [ParserDirective] = []) {
        self.syntax = syntax
        self.escape = escape
        self.check = check
        self.all = all
    }
}

/// One `# name=value` parser directive.
public struct ParserDirective: Sendable, Hashable {
    /// Lower-cased name: `syntax`, `escape` or `check`.
    public var name: String
    public var value: String
    public var line: Int
    public var valueRange: TextRange

    public init(name: String, value: String, line: Int, valueRange: TextRange) {
        self.name = name
        self.value = value
        self.line = line
        self.valueRange = valueRange
    }
}

/// `# check=skip=JSONArgsRecommended,StageNameCasing;error=true`
public struct CheckDirective: Sendable, Hashable {
    public var raw: String
    /// Build-check names to skip.
    public var skip: [String]
    /// `skip=all`.
    public var skipsAll: Bool
    /// `error=true`: check violations fail the build.
    public var error: Bool
    /// `experimental=…` names.
    public var experimental: [String]

    public init(raw: String) {
        self.raw = raw
        var skip: [String] = []
        var experimental: [String] = []
        var error = false
        for part in raw.split(separator: ";") {
            let pieces = part.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let key = pieces[0].trimmingSet(" \t").lowercased()
            let value = pieces.count > 1 ? pieces[1].trimmingSet(" \t") : ""
            switch key {
            case "skip": skip += value.split(separator: ",").map { $0.trimmingSet(" \t") }.filter { !$0.isEmpty }
            case "error": error = value.lowercased() == "true"
            case "experimental": experimental += value.split(separator: ",").map { $0.trimmingSet(" \t") }.filter { !$0.isEmpty }
            default: break
            }
        }
        self.skip = skip
        self.skipsAll = skip.contains { $0.lowercased() == "all" }
        self.error = error
        self.experimental = experimental
    }
}
