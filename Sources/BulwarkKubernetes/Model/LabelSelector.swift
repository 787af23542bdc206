import BulwarkCore

/// A Kubernetes `metav1.LabelSelector` (`matchLabels` + `matchExpressions`), as NetworkPolicies,
/// workload selectors, PodDisruptionBudgets and topology constraints use it.
///
/// Semantics follow `metav1.LabelSelectorAsSelector`: all requirements must hold; an empty
/// selector (`{}`) selects everything; an invalid one (unknown operator, `In`/`NotIn` without
/// values, `Exists`/`DoesNotExist` with values, a non-mapping) selects nothing and says why in
/// `problems`. A *missing* selector is the caller's decision (a NetworkPolicy without
/// `podSelector` selects every pod; a Service without `selector` selects none), so
/// `init(_:)` takes a non-optional node.
public struct LabelSelector: Sendable, Hashable, CustomStringConvertible {
    public enum Operator: String, Sendable, Hashable {
        case `in` = "In"
        case notIn = "NotIn"
        case exists = "Exists"
        case doesNotExist = "DoesNotExist"
    }

    public struct Requirement: Sendable, Hashable, CustomStringConvertible {
        public let key: String
        public let op: Operator
        public let values: Set<String>

        public init(key: String, op: Operator, values: Set<String> = []) {
            self.key = key
            self.op = op
            self.values = values
        }

        public func matches(_ labels: [String: String]) -> Bool {
            let value = labels[key]
            switch op {
            case .in: return value.map(values.contains) ?? false
            case .notIn: return value.map { !values.contains($0) } ?? true
            case .exists: return value != nil
            case .doesNotExist: return value == nil
            }
        }

        /// `tier in (a,b)`, `!legacy`, as `kubectl` prints selectors.
        public var description: String {
            let list = values.sorted().joined(separator: ",")
            switch op {
            case .in: return "\(key) in (\(list))"
            case .notIn: return "\(key) notin (\(list))"
            case .exists: return key
            case .doesNotExist: return "!\(key)"
            }
        }
    }

    public let matchLabels: [String: String]
    public let requirements: [Requirement]
    /// Why the selector is invalid; empty for a valid selector.
    public let problems: [String]

    public init(matchLabels: [String: String] = [:], requirements: [Requirement] = []) {
        self.matchLabels = matchLabels
        self.requirements = requirements
        var problems: [String] = []
        for requirement in requirements {
            let needsValues = requirement.op == .in || requirement.op == .notIn
            if needsValues && requirement.values.isEmpty {
                problems.append("operator \(requirement.op.rawValue) on \"\(requirement.key)\" needs values")
            } else if !needsValues && !requirement.values.isEmpty {
                problems.append("operator \(requirement.op.rawValue) on \"\(requirement.key)\" takes no values")
            }
        }
        self.problems = problems
    }

    /// Parses a selector mapping (`{matchLabels: …, matchExpressions: […]}`).
    public init(_ node: YAMLNode) {
        guard node.isMapping || node.isNull else {
            self.matchLabels = [:]
            self.requirements = []
            self.problems = ["selector is not a mapping"]
            return
        }
        var problems: [String] = []
        var matchLabels: [String: String] = [:]
        for pair in node["matchLabels"]?.pairs ?? [] {
            guard let key = pair.key.scalar, let value = pair.value.scalar else {
                problems.append("matchLabels entries must be strings")
                continue
            }
            matchLabels[key] = value
        }
        var requirements: [Requirement] = []
        for expression in node["matchExpressions"]?.items ?? [] {
            guard let key = expression["key"]?.string else {
                problems.append("matchExpressions entry without key")
                continue
            }
            guard let text = expression["operator"]?.string, let op = Operator(rawValue: text) else {
                problems.append("matchExpressions on \"\(key)\" has unknown operator \(expression["operator"]?.scalar ?? "(none)")")
                continue
            }
            requirements.append(Requirement(key: key, op: op, values: Set(expression["values"]?.items.compactMap(\.scalar) ?? [])))
        }
        let parsed = LabelSelector(matchLabels: matchLabels, requirements: requirements)
        self.matchLabels = matchLabels
        self.requirements = requirements
        self.problems = problems + parsed.problems
    }

    /// The selector `{}`: every label set matches.
    public static let everything = LabelSelector()

    public var isValid: Bool { problems.isEmpty }

    /// A valid selector without terms, which selects everything.
    public var selectsEverything: Bool { isValid && matchLabels.isEmpty && requirements.isEmpty }

    public func matches(_ labels: [String: String]) -> Bool {
        guard isValid else { return false }
        for (key, value) in matchLabels where labels[key] != value { return false }
        for requirement in requirements where !requirement.matches(labels) { return false }
        return true
    }

    /// `app=web,tier in (a,b)`; `(everything)` for `{}`; `(invalid)` for an invalid selector.
    public var description: String {
        guard isValid else { return "(invalid)" }
        let terms = matchLabels.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" } + requirements.map(\.description)
        return terms.isEmpty ? "(everything)" : terms.joined(separator: ",")
    }
}
