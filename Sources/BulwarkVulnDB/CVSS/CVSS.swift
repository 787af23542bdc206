import BulwarkCore

/// CVSS base scores computed from vectors (v3.0/v3.1 and v4.0), and the qualitative rating.
///
/// Advisories carry vectors more often than scores (OSV's `severity[].score` is the vector), and
/// sources disagree on the scores they print, so Bulwark computes the score itself, exactly as
/// the specifications and FIRST's reference calculators do.
public enum CVSS {
    /// The CVSS versions Bulwark scores. v2 vectors (no `CVSS:` prefix) are not scored.
    public enum Version: String, Sendable, Hashable, CaseIterable {
        case v3_0 = "3.0"
        case v3_1 = "3.1"
        case v4_0 = "4.0"
    }

    /// The base score of a `CVSS:3.x/…` or `CVSS:4.0/…` vector; nil when the vector is not valid.
    /// For v4.0 this is CVSS-B: threat, environmental and supplemental metrics in the vector are
    /// checked but do not change the score (see `Vector.score` for the score with them).
    public static func baseScore(_ vector: String) -> Double? {
        (try? Vector(vector))?.baseScore
    }

    /// The qualitative rating of a score (CVSS v3.1 §5 and v4.0 §6 share the table): 0.0 None
    /// (`.info`), 0.1–3.9 Low, 4.0–6.9 Medium, 7.0–8.9 High, 9.0–10.0 Critical.
    public static func rating(_ score: Double) -> Severity {
        if score >= 9.0 { return .critical }
        if score >= 7.0 { return .high }
        if score >= 4.0 { return .medium }
        if score > 0 { return .low }
        return .info
    }
}

extension CVSS {
    /// Why a vector string was refused.
    public enum VectorError: Error, Sendable, Hashable, CustomStringConvertible {
        /// Nothing but blanks.
        case empty
        /// Not `CVSS:3.0/`, `CVSS:3.1/` or `CVSS:4.0/` (v2 vectors have no prefix).
        case unsupportedPrefix(String)
        /// A part that is not `METRIC:VALUE` (also an empty part from `//` or a trailing `/`).
        case malformedPart(String)
        case unknownMetric(String)
        case invalidValue(metric: String, value: String)
        case duplicateMetric(String)
        /// Base metrics the vector lacks, in the specification's order.
        case missingMetrics([String])
        /// v4.0 requires the specification's order; the metric named came too late.
        case outOfOrder(String)

        public var description: String {
            switch self {
            case .empty: "the CVSS vector is empty"
            case .unsupportedPrefix(let prefix): "\"\(prefix)\" is not a CVSS:3.0, CVSS:3.1 or CVSS:4.0 vector prefix"
            case .malformedPart(let part): "\"\(part)\" is not METRIC:VALUE"
            case .unknownMetric(let metric): "\(metric) is not a metric of this CVSS version"
            case .invalidValue(let metric, let value): "\(value) is not a value of \(metric)"
            case .duplicateMetric(let metric): "\(metric) is given twice"
            case .missingMetrics(let metrics): "the base metric\(metrics.count == 1 ? "" : "s") \(metrics.joined(separator: ", ")) "
                + "\(metrics.count == 1 ? "is" : "are") missing"
            case .outOfOrder(let metric): "\(metric) is out of the CVSS v4.0 metric order"
            }
        }
    }

    /// A parsed, validated CVSS vector.
    public struct Vector: Sendable, Hashable, CustomStringConvertible {
        public let version: Version
        /// Metric abbreviation to value, as written (`AV` → `N`).
        public let metrics: [String: String]
        /// The vector as given, without surrounding blanks.
        public let description: String

        public init(_ text: String) throws(VectorError) {
            // Bytes, not Characters: a vector is ASCII, and grapheme breaking cost more than the scoring.
            let bytes = Array(text.utf8)
            let blank: (UInt8) -> Bool = { $0 == 0x20 || ($0 >= 0x09 && $0 <= 0x0D) }
            let start = bytes.firstIndex(where: { !blank($0) }) ?? bytes.count
            let end = bytes.lastIndex(where: { !blank($0) }).map { $0 + 1 } ?? start
            let trimmed = bytes[start..<max(start, end)]
            guard !trimmed.isEmpty else { throw .empty }
            var parts = trimmed.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: false)
                .map { String(decoding: $0, as: UTF8.self) }
            let prefix = parts.removeFirst()
            switch prefix {
            case "CVSS:3.0": version = .v3_0
            case "CVSS:3.1": version = .v3_1
            case "CVSS:4.0": version = .v4_0
            default: throw .unsupportedPrefix(prefix)
            }
            let definitions = version == .v4_0 ? CVSS4.metrics : CVSS3.metrics
            let positions = version == .v4_0 ? CVSS4.positions : CVSS3.positions
            var metrics: [String: String] = [:]
            var position = 0
            for part in parts {
                let pair = part.utf8.split(separator: UInt8(ascii: ":"), omittingEmptySubsequences: false)
                guard pair.count == 2, !pair[0].isEmpty, !pair[1].isEmpty else { throw .malformedPart(part) }
                let name = String(decoding: pair[0], as: UTF8.self), value = String(decoding: pair[1], as: UTF8.self)
                guard let index = positions[name] else { throw .unknownMetric(name) }
                guard metrics[name] == nil else { throw .duplicateMetric(name) }
                guard definitions[index].values.contains(value) else { throw .invalidValue(metric: name, value: value) }
                if version == .v4_0 {
                    // FIRST's v4.0 calculator: metrics in the specification's order, the base ones first.
                    guard index >= position else { throw .outOfOrder(name) }
                    let skippedBase = definitions[position..<index].filter(\.isBase).map(\.name)
                    guard skippedBase.isEmpty else { throw .missingMetrics(skippedBase) }
                    position = index + 1
                }
                metrics[name] = value
            }
            let missing = definitions.filter { $0.isBase && metrics[$0.name] == nil }.map(\.name)
            guard missing.isEmpty else { throw .missingMetrics(missing) }
            self.metrics = metrics
            description = String(decoding: trimmed, as: UTF8.self)
        }

        /// The base score: v3.x per the specification's §7.1 formulas with Roundup as defined in
        /// v3.1 Appendix A; v4.0 CVSS-B (base metrics only) per FIRST's reference calculator.
        public var baseScore: Double {
            switch version {
            case .v3_0, .v3_1: CVSS3.baseScore(metrics)
            case .v4_0: CVSS4.score(metrics, baseOnly: true)
            }
        }

        /// The score with every metric the vector gives: for v4.0 the CVSS-BT/BE/BTE score FIRST's
        /// calculator shows; for v3.x the base score (temporal and environmental scores are not
        /// computed).
        public var score: Double {
            switch version {
            case .v3_0, .v3_1: CVSS3.baseScore(metrics)
            case .v4_0: CVSS4.score(metrics, baseOnly: false)
            }
        }

        public var rating: Severity { CVSS.rating(baseScore) }
    }

    /// One metric of a version: its abbreviation, allowed values, and whether the base group needs it.
    struct Metric: Sendable {
        /// Metric name to its position in `metrics`.
        static func positions(_ metrics: [Metric]) -> [String: Int] {
            Dictionary(uniqueKeysWithValues: metrics.enumerated().map { ($1.name, $0) })
        }

        let name: String
        let values: [String]
        let isBase: Bool

        init(_ name: String, _ values: [String], base: Bool = false) {
            self.name = name
            self.values = values
            isBase = base
        }
    }
}
