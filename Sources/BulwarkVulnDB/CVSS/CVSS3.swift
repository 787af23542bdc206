import Foundation

/// CVSS v3.0 and v3.1 base scores (https://www.first.org/cvss/v3.1/specification-document §7.1,
/// §7.4 weights, Appendix A Roundup). The base equations are the same in both versions; v3.1 only
/// changed Roundup to avoid floating-point artefacts, and Bulwark uses that Roundup for both.
enum CVSS3 {
    /// Base, temporal and environmental metrics with their values (any order in the vector, as
    /// FIRST's v3 calculator accepts).
    static let metrics: [CVSS.Metric] = [
        .init("AV", ["N", "A", "L", "P"], base: true),
        .init("AC", ["L", "H"], base: true),
        .init("PR", ["N", "L", "H"], base: true),
        .init("UI", ["N", "R"], base: true),
        .init("S", ["U", "C"], base: true),
        .init("C", ["H", "L", "N"], base: true),
        .init("I", ["H", "L", "N"], base: true),
        .init("A", ["H", "L", "N"], base: true),
        .init("E", ["X", "U", "P", "F", "H"]),
        .init("RL", ["X", "O", "T", "W", "U"]),
        .init("RC", ["X", "U", "R", "C"]),
        .init("CR", ["X", "L", "M", "H"]),
        .init("IR", ["X", "L", "M", "H"]),
        .init("AR", ["X", "L", "M", "H"]),
        .init("MAV", ["X", "N", "A", "L", "P"]),
        .init("MAC", ["X", "L", "H"]),
        .init("MPR", ["X", "N", "L", "H"]),
        .init("MUI", ["X", "N", "R"]),
        .init("MS", ["X", "U", "C"]),
        .init("MC", ["X", "N", "L", "H"]),
        .init("MI", ["X", "N", "L", "H"]),
        .init("MA", ["X", "N", "L", "H"]),
    ]

    static let positions = CVSS.Metric.positions(metrics)

    /// `metrics` has been validated: every base metric is present with a listed value.
    static func baseScore(_ metrics: [String: String]) -> Double {
        let changed = metrics["S"] == "C"
        let attackVector: Double = switch metrics["AV"] {
        case "N": 0.85
        case "A": 0.62
        case "L": 0.55
        default: 0.2
        }
        let attackComplexity = metrics["AC"] == "L" ? 0.77 : 0.44
        let privileges: Double = switch metrics["PR"] {
        case "N": 0.85
        case "L": changed ? 0.68 : 0.62
        default: changed ? 0.5 : 0.27
        }
        let interaction = metrics["UI"] == "N" ? 0.85 : 0.62
        func impact(_ value: String?) -> Double {
            switch value {
            case "H": 0.56
            case "L": 0.22
            default: 0
            }
        }
        let iss = 1 - ((1 - impact(metrics["C"])) * (1 - impact(metrics["I"])) * (1 - impact(metrics["A"])))
        let impactScore = changed ? 7.52 * (iss - 0.029) - 3.25 * pow(iss - 0.02, 15) : 6.42 * iss
        let exploitability = 8.22 * attackVector * attackComplexity * privileges * interaction
        guard impactScore > 0 else { return 0 }
        return changed ? roundUp(min(1.08 * (impactScore + exploitability), 10)) : roundUp(min(impactScore + exploitability, 10))
    }

    /// v3.1 Appendix A: the smallest number with one decimal that is not below `value`, computed
    /// on integers so that `4.000000000000001` is 4.0, not 4.1.
    static func roundUp(_ value: Double) -> Double {
        let integer = Int((value * 100_000).rounded())
        if integer % 10_000 == 0 { return Double(integer) / 100_000.0 }
        return (Double(integer / 10_000) + 1) / 10.0
    }
}
