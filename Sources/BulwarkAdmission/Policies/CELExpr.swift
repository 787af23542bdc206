/// A CEL expression as a tree, rendered to CEL text only at the end.
///
/// The generator builds expressions from this tiny DSL rather than from strings so that it knows
/// their shape: it can estimate their cost (`CELCost`) and guarantee that they use only standard
/// CEL (field selection, `has()`, comparisons, `in`, the `all`/`exists`/`filter`/`map` macros,
/// logical operators, the conditional, `startsWith`/`endsWith`/`contains`/`matches`, list and map
/// literals, `size`), which both Kubernetes (cel-go) and the differential test's evaluator
/// (cel-python) implement. No CEL library fits here (none is mirrored for Swift), hence this one.
public indirect enum CELExpr: Sendable, Hashable {
    /// A variable: `object`, `namespaceObject`, `variables`, or a macro's iteration variable.
    case ident(String)
    /// `base.name` (name is an identifier).
    case select(CELExpr, String)
    /// `has(base.name)`.
    case has(CELExpr, String)
    /// `base[key]`.
    case index(CELExpr, CELExpr)
    case string(String)
    case int(Int)
    case bool(Bool)
    /// `[a, b]`.
    case list([CELExpr])
    /// A set of strings as a map literal `{'a': true, …}`, so that `x in set` is one lookup rather
    /// than a scan of a list (cel-go costs `in` on a list by the list's size, on a map as 1).
    case stringSet([String])
    case not(CELExpr)
    case and([CELExpr])
    case or([CELExpr])
    case compare(CELExpr, CELCompare, CELExpr)
    /// `element in collection`.
    case isIn(CELExpr, CELExpr)
    /// `range.macro(variable, body)`: `all`, `exists`, `filter`, `map`.
    case macro(CELExpr, CELMacro, String, CELExpr)
    /// `condition ? then : else`.
    case conditional(CELExpr, CELExpr, CELExpr)
    /// `target.function(argument)`: `startsWith`, `endsWith`, `contains`, `matches`.
    case call(CELExpr, CELStringFunction, CELExpr)
    /// `size(x)`.
    case size(CELExpr)
    /// `a + b` (strings or lists).
    case plus(CELExpr, CELExpr)
}

public enum CELCompare: String, Sendable, Hashable {
    case equal = "==", notEqual = "!=", less = "<", lessOrEqual = "<=", greater = ">", greaterOrEqual = ">="
}

public enum CELMacro: String, Sendable, Hashable {
    case all, exists, filter, map
}

public enum CELStringFunction: String, Sendable, Hashable {
    case startsWith, endsWith, contains, matches
}

// MARK: - Building

extension CELExpr {
    public static let object = CELExpr.ident("object")
    public static let namespaceObject = CELExpr.ident("namespaceObject")

    /// `variables.name`.
    public static func variable(_ name: String) -> CELExpr { .select(.ident("variables"), name) }

    /// `self.a.b.c`.
    public func path(_ names: String...) -> CELExpr {
        names.reduce(self) { .select($0, $1) }
    }

    public subscript(_ name: String) -> CELExpr { .select(self, name) }

    /// True when every field on `names` is present: `has(x.a) && has(x.a.b) && …`.
    public func hasPath(_ names: [String]) -> CELExpr {
        var base = self
        var checks: [CELExpr] = []
        for name in names {
            checks.append(.has(base, name))
            base = .select(base, name)
        }
        return .and(checks)
    }

    /// `self.a.b == value` when the path is present, false otherwise (the Swift checks read a
    /// missing field as "not that value").
    public func field(_ names: [String], equals value: CELExpr) -> CELExpr {
        .and([hasPath(names), .compare(names.reduce(self) { .select($0, $1) }, .equal, value)])
    }

    /// The list at `self.a.b`, or `[]` when a field on the way is missing.
    public func listOrEmpty(_ names: [String]) -> CELExpr {
        .conditional(hasPath(names), names.reduce(self) { .select($0, $1) }, .list([]))
    }

    public func exists(_ variable: String, _ body: (CELExpr) -> CELExpr) -> CELExpr {
        .macro(self, .exists, variable, body(.ident(variable)))
    }

