import BulwarkCore
import BulwarkImage
import BulwarkVulnDB
import Foundation

/// Image examples are YAML text in the image example format (`example.image.yaml`, see
/// docs/rule-authoring.md): an image's config, history, layers with files and deletions, the
/// walker's problems, packages and vulnerability matches, written the way rules see them. The
/// harness builds the `ImageModel` from it and runs `ImageScanner.findings` with the rule under
/// test (the image domain reads image archives, not this text), and maps each finding back to the
/// line of the element it is about (column 1, where the `↓` goes).
///
/// Variants: as written, and after an unrelated YAML document that adds a layer (with a file), a
/// package and config keys: every line moves down, layer indices move up. An image has no
/// comments or in-source suppressions (VEX and `.bulwark.yaml` are the ways).
public struct ImageExampleHarness: ExampleHarness {
    public let domain = "image"
    public let variants: [RuleExampleVerifier.Variant] = [.asWritten, .shifted]

    /// The unrelated document of the shifted variant.
    static let unrelated = [
        "# unrelated: a layer with a file, a package and config keys",
        "config:",
        "  WorkingDir: /srv/unrelated",
        "  StopSignal: SIGTERM",
        "  Labels: {org.opencontainers.image.description: unrelated}",
        "layers:",
        "  - files:",
        "      opt/unrelated/README.txt: \"nothing to see\\n\"",
        "packages:",
        "  - {kind: python, name: unrelated-package, version: 1.0.0, ecosystem: PyPI, layer: 0}",
        "---",
    ]

    /// The rules an example may be of (the enabled one runs): every image rule unless a test
    /// brings its own.
    public let rules: [ImageRule]

    public init(rules: [ImageRule] = ImageRules.all) {
        self.rules = rules
    }

    public func shifted(_ text: String, markers: [TextPosition], fileName: String) -> (String, [TextPosition]) {
        ((Self.unrelated + [text]).joined(separator: "\n"),
         markers.map { TextPosition(line: $0.line + Self.unrelated.count, column: $0.column) })
    }

    public func suppressed(_ text: String, findings: [Finding], ruleId: String, reason: String) -> Result<String, ExampleProblem> {
        .failure(ExampleProblem("images have no in-source suppression"))
    }

    public func scan(_ source: SourceInput, context: ScanContext) -> DomainScanResult? {
        let text: String
        switch source.read(limit: context.maxFileSize) {
        case .failure(let error): return DomainScanResult(errors: [error], files: 1)
        case .success(let bytes): text = String(decoding: bytes, as: UTF8.self)
        }
        do {
            let example = try ImageExample(text, source: source.name)
            let rules = rules.filter { context.enabledRules.contains($0.id) }
            return DomainScanResult(findings: ImageScanner.findings(example.model, rules: rules), files: 1)
        } catch let error as TextError {
            return DomainScanResult(errors: [error.located(in: source.name)], files: 1)
        } catch {
            return DomainScanResult(errors: [InputError(file: source.name, message: "\(error)")], files: 1)
        }
    }

    public func position(of finding: Finding, in text: String, fileName: String) -> TextPosition {
        guard let example = try? ImageExample(text, source: fileName), let line = example.line(of: finding) else {
            return TextPosition(line: 0, column: 0)
        }
        return TextPosition(line: line, column: 1)
    }
}

/// One image example read: the model, and the line of each element findings can be about.
public struct ImageExample {
    public private(set) var model: ImageModel
    /// `config`, `config.User`, `config.Env[2]`, `config.Labels.<key>`, `config.ExposedPorts.<port>`,
    /// `history[3].created_by`, `file:<digest>:<path>`, `problem:<digest>:<path>`,
    /// `package:<kind>:<name>@<version>` → 1-based line.
    private var lines: [String: Int] = [:]
    /// The vulnerability entries: package name, ids, line.
    private var vulnerabilityLines: [(package: String, ids: [String], line: Int)] = []
    /// The line of the last document's first key (where a finding about a missing `config` lands).
    private var documentLine = 1
    private var layerCount = 0
    private var final: [String: LayerFile] = [:]
    private var removed: [LayerFile] = []

    /// `sha256:` and the index repeated to 64 characters: layer 0 is `sha256:000…`, 12 `sha256:1212…`.
    public static func digest(ofLayer index: Int) -> String {
        "sha256:" + String(String(repeating: String(index), count: 64).prefix(64))
    }

    public init(_ text: String, source: String) throws {
        model = ImageModel(source: source)
        let parsed = YAMLReader.read(text)
        if let error = parsed.errors.first { throw error }
        for document in parsed.documents {
            guard let root = document.root, !root.isNull else { continue }
            documentLine = root.position.line
            try read(document: root)
        }
        model.files = final.values.sorted { $0.path < $1.path }
        model.removedFiles = removed
        model.layers = (0..<layerCount).map(Self.digest(ofLayer:))
        if let release = final["etc/os-release"]?.contents ?? final["usr/lib/os-release"]?.contents {
            model.os = Self.osRelease(String(decoding: release, as: UTF8.self))
        }
    }

