import BulwarkCore

/// The reference's text helpers (`joinQuote`, `pluralize`, Go's `%q` and sorted string sets), so
/// that reasons and details come out byte for byte as pod-security-admission writes them.
enum PSSText {
    /// `"a", "b"` (no escaping, like the reference's `joinQuote`).
    static func joinQuote(_ items: [String]) -> String {
        items.isEmpty ? "" : "\"" + items.joined(separator: "\", \"") + "\""
    }

    static func pluralize(_ singular: String, _ plural: String, _ count: Int) -> String {
        count == 1 ? singular : plural
    }

    /// A sorted, de-duplicated list in Go's byte order (`sets.NewString(...).List()`).
    static func sortedSet<S: Sequence>(_ items: S) -> [String] where S.Element == String {
        Array(Set(items)).sorted(by: goLess)
    }

    static func goLess(_ lhs: String, _ rhs: String) -> Bool {
        lhs.utf8.lexicographicallyPrecedes(rhs.utf8)
    }

    /// Go's `%q` for a string (`strconv.Quote`), byte for byte as the reference writes names in
    /// its messages. This is not a general quoter (reports use `QuotedString`): it reproduces Go's
    /// rules, which escape every character `unicode.IsPrint` rejects (controls, format characters,
    /// separators other than the ASCII space) as `\a`…`\v`, `\xXX`, `\uXXXX` or `\UXXXXXXXX`.
    static func goQuote(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\u{07}": out += "\\a"
            case "\u{08}": out += "\\b"
            case "\u{0C}": out += "\\f"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\u{0B}": out += "\\v"
            case _ where isGoPrintable(scalar): out.unicodeScalars.append(scalar)
            case _ where scalar.value < 0x80: out += "\\x" + hex(scalar.value, width: 2)
            case _ where scalar.value < 0x10000: out += "\\u" + hex(scalar.value, width: 4)
            default: out += "\\U" + hex(scalar.value, width: 8)
            }
        }
        return out + "\""
    }

    /// Go's `unicode.IsPrint`: letters, marks, numbers, punctuation, symbols and the ASCII space.
    static func isGoPrintable(_ scalar: Unicode.Scalar) -> Bool {
        if scalar == " " { return true }
        switch scalar.properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter,
             .nonspacingMark, .spacingMark, .enclosingMark, .decimalNumber, .letterNumber, .otherNumber,
             .connectorPunctuation, .dashPunctuation, .openPunctuation, .closePunctuation, .initialPunctuation,
             .finalPunctuation, .otherPunctuation, .mathSymbol, .currencySymbol, .modifierSymbol, .otherSymbol:
            return true
        default:
            return false
        }
    }

    private static func hex(_ value: UInt32, width: Int) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }
}

extension YAMLNode {
    /// The value of a key unless it is missing or null (a Go pointer left nil).
    func present(_ key: String) -> YAMLNode? {
        guard let value = self[key], !value.isNull else { return nil }
        return value
    }

    /// The value of a key if it is a mapping (a non-nil Go struct pointer).
    func object(_ key: String) -> YAMLNode? {
        guard let value = self[key], value.isMapping else { return nil }
        return value
    }

    /// A string field as Go decodes it into a `string`: missing or null is "".
    func text(_ key: String) -> String {
        self[key]?.string ?? ""
    }
}

extension ContainerView {
    /// The container's name as the reference reads it (`container.Name`, "" when missing).
    var pssName: String {
        kind == .embedded ? name : (node["name"]?.string ?? "")
    }

    /// `securityContext` if it is set (a mapping).
    var pssSecurityContext: YAMLNode? { node.object("securityContext") }

    /// The node a finding about `path` (below the container) should point at: the value if it
    /// exists, else the deepest existing key on the way, else the container's `name` key.
    func anchor(_ path: [String]) -> YAMLNode? {
        PSSAnchor.locate(node, path) ?? node.keyNode("name") ?? node
    }

    func field(_ path: [String]) -> String {
        ([self.path] + path).joined(separator: ".")
    }
}

extension PodSpecView {
    /// `spec.os.name == "windows"` (exactly; the reference compares to `corev1.Windows`).
    var isWindowsPod: Bool { spec["os"]?["name"]?.string == "windows" }

    /// `spec.hostUsers == false` (the reference's `relaxPolicyForUserNamespacePod`).
    var usesUserNamespace: Bool { spec["hostUsers"]?.bool == false }

    /// The pod-level `securityContext` if it is set (a mapping).
    var pssSecurityContext: YAMLNode? { spec.object("securityContext") }

    func anchor(_ path: [String]) -> YAMLNode? {
        PSSAnchor.locate(spec, path) ?? spec
    }

    func field(_ path: [String]) -> String {
        ([specPath] + path).joined(separator: ".")
    }

    /// JSON path of an annotation of the pod (template) metadata, e.g.
    /// `spec.template.metadata.annotations[container.apparmor.security.beta.kubernetes.io/c]`.
    func annotationField(_ key: String) -> String {
        let metadata: String
        if specPath == "spec" {
            metadata = "metadata"
        } else if specPath.hasSuffix(".spec") {
            metadata = String(specPath.dropLast(4)) + "metadata"
        } else {
            metadata = specPath
        }
        return "\(metadata).annotations[\(key)]"
    }
}

enum PSSAnchor {
    /// Walks `path` from `root`: the value at the end if present, else the key node of the
    /// deepest key that exists, else nil.
    static func locate(_ root: YAMLNode, _ path: [String]) -> YAMLNode? {
        var node = root
        var anchor: YAMLNode?
        for (index, key) in path.enumerated() {
            guard let keyNode = node.keyNode(key), let value = node[key] else { return anchor }
            if index == path.count - 1 {
                return value.isNull ? keyNode : value
            }
            anchor = keyNode
            guard value.isMapping else { return anchor }
            node = value
        }
        return anchor
    }
}
