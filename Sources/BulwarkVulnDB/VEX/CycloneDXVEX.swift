import Foundation
import BulwarkCore

/// CycloneDX VEX (https://cyclonedx.org/capabilities/vex/, spec 1.4–1.6): `vulnerabilities[]`
/// with `id`, `references[].id`, `affects[].ref` (a `bom-ref` of this BOM, a BOM-Link
/// `urn:cdx:…#bom-ref`, or a purl) and `analysis` (`state`, `justification`, `response`, `detail`),
/// mapped to OpenVEX statuses and justifications (the table is in docs/facts.md, "VEX").
struct CycloneDXVEX {
    /// `analysis.state` → OpenVEX status.
    static let states: [String: VEXDecision.Status] = [
        "resolved": .fixed,
        "resolved_with_pedigree": .fixed,
        "exploitable": .affected,
        "in_triage": .underInvestigation,
        "false_positive": .notAffected,
        "not_affected": .notAffected,
    ]

    /// `analysis.justification` → the OpenVEX justification that says the same or, where
    /// CycloneDX is finer, the one that covers it. The CycloneDX word stays in the statement.
    static let justifications: [String: String] = [
        "code_not_present": "vulnerable_code_not_present",
        "code_not_reachable": "vulnerable_code_not_in_execute_path",
        "requires_configuration": "vulnerable_code_cannot_be_controlled_by_adversary",
        "requires_dependency": "vulnerable_code_not_in_execute_path",
        "requires_environment": "vulnerable_code_cannot_be_controlled_by_adversary",
        "protected_by_compiler": "inline_mitigations_already_exist",
        "protected_at_runtime": "inline_mitigations_already_exist",
        "protected_at_perimeter": "inline_mitigations_already_exist",
        "protected_by_mitigating_control": "inline_mitigations_already_exist",
    ]

    static let specVersions: Set<String> = ["1.4", "1.5", "1.6"]

    let fields: VEXFields

    init(file: String) { fields = VEXFields(file: file) }

    func read(_ root: YAMLNode) throws -> VEXDocument {
        let version = try fields.required(root, "specVersion", "document")
        guard Self.specVersions.contains(version) else {
            throw fields.error(root["specVersion"], "specVersion", "\(version) is not supported (VEX is read from CycloneDX 1.4–1.6)")
        }
        var components: [String: [String]] = [:]
        try index(root.at("metadata", "component"), into: &components, path: "metadata.component")
        for (position, item) in try fields.list(root, "components", "document").enumerated() {
            try index(item, into: &components, path: "components[\(position)]")
        }
        var documentTime: String?
        if let metadata = root["metadata"], metadata.isMapping {
            documentTime = try fields.optional(metadata, "timestamp", "metadata")
        }
        var statements: [VEXStatement] = []
        var warnings: [InputWarning] = []
        for (position, item) in try fields.list(root, "vulnerabilities", "document").enumerated() {
            let path = "vulnerabilities[\(position)]"
            guard item.isMapping else { throw fields.error(item, path, "expected an object") }
            let id = try fields.required(item, "id", path)
            guard let analysis = item["analysis"], !analysis.isNull else {
                warnings.append(InputWarning(file: fields.file, line: item.position.line, column: item.position.column,
                                             message: "\(path) (\(id)) has no `analysis`: a vulnerability without a VEX statement, not applied"))
                continue
            }
            guard analysis.isMapping else { throw fields.error(analysis, "\(path).analysis", "expected an object") }
            guard let stateText = try fields.optional(analysis, "state", "\(path).analysis") else {
                // `state` is optional in the schema; without it the entry says nothing to apply.
                warnings.append(InputWarning(file: fields.file, line: analysis.position.line, column: analysis.position.column,
                                             message: "\(path).analysis (\(id)) has no `state`: not applied"))
                continue
            }
            guard let status = Self.states[stateText] else {
                throw fields.error(analysis["state"], "\(path).analysis.state",
                                   "\"\(stateText)\" is not a CycloneDX analysis state (\(Self.states.keys.sorted().joined(separator: ", ")))")
            }
            let originalJustification = try fields.optional(analysis, "justification", "\(path).analysis")
            var justification: String?
            if let originalJustification {
                guard let mapped = Self.justifications[originalJustification] else {
                    throw fields.error(analysis["justification"], "\(path).analysis.justification", """
                        "\(originalJustification)" is not a CycloneDX justification \
                        (\(Self.justifications.keys.sorted().joined(separator: ", ")))
                        """)
                }
                justification = mapped
            }
            let detail = try fields.optional(analysis, "detail", "\(path).analysis")
            if status == .notAffected, justification == nil, detail == nil, stateText != "false_positive" {
                throw fields.error(analysis, "\(path).analysis", "state not_affected needs a `justification` or a `detail`")
            }
            let responses = try fields.strings(analysis, "response", "\(path).analysis")
            var aliases: [String] = []
            for (index, reference) in try fields.list(item, "references", path).enumerated() {
                if let alias = try fields.optional(reference, "id", "\(path).references[\(index)]"), alias != id { aliases.append(alias) }
            }
            var products: [VEXProduct] = []
            for (index, affect) in try fields.list(item, "affects", path).enumerated() {
                let affectPath = "\(path).affects[\(index)]"
                let ref = try fields.required(affect, "ref", affectPath)
                guard let ids = resolve(ref, in: components) else {
                    throw fields.error(affect["ref"], "\(affectPath).ref",
                                       "\"\(ref)\" names no component of this BOM (`bom-ref`) and is not a purl")
                }
                products += try pinned(ids, versions: try fields.list(affect, "versions", affectPath), path: affectPath,
                                       warnings: &warnings)
            }
            if item["affects"]?.sequence?.isEmpty ?? true {
                throw fields.error(item, "\(path).affects", "missing or empty: a statement must name what it is about")
            }
            guard !products.isEmpty else {
                warnings.append(InputWarning(file: fields.file, line: item.position.line, column: item.position.column,
                                             message: "\(path) (\(id)) lists no affected version this reader applies; not applied"))
                continue
            }
            let time = try fields.optional(analysis, "lastUpdated", "\(path).analysis")
                ?? fields.optional(analysis, "firstIssued", "\(path).analysis")
                ?? fields.optional(item, "updated", path) ?? fields.optional(item, "published", path) ?? documentTime
            statements.append(VEXStatement(
                vulnerability: id.trimmingCharacters(in: .whitespaces), aliases: aliases, products: products, status: status,
                justification: justification, impactStatement: detail,
                actionStatement: responses.isEmpty ? nil : "response: " + responses.joined(separator: ", "),
                timestamp: time, format: .cycloneDX, originalState: stateText, originalJustification: originalJustification,
                file: fields.file, line: item.position.line))
        }
        return VEXDocument(name: fields.file, format: .cycloneDX, statements: statements, warnings: warnings)
    }

