/// A YAML (or JSON) node with its position in the source text.
///
/// Bulwark's own tree, filled from libyaml's events (via Yams' bundled libyaml) so that no
/// third-party type appears in our API. Anchored nodes are shared, not copied, so alias-heavy
/// documents stay small in memory; `weight` counts the node as if aliases were expanded, which is
/// what the loader limits.
public final class YAMLNode: Sendable {
    public enum ScalarStyle: Sendable, Equatable {
        case plain, singleQuoted, doubleQuoted, literal, folded
    }

    public struct Pair: Sendable {
        public let key: YAMLNode
        public let value: YAMLNode

        public init(key: YAMLNode, value: YAMLNode) {
            self.key = key
            self.value = value
        }
    }

    public enum Content: Sendable {
        case scalar(String, ScalarStyle)
        case sequence([YAMLNode])
        case mapping([Pair])
    }

    public let content: Content
    // Stored compactly (a scan holds millions of nodes): 32-bit positions and weight, tag as a code.
    // Declaration order is layout order: the one-byte tag fills the gap after the 17-byte content,
    // so an instance is 56 bytes and takes a 64-byte heap chunk instead of an 80-byte one.
    private let tagCode: TagCode
    private let line: UInt32
    private let column: UInt32
    private let endLine: UInt32
    private let endColumn: UInt32
    private let storedWeight: UInt32

    public var position: TextPosition { TextPosition(line: Int(line), column: Int(column)) }

    /// Just past the node's last character (exclusive), as libyaml's end mark gives it: after the
    /// closing quote of a scalar or the `}`/`]` of a flow collection. For block collections and block
    /// scalars it lies at the start of whatever follows (possibly lines later, after comments), so
    /// rewriters use the ends of the last scalars instead. Equal to `position` when not recorded.
    public var endPosition: TextPosition { TextPosition(line: Int(endLine), column: Int(endColumn)) }

    /// An explicit tag such as `tag:yaml.org,2002:str` (`!!str`), if the source wrote one.
    public var tag: String? { tagCode.name }

    /// Number of nodes in this subtree with aliases expanded (saturating at 2^32 - 1).
    public var weight: Int { Int(storedWeight) }

    public init(_ content: Content, position: TextPosition, endPosition: TextPosition? = nil, tag: String? = nil) {
        self.content = content
        line = UInt32(clamping: position.line)
        column = UInt32(clamping: position.column)
        endLine = UInt32(clamping: (endPosition ?? position).line)
        endColumn = UInt32(clamping: (endPosition ?? position).column)
        tagCode = TagCode(tag)
        switch content {
        case .scalar:
            storedWeight = 1
        case .sequence(let items):
            storedWeight = items.reduce(1) { $0.addingReportingOverflow($1.storedWeight).overflow ? .max : $0 + $1.storedWeight }
        case .mapping(let pairs):
            storedWeight = pairs.reduce(1) { total, pair in
                let (withKey, overflowKey) = total.addingReportingOverflow(pair.key.storedWeight)
                let (sum, overflow) = withKey.addingReportingOverflow(pair.value.storedWeight)
                return overflowKey || overflow ? .max : sum
            }
        }
    }

    /// The YAML core tags by code; any other explicit tag is kept as "custom" (Kubernetes ignores them).
    private enum TagCode: UInt8, Sendable {
        case none, str, int, bool, null, float, map, seq, binary, timestamp, custom

        init(_ name: String?) {
            switch name {
            case nil: self = .none
            case "tag:yaml.org,2002:str": self = .str
            case "tag:yaml.org,2002:int": self = .int
            case "tag:yaml.org,2002:bool": self = .bool
            case "tag:yaml.org,2002:null": self = .null
            case "tag:yaml.org,2002:float": self = .float
            case "tag:yaml.org,2002:map": self = .map
            case "tag:yaml.org,2002:seq": self = .seq
            case "tag:yaml.org,2002:binary": self = .binary
            case "tag:yaml.org,2002:timestamp": self = .timestamp
            default: self = .custom
            }
        }

        var name: String? {
            switch self {
            case .none: nil
            case .custom: "!"
            default: "tag:yaml.org,2002:\(self)"
            }
        }
    }

    // MARK: - Scalars

    /// The scalar's text exactly as written (after YAML unescaping), or nil for collections.
    public var scalar: String? {
        if case .scalar(let value, _) = content { return value }
        return nil
    }

    public var scalarStyle: ScalarStyle? {
        if case .scalar(_, let style) = content { return style }
        return nil
    }

    /// True for `null`, `~`, an empty plain scalar (YAML 1.1 / sigs.k8s.io/yaml rules).
    public var isNull: Bool {
        guard case .scalar(let value, .plain) = content, tag == nil || tag == "tag:yaml.org,2002:null" else {
            return false
        }
        switch value {
        case "", "~", "null", "Null", "NULL": return true
        default: return false
        }
    }

    /// The scalar as a string, or nil for null and collections.
    public var string: String? {
        if isNull { return nil }
        return scalar
    }

