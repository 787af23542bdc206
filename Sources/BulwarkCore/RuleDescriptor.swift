import Foundation

/// A snippet that shows a rule firing (`failing`) or staying quiet (`passing`).
///
/// In a failing example, each `↓` marks the line and column where a finding must land; the marker
/// is removed before the text is scanned. The test suite runs every example of every rule and
/// reports a mismatch at `sourceFile:sourceLine`, where the example is written.
public struct RuleExample: Sendable {
    public static let marker: Character = "↓"

    public let text: String
    /// The name the example is scanned under (`example.yaml`, `Dockerfile` …).
    public let fileName: String
    public let sourceFile: String
    public let sourceLine: Int

    public init(_ text: String, fileName: String = "example.yaml", sourceFile: String = #filePath, sourceLine: Int = #line) {
        self.text = text
        self.fileName = fileName
        self.sourceFile = sourceFile
        self.sourceLine = sourceLine
    }

    /// The text without markers, and the 1-based positions of the markers in it.
    public var stripped: (text: String, markers: [TextPosition]) {
        var output = ""
        output.reserveCapacity(text.utf8.count)
        var markers: [TextPosition] = []
        var line = 1
        var column = 1
        for character in text {
            if character == Self.marker {
                markers.append(TextPosition(line: line, column: column))
                continue
            }
            output.append(character)
            if character == "\n" || character == "\r\n" {
                line += 1
                column = 1
            } else {
                column += 1
            }
        }
        return (output, markers)
    }
}

/// Everything about a rule except how it checks: what `bulwark rules` prints and the report cites.
public struct RuleDescriptor: Sendable {
    public let id: String
    /// Former ids that still select this rule in configuration and suppressions.
    public let aliases: [String]
    public let severity: Severity
    public let title: String
    /// One or more full sentences: what the rule detects and why it matters.
    public let summary: String
    /// One or more full sentences: how to fix it.
    public let remediation: String
    public let controls: [ControlID]
    public let failing: [RuleExample]
    public let passing: [RuleExample]
    /// Rules that are off unless enabled in configuration (noisy or informational).
    public let enabledByDefault: Bool
    /// Free-form tags, e.g. `ml`, `gpu`, `pss`.
    public let tags: [String]

    public init(
        id: String, aliases: [String] = [], severity: Severity, title: String, summary: String, remediation: String,
        controls: [ControlID], failing: [RuleExample], passing: [RuleExample], enabledByDefault: Bool = true,
        tags: [String] = []
    ) {
        self.id = id
        self.aliases = aliases
        self.severity = severity
        self.title = title
        self.summary = summary
        self.remediation = remediation
        self.controls = controls
        self.failing = failing
        self.passing = passing
        self.enabledByDefault = enabledByDefault
        self.tags = tags
    }

    /// The domain prefix of the id (`k8s`, `pss`, `serving` …).
    public var domain: String { String(id.prefix { $0 != "/" }) }

    public func answers(to id: String) -> Bool { self.id == id || aliases.contains(id) }
}

/// A rule of any domain, as the catalogue, the configuration and the example verifier see it.
public protocol AnyRule: Sendable {
    var descriptor: RuleDescriptor { get }
}

extension AnyRule {
    public var id: String { descriptor.id }
}

/// A rule: the descriptor (id, severity, controls, examples) plus a pure check over the domain's
/// normalised model. `Check` is the domain's shape of check: Kubernetes rules run per pod spec,
/// per object or over the whole inventory (`KubernetesCheck`); Dockerfile rules per instruction,
/// per stage or per file (`DockerfileCheck`). The domain's scanner dispatches on it; everything
/// else (catalogue, configuration, verifier, reports) sees only `descriptor`.
public struct Rule<Check: Sendable>: AnyRule {
    public let descriptor: RuleDescriptor
    public let check: Check

    public init(_ descriptor: RuleDescriptor, check: Check) {
        self.descriptor = descriptor
        self.check = check
    }
}

