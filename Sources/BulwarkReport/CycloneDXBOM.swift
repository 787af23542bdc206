/// The part of the CycloneDX 1.6 object model Bulwark writes: a BOM whose components are the model
/// files of a scan (`machine-learning-model`) and whose vulnerabilities are the findings about them;
/// for images also the image (`container`), its operating system and its packages (`library`), and
/// the `dependencies` between them.
///
/// Property names are the schema's (`bom-1.6.schema.json` of CycloneDX/specification); optional
/// values left `nil` and empty lists are omitted. `write(to:)` writes the members in the order
/// declared here, so the same BOM always gives the same bytes.
public struct CycloneDXBOM: Sendable, Equatable {
    public static let schemaURI = "http://cyclonedx.org/schema/bom-1.6.schema.json"
    public static let specVersion = "1.6"

    /// `urn:uuid:` and a lowercase RFC 4122 UUID (the schema's pattern).
    public var serialNumber: String
    public var version = 1
    public var metadata: Metadata
    public var components: [Component]
    public var vulnerabilities: [Vulnerability]
    /// Which component contains which (an image its OS, packages and model files); written after
    /// the components.
    public var dependencies: [Dependency] = []

    public struct Metadata: Sendable, Equatable {
        /// RFC 3339, UTC, whole seconds.
        public var timestamp: String
        /// `tools.components`: Bulwark itself (the 1.5+ form; the bare `tools` list is deprecated).
        public var tools: [Component]
        public var properties: [Property]
        /// What the BOM describes: the image, when it describes one image.
        public var component: Component? = nil
    }

    public struct Component: Sendable, Equatable {
        /// `machine-learning-model`, `application`, `container`, `operating-system`, `library`.
        public var type: String
        public var bomRef: String?
        public var name: String
        public var version: String?
        public var hashes: [Hash] = []
        /// Either identifiers and names, or one expression (the schema allows no mix).
        public var licenses: [License] = []
        public var purl: String? = nil
        /// `evidence.occurrences[].location`: where the file was found.
        public var occurrences: [String] = []
        public var properties: [Property] = []
    }

    /// One entry of `licenses`: `{"license": {"id"}}`, `{"license": {"name"}}` or `{"expression"}`.
    public enum License: Sendable, Equatable {
        /// An identifier of the SPDX license list (the schema's `spdx.schema.json` enum).
        case id(String)
        /// Any other license text.
        case name(String)
        /// An SPDX license expression; the only entry when present.
        case expression(String)
    }

    /// `{"ref", "dependsOn"}`: `ref` depends on (here: contains) each of `dependsOn`; without
    /// `dependsOn` (omitted when empty), a component known to depend on nothing (1.6: "components
    /// that do not have their own dependencies must be declared as empty elements").
    public struct Dependency: Sendable, Equatable {
        public var ref: String
        public var dependsOn: [String]
    }

    public struct Hash: Sendable, Equatable {
        /// `SHA-256`, `SHA-512` (the schema's `hash-alg`).
        public var alg: String
        public var content: String
    }

    /// A name-value pair; Bulwark's names are in the `bulwark:` namespace.
    public struct Property: Sendable, Equatable {
        public var name: String
        public var value: String

        public init(_ name: String, _ value: String) {
            self.name = name
            self.value = value
        }
    }

    /// One finding: `id` is the rule id, `source` Bulwark, the rating its severity (the
    /// schema's severities are Bulwark's, plus `none` and `unknown`).
    public struct Vulnerability: Sendable, Equatable {
        public var bomRef: String
        public var id: String
        public var sourceName: String
        public var severity: String
        public var description: String
        public var detail: String
        public var recommendation: String
        /// `analysis.detail`, for a suppressed finding: who suppressed it and why. No `state` is
        /// claimed: a suppression does not say whether the file is affected.
        public var analysisDetail: String?
        /// The bom-refs of the components the finding is about.
        public var affects: [String]
        public var properties: [Property]
    }
}

