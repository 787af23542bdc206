/// One VEX statement, in OpenVEX's terms whichever format it came from: a vulnerability, the
/// products it is about, and what their producer says about it. CycloneDX `vulnerabilities[]`
/// entries are mapped to this shape when read (see `CycloneDXVEX`), so applying them is one code path.
public struct VEXStatement: Sendable, Hashable {
    public enum Format: String, Sendable, Hashable {
        case openVEX = "OpenVEX"
        case cycloneDX = "CycloneDX"
    }

    /// `vulnerability.name` (OpenVEX) or `vulnerabilities[].id` (CycloneDX): `CVE-2018-1000656`.
    public var vulnerability: String
    /// `vulnerability.aliases` (OpenVEX) or `references[].id` (CycloneDX): other ids of the same one.
    public var aliases: [String]
    public var products: [VEXProduct]
    public var status: VEXDecision.Status
    /// An OpenVEX justification (`vulnerable_code_not_present`) or, for CycloneDX, the mapped one.
    public var justification: String?
    /// `impact_statement` / `analysis.detail`.
    public var impactStatement: String?
    /// `action_statement` / `analysis.response` joined.
    public var actionStatement: String?
    /// RFC 3339 as written: the statement's own, else the document's (`lastUpdated`/`firstIssued`
    /// for CycloneDX). Decides which of two statements about the same finding is newer.
    public var timestamp: String?
    public var format: Format
    /// The CycloneDX `analysis.state` and `analysis.justification` as written, when mapped.
    public var originalState: String?
    public var originalJustification: String?
    /// The VEX file and the 1-based line of the statement, for messages and suppression reasons.
    public var file: String
    public var line: Int

    public init(vulnerability: String, aliases: [String] = [], products: [VEXProduct], status: VEXDecision.Status,
                justification: String? = nil, impactStatement: String? = nil, actionStatement: String? = nil,
                timestamp: String? = nil, format: Format = .openVEX, originalState: String? = nil,
                originalJustification: String? = nil, file: String, line: Int) {
        self.vulnerability = vulnerability
        self.aliases = aliases
        self.products = products
        self.status = status
        self.justification = justification
        self.impactStatement = impactStatement
        self.actionStatement = actionStatement
        self.timestamp = timestamp
        self.format = format
        self.originalState = originalState
        self.originalJustification = originalJustification
        self.file = file
        self.line = line
    }

    /// `file:line`, as suppression reasons and warnings cite the statement.
    public var source: String { "\(file):\(line)" }

    /// Every id the statement's vulnerability is known by.
    public var ids: [String] { [vulnerability] + aliases }

    /// The decision a finding gets from this statement.
    public var decision: VEXDecision {
        var text: [String] = []
        if let originalState {
            var words = "CycloneDX \(originalState)"
            if let originalJustification { words += ", \(originalJustification)" }
            text.append("[\(words)]")
        }
        if let impactStatement { text.append(impactStatement) }
        if status == .affected || status == .underInvestigation, let actionStatement { text.append(actionStatement) }
        return VEXDecision(status: status, justification: justification, statement: text.isEmpty ? nil : text.joined(separator: " "),
                           source: source)
    }
}

/// A product of a statement: what it names (`@id` and `identifiers` of OpenVEX, the resolved
/// `affects[].ref` of CycloneDX) and, for an image, the packages in it it is about.
public struct VEXProduct: Sendable, Hashable {
    /// Identifiers of the same product: purls (`pkg:oci/app@sha256%3A…`, `pkg:pypi/flask@0.12.2`),
    /// image digests (`sha256:…`) or image references (`ghcr.io/org/app:1.0`).
    public var identifiers: [String]
    /// `subcomponents[]`: each one's identifiers. Empty: the statement is about the product as a whole.
    public var subcomponents: [[String]]

    public init(identifiers: [String], subcomponents: [[String]] = []) {
        self.identifiers = identifiers
        self.subcomponents = subcomponents
    }
}

extension VEXDecision {
    /// The finding's suppression reason for a suppressing decision:
    /// `VEX not_affected (vulnerable_code_not_present): <statement> — <file:line>`.
    public var suppressionReason: String {
        var text = "VEX \(status.rawValue)"
        if let justification { text += " (\(justification))" }
        if let statement { text += ": \(statement)" }
        return text + " — \(source)"
    }
}
