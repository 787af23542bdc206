import BulwarkCore

/// `bulwark rules`: the rule catalogue as a table, JSON or Markdown. Rules are listed by id.
///
/// - table: `ID  SEVERITY  TITLE  CONTROLS`, one rule a line.
/// - json: an array of `{id, aliases, severity, title, summary, remediation, controls, tags,
///   enabledByDefault, examples: {failing: [...], passing: [...]}}`, examples without their `↓` markers.
/// - markdown: a section per domain with a table, then each rule in detail with its examples in
///   fenced code blocks.
public struct RuleCatalogReporter: Sendable {
    public enum Format: String, Sendable, CaseIterable {
        case table, json, markdown
    }

    public var format: Format
    public var colour: Bool

    public init(format: Format, colour: Bool = false) {
        self.format = format
        self.colour = colour
    }

    public func render(_ catalog: RuleCatalog) -> [UInt8] {
        render(catalog.rules)
    }

    public func render(_ rules: [RuleDescriptor]) -> [UInt8] {
        let sorted = rules.sorted { $0.id < $1.id }
        switch format {
        case .table: return Array(table(sorted).utf8)
        case .json: return json(sorted)
        case .markdown: return Array(markdown(sorted).utf8)
        }
    }

    // MARK: Table

    func table(_ rules: [RuleDescriptor]) -> String {
        let header = ["ID", "SEVERITY", "TITLE", "CONTROLS"]
        let rows = rules.map { rule in
            [rule.id + (rule.enabledByDefault ? "" : " (opt-in)"), rule.severity.rawValue, TableReporter.singleLine(rule.title),
             rule.controls.map(\.description).joined(separator: ", ")]
        }
        var widths = header.map(\.count)
        for row in rows {
            for (column, cell) in row.enumerated() where column < 3 { widths[column] = max(widths[column], cell.count) }
        }
        func line(_ cells: [String], bold: Bool = false) -> String {
            var text = ""
            for (column, cell) in cells.enumerated() {
                text += column < 3 ? TableReporter.pad(cell, widths[column]) + "  " : cell
            }
            while text.hasSuffix(" ") { text.removeLast() }
            return bold && colour ? "\u{1B}[1m\(text)\u{1B}[0m" : text
        }
        var out = line(header, bold: true) + "\n"
        for row in rows { out += line(row) + "\n" }
        out += TableReporter.count(rules.count, "rule") + "\n"
        return out
    }

    // MARK: JSON

    func json(_ rules: [RuleDescriptor]) -> [UInt8] {
        var writer = JSONWriter(reservingCapacity: rules.count * 2048)
        writer.beginArray()
        for rule in rules {
            writer.beginObject()
            writer.field("id", rule.id)
            writer.stringArray("aliases", rule.aliases)
            writer.field("severity", rule.severity.rawValue)
            writer.field("title", rule.title)
            writer.field("summary", rule.summary)
            writer.field("remediation", rule.remediation)
            writer.stringArray("controls", rule.controls.map(\.description))
            writer.stringArray("tags", rule.tags)
            writer.field("enabledByDefault", rule.enabledByDefault)
            writer.key("examples")
            writer.beginObject()
            writer.stringArray("failing", rule.failing.map(\.stripped.text))
            writer.stringArray("passing", rule.passing.map(\.stripped.text))
            writer.endObject()
            writer.endObject()
        }
        writer.endArray()
        return writer.finish()
    }

    // MARK: Markdown

    /// Display names of the rule domains (docs/cli.md id prefixes).
    public static let domainTitles: [String: String] = [
        "k8s": "Kubernetes workloads",
        "pss": "Pod Security Standards",
        "rbac": "RBAC",
        "netpol": "Network policies",
        "secret": "Secrets",
        "dockerfile": "Dockerfiles",
        "image": "Container images",
        "vuln": "Vulnerabilities",
        "model": "Model artifacts",
        "serving": "Model serving",
        "runtime": "Runtime enforcement",
    ]

