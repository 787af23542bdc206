/// A worst-case cost estimate of a `CELExpr`, modelled on Kubernetes' (cel-go's `checker/cost.go`
/// with the API server's size bounds), so that no generated expression can be stopped by the API
/// server's cost limits on a large object. The facts and where they come from: `docs/facts.md`,
/// "CEL cost limits of admission policies".
///
/// The unit is cel-go's: one per variable, field selection, `has()`, comparison and call; 10 for a
/// list literal, 30 for a map literal; a macro costs per iteration; string functions cost a tenth
/// of the bytes they traverse. A list read from the request has no `maxItems` in the built-in
/// types' schemas, so, as Kubernetes does, it is bounded by the largest list a 3 MiB request
/// could hold: (3 MiB − 2) / (smallest element + 1 comma). Kubernetes takes 2 bytes (`{}`, `""`)
/// as the smallest element; here the lists whose elements have required fields that API
/// validation checks before validating admission runs are bounded by the smallest valid element
/// (`minimumElementBytes`: a container needs a name and an image, `{"name":"a","image":"a"}`).
///
/// One deliberate difference: cel-go multiplies the sizes of nested comprehensions (containers ×
/// ports is costed as N²), and costs `a + b + c` of three request lists as 3N. Both lists live in
/// the same request, so together they can never hold more than N elements: here every
/// comprehension over request data is costed at N iterations in total, however deeply it is
/// nested, and a concatenation of request lists is one list of N. That bound is sound for the
/// runtime cost the API server enforces, and it is why the estimate is compared with
/// `staticEstimatedCostLimit` rather than with cel-go's own (far larger) estimate.
public enum CELCost {
    /// `PerCallLimit` (k8s.io/apiserver/pkg/apis/cel/config.go): the runtime cost one expression may use.
    public static let perCallLimit = 1_000_000
    /// `RuntimeCELCostBudget`: the runtime cost of all expressions of one policy evaluation.
    public static let runtimeCostBudget = 10_000_000
    /// `StaticEstimatedCostLimit` (apiextensions validation): the largest estimated cost of one expression.
    public static let staticEstimatedCostLimit = 10_000_000
    /// `MaxRequestSizeBytes`: 3 MiB.
    public static let maxRequestSizeBytes = 3 * 1024 * 1024
    /// The longest list a request can hold (elements of 2 bytes).
    public static let maxListItems = (maxRequestSizeBytes - 2) / 3

    /// The smallest valid element of a request list, by the list's field name (or the generator's
    /// variable that holds it); lists not named here take 2 bytes.
    static let minimumElementBytes: [String: Int] = [
        "containers": 24, "initContainers": 24, "ephemeralContainers": 24, "podContainers": 24, // {"name":"a","image":"a"}
        "volumes": 12, // {"name":"a"}
        "ports": 19, // {"containerPort":1}
        "sysctls": 23, // {"name":"a","value":""}
    ]

    /// The policy variables that hold a map literal (a name set): `x in variables.name` is one lookup.
    static var setVariables: Set<String> { Set(CELPolicyVariables.sets.map(\.name)) }

    /// How many elements the list `range` can have at most.
    static func capacity(_ range: CELExpr) -> Int {
        switch range {
        case .list(let items): return items.count
        case .conditional(_, let then, _): return capacity(then)
        case .macro(let range, _, _, _): return capacity(range) // filter and map keep at most their range's size
        case .select(_, let name): return (maxRequestSizeBytes - 2) / ((minimumElementBytes[name] ?? 2) + 1)
        case .plus(let lhs, let rhs):
            // Two lists of the request share its 3 MiB: together no more than the larger bound.
            if case .list = lhs { return capacity(lhs) + capacity(rhs) }
            if case .list = rhs { return capacity(lhs) + capacity(rhs) }
            return max(capacity(lhs), capacity(rhs))
        default: return maxListItems
        }
    }
    /// The longest string a request can hold.
    public static let maxStringBytes = maxRequestSizeBytes - 2

