@testable import BulwarkAdmission
import Testing

/// cel-python reads `has(a.b.c)` with `a.b` missing as false where cel-go (the API server) fails
/// with "no such key" (docs/facts.md), so the differential test cannot see a missing guard. This
/// suite checks the generated expressions themselves: every field read (`x.f` as a value) is
/// guarded by `has(x.f)` earlier in the same conjunction, by `!has(x.f) || …`, or by the condition
/// of a conditional; every `has(x.f)` needs `x` itself readable.
@Suite struct AdmissionPolicyGuardTests {
    /// Paths read without a guard that API validation guarantees before validating admission runs.
    static let alwaysPresent: Set<String> = [
        "object.kind", "object.spec", "object.template", "object.template.spec", "object.spec.template",
        "object.spec.template.spec", "object.spec.jobTemplate", "object.spec.jobTemplate.spec",
        "object.spec.jobTemplate.spec.template", "object.spec.jobTemplate.spec.template.spec",
    ]

    @Test func everyFieldReadIsGuarded() {
        var problems: [String] = []
        for variable in CELPolicyVariables.all {
            problems += Self.unguarded(variable.expression, guarded: []).map { "variable \(variable.name): \($0)" }
        }
        for translation in CELRuleTranslations.all {
            problems += Self.unguarded(translation.expression, guarded: []).map { "\(translation.rule): \($0)" }
            problems += Self.unguarded(translation.messageExpression, guarded: []).map { "\(translation.rule) message: \($0)" }
        }
        #expect(problems.isEmpty, "\(problems.joined(separator: "\n"))")
    }

    @Test func aMissingGuardIsFound() {
        let unguarded = CELExpr.ident("c").path("securityContext", "privileged").eq(.bool(true))
        #expect(Self.unguarded(unguarded, guarded: []) == ["c.securityContext.privileged", "c.securityContext"])
        let guarded = CELExpr.ident("c").field(["securityContext", "privileged"], equals: .bool(true))
        #expect(Self.unguarded(guarded, guarded: []).isEmpty)
    }

    /// The field reads of `expression` that are not guarded.
    static func unguarded(_ expression: CELExpr, guarded: Set<String>) -> [String] {
        switch expression {
        case .ident, .string, .int, .bool, .stringSet:
            return []
        case .select(let base, _):
            return needsGuard(expression, guarded) + unguarded(base, guarded: guarded)
        case .has(let base, _):
            // has(x.f) needs x to exist, as a read of x does.
            return unguarded(base, guarded: guarded)
        case .index(let base, let key):
            return unguarded(base, guarded: guarded) + unguarded(key, guarded: guarded)
        case .list(let items):
            return items.flatMap { unguarded($0, guarded: guarded) }
        case .or(let items):
            // `!has(x.f) || x.f …`: past a false `!has`, the field exists.
            var known = guarded
            var problems: [String] = []
            for item in items {
                problems += unguarded(item, guarded: known)
                if case .not(let negated) = item { known.formUnion(guards(negated)) }
            }
            return problems
        case .and(let items):
            var known = guarded
            var problems: [String] = []
            for item in items {
                problems += unguarded(item, guarded: known)
                known.formUnion(guards(item))
            }
            return problems
        case .not(let operand), .size(let operand):
            return unguarded(operand, guarded: guarded)
        case .compare(let lhs, _, let rhs), .isIn(let lhs, let rhs), .plus(let lhs, let rhs), .call(let lhs, _, let rhs):
            return unguarded(lhs, guarded: guarded) + unguarded(rhs, guarded: guarded)
        case .macro(let range, _, _, let body):
            return unguarded(range, guarded: guarded) + unguarded(body, guarded: guarded)
        case .conditional(let condition, let then, let otherwise):
            return unguarded(condition, guarded: guarded) + unguarded(then, guarded: guarded.union(guards(condition)))
                + unguarded(otherwise, guarded: guarded)
        }
    }

    /// `[path]` when the read `select` needs a guard that is missing (variables always exist).
    private static func needsGuard(_ select: CELExpr, _ guarded: Set<String>) -> [String] {
        if case .select(.ident("variables"), _) = select { return [] }
        // The name of a container picked from a list (required by API validation).
        if case .select(.index, "name") = select { return [] }
        let path = select.rendered
        return guarded.contains(path) || alwaysPresent.contains(path) ? [] : [path]
    }

    /// The paths `expression` proves present when it is true.
    private static func guards(_ expression: CELExpr) -> Set<String> {
        switch expression {
        case .has(let base, let name): return [CELExpr.select(base, name).rendered]
        case .and(let items): return items.reduce(into: Set<String>()) { $0.formUnion(guards($1)) }
        default: return []
        }
    }
}
