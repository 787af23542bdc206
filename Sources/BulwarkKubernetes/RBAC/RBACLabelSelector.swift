import BulwarkCore

/// The part of `metav1.LabelSelector` that `aggregationRule.clusterRoleSelectors` needs:
/// `matchLabels` and `matchExpressions` (In, NotIn, Exists, DoesNotExist), all of which must hold.
/// An empty selector matches every label set; an invalid one (unknown operator, In/NotIn without
/// values) matches nothing, as `LabelSelectorAsSelector` fails on it.
///
/// Kept internal to the RBAC code; a shared `LabelSelector` model may replace it.
struct RBACLabelSelector: Sendable, Hashable {
    private enum Requirement: Hashable {
        case equals(String, String)
        case `in`(String, Set<String>)
        case notIn(String, Set<String>)
        case exists(String)
        case doesNotExist(String)
        case invalid
    }

    private let requirements: [Requirement]

    init(_ node: YAMLNode) {
        guard node.isMapping else {
            requirements = node.isNull ? [] : [.invalid]
            return
        }
        var requirements: [Requirement] = []
        for pair in node["matchLabels"]?.pairs ?? [] {
            guard let key = pair.key.scalar, let value = pair.value.scalar else {
                requirements.append(.invalid)
                continue
            }
            requirements.append(.equals(key, value))
        }
        for expression in node["matchExpressions"]?.items ?? [] {
            guard let key = expression["key"]?.string else {
                requirements.append(.invalid)
                continue
            }
            let values = Set(expression["values"]?.items.compactMap(\.scalar) ?? [])
            switch expression["operator"]?.string {
            case "In": requirements.append(values.isEmpty ? .invalid : .in(key, values))
            case "NotIn": requirements.append(values.isEmpty ? .invalid : .notIn(key, values))
            case "Exists": requirements.append(values.isEmpty ? .exists(key) : .invalid)
            case "DoesNotExist": requirements.append(values.isEmpty ? .doesNotExist(key) : .invalid)
            default: requirements.append(.invalid)
            }
        }
        self.requirements = requirements
    }

    init(matchLabels: [String: String]) {
        requirements = matchLabels.sorted { $0.key < $1.key }.map { .equals($0.key, $0.value) }
    }

    /// What a label set must carry for the selector to match it, for finding candidates in an index.
    enum Anchor: Equatable {
        /// An invalid selector: nothing matches.
        case nothing
        /// The key with one of the values (a `matchLabels` pair, or an `In` requirement).
        case label(String, [String])
        /// The key, with any value (`Exists`).
        case key(String)
        /// No positive requirement: every label set may match.
        case everything
    }

    /// The narrowest requirement to look candidates up by: a `matchLabels` pair, else the `In`
    /// with the fewest values, else an `Exists`.
    var anchor: Anchor {
        if requirements.contains(.invalid) { return .nothing }
        var best: Anchor = .everything
        for requirement in requirements {
            switch requirement {
            case .equals(let key, let value):
                return .label(key, [value])
            case .in(let key, let values):
                if case .label(_, let current) = best, current.count <= values.count { continue }
                best = .label(key, values.sorted())
            case .exists(let key):
                if best == .everything { best = .key(key) }
            case .notIn, .doesNotExist, .invalid:
                continue
            }
        }
        return best
    }

    func matches(_ labels: [String: String]) -> Bool {
        requirements.allSatisfy { requirement in
            switch requirement {
            case .equals(let key, let value): labels[key] == value
            case .in(let key, let values): labels[key].map(values.contains) ?? false
            case .notIn(let key, let values): labels[key].map { !values.contains($0) } ?? true
            case .exists(let key): labels[key] != nil
            case .doesNotExist(let key): labels[key] == nil
            case .invalid: false
            }
        }
    }
}