/// What a check returns, whatever it anchors to: the message and an optional per-finding severity.
/// The domain's scanner turns it into a `Finding` with `RuleDescriptor.finding`.
public protocol RuleViolation: Sendable {
    var message: String { get }
    /// A weaker or stronger variant of the rule; nil = the rule's severity.
    var severity: Severity? { get }
}

extension RuleDescriptor {
    /// The finding for one violation of this rule: the descriptor's id, title, remediation and
    /// controls, the violation's message and severity, and where the domain located it. A
    /// `suppression` reason marks it suppressed in the source (annotation or comment).
    public func finding(
        _ violation: some RuleViolation, at location: SourceLocation, object: ObjectReference? = nil,
        suppression: String? = nil, templateSource: String? = nil, field: String? = nil
    ) -> Finding {
        Finding(
            ruleId: id, severity: violation.severity ?? severity, title: title, message: violation.message,
            remediation: remediation, location: location, object: object, controls: controls,
            suppressed: suppression != nil, suppressionReason: suppression, templateSource: templateSource, field: field,
            suppressionKind: suppression != nil ? .inSource : nil
        )
    }

    /// The reason of the first suppression that names this rule (by id or alias) or `*`.
    public func suppression(in reasons: [String: String]) -> String? {
        if reasons.isEmpty { return nil }
        return reasons["*"] ?? ([id] + aliases).lazy.compactMap { reasons[$0] }.first
    }
}

/// The catalogue of every rule of every domain, with the checks that keep it sound.
public struct RuleCatalog: Sendable {
    public let rules: [RuleDescriptor]
    private let index: [String: Int]

    public init(_ rules: [RuleDescriptor]) {
        self.rules = rules.sorted { $0.id < $1.id }
        var index: [String: Int] = [:]
        for (position, rule) in self.rules.enumerated() {
            index[rule.id] = position
            for alias in rule.aliases where index[alias] == nil {
                index[alias] = position
            }
        }
        self.index = index
    }

    public func rule(_ id: String) -> RuleDescriptor? { index[id].map { rules[$0] } }

    /// Problems with the catalogue itself: duplicate ids, malformed ids or ids outside the `domains`
    /// (rule-id prefixes) the scan domains own, sentences that are not sentences, missing
    /// examples, controls no control catalogue lists. The test suite requires this to be empty.
    public func problems(domains allowedDomains: Set<String>) -> [String] {
        var problems: [String] = []
        var seen: Set<String> = []
        for rule in rules {
            for id in [rule.id] + rule.aliases {
                if !seen.insert(id).inserted { problems.append("\(id): id is used twice") }
            }
            let valid = rule.id.allSatisfy { $0.isLowercase || $0.isNumber || $0 == "-" || $0 == "/" || $0 == "_" }
            if !valid || rule.id.split(separator: "/").count != 2 { problems.append("\(rule.id): id is not domain/kebab-case") }
            if !allowedDomains.contains(rule.domain) { problems.append("\(rule.id): unknown domain \(rule.domain)") }
            for (name, text) in [("summary", rule.summary), ("remediation", rule.remediation)] {
                let trimmed = text.trimmingCharacters(in: .whitespaces)
                if trimmed.isEmpty || !(trimmed.first?.isUppercase ?? false) && !(trimmed.first?.isNumber ?? false) && trimmed.first != "`"
                    || !(trimmed.hasSuffix(".") || trimmed.hasSuffix(".)")) {
                    problems.append("\(rule.id): \(name) is not a full sentence: \(text)")
                }
            }
            if rule.title.isEmpty { problems.append("\(rule.id): empty title") }
            if rule.controls.isEmpty { problems.append("\(rule.id): maps to no control") }
            for control in rule.controls where !ControlCatalog.contains(control) {
                problems.append("\(rule.id): control \(control) is in no control catalogue (ControlCatalog)")
            }
            if rule.failing.isEmpty { problems.append("\(rule.id): has no failing example") }
            if rule.passing.isEmpty { problems.append("\(rule.id): has no passing example") }
        }
        return problems
    }
}