    /// The estimated worst-case cost of `expression`.
    public static func estimate(_ expression: CELExpr) -> Int {
        let cost = walk(expression)
        return cost.local + cost.nested
    }

    /// `local`: the cost of one evaluation of the node, to be multiplied by the iterations of an
    /// enclosing comprehension. `nested`: the total of the comprehensions below, already costed
    /// for all their iterations (see the type's comment), never multiplied again.
    private struct Cost {
        var local = 0
        var nested = 0
        static func + (lhs: Cost, rhs: Cost) -> Cost { Cost(local: lhs.local + rhs.local, nested: lhs.nested + rhs.nested) }
    }

    private static func walk(_ expression: CELExpr) -> Cost {
        switch expression {
        case .ident:
            return Cost(local: 1)
        case .select(let base, _), .has(let base, _):
            return walk(base) + Cost(local: 1)
        case .index(let base, let key):
            return walk(base) + walk(key) + Cost(local: 1)
        case .string, .int, .bool:
            return Cost()
        case .list(let items):
            return items.reduce(Cost(local: 10)) { $0 + walk($1) }
        case .stringSet:
            return Cost(local: 30)
        case .not(let operand), .size(let operand):
            return walk(operand) + Cost(local: 1)
        case .and(let items), .or(let items):
            return items.reduce(Cost()) { $0 + walk($1) }
        case .compare(let lhs, _, let rhs):
            return walk(lhs) + walk(rhs) + Cost(local: 1 + stringTraversal(lhs, rhs))
        case .isIn(let element, let collection):
            switch collection {
            case .stringSet:
                return walk(element) + walk(collection) + Cost(local: 1)
            case .select(.ident("variables"), let name) where setVariables.contains(name):
                return walk(element) + walk(collection) + Cost(local: 1)
            case .list(let items):
                return walk(element) + walk(collection) + Cost(local: max(1, items.count))
            default:
                // A scan of a request list: like a comprehension, bounded by the request in total.
                return walk(element) + walk(collection) + Cost(local: 1, nested: capacity(collection))
            }
        case .macro(let range, let macro, _, let body):
            let rangeCost = walk(range)
            let bodyCost = walk(body)
            let iterations = capacity(range)
            // filter and map build a list as they go: one more unit per element.
            let perIteration = 1 + bodyCost.local + (macro == .filter || macro == .map ? 1 : 0)
            return Cost(local: rangeCost.local, nested: rangeCost.nested + iterations * perIteration + bodyCost.nested)
        case .conditional(let condition, let then, let otherwise):
            let thenCost = walk(then)
            let elseCost = walk(otherwise)
            return walk(condition) + Cost(local: max(thenCost.local, elseCost.local), nested: max(thenCost.nested, elseCost.nested))
        case .call(let target, let function, let argument):
            let traversal: Int
            let argumentLength = literalLength(argument) ?? maxStringBytes
            switch function {
            case .startsWith, .endsWith:
                traversal = tenth(min(argumentLength, maxStringBytes))
            case .contains, .matches:
                // The target is scanned once per byte of the pattern (cel-go: length × length × 0.1).
                traversal = tenth(maxStringBytes) * max(1, argumentLength)
            }
            return walk(target) + walk(argument) + Cost(local: 1 + traversal)
        case .plus(let lhs, let rhs):
            let isString = literalLength(lhs) != nil || literalLength(rhs) != nil
            return walk(lhs) + walk(rhs) + Cost(local: 1 + (isString ? tenth(maxStringBytes) : tenth(maxListItems)))
        }
    }

    /// A string comparison traverses the shorter operand; with a literal on one side that is the literal.
    private static func stringTraversal(_ lhs: CELExpr, _ rhs: CELExpr) -> Int {
        if let length = literalLength(lhs) ?? literalLength(rhs) { return tenth(length) }
        return 0
    }

    private static func literalLength(_ expression: CELExpr) -> Int? {
        if case .string(let text) = expression { return text.utf8.count }
        return nil
    }

    private static func tenth(_ value: Int) -> Int { (value + 9) / 10 }
}