    /// Records each component's `bom-ref` with what identifies it: its purl, and for a container
    /// (the image as `metadata.component`) its name and a digest version.
    private func index(_ node: YAMLNode?, into components: inout [String: [String]], path: String) throws {
        guard let node, node.isMapping else { return }
        var ids: [String] = []
        if let purl = try fields.optional(node, "purl", path) { ids.append(purl) }
        if let version = try fields.optional(node, "version", path), version.hasPrefix("sha256:") { ids.append(version) }
        if node["type"]?.string == "container", let name = try fields.optional(node, "name", path) { ids.append(name) }
        for hash in try fields.list(node, "hashes", path) where hash["alg"]?.string == "SHA-256" {
            if let content = hash["content"]?.string { ids.append("sha256:" + content.lowercased()) }
        }
        if let ref = try fields.optional(node, "bom-ref", path) {
            components[ref] = ids.isEmpty ? [ref] : ids
        }
        for (position, child) in try fields.list(node, "components", path).enumerated() {
            try index(child, into: &components, path: "\(path).components[\(position)]")
        }
    }

    /// A `bom-ref` of this BOM, a BOM-Link's fragment (`urn:cdx:serial/1#pkg:pypi/flask@0.12.2`), or a purl.
    private func resolve(_ ref: String, in components: [String: [String]]) -> [String]? {
        if let ids = components[ref] { return ids }
        var key = ref
        if ref.hasPrefix("urn:cdx:"), let hash = ref.firstIndex(of: "#") {
            key = PackageURLParts.decode(ref[ref.index(after: hash)...])
            if let ids = components[key] { return ids }
        }
        if PackageURLParts(key) != nil || key.hasPrefix("sha256:") { return [key] }
        return nil
    }

    /// `affects[].versions[]` narrow a versionless purl to the versions listed as affected; a
    /// `range` is not applied (a warning says so) rather than widened to every version.
    private func pinned(_ ids: [String], versions: [YAMLNode], path: String,
                        warnings: inout [InputWarning]) throws -> [VEXProduct] {
        guard !versions.isEmpty else { return [VEXProduct(identifiers: ids)] }
        var products: [VEXProduct] = []
        for (index, entry) in versions.enumerated() {
            let entryPath = "\(path).versions[\(index)]"
            if entry["status"]?.string == "unaffected" || entry["status"]?.string == "unknown" { continue }
            if let version = try fields.optional(entry, "version", entryPath) {
                let pinned = ids.map { id in
                    guard let parts = PackageURLParts(id), parts.version == nil else { return id }
                    var text = id
                    let cut = text.firstIndex { $0 == "?" || $0 == "#" } ?? text.endIndex
                    text.insert(contentsOf: "@" + PackageURL.encode(version), at: cut)
                    return text
                }
                products.append(VEXProduct(identifiers: pinned))
            } else {
                warnings.append(InputWarning(file: fields.file, line: entry.position.line, column: entry.position.column,
                                             message: "\(entryPath): a version `range` is not applied; list versions instead"))
            }
        }
        return products
    }
}
