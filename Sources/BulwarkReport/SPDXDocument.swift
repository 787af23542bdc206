/// The part of the SPDX 2.3 object model Bulwark writes (JSON, `schemas/spdx-schema.json` of
/// spdx/spdx-spec at tag v2.3): a document of packages (the image, its OS, its installed packages,
/// the model files in its layers) and the relationships between them.
///
/// Member names are the schema's; `nil` values and empty lists are omitted. `write(to:)` writes
/// the members in the order declared here, so the same document always gives the same bytes.
public struct SPDXDocument: Sendable, Equatable {
    public static let spdxVersion = "SPDX-2.3"
    /// SPDX 2.3 §6.2: the document itself is always CC0-1.0.
    public static let dataLicense = "CC0-1.0"
    public static let documentID = "SPDXRef-DOCUMENT"
    /// `licenseListVersion`: the list the identifiers come from (`SPDXLicenseList`).
    public static let licenseListVersion = "3.28"

    public var name: String
    /// An absolute URI without `#`, unique to this document (SPDX 2.3 §6.5).
    public var namespace: String
    /// `creationInfo.created`: `YYYY-MM-DDThh:mm:ssZ`.
    public var created: String
    /// `Tool: bulwark-<version>`.
    public var creators: [String]
    /// What the document cannot hold (input errors), so it is not dropped silently.
    public var comment: String?
    public var packages: [Package]
    public var relationships: [Relationship]
    /// `hasExtractedLicensingInfos`: the `LicenseRef-` of license texts not on the SPDX list.
    public var extractedLicenses: [ExtractedLicense]

    public struct Package: Sendable, Equatable {
        /// `SPDXRef-` and `[A-Za-z0-9.-]+`, unique in the document.
        public var spdxID: String
        public var name: String
        public var versionInfo: String?
        public var packageFileName: String?
        /// `CONTAINER`, `OPERATING_SYSTEM`, `LIBRARY`, `FILE` (the JSON schema's spelling; the
        /// tag-value format writes `OPERATING-SYSTEM`).
        public var purpose: String
        public var checksums: [Checksum] = []
        /// An SPDX expression or `NOASSERTION`.
        public var licenseDeclared = "NOASSERTION"
        /// Where Bulwark found it (`sourceInfo`: "background information about the origin").
        public var sourceInfo: String?
        public var summary: String?
        public var description: String?
        public var comment: String?
        /// `externalRefs` of category `PACKAGE-MANAGER`, type `purl`.
        public var purl: String?
    }

    public struct Checksum: Sendable, Equatable {
        /// `SHA256`, `SHA512` (the schema's enum: no dash, unlike CycloneDX).
        public var algorithm: String
        public var value: String
    }

    /// `spdxElementId` `relationshipType` `relatedSpdxElement`.
    public struct Relationship: Sendable, Equatable {
        public var element: String
        public var type: String
        public var related: String
    }

    public struct ExtractedLicense: Sendable, Equatable {
        public var licenseID: String
        /// The text as the package database recorded it; also the license's `name`.
        public var text: String
    }
}

extension SPDXDocument {
    /// The document as pretty-printed JSON (two-space indent, trailing newline).
    public func write(to writer: inout JSONWriter) {
        writer.beginObject()
        writer.field("spdxVersion", Self.spdxVersion)
        writer.field("dataLicense", Self.dataLicense)
        writer.field("SPDXID", Self.documentID)
        writer.field("name", name)
        writer.field("documentNamespace", namespace)
        writer.key("creationInfo")
        writer.beginObject()
        writer.field("created", created)
        writer.stringArray("creators", creators)
        writer.field("licenseListVersion", Self.licenseListVersion)
        writer.endObject()
        writer.optionalField("comment", comment)
        writeBody(to: &writer)
        writer.endObject()
    }

    /// Packages, relationships and extracted licenses: everything the namespace is derived from.
    func writeBody(to writer: inout JSONWriter) {
        writer.key("packages")
        writer.beginArray()
        for package in packages {
            Self.write(package, to: &writer)
            writer.flushIfNeeded()
        }
        writer.endArray()
        writer.key("relationships")
        writer.beginArray()
        for relationship in relationships {
            writer.beginObject()
            writer.field("spdxElementId", relationship.element)
            writer.field("relationshipType", relationship.type)
            writer.field("relatedSpdxElement", relationship.related)
            writer.endObject()
            writer.flushIfNeeded()
        }
        writer.endArray()
        if !extractedLicenses.isEmpty {
            writer.key("hasExtractedLicensingInfos")
            writer.beginArray()
            for license in extractedLicenses {
                writer.beginObject()
                writer.field("licenseId", license.licenseID)
                writer.field("extractedText", license.text)
                writer.field("name", license.text)
                writer.endObject()
            }
            writer.endArray()
        }
    }

    static func write(_ package: Package, to writer: inout JSONWriter) {
        writer.beginObject()
        writer.field("SPDXID", package.spdxID)
        writer.field("name", package.name)
        writer.optionalField("versionInfo", package.versionInfo)
        writer.optionalField("packageFileName", package.packageFileName)
        writer.field("primaryPackagePurpose", package.purpose)
        writer.field("downloadLocation", "NOASSERTION")
        writer.field("filesAnalyzed", false)
        if !package.checksums.isEmpty {
            writer.key("checksums")
            writer.beginArray()
            for checksum in package.checksums {
                writer.beginObject()
                writer.field("algorithm", checksum.algorithm)
                writer.field("checksumValue", checksum.value)
                writer.endObject()
            }
            writer.endArray()
        }
        writer.field("licenseConcluded", "NOASSERTION")
        writer.field("licenseDeclared", package.licenseDeclared)
        writer.field("copyrightText", "NOASSERTION")
        writer.optionalField("sourceInfo", package.sourceInfo)
        writer.optionalField("summary", package.summary)
        writer.optionalField("description", package.description)
        writer.optionalField("comment", package.comment)
        if let purl = package.purl {
            writer.key("externalRefs")
            writer.beginArray()
            writer.beginObject()
            writer.field("referenceCategory", "PACKAGE-MANAGER")
            writer.field("referenceType", "purl")
            writer.field("referenceLocator", purl)
            writer.endObject()
            writer.endArray()
        }
        writer.endObject()
    }
}