    /// A boolean as Kubernetes' YAML decoder (go-yaml v2 under sigs.k8s.io/yaml) reads it:
    /// plain `true/yes/on/y` and `false/no/off/n` in their usual capitalisations.
    public var bool: Bool? {
        guard case .scalar(let value, let style) = content else { return nil }
        if let tag, tag != "tag:yaml.org,2002:bool" { return nil }
        if style != .plain && tag == nil { return nil }
        switch value {
        case "true", "True", "TRUE", "yes", "Yes", "YES", "on", "On", "ON", "y", "Y": return true
        case "false", "False", "FALSE", "no", "No", "NO", "off", "Off", "OFF", "n", "N": return false
        default: return nil
        }
    }

    /// An integer in YAML 1.1 notation (decimal, `0x` hex, `0o`/leading-zero octal, `_` separators).
    public var int: Int? {
        guard case .scalar(var text, let style) = content else { return nil }
        if let tag, tag != "tag:yaml.org,2002:int" { return nil }
        if style != .plain && tag == nil { return nil }
        text.removeAll { $0 == "_" }
        var negative = false
        if text.hasPrefix("-") {
            negative = true
            text.removeFirst()
        } else if text.hasPrefix("+") {
            text.removeFirst()
        }
        let magnitude: Int?
        if text.hasPrefix("0x") {
            magnitude = Int(text.dropFirst(2), radix: 16)
        } else if text.hasPrefix("0o") {
            magnitude = Int(text.dropFirst(2), radix: 8)
        } else if text.hasPrefix("0b") {
            magnitude = Int(text.dropFirst(2), radix: 2)
        } else if text.count > 1, text.hasPrefix("0") {
            magnitude = Int(text.dropFirst(), radix: 8)
        } else if let value = Int(text) {
            magnitude = value
        } else if let double = Double(text), double.rounded() == double, abs(double) < 1e15 {
            magnitude = Int(double)
        } else {
            magnitude = nil
        }
        guard let magnitude else { return nil }
        return negative ? -magnitude : magnitude
    }

    // MARK: - Collections

    public var sequence: [YAMLNode]? {
        if case .sequence(let items) = content { return items }
        return nil
    }

    public var pairs: [Pair]? {
        if case .mapping(let pairs) = content { return pairs }
        return nil
    }

    public var isMapping: Bool {
        if case .mapping = content { return true }
        return false
    }

    public var isSequence: Bool {
        if case .sequence = content { return true }
        return false
    }

    /// The value for a scalar key of a mapping.
    public subscript(key: String) -> YAMLNode? {
        guard case .mapping(let pairs) = content else { return nil }
        for pair in pairs where pair.key.scalar == key {
            return pair.value
        }
        return nil
    }

    /// The key node (for positions) of a scalar key of a mapping.
    public func keyNode(_ key: String) -> YAMLNode? {
        guard case .mapping(let pairs) = content else { return nil }
        return pairs.first { $0.key.scalar == key }?.key
    }

    /// Walks nested mappings: `node.at("spec", "template", "spec")`.
    public func at(_ keys: String...) -> YAMLNode? { at(keys) }

    public func at(_ keys: [String]) -> YAMLNode? {
        var node: YAMLNode? = self
        for key in keys {
            node = node?[key]
        }
        return node
    }

    /// Scalar-keyed entries of a mapping whose values are scalars, e.g. labels.
    public var stringMap: [String: String] {
        guard case .mapping(let pairs) = content else { return [:] }
        var map: [String: String] = [:]
        map.reserveCapacity(pairs.count)
        for pair in pairs {
            if let key = pair.key.scalar, let value = pair.value.scalar {
                map[key] = value
            }
        }
        return map
    }

    /// The items of a sequence, or an empty array for anything else (null, missing, scalar).
    public var items: [YAMLNode] { sequence ?? [] }

    /// Sequence items that are strings.
    public var strings: [String] { items.compactMap(\.string) }
}

extension YAMLNode {
    /// Converts the tree into Foundation-free JSON-like values (aliases expanded). Used by
    /// rewriters and tests; callers must only use it on documents the loader accepted.
    public var jsonValue: JSONValue {
        switch content {
        case .scalar(let text, let style):
            if style == .plain {
                if isNull { return .null }
                if let bool { return .bool(bool) }
                if let int, !text.contains(".") { return .number(Double(int)) }
                if let double = Double(text), text.contains(where: { $0 == "." || $0 == "e" || $0 == "E" }) {
                    return .number(double)
                }
            }
            return .string(text)
        case .sequence(let items):
            return .array(items.map(\.jsonValue))
        case .mapping(let pairs):
            return .object(pairs.map { ($0.key.scalar ?? "", $0.value.jsonValue) })
        }
    }
}

/// A minimal JSON value model with ordered object keys.
public indirect enum JSONValue: Sendable, Equatable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([(String, JSONValue)])

    public static func == (lhs: JSONValue, rhs: JSONValue) -> Bool {
        switch (lhs, rhs) {
        case (.null, .null): true
        case (.bool(let a), .bool(let b)): a == b
        case (.number(let a), .number(let b)): a == b
        case (.string(let a), .string(let b)): a == b
        case (.array(let a), .array(let b)): a == b
        case (.object(let a), .object(let b)):
            a.count == b.count && zip(a, b).allSatisfy { $0.0 == $1.0 && $0.1 == $1.1 }
        default: false
        }
    }
}