    /// The line a finding is about: its config field (or the nearest recorded parent), else its member.
    public func line(of finding: Finding) -> Int? {
        if var field = finding.field {
            while !field.isEmpty {
                if let line = lines[field] { return line }
                guard let cut = field.lastIndex(where: { $0 == "." || $0 == "[" }) else { break }
                field = String(field[..<cut])
            }
            return lines["config"] ?? documentLine
        }
        guard let member = finding.location.member else { return nil }
        if member.hasPrefix("package ") {
            let key = member.dropFirst("package ".count)
            let name = key.split(separator: ":", maxSplits: 1).last.map { String($0.split(separator: "@").first ?? "") } ?? ""
            if let entry = vulnerabilityLines.first(where: { entry in
                entry.package == name && entry.ids.contains { finding.message.contains($0) }
            }) {
                return entry.line
            }
            return lines["package:\(key)"]
        }
        if member == "config" { return lines["config"] ?? documentLine }
        // `<digest>:<path>`, or `<digest>:<path> <archive member>` for a model file.
        var place = member
        while true {
            if let line = lines["problem:\(place)"] ?? lines["file:\(place)"] { return line }
            guard let space = place.lastIndex(of: " ") else { return nil }
            place = String(place[..<space])
        }
    }

    // MARK: - Reading

    private mutating func read(document root: YAMLNode) throws {
        // Positions of config elements are those of the last document's config.
        for key in lines.keys where key == "config" || key.hasPrefix("config.") || key.hasPrefix("history") { lines[key] = nil }
        let firstLayer = layerCount
        for pair in try mapping(root, "the example") {
            let key = pair.key.scalar ?? ""
            let value = pair.value
            switch key {
            case "platform": model.platform = try string(value, key)
            case "config":
                lines["config"] = pair.key.position.line
                try readConfig(value)
            case "history":
                var history: [ImageConfig.HistoryEntry] = []
                for (index, item) in try sequence(value, key).enumerated() {
                    lines["history[\(index)]"] = item.position.line
                    var entry = ImageConfig.HistoryEntry()
                    for field in try mapping(item, "a history entry") {
                        lines["history[\(index)].\(field.key.scalar ?? "")"] = field.key.position.line
                        switch field.key.scalar ?? "" {
                        case "created_by": entry.createdBy = try string(field.value, "created_by")
                        case "created": entry.created = try string(field.value, "created")
                        case "comment": entry.comment = try string(field.value, "comment")
                        case "empty_layer": entry.emptyLayer = field.value.bool ?? false
                        default: throw unknown(field.key, in: "a history entry")
                        }
                    }
                    history.append(entry)
                }
                model.config.history = history
            case "layers":
                for layer in try sequence(value, key) {
                    try readLayer(layer, index: layerCount)
                    layerCount += 1
                }
            case "problems":
                for item in try sequence(value, key) {
                    let fields = try mapping(item, "a problem")
                    let layer = firstLayer + (try int(item["layer"], "layer", at: item))
                    let path = item["path"]?.string ?? ""
                    let problem = LayerProblem(ruleID: try string(item["rule"], "rule", at: item), layerDigest: Self.digest(ofLayer: layer),
                                               layerIndex: layer, path: path, message: item["message"]?.string ?? "")
                    try only(fields, ["rule", "layer", "path", "message"], in: "a problem")
                    model.problems.append(problem)
                    lines["problem:\(problem.layerDigest):\(path)"] = item.position.line
                }
            case "packages":
                for item in try sequence(value, key) {
                    try only(try mapping(item, "a package"), ["kind", "name", "version", "ecosystem", "layer", "path", "source",
                                                              "source_version", "arch", "distro", "licenses", "note"], in: "a package")
                    let kindName = try string(item["kind"], "kind", at: item)
                    guard let kind = InstalledPackage.Kind(rawValue: kindName) else {
                        throw TextError(line: item.position.line, column: item.position.column, message: "unknown package kind \(kindName)")
                    }
                    let name = try string(item["name"], "name", at: item)
                    let version = try string(item["version"], "version", at: item)
                    let layer = firstLayer + (item["layer"] == nil ? 0 : try int(item["layer"], "layer", at: item))
                    let package = InstalledPackage(
                        kind: kind, name: name, version: version, ecosystem: item["ecosystem"]?.string, sourceName: item["source"]?.string,
                        sourceVersion: item["source_version"]?.string, architecture: item["arch"]?.string, distro: item["distro"]?.string,
                        licenses: item["licenses"]?.sequence?.compactMap(\.string) ?? [], layer: Self.digest(ofLayer: layer),
                        path: item["path"]?.string ?? Self.defaultPath(kind, name: name, version: version), note: item["note"]?.string)
                    model.packages.append(package)
                    lines["package:\(kind.rawValue):\(name)@\(version)"] = item.position.line
                }
            case "vulnerabilities":
                for item in try sequence(value, key) { try readVulnerability(item) }
            default:
                throw unknown(pair.key, in: "the example")
            }
        }
    }

