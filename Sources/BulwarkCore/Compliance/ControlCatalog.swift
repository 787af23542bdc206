/// How far Bulwark's rules decide a control by themselves.
public enum ControlCoverage: String, Sendable, Codable, CaseIterable {
    /// A rule decides the control from what Bulwark scans.
    case automated
    /// Rules check part of the control; the rest needs a human (the reason says which part).
    case partial
    /// No rule checks it: it needs a human or data Bulwark does not see.
    case manual
    /// It concerns something Bulwark never reads (the Docker daemon host, the kubelet …).
    case outOfScope = "out-of-scope"

    /// Whether rules check the control at all (automated or partial).
    public var isChecked: Bool { self == .automated || self == .partial }
}

/// One control of a framework, as its catalogue file lists it.
public struct ComplianceControl: Sendable, Hashable {
    public let id: String
    public let title: String
    public let section: String
    public let coverage: ControlCoverage
    /// One line: what checks it, or why nothing does.
    public let reason: String
    /// The framework whose id rules cite it under: its own, or the framework it is included from
    /// (`pss-restricted` includes the baseline checks as `pss-baseline:…`).
    public let framework: String
}

/// A compliance framework: its controls in document order, from
/// `Sources/BulwarkCore/Compliance/Catalogues/<id>.yaml` (embedded in the binary at build time).
public struct ComplianceFramework: Sendable {
    public let id: String
    public let title: String
    public let version: String
    public let url: String
    /// Which parts of the document the control list covers.
    public let scope: String
    /// Its own controls, then those it includes from another framework (`includes:`).
    public let controls: [ComplianceControl]
    private let index: [String: Int]

    init(id: String, title: String, version: String, url: String, scope: String, controls: [ComplianceControl]) {
        self.id = id
        self.title = title
        self.version = version
        self.url = url
        self.scope = scope
        self.controls = controls
        self.index = Dictionary(controls.enumerated().map { ($1.id, $0) }, uniquingKeysWith: { first, _ in first })
    }

    public func control(_ id: String) -> ComplianceControl? {
        index[id].map { controls[$0] }
    }

    /// The controls listed in its own file (not included from another framework).
    public var ownControls: [ComplianceControl] { controls.filter { $0.framework == id } }

    func including(_ other: ComplianceFramework, except: Set<String>) -> ComplianceFramework {
        ComplianceFramework(id: id, title: title, version: version, url: url, scope: scope,
                            controls: controls + other.ownControls.filter { !except.contains($0.id) && index[$0.id] == nil })
    }
}

/// The compliance frameworks rules map to, read from the catalogue files (one per framework,
/// embedded in the binary: nothing is read from disk at run time). Every control a rule names must
/// be in its framework's file, and a control is `automated` or `partial` exactly when some rule
/// names it (`RuleCatalog.verifyControls`, checked by the test suite), so a typo in a control id or
/// an inflated coverage claim cannot pass unnoticed.
public enum ControlCatalog {
    /// Every framework, sorted by id.
    public static let all: [ComplianceFramework] = {
        var parsed: [(ComplianceFramework, ControlCatalogFile.Inclusion?)] = []
        for (name, bytes) in embeddedFiles {
            do {
                parsed.append(try ControlCatalogFile.read(bytes, fileName: name))
            } catch {
                // The files are part of the source tree and parsed by the test suite, so this is a
                // build defect, not bad input.
                preconditionFailure("control catalogue \(name): \(error)")
            }
        }
        let own = Dictionary(parsed.map { ($0.0.id, $0.0) }, uniquingKeysWith: { first, _ in first })
        return parsed.map { framework, inclusion in
            guard let inclusion else { return framework }
            guard let included = own[inclusion.framework] else {
                preconditionFailure("control catalogue \(framework.id): includes unknown framework \(inclusion.framework)")
            }
            return framework.including(included, except: inclusion.except)
        }.sorted { $0.id < $1.id }
    }()

    private static let byId: [String: ComplianceFramework] = Dictionary(all.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })

    /// The catalogue files, by file name. One line per file: SwiftPM embeds each file as its own
    /// constant and offers no listing (the test suite checks that every file of the folder is here).
    static let embeddedFiles: [(String, [UInt8])] = [
        ("cis-docker.yaml", PackageResources.cis_docker_yaml),
        ("cis-k8s.yaml", PackageResources.cis_k8s_yaml),
        ("mitre-atlas.yaml", PackageResources.mitre_atlas_yaml),
        ("nist-800-190.yaml", PackageResources.nist_800_190_yaml),
        ("nsa-k8s.yaml", PackageResources.nsa_k8s_yaml),
        ("owasp-k8s.yaml", PackageResources.owasp_k8s_yaml),
        ("owasp-ml.yaml", PackageResources.owasp_ml_yaml),
        ("pss-baseline.yaml", PackageResources.pss_baseline_yaml),
        ("pss-restricted.yaml", PackageResources.pss_restricted_yaml),
    ]

    /// The framework ids with their display titles.
    public static let frameworks: [String: String] = Dictionary(all.map { ($0.id, $0.title) }, uniquingKeysWith: { first, _ in first })

    public static func framework(_ id: String) -> ComplianceFramework? { byId[id] }

    /// Whether the catalogue lists the control in its framework's own file (a rule cites an
    /// included control under the framework it comes from).
    public static func contains(_ control: ControlID) -> Bool {
        byId[control.framework]?.control(control.control)?.framework == control.framework
    }

    /// The title of a control, or nil when it is not in the catalogue.
    public static func title(framework: String, control: String) -> String? {
        byId[framework]?.control(control)?.title
    }

    /// `CIS Kubernetes Benchmark 5.2.2: Minimize the admission of privileged containers`; unknown
    /// controls give the framework's display name and the id.
    public static func describe(_ control: ControlID) -> String {
        let framework = frameworks[control.framework] ?? control.framework
        if let title = title(framework: control.framework, control: control.control) {
            return "\(framework) \(control.control): \(title)"
        }
        return "\(framework) \(control.control)"
    }

    /// Reads one catalogue file strictly (for tests and tools that check a catalogue before it is
    /// embedded): an unknown or missing key, a duplicate id or an unknown coverage is an error with its line.
    public static func parseFile(_ bytes: [UInt8], fileName: String) throws -> ComplianceFramework {
        try ControlCatalogFile.read(bytes, fileName: fileName).framework
    }

    /// Every control of a framework in document order; empty for an unknown framework.
    public static func allControls(of framework: String) -> [String] {
        byId[framework]?.controls.map(\.id) ?? []
    }
}