    public func all(_ variable: String, _ body: (CELExpr) -> CELExpr) -> CELExpr {
        .macro(self, .all, variable, body(.ident(variable)))
    }

    public func filter(_ variable: String, _ body: (CELExpr) -> CELExpr) -> CELExpr {
        .macro(self, .filter, variable, body(.ident(variable)))
    }

    public func map(_ variable: String, _ body: (CELExpr) -> CELExpr) -> CELExpr {
        .macro(self, .map, variable, body(.ident(variable)))
    }

    /// `self == other` (a method: `==` stays `Equatable`'s).
    public func eq(_ other: CELExpr) -> CELExpr { .compare(self, .equal, other) }
    public func ne(_ other: CELExpr) -> CELExpr { .compare(self, .notEqual, other) }
    public func isIn(_ collection: CELExpr) -> CELExpr { .isIn(self, collection) }
    public static func && (lhs: CELExpr, rhs: CELExpr) -> CELExpr { .and([lhs, rhs]) }
    public static func || (lhs: CELExpr, rhs: CELExpr) -> CELExpr { .or([lhs, rhs]) }
    public static prefix func ! (operand: CELExpr) -> CELExpr { .not(operand) }
}

// MARK: - Rendering

extension CELExpr {
    /// The CEL text. Operands are parenthesised wherever precedence could matter, so the text
    /// means exactly the tree.
    public var rendered: String {
        switch self {
        case .ident(let name): return name
        case .select(let base, let name): return base.operand + "." + name
        case .has(let base, let name): return "has(" + base.operand + "." + name + ")"
        case .index(let base, let key): return base.operand + "[" + key.rendered + "]"
        case .string(let text): return CELExpr.quote(text)
        case .int(let value): return String(value)
        case .bool(let value): return value ? "true" : "false"
        case .list(let items): return "[" + items.map(\.rendered).joined(separator: ", ") + "]"
        case .stringSet(let items): return "{" + items.map { CELExpr.quote($0) + ": true" }.joined(separator: ", ") + "}"
        case .not(let operand): return "!" + operand.operand
        case .and(let items):
            if items.isEmpty { return "true" }
            if items.count == 1 { return items[0].rendered }
            return items.map(\.operand).joined(separator: " && ")
        case .or(let items):
            if items.isEmpty { return "false" }
            if items.count == 1 { return items[0].rendered }
            return items.map(\.operand).joined(separator: " || ")
        case .compare(let lhs, let op, let rhs): return lhs.operand + " " + op.rawValue + " " + rhs.operand
        case .isIn(let element, let collection): return element.operand + " in " + collection.operand
        case .macro(let range, let macro, let variable, let body):
            return range.operand + "." + macro.rawValue + "(" + variable + ", " + body.rendered + ")"
        case .conditional(let condition, let then, let otherwise):
            return condition.operand + " ? " + then.operand + " : " + otherwise.operand
        case .call(let target, let function, let argument):
            return target.operand + "." + function.rawValue + "(" + argument.rendered + ")"
        case .size(let operand): return "size(" + operand.rendered + ")"
        case .plus(let lhs, let rhs): return lhs.operand + " + " + rhs.operand
        }
    }

    /// The text as an operand: atoms as they are, everything else in parentheses.
    private var operand: String {
        switch self {
        case .ident, .select, .has, .index, .string, .int, .bool, .list, .stringSet, .macro, .call, .size:
            return rendered
        case .and(let items) where items.count <= 1: return items.first?.operand ?? "true"
        case .or(let items) where items.count <= 1: return items.first?.operand ?? "false"
        default:
            return "(" + rendered + ")"
        }
    }

    /// A CEL string literal in single quotes; only the quote, the backslash and control
    /// characters are escaped (CEL's escapes are a superset of what is written here).
    static func quote(_ text: String) -> String {
        var out = "'"
        for scalar in text.unicodeScalars {
            switch scalar {
            case "'": out += "\\'"
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20 || scalar.value == 0x7F:
                let hex = String(scalar.value, radix: 16)
                out += "\\x" + (hex.count < 2 ? "0" + hex : hex)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "'"
    }
}