extension CycloneDXBOM {
    /// The BOM as pretty-printed JSON (two-space indent, trailing newline).
    public func write(to writer: inout JSONWriter) {
        writer.beginObject()
        writer.field("$schema", Self.schemaURI)
        writer.field("bomFormat", "CycloneDX")
        writer.field("specVersion", Self.specVersion)
        writer.field("serialNumber", serialNumber)
        writer.field("version", version)
        writer.key("metadata")
        writer.beginObject()
        writer.field("timestamp", metadata.timestamp)
        writer.key("tools")
        writer.beginObject()
        writer.key("components")
        writer.beginArray()
        for tool in metadata.tools { Self.write(tool, to: &writer) }
        writer.endArray()
        writer.endObject()
        if let component = metadata.component {
            writer.key("component")
            Self.write(component, to: &writer)
        }
        Self.write(metadata.properties, to: &writer)
        writer.endObject()
        writer.key("components")
        writer.beginArray()
        for component in components {
            Self.write(component, to: &writer)
            writer.flushIfNeeded()
        }
        writer.endArray()
        if !dependencies.isEmpty {
            writer.key("dependencies")
            writer.beginArray()
            for dependency in dependencies {
                writer.beginObject()
                writer.field("ref", dependency.ref)
                if !dependency.dependsOn.isEmpty { writer.stringArray("dependsOn", dependency.dependsOn) }
                writer.endObject()
                writer.flushIfNeeded()
            }
            writer.endArray()
        }
        if !vulnerabilities.isEmpty {
            writer.key("vulnerabilities")
            writer.beginArray()
            for vulnerability in vulnerabilities {
                Self.write(vulnerability, to: &writer)
                writer.flushIfNeeded()
            }
            writer.endArray()
        }
        writer.endObject()
    }

    static func write(_ component: Component, to writer: inout JSONWriter) {
        writer.beginObject()
        writer.field("type", component.type)
        writer.optionalField("bom-ref", component.bomRef)
        writer.field("name", component.name)
        writer.optionalField("version", component.version)
        if !component.hashes.isEmpty {
            writer.key("hashes")
            writer.beginArray()
            for hash in component.hashes {
                writer.beginObject()
                writer.field("alg", hash.alg)
                writer.field("content", hash.content)
                writer.endObject()
            }
            writer.endArray()
        }
        if !component.licenses.isEmpty {
            writer.key("licenses")
            writer.beginArray()
            for license in component.licenses {
                writer.beginObject()
                switch license {
                case .id(let id):
                    writer.key("license")
                    writer.beginObject()
                    writer.field("id", id)
                    writer.endObject()
                case .name(let name):
                    writer.key("license")
                    writer.beginObject()
                    writer.field("name", name)
                    writer.endObject()
                case .expression(let expression):
                    writer.field("expression", expression)
                }
                writer.endObject()
            }
            writer.endArray()
        }
        writer.optionalField("purl", component.purl)
        if !component.occurrences.isEmpty {
            writer.key("evidence")
            writer.beginObject()
            writer.key("occurrences")
            writer.beginArray()
            for location in component.occurrences {
                writer.beginObject()
                writer.field("location", location)
                writer.endObject()
            }
            writer.endArray()
            writer.endObject()
        }
        write(component.properties, to: &writer)
        writer.endObject()
    }

    static func write(_ vulnerability: Vulnerability, to writer: inout JSONWriter) {
        writer.beginObject()
        writer.field("bom-ref", vulnerability.bomRef)
        writer.field("id", vulnerability.id)
        writer.key("source")
        writer.beginObject()
        writer.field("name", vulnerability.sourceName)
        writer.endObject()
        writer.key("ratings")
        writer.beginArray()
        writer.beginObject()
        writer.key("source")
        writer.beginObject()
        writer.field("name", vulnerability.sourceName)
        writer.endObject()
        writer.field("severity", vulnerability.severity)
        writer.field("method", "other")
        writer.endObject()
        writer.endArray()
        writer.field("description", vulnerability.description)
        writer.field("detail", vulnerability.detail)
        writer.field("recommendation", vulnerability.recommendation)
        if let detail = vulnerability.analysisDetail {
            writer.key("analysis")
            writer.beginObject()
            writer.field("detail", detail)
            writer.endObject()
        }
        writer.key("affects")
        writer.beginArray()
        for ref in vulnerability.affects {
            writer.beginObject()
            writer.field("ref", ref)
            writer.endObject()
        }
        writer.endArray()
        write(vulnerability.properties, to: &writer)
        writer.endObject()
    }

    static func write(_ properties: [Property], to writer: inout JSONWriter) {
        guard !properties.isEmpty else { return }
        writer.key("properties")
        writer.beginArray()
        for property in properties {
            writer.beginObject()
            writer.field("name", property.name)
            writer.field("value", property.value)
            writer.endObject()
        }
        writer.endArray()
    }
}
