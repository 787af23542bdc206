import BulwarkCore

/// Reads one OSV record (https://ossf.github.io/osv-schema/) from JSON or YAML bytes into an
/// `Advisory`.
///
/// One reader for both encodings: JSON is YAML, and `YAMLReader` keeps positions, so an error can
/// name the line and the field (`PYSEC-2018-66.yaml:12:7: affected[0].ranges[0].events[1]: …`).
/// The reader is strict about the fields matching relies on (`id`, `modified`, the types of
/// `affected[]`, `ranges[]`, `events[]`, `versions[]`) and lenient about the rest: unknown fields
/// are ignored (the schema grows; `ecosystem_specific` is free-form), so a newer record still loads.
public enum OSVRecord {
    /// The largest record accepted (Debian's and Ubuntu's biggest are under 1 MiB).
    public static let sizeLimit = 16 << 20

    /// One OSV record from JSON or YAML bytes; errors name line/field where possible.
    public static func parse(_ bytes: [UInt8], name: String) -> Result<Advisory, InputError> {
        guard bytes.count <= sizeLimit else {
            return .failure(InputError(file: name, message: "record is larger than \(ByteLimit.describe(bytes: sizeLimit)); not read"))
        }
        let read = YAMLReader.read(bytes: bytes)
        if let error = read.errors.first {
            return .failure(InputError(file: name, line: error.line, column: error.column, message: "not valid JSON or YAML: \(error.message)"))
        }
        let roots = read.documents.compactMap(\.root)
        guard roots.count == 1, let root = roots.first else {
            return .failure(InputError(file: name, message: roots.isEmpty ? "empty: no OSV record" : "holds \(roots.count) documents; an OSV record is one"))
        }
        do throws(FieldError) {
            return .success(try advisory(root))
        } catch {
            return .failure(InputError(file: name, line: error.position?.line, column: error.position?.column,
                                       message: "\(error.field): \(error.message)"))
        }
    }

    /// A field that is missing or has the wrong type, with where it is.
    struct FieldError: Error {
        var field: String
        var message: String
        var position: TextPosition?
    }

    static func advisory(_ root: YAMLNode) throws(FieldError) -> Advisory {
        guard root.isMapping else { throw FieldError(field: "record", message: "expected a mapping (an OSV record object)", position: root.position) }
        let id = try requiredString(root, "id", path: "id")
        guard !id.isEmpty else { throw FieldError(field: "id", message: "is empty", position: root["id"]?.position) }
        let modified = try requiredString(root, "modified", path: "modified")
        guard OSVTimestamp(modified) != nil else {
            throw FieldError(field: "modified", message: "\"\(modified)\" is not an RFC 3339 time", position: root["modified"]?.position)
        }
        var advisory = Advisory(id: id, modified: modified)
        advisory.aliases = try strings(root["aliases"], path: "aliases")
        advisory.summary = try optionalString(root["summary"], path: "summary")
        advisory.details = try optionalString(root["details"], path: "details")
        advisory.published = try optionalString(root["published"], path: "published")
        advisory.withdrawn = try optionalString(root["withdrawn"], path: "withdrawn")
        advisory.severity = try severities(root["severity"], path: "severity")
        for (index, node) in try sequence(root["affected"], path: "affected").enumerated() {
            if let affected = try affectedPackage(node, path: "affected[\(index)]") { advisory.affected.append(affected) }
        }
        for (index, node) in try sequence(root["references"], path: "references").enumerated() {
            let path = "references[\(index)]"
            try expectMapping(node, path: path)
            if let url = try optionalString(node["url"], path: path + ".url") { advisory.references.append(url) }
        }
        advisory.databaseSeverity = severityWord(root["database_specific"])
        return advisory
    }

    /// An `affected[]` entry; nil for one without `package` (a GIT-only entry names a repository,
    /// never an installed package, so it cannot match and is not kept).
    static func affectedPackage(_ node: YAMLNode, path: String) throws(FieldError) -> AffectedPackage? {
        try expectMapping(node, path: path)
        guard let package = node["package"], !package.isNull else { return nil }
        try expectMapping(package, path: path + ".package")
        let ecosystem = try requiredString(package, "ecosystem", path: path + ".package.ecosystem")
        let name = try requiredString(package, "name", path: path + ".package.name")
        var affected = AffectedPackage(ecosystem: ecosystem, name: name)
        for (index, rangeNode) in try sequence(node["ranges"], path: path + ".ranges").enumerated() {
            affected.ranges.append(try range(rangeNode, path: path + ".ranges[\(index)]"))
        }
        for (index, version) in try sequence(node["versions"], path: path + ".versions").enumerated() {
            // A plain scalar as written: `1.10` stays `1.10`, never the number 1.1.
            guard let text = version.string else {
                throw FieldError(field: path + ".versions[\(index)]", message: "expected a version string", position: version.position)
            }
            affected.versions.append(text)
        }
        affected.severity = try severities(node["severity"], path: path + ".severity")
        affected.ecosystemSeverity = severityWord(node["ecosystem_specific"]) ?? severityWord(node["database_specific"])
        return affected
    }

