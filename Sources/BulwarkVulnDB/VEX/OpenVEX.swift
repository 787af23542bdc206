import Foundation
import BulwarkCore

/// OpenVEX (https://github.com/openvex/spec, v0.2.0): `statements[]` with `vulnerability`
/// (`name`, `aliases`), `products[]` (`@id`, `identifiers`, `hashes`, `subcomponents[]`),
/// `status`, `justification`, `impact_statement`, `action_statement`, `timestamp`.
struct OpenVEX {
    static let justifications: Set<String> = [
        "component_not_present", "vulnerable_code_not_present", "vulnerable_code_not_in_execute_path",
        "vulnerable_code_cannot_be_controlled_by_adversary", "inline_mitigations_already_exist",
    ]

    let fields: VEXFields

    init(file: String) { fields = VEXFields(file: file) }

    func read(_ root: YAMLNode) throws -> VEXDocument {
        let documentTime = try fields.optional(root, "timestamp", "document")
        guard let list = root["statements"], let items = list.sequence else {
            throw fields.error(root["statements"] ?? root, "statements", "missing or not an array")
        }
        var statements: [VEXStatement] = []
        for (index, item) in items.enumerated() {
            statements.append(try statement(item, path: "statements[\(index)]", documentTime: documentTime))
        }
        return VEXDocument(name: fields.file, format: .openVEX, statements: statements)
    }

    private func statement(_ node: YAMLNode, path: String, documentTime: String?) throws -> VEXStatement {
        guard node.isMapping else { throw fields.error(node, path, "expected an object") }
        // 0.2.0: `vulnerability` is an object; 0.0.x wrote the id as a string.
        var name: String
        var aliases: [String] = []
        guard let vulnerability = node["vulnerability"] else { throw fields.error(node, "\(path).vulnerability", "missing") }
        if let text = vulnerability.string, vulnerability.scalar != nil {
            name = text
        } else if vulnerability.isMapping {
            name = try fields.optional(vulnerability, "name", "\(path).vulnerability")
                ?? fields.required(vulnerability, "@id", "\(path).vulnerability")
            aliases = try fields.strings(vulnerability, "aliases", "\(path).vulnerability")
        } else {
            throw fields.error(vulnerability, "\(path).vulnerability", "expected an object with `name`")
        }
        name = name.trimmingCharacters(in: .whitespaces)

        let statusText = try fields.required(node, "status", path)
        guard let status = VEXDecision.Status(rawValue: statusText) else {
            throw fields.error(node["status"], "\(path).status",
                               "\"\(statusText)\" is not an OpenVEX status (not_affected, affected, fixed, under_investigation)")
        }
        let justification = try fields.optional(node, "justification", path)
        if let justification, !Self.justifications.contains(justification) {
            throw fields.error(node["justification"], "\(path).justification",
                               "\"\(justification)\" is not an OpenVEX justification (\(Self.justifications.sorted().joined(separator: ", ")))")
        }
        let impact = try fields.optional(node, "impact_statement", path)
        if status == .notAffected, justification == nil, impact == nil {
            // The spec requires one of them; a suppression with no reason is what VEX exists to avoid.
            throw fields.error(node, path, "status not_affected needs a `justification` or an `impact_statement`")
        }

        var products: [VEXProduct] = []
        let statementSubcomponents = try fields.strings(node, "subcomponents", path).map { [$0] }
        for (index, item) in try fields.list(node, "products", path).enumerated() {
            var product = try self.product(item, path: "\(path).products[\(index)]")
            if product.subcomponents.isEmpty { product.subcomponents = statementSubcomponents }
            products.append(product)
        }
        guard !products.isEmpty else {
            throw fields.error(node, "\(path).products", "missing or empty: a statement must name the products it is about")
        }
        return VEXStatement(
            vulnerability: name, aliases: aliases, products: products, status: status, justification: justification,
            impactStatement: impact, actionStatement: try fields.optional(node, "action_statement", path),
            timestamp: try fields.optional(node, "last_updated", path) ?? fields.optional(node, "timestamp", path) ?? documentTime, format: .openVEX,
            file: fields.file, line: node.position.line)
    }

    /// A product or subcomponent: `@id`, `identifiers.purl`/`cpe23`/`cpe22`, `hashes.sha-256`
    /// (an image digest); 0.0.x wrote the id as a string.
    private func identifiers(_ node: YAMLNode, path: String) throws -> [String] {
        if let text = node.string, node.scalar != nil { return [text] }
        guard node.isMapping else { throw fields.error(node, path, "expected an object with `@id`") }
        var ids: [String] = []
        if let id = try fields.optional(node, "@id", path) { ids.append(id) }
        if let identifiers = node["identifiers"], identifiers.isMapping {
            for key in ["purl", "cpe23", "cpe22"] {
                if let value = try fields.optional(identifiers, key, "\(path).identifiers") { ids.append(value) }
            }
        }
        if let hashes = node["hashes"], hashes.isMapping, let sha = try fields.optional(hashes, "sha-256", "\(path).hashes") {
            ids.append("sha256:" + sha.lowercased())
        }
        guard !ids.isEmpty else { throw fields.error(node, path, "names nothing: needs `@id`, `identifiers` or `hashes`") }
        return ids
    }

    private func product(_ node: YAMLNode, path: String) throws -> VEXProduct {
        let ids = try identifiers(node, path: path)
        var subcomponents: [[String]] = []
        if node.isMapping {
            for (index, item) in try fields.list(node, "subcomponents", path).enumerated() {
                subcomponents.append(try identifiers(item, path: "\(path).subcomponents[\(index)]"))
            }
        }
        return VEXProduct(identifiers: ids, subcomponents: subcomponents)
    }
}
