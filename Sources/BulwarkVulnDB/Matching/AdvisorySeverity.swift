import BulwarkCore

/// How severe one advisory is for one affected package, and what the judgement rests on.
///
/// Order of preference: the package's own `affected[].severity` vectors, then the record's
/// `severity[]` — within each CVSS v4.0 before v3.x, scored by `CVSS.baseScore` and rated by
/// `AdvisorySeverity.rating(score:)` — then a word the database gives (`database_specific`/
/// `ecosystem_specific.severity`, an `Ubuntu` severity entry). With none of these the severity
/// is `.medium` and `basis` is `.assumed`: an advisory with no severity is still a known
/// vulnerability, so it is not hidden below the default threshold, and reports can say why.
public struct AdvisorySeverity: Sendable, Hashable {
    public enum Basis: String, Sendable, Hashable {
        /// A CVSS vector was scored.
        case cvss
        /// The database's word (`HIGH`, `moderate`, `unimportant`).
        case database
        /// Nothing said how severe: `.medium` assumed.
        case assumed
    }

    public var severity: Severity
    public var basis: Basis
    public var score: Double?
    public var vector: String?

    /// The severity of `advisory` for the package `entry` describes (nil: the record's own).
    public static func of(_ advisory: Advisory, entry: AffectedPackage?) -> AdvisorySeverity {
        for scores in [entry?.severity ?? [], advisory.severity] {
            for type in ["CVSS_V4", "CVSS_V3"] {
                for candidate in scores where candidate.type == type {
                    if let score = CVSS.baseScore(candidate.score) {
                        return AdvisorySeverity(severity: rating(score: score), basis: .cvss, score: score, vector: candidate.score)
                    }
                }
            }
        }
        let words = [entry?.ecosystemSeverity, advisory.databaseSeverity]
            + (entry?.severity ?? []).filter { $0.type == "Ubuntu" }.map(\.score)
            + advisory.severity.filter { $0.type == "Ubuntu" }.map(\.score)
        for word in words.compactMap({ $0 }) {
            if let severity = severity(word: word) {
                return AdvisorySeverity(severity: severity, basis: .database, score: nil, vector: nil)
            }
        }
        return AdvisorySeverity(severity: .medium, basis: .assumed, score: nil, vector: nil)
    }

    /// CVSS qualitative rating (v3.1 and v4.0 share it): 0 none (`.info`), 0.1–3.9 low,
    /// 4.0–6.9 medium, 7.0–8.9 high, 9.0–10.0 critical.
    public static func rating(score: Double) -> Severity {
        switch score {
        case ..<0.1: .info
        case ..<4.0: .low
        case ..<7.0: .medium
        case ..<9.0: .high
        default: .critical
        }
    }

    /// Databases' words: GHSA (`CRITICAL`, `HIGH`, `MODERATE`, `LOW`), Debian's urgency
    /// (`unimportant`, `low`, `medium`, `high`, `low**`), Ubuntu's priority (`negligible`, …,
    /// `critical`), Red Hat's (`Important`); nil for words that say nothing (`not yet assigned`).
    public static func severity(word: String) -> Severity? {
        switch String(word.lowercased().filter { $0 != "*" && $0 != " " }) {
        case "critical": .critical
        case "high", "important": .high
        case "moderate", "medium": .medium
        case "low": .low
        case "negligible", "unimportant", "none", "informational": .info
        default: nil
        }
    }
}