/// The reader of one catalogue file. Strict: an unknown or missing key, a duplicate control id or
/// an unknown coverage value is an error naming the line.
enum ControlCatalogFile {
    struct Problem: Error, CustomStringConvertible {
        let line: Int
        let message: String
        var description: String { "line \(line): \(message)" }
    }

    static let frameworkKeys: Set<String> = ["framework", "title", "version", "url", "scope", "controls"]
    static let optionalKeys: Set<String> = ["includes"]
    static let controlKeys: Set<String> = ["id", "title", "section", "coverage", "reason"]
    static let inclusionKeys: Set<String> = ["framework", "except"]

    /// `includes: {framework: pss-baseline, except: [hostPathVolumes, …]}`: the other framework's
    /// controls belong to this one too, but for those this one's own controls replace.
    struct Inclusion {
        let framework: String
        let except: Set<String>
    }

    static func read(_ bytes: [UInt8], fileName: String) throws -> (framework: ComplianceFramework, inclusion: Inclusion?) {
        let result = YAMLReader.read(bytes: bytes)
        if let error = result.errors.first { throw Problem(line: error.line, message: error.message) }
        guard result.documents.count == 1, let root = result.documents[0].root, let pairs = root.pairs else {
            throw Problem(line: 1, message: "expected one mapping")
        }
        try checkKeys(pairs, allowed: frameworkKeys, optional: optionalKeys, at: root)
        let id = try string(root, "framework")
        var inclusion: Inclusion?
        if let includes = root["includes"] {
            guard let includePairs = includes.pairs else { throw Problem(line: includes.position.line, message: "includes must be a mapping") }
            try checkKeys(includePairs, allowed: inclusionKeys, at: includes)
            guard let except = includes["except"]?.sequence, except.allSatisfy({ $0.scalar != nil }) else {
                throw Problem(line: includes.position.line, message: "includes.except must be a list of control ids")
            }
            inclusion = Inclusion(framework: try string(includes, "framework"), except: Set(except.compactMap(\.scalar)))
        }
        guard fileName == id + ".yaml" else { throw Problem(line: root.position.line, message: "framework \(id) is not named by its file") }
        guard let items = root["controls"]?.sequence, !items.isEmpty else {
            throw Problem(line: root.position.line, message: "controls must be a non-empty list")
        }
        var controls: [ComplianceControl] = []
        var seen: Set<String> = []
        for item in items {
            guard let itemPairs = item.pairs else { throw Problem(line: item.position.line, message: "a control must be a mapping") }
            try checkKeys(itemPairs, allowed: controlKeys, at: item)
            let controlId = try string(item, "id")
            guard seen.insert(controlId).inserted else { throw Problem(line: item.position.line, message: "duplicate control \(controlId)") }
            let coverageText = try string(item, "coverage")
            guard let coverage = ControlCoverage(rawValue: coverageText) else {
                throw Problem(line: item["coverage"]?.position.line ?? item.position.line,
                              message: "coverage must be one of \(ControlCoverage.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            controls.append(ComplianceControl(id: controlId, title: try string(item, "title"), section: try string(item, "section"),
                                              coverage: coverage, reason: try string(item, "reason"), framework: id))
        }
        let framework = ComplianceFramework(id: id, title: try string(root, "title"), version: try string(root, "version"),
                                            url: try string(root, "url"), scope: try string(root, "scope"), controls: controls)
        return (framework, inclusion)
    }

    private static func checkKeys(_ pairs: [YAMLNode.Pair], allowed: Set<String>, optional: Set<String> = [], at node: YAMLNode) throws {
        for pair in pairs {
            let key = pair.key.scalar ?? ""
            if !allowed.contains(key) && !optional.contains(key) { throw Problem(line: pair.key.position.line, message: "unknown key \(key)") }
        }
        for key in allowed where node[key] == nil {
            throw Problem(line: node.position.line, message: "missing key \(key)")
        }
    }

    private static func string(_ node: YAMLNode, _ key: String) throws -> String {
        guard let value = node[key]?.scalar, !value.isEmpty else {
            throw Problem(line: node[key]?.position.line ?? node.position.line, message: "\(key) must be a non-empty string")
        }
        return value
    }
}