    private mutating func readConfig(_ node: YAMLNode) throws {
        var config = model.config
        for pair in try mapping(node, "config") {
            let key = pair.key.scalar ?? ""
            let value = pair.value
            lines["config.\(key)"] = pair.key.position.line
            switch key {
            case "User": config.user = value.string ?? ""
            case "Env":
                config.env = []
                for (index, item) in try sequence(value, key).enumerated() {
                    lines["config.Env[\(index)]"] = item.position.line
                    config.env.append(try string(item, "an Env entry"))
                }
            case "ExposedPorts":
                config.exposedPorts = []
                // A list, or docker's mapping of ports to `{}`.
                let nodes = try value.sequence ?? mapping(value, key).map(\.key)
                for node in nodes {
                    let port = try string(node, "a port")
                    lines["config.ExposedPorts.\(port)"] = node.position.line
                    config.exposedPorts.append(port)
                }
            case "Healthcheck":
                // The list (`Test`), or docker's `{Test: […], Interval: …}`.
                let test = value.isMapping ? value["Test"] : value
                config.healthcheck = try test.map { try sequence($0, "Healthcheck").map { try string($0, "Healthcheck") } }
            case "Entrypoint": config.entrypoint = value.isNull ? nil : try command(value, key)
            case "Cmd": config.cmd = value.isNull ? nil : try command(value, key)
            case "Labels":
                for label in try mapping(value, key) {
                    let name = label.key.scalar ?? ""
                    config.labels[name] = label.value.scalar ?? ""
                    lines["config.Labels.\(name)"] = label.key.position.line
                }
            case "WorkingDir": config.workingDir = value.string
            case "StopSignal": config.stopSignal = value.string
            case "architecture": config.architecture = value.string
            case "os": config.os = value.string
            default: throw unknown(pair.key, in: "config")
            }
        }
        model.config = config
    }

    /// A list of words, or a string as Docker stores a shell form (`/bin/sh -c "…"`).
    private func command(_ node: YAMLNode, _ key: String) throws -> [String] {
        if let text = node.string, !node.isSequence { return ["/bin/sh", "-c", text] }
        return try sequence(node, key).map { try string($0, key) }
    }

    private mutating func readLayer(_ node: YAMLNode, index: Int) throws {
        let digest = Self.digest(ofLayer: index)
        for pair in try mapping(node, "a layer") {
            switch pair.key.scalar ?? "" {
            case "removed":
                for item in try sequence(pair.value, "removed") {
                    let path = try string(item, "a removed path")
                    // A deleted directory takes everything under it.
                    for (existing, file) in final where existing == path || existing.hasPrefix(path + "/") {
                        removed.append(file)
                        final[existing] = nil
                    }
                }
            case "files":
                for entry in try mapping(pair.value, "files") {
                    let path = entry.key.scalar ?? ""
                    var file = LayerFile(path: path, layerIndex: index, layerDigest: digest, size: 0)
                    if let text = entry.value.scalar {
                        file.contents = Array(text.utf8)
                    } else {
                        try only(try mapping(entry.value, "a file"), ["contents", "base64", "size", "mode", "link", "truncated"], in: "a file")
                        if let text = entry.value["contents"]?.scalar { file.contents = Array(text.utf8) }
                        if let encoded = entry.value["base64"]?.string {
                            guard let data = Data(base64Encoded: encoded) else {
                                throw TextError(line: entry.key.position.line, column: entry.key.position.column, message: "invalid base64")
                            }
                            file.contents = Array(data)
                        }
                        if let link = entry.value["link"]?.string {
                            file.kind = .symlink
                            file.linkTarget = link
                        }
                        if let mode = entry.value["mode"]?.int { file.mode = UInt32(truncatingIfNeeded: mode) }
                        file.truncated = entry.value["truncated"]?.bool ?? false
                    }
                    file.size = entry.value["size"]?.int ?? file.contents?.count ?? 0
                    if let previous = final[path] { removed.append(previous) }
                    final[path] = file
                    lines["file:\(digest):\(path)"] = entry.key.position.line
                }
            default:
                throw unknown(pair.key, in: "a layer")
            }
        }
    }