    func markdown(_ rules: [RuleDescriptor]) -> String {
        var domains: [String] = []
        var byDomain: [String: [RuleDescriptor]] = [:]
        for rule in rules {
            if byDomain[rule.domain] == nil { domains.append(rule.domain) }
            byDomain[rule.domain, default: []].append(rule)
        }
        var out = "# Bulwark rules\n\n"
        out += "\(TableReporter.count(rules.count, "rule")) in \(TableReporter.count(domains.count, "domain")).\n"
        for domain in domains {
            let domainRules = byDomain[domain] ?? []
            if !out.hasSuffix("\n\n") { out += "\n" }
            out += "## \(Self.domainTitles[domain] ?? domain) (`\(domain)/`)\n\n"
            out += "| Rule | Severity | Title | Controls |\n|---|---|---|---|\n"
            for rule in domainRules {
                let controls = rule.controls.map { "`\($0.description)`" }.joined(separator: ", ")
                out += "| [`\(rule.id)`](#\(Self.anchor(rule.id))) | \(rule.severity.rawValue) | \(Self.cell(rule.title)) | \(controls) |\n"
            }
            for rule in domainRules {
                if !out.hasSuffix("\n\n") { out += "\n" }
                out += "### \(rule.id)\n\n"
                out += "**\(Self.inline(rule.title))** — severity **\(rule.severity.rawValue)**"
                if !rule.enabledByDefault { out += ", off by default (enable it in `.bulwark.yaml`)" }
                out += ".\n\n"
                out += Self.inline(rule.summary) + "\n\n"
                out += "**Fix:** " + Self.inline(rule.remediation) + "\n\n"
                if !rule.controls.isEmpty {
                    out += "**Controls:**\n\n"
                    for control in rule.controls {
                        out += "- `\(control.description)` — \(Self.inline(ControlCatalog.describe(control)))\n"
                    }
                    out += "\n"
                }
                if !rule.tags.isEmpty { out += "**Tags:** " + rule.tags.map { "`\($0)`" }.joined(separator: ", ") + "\n\n" }
                if !rule.aliases.isEmpty { out += "**Former ids:** " + rule.aliases.map { "`\($0)`" }.joined(separator: ", ") + "\n\n" }
                for (label, examples) in [("Fails", rule.failing), ("Passes", rule.passing)] where !examples.isEmpty {
                    out += "\(label) on:\n\n"
                    for example in examples {
                        out += Self.fenced(example.stripped.text, language: Self.language(of: example.fileName)) + "\n"
                    }
                }
            }
        }
        return out
    }

    /// GitHub's heading anchor for a rule id heading (`k8s/run-as-non-root` → `k8srun-as-non-root`).
    static func anchor(_ id: String) -> String {
        String(id.lowercased().filter { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" })
    }

    static func language(of fileName: String) -> String {
        let lower = fileName.lowercased()
        if lower.hasSuffix(".yaml") || lower.hasSuffix(".yml") { return "yaml" }
        if lower.hasSuffix(".json") { return "json" }
        if lower.hasPrefix("dockerfile") || lower.hasSuffix(".dockerfile") || lower.hasPrefix("containerfile") { return "dockerfile" }
        if lower.hasSuffix(".toml") { return "toml" }
        if lower.hasSuffix(".py") { return "python" }
        return "text"
    }

    /// A fenced block whose fence is longer than any backtick run in the text.
    static func fenced(_ text: String, language: String) -> String {
        var longest = 0
        var run = 0
        for character in text {
            run = character == "`" ? run + 1 : 0
            longest = max(longest, run)
        }
        let fence = String(repeating: "`", count: max(3, longest + 1))
        let body = text.hasSuffix("\n") ? text : text + "\n"
        return fence + language + "\n" + body + fence + "\n"
    }

    /// Text for a table cell: one line, `|` escaped.
    static func cell(_ text: String) -> String {
        var out = ""
        for character in inline(text) {
            if character == "|" { out += "\\" }
            out.append(character)
        }
        return out
    }

    static func inline(_ text: String) -> String {
        text.split(whereSeparator: \.isNewline).joined(separator: " ")
    }
}
