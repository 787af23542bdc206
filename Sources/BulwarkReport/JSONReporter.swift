import BulwarkCore

/// `--format json`: the report shape of docs/cli.md, keys in the documented order, pretty-printed
/// with a two-space indent and a trailing newline.
///
/// Top level: `schemaVersion`, `tool`, `findings`, `errors`, `warnings`, `skipped`, `summary`, then
/// `compliance` when present,
/// then any `extra` members a subcommand adds (e.g. `matrix` for netpol). A finding: `ruleId`,
/// `severity`, `title`, `message`, `remediation`, `location`, `object` (`null` when the finding is not
/// about a Kubernetes object), `controls`, `suppressed`, then `suppressionReason`, `templateSource`,
/// `field` and `suppressionKind` only when set. The output decodes back into `Report` with
/// `JSONDecoder`.
public struct JSONReporter: Reporter {
    /// Extra top-level members, written after the standard ones in this order.
    public var extra: [(String, JSONValue)]

    public init(extra: [(String, JSONValue)] = []) {
        self.extra = extra
    }

    public func render(_ report: Report) -> [UInt8] {
        var writer = JSONWriter(reservingCapacity: 1024 + report.findings.count * 900)
        write(report, into: &writer)
        return writer.finish()
    }

    /// Streams the report to `sink` in chunks of about 1 MiB.
    public func write(_ report: Report, to sink: @escaping @Sendable ([UInt8]) -> Void) {
        var writer = JSONWriter(sink: sink)
        write(report, into: &writer)
        sink(writer.finish())
    }

    private func write(_ report: Report, into writer: inout JSONWriter) {
        writer.beginObject()
        writer.field("schemaVersion", report.schemaVersion)
        writer.key("tool")
        writer.beginObject()
        writer.field("name", report.tool.name)
        writer.field("version", report.tool.version)
        writer.endObject()

        writer.key("findings")
        writer.beginArray()
        writer.items(report.findings) { finding, writer in Self.write(finding, to: &writer) }
        writer.endArray()

        writer.key("errors")
        writer.beginArray()
        for error in report.errors {
            Self.writeProblem(file: error.file, line: error.line, column: error.column, message: error.message, to: &writer)
        }
        writer.endArray()

        writer.key("warnings")
        writer.beginArray()
        for warning in report.warnings {
            Self.writeProblem(file: warning.file, line: warning.line, column: warning.column, message: warning.message, to: &writer)
        }
        writer.endArray()

        writer.key("skipped")
        writer.beginArray()
        for skipped in report.skipped {
            writer.beginObject()
            writer.field("path", skipped.path)
            writer.field("reason", skipped.reason)
            writer.endObject()
        }
        writer.endArray()

        writer.key("summary")
        Self.write(report.summary, to: &writer)

        if let compliance = report.compliance {
            writer.key("compliance")
            Self.write(compliance, to: &writer)
        }
        writer.key("plan")
        Self.write(FixPlanner.plan(report.findings), to: &writer)
        for (name, value) in extra {
            writer.key(name)
            writer.value(value)
        }
        writer.endObject()
    }

    static func write(_ finding: Finding, to writer: inout JSONWriter) {
        writer.beginObject()
        writer.field("ruleId", finding.ruleId)
        writer.field("severity", finding.severity.rawValue)
        writer.field("title", finding.title)
        writer.field("message", finding.message)
        writer.field("remediation", finding.remediation)
        writer.key("location")
        writer.beginObject()
        writer.field("file", finding.location.file)
        writer.field("line", finding.location.line)
        writer.field("column", finding.location.column)
        if let offset = finding.location.offset {
            writer.optionalField("member", finding.location.member)
            writer.field("offset", offset)
        }
        writer.endObject()
        writer.key("object")
        write(finding.object, to: &writer)
        writer.key("controls")
        writer.beginArray()
        for control in finding.controls { writer.string(control.description) }
        writer.endArray()
        writer.field("suppressed", finding.suppressed)
        writer.optionalField("suppressionReason", finding.suppressionReason)
        writer.optionalField("templateSource", finding.templateSource)
        writer.optionalField("field", finding.field)
        writer.optionalField("suppressionKind", finding.suppressionKind?.rawValue)
        writer.endObject()
    }