    private mutating func readVulnerability(_ item: YAMLNode) throws {
        try only(try mapping(item, "a vulnerability"), ["package", "id", "aliases", "fixed", "severity", "cvss", "score", "summary", "vex"],
                 in: "a vulnerability")
        let name = try string(item["package"], "package", at: item)
        guard let package = model.packages.last(where: { $0.name == name }) else {
            throw TextError(line: item.position.line, column: item.position.column, message: "no package \(name) in packages")
        }
        let id = try string(item["id"], "id", at: item)
        let aliases = item["aliases"]?.sequence?.compactMap(\.string) ?? []
        let severityName = item["severity"]?.string ?? "medium"
        guard let severity = Severity(rawValue: severityName) else {
            throw TextError(line: item.position.line, column: item.position.column, message: "unknown severity \(severityName)")
        }
        var vex: VEXDecision?
        if let node = item["vex"] {
            let statusName = try string(node["status"], "status", at: node)
            guard let status = VEXDecision.Status(rawValue: statusName) else {
                throw TextError(line: node.position.line, column: node.position.column, message: "unknown VEX status \(statusName)")
            }
            vex = VEXDecision(status: status, justification: node["justification"]?.string, statement: node["statement"]?.string,
                              source: "example.vex.json")
        }
        let advisory = Advisory(id: id, aliases: aliases, summary: item["summary"]?.string, modified: "2026-11-01T00:00:00Z",
                                affected: [AffectedPackage(ecosystem: package.ecosystem ?? "", name: name)])
        model.vulnerabilities.append(VulnerabilityMatch(
            package: package, advisory: advisory, ids: [id] + aliases, fixedVersions: item["fixed"]?.sequence?.compactMap(\.string) ?? [],
            severity: severity, cvssScore: item["score"]?.scalar.flatMap(Double.init), cvssVector: item["cvss"]?.string, vex: vex))
        vulnerabilityLines.append((name, [id] + aliases, item.position.line))
    }

    static func defaultPath(_ kind: InstalledPackage.Kind, name: String, version: String) -> String {
        switch kind {
        case .deb: "var/lib/dpkg/status"
        case .apk: "lib/apk/db/installed"
        case .rpm: "var/lib/rpm/rpmdb.sqlite"
        case .python: "usr/local/lib/python3.12/site-packages/\(name)-\(version).dist-info/METADATA"
        case .conda: "opt/conda/conda-meta/\(name)-\(version).json"
        case .binary: "usr/lib/\(name).so.\(version)"
        }
    }

    static func osRelease(_ text: String) -> OperatingSystemRelease? {
        var values: [String: String] = [:]
        for line in text.split(separator: "\n") {
            guard let equals = line.firstIndex(of: "=") else { continue }
            values[String(line[..<equals])] = String(line[line.index(after: equals)...]).trimmingCharacters(in: CharacterSet(charactersIn: "\"'"))
        }
        guard let id = values["ID"] else { return nil }
        return OperatingSystemRelease(id: id, versionID: values["VERSION_ID"], codename: values["VERSION_CODENAME"],
                                      prettyName: values["PRETTY_NAME"])
    }

    // MARK: - Node helpers

    private func mapping(_ node: YAMLNode, _ what: String) throws -> [YAMLNode.Pair] {
        guard let pairs = node.pairs else { throw TextError(line: node.position.line, column: node.position.column, message: "\(what) must be a mapping") }
        return pairs
    }

    private func sequence(_ node: YAMLNode, _ what: String) throws -> [YAMLNode] {
        if node.isNull { return [] }
        guard let items = node.sequence else { throw TextError(line: node.position.line, column: node.position.column, message: "\(what) must be a list") }
        return items
    }

    private func string(_ node: YAMLNode, _ what: String) throws -> String {
        guard let value = node.scalar else { throw TextError(line: node.position.line, column: node.position.column, message: "\(what) must be a string") }
        return value
    }

    private func string(_ node: YAMLNode?, _ what: String, at parent: YAMLNode) throws -> String {
        guard let node else { throw TextError(line: parent.position.line, column: parent.position.column, message: "\(what) is missing") }
        return try string(node, what)
    }

    private func int(_ node: YAMLNode?, _ what: String, at parent: YAMLNode) throws -> Int {
        guard let value = node?.int else { throw TextError(line: parent.position.line, column: parent.position.column, message: "\(what) must be a number") }
        return value
    }

    private func only(_ pairs: [YAMLNode.Pair], _ keys: Set<String>, in what: String) throws {
        if let pair = pairs.first(where: { !keys.contains($0.key.scalar ?? "") }) { throw unknown(pair.key, in: what) }
    }

    private func unknown(_ key: YAMLNode, in what: String) -> TextError {
        TextError(line: key.position.line, column: key.position.column, message: "unknown key \(key.scalar ?? "?") in \(what)")
    }
}
