/// The SARIF model written with `JSONWriter` in `.foundation` style and every object's keys in
/// sorted order: byte for byte what `JSONEncoder` with `[.sortedKeys, .prettyPrinted,
/// .withoutEscapingSlashes]` gives for the `Codable` model (nil optionals left out), without
/// building the whole log first. `SARIFReporterTests` holds the two to each other.
extension SARIFLog.Run {
    /// The members before `results`, which stream; `write(_:resultsFollow:)` writes the rest.
    func writeHead(to writer: inout JSONWriter) {
        writer.beginObject()
        if let columnKind {
            writer.key("columnKind")
            writer.string(columnKind)
        }
        writer.key("invocations")
        writer.beginArray()
        for invocation in invocations { invocation.write(to: &writer) }
        writer.endArray()
        if let originalUriBaseIds {
            writer.key("originalUriBaseIds")
            writer.beginObject()
            for key in originalUriBaseIds.keys.sorted(by: SARIFLog.keyOrder) {
                writer.key(key)
                originalUriBaseIds[key]?.write(to: &writer)
            }
            writer.endObject()
        }
    }

    func writeTail(to writer: inout JSONWriter) {
        writer.key("tool")
        writer.beginObject()
        writer.key("driver")
        tool.driver.write(to: &writer)
        writer.endObject()
        writer.endObject()
    }
}

extension SARIFLog {
    /// `JSONEncoder`'s `.sortedKeys` order: by UTF-8 bytes.
    static func keyOrder(_ lhs: String, _ rhs: String) -> Bool {
        lhs.utf8.lexicographicallyPrecedes(rhs.utf8)
    }

    /// The whole log (for tests and small reports; `SARIFReporter` streams the results).
    func write(to writer: inout JSONWriter) {
        writer.beginObject()
        writer.field("$schema", schema)
        writer.key("runs")
        writer.beginArray()
        for run in runs {
            run.writeHead(to: &writer)
            writer.key("results")
            writer.beginArray()
            for result in run.results { result.write(to: &writer) }
            writer.endArray()
            run.writeTail(to: &writer)
        }
        writer.endArray()
        writer.field("version", version)
        writer.endObject()
    }
}

extension SARIFLog.ToolComponent {
    func write(to writer: inout JSONWriter) {
        writer.beginObject()
        writer.field("informationUri", informationUri)
        writer.field("name", name)
        writer.key("rules")
        writer.beginArray()
        for rule in rules { rule.write(to: &writer) }
        writer.endArray()
        writer.field("semanticVersion", semanticVersion)
        writer.field("version", version)
        writer.endObject()
    }
}

extension SARIFLog.ReportingDescriptor {
    func write(to writer: inout JSONWriter) {
        writer.beginObject()
        writer.key("defaultConfiguration")
        writer.beginObject()
        if let enabled = defaultConfiguration.enabled { writer.field("enabled", enabled) }
        writer.field("level", defaultConfiguration.level.rawValue)
        writer.endObject()
        if let deprecatedIds { writer.stringArray("deprecatedIds", deprecatedIds) }
        writer.key("fullDescription")
        fullDescription.write(to: &writer)
        writer.key("help")
        help.write(to: &writer)
        writer.field("id", id)
        writer.field("name", name)
        writer.key("properties")
        writer.beginObject()
        writer.stringArray("controls", properties.controls)
        writer.field("precision", properties.precision)
        writer.field("security-severity", properties.securitySeverity)
        writer.stringArray("tags", properties.tags)
        writer.endObject()
        writer.key("shortDescription")
        shortDescription.write(to: &writer)
        writer.endObject()
    }
}

extension SARIFLog.MultiformatMessageString {
    func write(to writer: inout JSONWriter) {
        writer.beginObject()
        writer.optionalField("markdown", markdown)
        writer.field("text", text)
        writer.endObject()
    }
}

extension SARIFLog.Result {
    func write(to writer: inout JSONWriter) {
        writer.beginObject()
        writer.field("level", level.rawValue)
        writer.key("locations")
        writer.beginArray()
        for location in locations { location.write(to: &writer) }
        writer.endArray()
        writer.key("message")
        message.write(to: &writer)
        writer.key("partialFingerprints")
        writer.beginObject()
        for key in partialFingerprints.keys.sorted(by: SARIFLog.keyOrder) {
            writer.field(key, partialFingerprints[key] ?? "")
        }
        writer.endObject()
        writer.key("properties")
        writer.beginObject()
        writer.stringArray("controls", properties.controls)
        writer.optionalField("field", properties.field)
        writer.field("severity", properties.severity)
        writer.optionalField("templateSource", properties.templateSource)
        writer.endObject()
        writer.field("ruleId", ruleId)
        writer.field("ruleIndex", ruleIndex)
        if let suppressions {
            writer.key("suppressions")
            writer.beginArray()
            for suppression in suppressions {
                writer.beginObject()
                writer.optionalField("justification", suppression.justification)
                writer.field("kind", suppression.kind)
                writer.endObject()
            }
            writer.endArray()
        }
        writer.endObject()
    }
}

extension SARIFLog.Message {
    func write(to writer: inout JSONWriter) {
        writer.beginObject()
        writer.field("text", text)
        writer.endObject()
    }
}

extension SARIFLog.Location {
    func write(to writer: inout JSONWriter) {
        writer.beginObject()
        if let logicalLocations {
            writer.key("logicalLocations")
            writer.beginArray()
            for location in logicalLocations {
                writer.beginObject()
                writer.field("fullyQualifiedName", location.fullyQualifiedName)
                writer.field("kind", location.kind)
                writer.field("name", location.name)
                writer.endObject()
            }
            writer.endArray()
        }
        writer.key("physicalLocation")
        writer.beginObject()
        writer.key("artifactLocation")
        physicalLocation.artifactLocation.write(to: &writer)
        if let region = physicalLocation.region {
            writer.key("region")
            writer.beginObject()
            writer.optionalField("byteOffset", region.byteOffset)
            writer.optionalField("startColumn", region.startColumn)
            writer.optionalField("startLine", region.startLine)
            writer.endObject()
        }
        writer.endObject()
        writer.endObject()
    }
}

extension SARIFLog.ArtifactLocation {
    func write(to writer: inout JSONWriter) {
        writer.beginObject()
        writer.field("uri", uri)
        writer.optionalField("uriBaseId", uriBaseId)
        writer.endObject()
    }
}

extension SARIFLog.Invocation {
    func write(to writer: inout JSONWriter) {
        writer.beginObject()
        writer.field("executionSuccessful", executionSuccessful)
        writer.key("toolExecutionNotifications")
        writer.beginArray()
        for notification in toolExecutionNotifications {
            notification.write(to: &writer)
            writer.flushIfNeeded()
        }
        writer.endArray()
        writer.endObject()
    }
}

extension SARIFLog.Notification {
    func write(to writer: inout JSONWriter) {
        writer.beginObject()
        writer.field("level", level.rawValue)
        writer.key("locations")
        writer.beginArray()
        for location in locations { location.write(to: &writer) }
        writer.endArray()
        writer.key("message")
        message.write(to: &writer)
        writer.endObject()
    }
}
