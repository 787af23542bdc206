import Foundation
import BulwarkCore

/// A VEX file (`--vex FILE`): OpenVEX 0.2.0 JSON (and the 0.0.x shape that named vulnerabilities
/// and products as strings) or a CycloneDX 1.4–1.6 JSON BOM's `vulnerabilities[]` with `analysis`.
/// Both are read into the same `VEXStatement`s, so applying them is one code path.
///
/// A malformed file is one `InputError` naming the file, the line and the field: a VEX file
/// suppresses findings, so a half-read one is never applied.
public struct VEXDocument: Sendable {
    public var name: String
    public var format: VEXStatement.Format
    public var statements: [VEXStatement]
    /// Entries read but not turned into statements, each with why (a CycloneDX vulnerability with no
    /// `analysis` is a finding, not a VEX statement; an `affects[].versions` range is not applied).
    public var warnings: [InputWarning]

    public init(name: String, format: VEXStatement.Format, statements: [VEXStatement], warnings: [InputWarning] = []) {
        self.name = name
        self.format = format
        self.statements = statements
        self.warnings = warnings
    }

    /// Reads a VEX file; which format it is comes from its content (`@context`/`statements` or
    /// `bomFormat`), not its name.
    public static func parse(_ bytes: [UInt8], name: String) -> Result<VEXDocument, InputError> {
        let read = YAMLReader.read(bytes: bytes)
        if let error = read.errors.first {
            return .failure(error.located(in: name))
        }
        let roots = read.documents.compactMap(\.root)
        guard roots.count == 1, let root = roots.first, root.isMapping else {
            return .failure(InputError(file: name, line: 1, column: 1,
                                       message: "not a VEX document: expected one JSON object (OpenVEX or CycloneDX)"))
        }
        do {
            if root["bomFormat"]?.string == "CycloneDX" {
                return .success(try CycloneDXVEX(file: name).read(root))
            }
            let context = root["@context"]?.string ?? ""
            if context.hasPrefix("https://openvex.dev/ns") || root["statements"] != nil {
                return .success(try OpenVEX(file: name).read(root))
            }
            return .failure(InputError(file: name, line: root.position.line, column: root.position.column, message: """
                not a VEX document: neither OpenVEX (`@context` https://openvex.dev/ns/…, `statements`) nor CycloneDX \
                (`bomFormat: CycloneDX`, `vulnerabilities`)
                """))
        } catch let error as InputError {
            return .failure(error)
        } catch {
            return .failure(InputError(file: name, message: "\(error)"))
        }
    }
}

/// Field access that fails with the file, the position and the field's path.
struct VEXFields {
    let file: String

    func error(_ node: YAMLNode?, _ field: String, _ reason: String) -> InputError {
        let position = node?.position ?? TextPosition(line: 1, column: 1)
        return InputError(file: file, line: position.line, column: position.column, message: "\(field): \(reason)")
    }

    /// A string field that must be present and non-empty.
    func required(_ parent: YAMLNode, _ key: String, _ path: String) throws -> String {
        guard let node = parent[key] else { throw error(parent, "\(path).\(key)", "missing") }
        guard let value = node.string, node.scalar != nil, !value.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw error(node, "\(path).\(key)", "expected a non-empty string")
        }
        return value
    }

    /// A string field that may be absent or null.
    func optional(_ parent: YAMLNode, _ key: String, _ path: String) throws -> String? {
        guard let node = parent[key], !node.isNull else { return nil }
        guard let value = node.scalar else { throw error(node, "\(path).\(key)", "expected a string") }
        return value.isEmpty ? nil : value
    }

    /// A sequence field that may be absent or null.
    func list(_ parent: YAMLNode, _ key: String, _ path: String) throws -> [YAMLNode] {
        guard let node = parent[key], !node.isNull else { return [] }
        guard let items = node.sequence else { throw error(node, "\(path).\(key)", "expected an array") }
        return items
    }

    func strings(_ parent: YAMLNode, _ key: String, _ path: String) throws -> [String] {
        var out: [String] = []
        for (index, item) in try list(parent, key, path).enumerated() {
            guard let value = item.string else { throw error(item, "\(path).\(key)[\(index)]", "expected a string") }
            out.append(value)
        }
        return out
    }
}