    static func writeProblem(file: String, line: Int?, column: Int?, message: String, to writer: inout JSONWriter) {
        writer.beginObject()
        writer.field("file", file)
        writer.optionalField("line", line)
        writer.optionalField("column", column)
        writer.field("message", message)
        writer.endObject()
    }

    static func write(_ summary: ReportSummary, to writer: inout JSONWriter) {
        writer.beginObject()
        writer.field("files", summary.files)
        writer.field("objects", summary.objects)
        writer.key("findings")
        writer.beginObject()
        for severity in Severity.descending {
            writer.field(severity.rawValue, summary.findings[severity])
        }
        writer.endObject()
        writer.field("suppressed", summary.suppressed)
        writer.field("skippedDocuments", summary.skippedDocuments)
        writer.field("skippedFiles", summary.skippedFiles)
        writer.field("excludedFiles", summary.excludedFiles)
        writer.field("unrecognizedFiles", summary.unrecognizedFiles)
        writer.optionalField("baselined", summary.baselined)
        writer.key("filesByDomain")
        writer.beginObject()
        for (domain, count) in summary.filesByDomain.sorted(by: { $0.key < $1.key }) { writer.field(domain, count) }
        writer.endObject()
        writer.endObject()
    }

    static func write(_ compliance: ComplianceReport, to writer: inout JSONWriter) {
        writer.beginObject()
        writer.field("framework", compliance.framework)
        writer.field("title", compliance.title)
        writer.field("version", compliance.version)
        writer.key("score")
        if let score = compliance.score { writer.number(score) } else { writer.null() }
        writer.key("counts")
        writer.beginObject()
        for status in ComplianceReport.Control.Status.allCases { writer.field(status.rawValue, compliance.counts[status]) }
        writer.endObject()
        writer.key("controls")
        writer.beginArray()
        for control in compliance.controls {
            writer.beginObject()
            writer.field("id", control.id)
            writer.field("framework", control.framework)
            writer.field("title", control.title)
            writer.field("section", control.section)
            writer.field("coverage", control.coverage.rawValue)
            writer.field("status", control.status.rawValue)
            writer.stringArray("findings", control.findings)
            writer.field("failing", control.failing)
            writer.field("suppressed", control.suppressed)
            writer.endObject()
        }
        writer.endArray()
        writer.endObject()
    }

    static func write(_ object: ObjectReference?, to writer: inout JSONWriter) {
        guard let object else { return writer.null() }
        writer.beginObject()
        writer.field("apiVersion", object.apiVersion)
        writer.field("kind", object.kind)
        writer.optionalField("namespace", object.namespace)
        writer.field("name", object.name)
        writer.optionalField("container", object.container)
        writer.endObject()
    }

    /// `plan`: the changes of `FixPlanner.plan`, each with the indices of its findings in `findings`.
    static func write(_ plan: FixPlan, to writer: inout JSONWriter) {
        writer.beginArray()
        for change in plan.changes {
            writer.beginObject()
            writer.field("kind", change.kind.rawValue)
            writer.field("title", change.title)
            writer.field("file", change.file)
            writer.key("object")
            write(change.object, to: &writer)
            writer.optionalField("command", change.command)
            writer.field("advice", change.advice)
            writer.field("risk", change.risk)
            writer.field("highestSeverity", change.highestSeverity.rawValue)
            writer.key("findings")
            writer.beginArray()
            for index in change.findings { writer.int(index) }
            writer.endArray()
            writer.endObject()
        }
        writer.endArray()
    }
}