    static func range(_ node: YAMLNode, path: String) throws(FieldError) -> AffectedRange {
        try expectMapping(node, path: path)
        let type = try requiredString(node, "type", path: path + ".type")
        var events: [RangeEvent] = []
        let eventNodes = try sequence(node["events"], path: path + ".events")
        guard !eventNodes.isEmpty else { throw FieldError(field: path + ".events", message: "is missing or empty", position: node.position) }
        for (index, event) in eventNodes.enumerated() {
            let eventPath = path + ".events[\(index)]"
            guard let pairs = event.pairs, !pairs.isEmpty else {
                throw FieldError(field: eventPath, message: "expected a mapping with introduced, fixed, last_affected or limit", position: event.position)
            }
            for pair in pairs {
                let key = pair.key.scalar ?? ""
                guard let value = pair.value.string, !value.isEmpty else {
                    throw FieldError(field: eventPath + "." + key, message: "expected a version string", position: pair.value.position)
                }
                switch key {
                case "introduced": events.append(.introduced(value))
                case "fixed": events.append(.fixed(value))
                case "last_affected": events.append(.lastAffected(value))
                case "limit": events.append(.limit(value))
                default:
                    throw FieldError(field: eventPath, message: "unknown event \"\(key)\" (expected introduced, fixed, last_affected or limit)",
                                     position: pair.key.position)
                }
            }
        }
        return AffectedRange(type: type, events: events)
    }

    static func severities(_ node: YAMLNode?, path: String) throws(FieldError) -> [SeverityScore] {
        var scores: [SeverityScore] = []
        for (index, entry) in try sequence(node, path: path).enumerated() {
            let entryPath = path + "[\(index)]"
            try expectMapping(entry, path: entryPath)
            scores.append(SeverityScore(type: try requiredString(entry, "type", path: entryPath + ".type"),
                                        score: try requiredString(entry, "score", path: entryPath + ".score")))
        }
        return scores
    }

    /// `severity` inside `database_specific` / `ecosystem_specific` when it is a word (GHSA's
    /// `HIGH`, Debian's `unimportant`); free-form objects otherwise, so other shapes are ignored.
    static func severityWord(_ node: YAMLNode?) -> String? {
        guard let value = node?["severity"]?.string, !value.isEmpty else { return nil }
        return value
    }

    // MARK: - Typed access

    static func expectMapping(_ node: YAMLNode, path: String) throws(FieldError) {
        guard node.isMapping else { throw FieldError(field: path, message: "expected a mapping", position: node.position) }
    }

    static func requiredString(_ node: YAMLNode, _ key: String, path: String) throws(FieldError) -> String {
        guard let value = node[key], !value.isNull else { throw FieldError(field: path, message: "is missing", position: node.position) }
        guard let text = value.string else { throw FieldError(field: path, message: "expected a string", position: value.position) }
        return text
    }

    static func optionalString(_ node: YAMLNode?, path: String) throws(FieldError) -> String? {
        guard let node, !node.isNull else { return nil }
        guard let text = node.string else { throw FieldError(field: path, message: "expected a string", position: node.position) }
        return text
    }

    /// A list, or empty when the field is absent or null.
    static func sequence(_ node: YAMLNode?, path: String) throws(FieldError) -> [YAMLNode] {
        guard let node, !node.isNull else { return [] }
        guard let items = node.sequence else { throw FieldError(field: path, message: "expected a list", position: node.position) }
        return items
    }

    static func strings(_ node: YAMLNode?, path: String) throws(FieldError) -> [String] {
        var out: [String] = []
        for (index, item) in try sequence(node, path: path).enumerated() {
            guard let text = item.string else { throw FieldError(field: path + "[\(index)]", message: "expected a string", position: item.position) }
            out.append(text)
        }
        return out
    }
}
