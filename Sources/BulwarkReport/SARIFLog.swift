/// The part of the SARIF 2.1.0 object model Bulwark writes (OASIS SARIF v2.1.0, errata 01).
///
/// Property names are the schema's; optional properties left `nil` are omitted. Encoded with
/// `JSONEncoder` and `.sortedKeys`, the output is deterministic; `SARIFReporter` writes the same
/// bytes with `JSONWriter` (SARIFLog+JSONWriter.swift).
public struct SARIFLog: Codable, Sendable, Equatable {
    public static let schemaURI = "https://json.schemastore.org/sarif-2.1.0.json"
    static let version = "2.1.0"

    public var schema: String
    public var version: String
    public var runs: [Run]

    public init(runs: [Run]) {
        self.schema = Self.schemaURI
        self.version = Self.version
        self.runs = runs
    }

    enum CodingKeys: String, CodingKey {
        case schema = "$schema"
        case version, runs
    }

    public struct Run: Codable, Sendable, Equatable {
        public var tool: Tool
        public var invocations: [Invocation]
        public var results: [Result]
        public var originalUriBaseIds: [String: ArtifactLocation]?
        public var columnKind: String?
    }

    public struct Tool: Codable, Sendable, Equatable {
        public var driver: ToolComponent
    }

    public struct ToolComponent: Codable, Sendable, Equatable {
        public var name: String
        public var version: String
        public var semanticVersion: String
        public var informationUri: String
        public var rules: [ReportingDescriptor]
    }

    public struct ReportingDescriptor: Codable, Sendable, Equatable {
        public var id: String
        public var deprecatedIds: [String]?
        public var name: String
        public var shortDescription: MultiformatMessageString
        public var fullDescription: MultiformatMessageString
        public var help: MultiformatMessageString
        public var defaultConfiguration: ReportingConfiguration
        public var properties: RuleProperties
    }

    public struct MultiformatMessageString: Codable, Sendable, Equatable {
        public var text: String
        public var markdown: String?
    }

    public struct ReportingConfiguration: Codable, Sendable, Equatable {
        public var level: Level
        public var enabled: Bool?
    }

    public enum Level: String, Codable, Sendable, Equatable {
        case none, note, warning, error
    }

    public struct RuleProperties: Codable, Sendable, Equatable {
        public var tags: [String]
        public var precision: String
        public var securitySeverity: String
        public var controls: [String]

        enum CodingKeys: String, CodingKey {
            case tags, precision, controls
            case securitySeverity = "security-severity"
        }
    }

    public struct Result: Codable, Sendable, Equatable {
        public var ruleId: String
        public var ruleIndex: Int
        public var level: Level
        public var message: Message
        public var locations: [Location]
        public var partialFingerprints: [String: String]
        public var suppressions: [Suppression]?
        public var properties: ResultProperties
    }

    public struct Message: Codable, Sendable, Equatable {
        public var text: String
    }

    public struct Location: Codable, Sendable, Equatable {
        public var physicalLocation: PhysicalLocation
        public var logicalLocations: [LogicalLocation]?
    }

    public struct PhysicalLocation: Codable, Sendable, Equatable {
        public var artifactLocation: ArtifactLocation
        public var region: Region?
    }

    public struct ArtifactLocation: Codable, Sendable, Equatable {
        public var uri: String
        public var uriBaseId: String?
    }

    public struct Region: Codable, Sendable, Equatable {
        public var startLine: Int?
        public var startColumn: Int?
        /// For binary artifacts (SARIF 2.1.0 §3.30.2: a region given by bytes).
        public var byteOffset: Int?

        public init(startLine: Int? = nil, startColumn: Int? = nil, byteOffset: Int? = nil) {
            self.startLine = startLine
            self.startColumn = startColumn
            self.byteOffset = byteOffset
        }
    }

    public struct LogicalLocation: Codable, Sendable, Equatable {
        public var name: String
        public var fullyQualifiedName: String
        public var kind: String
    }

    public struct Suppression: Codable, Sendable, Equatable {
        public var kind: String
        public var justification: String?
    }

    public struct ResultProperties: Codable, Sendable, Equatable {
        public var severity: String
        public var controls: [String]
        public var templateSource: String?
        public var field: String?
    }

    public struct Invocation: Codable, Sendable, Equatable {
        public var executionSuccessful: Bool
        public var toolExecutionNotifications: [Notification]
    }

    public struct Notification: Codable, Sendable, Equatable {
        public var level: Level
        public var message: Message
        public var locations: [Location]
    }
}
