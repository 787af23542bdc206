/// Whether a version is inside an `affected[]` entry, by the OSV schema's evaluation
/// (https://ossf.github.io/osv-schema/#evaluation): listed in `versions[]`, or inside an
/// `ECOSYSTEM` or `SEMVER` range whose events, sorted by version, leave it affected.
///
/// Walking the sorted events: `introduced` (with `"0"` below every version) makes the version
/// affected when it is at or above it; `fixed` makes it unaffected at or above it;
/// `last_affected` makes it unaffected above it. `limit` events cap the range: the version must
/// be below one of them (`"*"` is no limit). Choices where the schema leaves room, each on the
/// side of reporting rather than missing:
/// - a range with no `introduced` event is read as starting at `"0"`;
/// - an entry with neither ranges nor versions affects every version;
/// - an event whose version does not parse under the scheme is reported (never guessed at), and
///   its range is not evaluated; the other ranges and `versions[]` still are.
/// `GIT` ranges name commits, never an installed package's version, and are not evaluated.
enum AffectedVersions {
    struct RangeProblem: Error {
        var message: String
    }

    struct Evaluation {
        var affected = false
        /// `fixed` versions above the installed one on the ranges that matched, lowest first.
        var fixed: [String] = []
        /// Why a range could not be evaluated.
        var problems: [String] = []
    }

    static func evaluate(_ entry: AffectedPackage, version: String, scheme: VersionScheme) -> Evaluation {
        var evaluation = Evaluation()
        let evaluable = entry.ranges.filter { $0.type == "ECOSYSTEM" || $0.type == "SEMVER" }
        if entry.ranges.isEmpty && entry.versions.isEmpty {
            evaluation.affected = true
            return evaluation
        }
        var fixedAbove: [String] = []
        for range in evaluable {
            let rangeScheme: VersionScheme = range.type == "SEMVER" ? .semver : scheme
            switch rangeIncludes(range.events, version: version, scheme: rangeScheme) {
            case .failure(let problem):
                evaluation.problems.append(problem.message)
            case .success(let result):
                if result.affected {
                    evaluation.affected = true
                    fixedAbove += result.fixedAbove
                }
            }
        }
        if !evaluation.affected, entry.versions.contains(where: { $0 == version || scheme.compare($0, version) == 0 }) {
            evaluation.affected = true
            // Listed explicitly: the fixes are those of the entry's ranges above the version.
            for range in evaluable {
                let rangeScheme: VersionScheme = range.type == "SEMVER" ? .semver : scheme
                for case .fixed(let fixed) in range.events where rangeScheme.compare(version, fixed) == -1 {
                    fixedAbove.append(fixed)
                }
            }
        }
        evaluation.fixed = sortedUnique(fixedAbove, scheme: scheme)
        return evaluation
    }

    /// Versions ordered lowest first, equal ones once (`1.0` and `1.0.0` under PEP 440).
    static func sortedUnique(_ versions: [String], scheme: VersionScheme) -> [String] {
        var out: [String] = []
        for version in versions.sorted(by: { (scheme.compare($0, $1) ?? ($0 < $1 ? -1 : 1)) < 0 })
        where !out.contains(where: { $0 == version || scheme.compare($0, version) == 0 }) {
            out.append(version)
        }
        return out
    }

    /// Whether one range's events include the version, and the `fixed` events above it.
    static func rangeIncludes(_ events: [RangeEvent], version: String, scheme: VersionScheme)
        -> Result<(affected: Bool, fixedAbove: [String]), RangeProblem>
    {
        var ordered: [RangeEvent] = []
        var limits: [String] = []
        for event in events {
            let value = event.version
            if case .introduced("0") = event {
                ordered.append(event)
                continue
            }
            if case .limit("*") = event {
                limits.append("*")
                continue
            }
            guard scheme.compare(value, value) != nil else {
                return .failure(RangeProblem(message: "range event \(event.label) \"\(value)\" does not parse as a \(scheme.rawValue) version; that range was not evaluated"))
            }
            if case .limit = event { limits.append(value) } else { ordered.append(event) }
        }
        if !ordered.contains(where: { if case .introduced = $0 { true } else { false } }) {
            ordered.insert(.introduced("0"), at: 0)
        }
        // Stable sort by version, "0" first; equal versions keep their written order.
        let sorted = ordered.enumerated().sorted { lhs, rhs in
            let order = eventOrder(lhs.element, rhs.element, scheme: scheme)
            return order != 0 ? order < 0 : lhs.offset < rhs.offset
        }.map(\.element)
        var affected = false
        for event in sorted {
            switch event {
            case .introduced(let value):
                if value == "0" || (scheme.compare(version, value) ?? -1) >= 0 { affected = true }
            case .fixed(let value):
                if (scheme.compare(version, value) ?? -1) >= 0 { affected = false }
            case .lastAffected(let value):
                if (scheme.compare(version, value) ?? -1) > 0 { affected = false }
            case .limit:
                break
            }
        }
        if affected, !limits.isEmpty, !limits.contains(where: { $0 == "*" || scheme.compare(version, $0) == -1 }) {
            affected = false
        }
        let fixedAbove = sorted.compactMap { event -> String? in
            guard case .fixed(let value) = event, scheme.compare(version, value) == -1 else { return nil }
            return value
        }
        return .success((affected, fixedAbove))
    }

    private static func eventOrder(_ lhs: RangeEvent, _ rhs: RangeEvent, scheme: VersionScheme) -> Int {
        let left = lhs.version, right = rhs.version
        let leftZero = lhs == .introduced("0"), rightZero = rhs == .introduced("0")
        if leftZero || rightZero { return leftZero == rightZero ? 0 : (leftZero ? -1 : 1) }
        return scheme.compare(left, right) ?? 0
    }
}

extension RangeEvent {
    /// The version the event names.
    var version: String {
        switch self {
        case .introduced(let value), .fixed(let value), .lastAffected(let value), .limit(let value): value
        }
    }

    /// The event's OSV key.
    var label: String {
        switch self {
        case .introduced: "introduced"
        case .fixed: "fixed"
        case .lastAffected: "last_affected"
        case .limit: "limit"
        }
    }
}
