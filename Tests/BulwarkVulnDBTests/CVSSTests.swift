import BulwarkCore
@testable import BulwarkVulnDB
import Testing

struct ScoredVector: CustomTestStringConvertible, Sendable {
    let vector: String
    let score: Double

    init(_ vector: String, _ score: Double) {
        self.vector = vector
        self.score = score
    }

    var testDescription: String { "\(vector) = \(score)" }
}

@Suite struct CVSSTests {
    /// v3.x vectors with the base scores NVD and FIRST's v3.1 calculator show.
    static let v3: [ScoredVector] = [
        .init("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", 9.8),
        .init("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H", 10.0),
        .init("CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:U/C:H/I:H/A:H", 8.8),
        .init("CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H", 8.8),
        .init("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N", 7.5),
        .init("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H", 7.5),
        .init("CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N", 6.1),
        .init("CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:C/C:L/I:L/A:N", 6.4),
        .init("CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H", 7.8),
        .init("CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:H/A:H", 8.1),
        .init("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:L/I:N/A:N", 5.3),
        .init("CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:N/A:N", 5.9),
        .init("CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:N/I:N/A:H", 5.5),
        .init("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:N", 0.0),
        .init("CVSS:3.1/AV:P/AC:H/PR:H/UI:R/S:U/C:L/I:N/A:N", 1.6),
        .init("CVSS:3.1/AV:N/AC:L/PR:H/UI:N/S:U/C:H/I:H/A:H", 7.2),
        .init("CVSS:3.1/AV:A/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", 8.8),
        .init("CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:C/C:H/I:H/A:H", 9.9),
        .init("CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:U/C:N/I:H/A:N", 6.5),
        .init("CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:U/C:L/I:L/A:N", 5.4),
        .init("CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", 9.8),
        .init("CVSS:3.0/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N", 6.1),
        // Temporal and environmental metrics are accepted, in any order, and do not change the base score.
        .init("CVSS:3.1/S:U/AV:N/AC:L/PR:N/UI:N/C:H/I:H/A:H/E:P/RL:O/RC:C/CR:H/MAV:L", 9.8),
    ]

    /// v4.0 vectors with the CVSS-B scores FIRST's calculator shows (as recorded in the test data
    /// of RedHatProductSecurity/cvss, `tests/vectors_simple4`, generated with that calculator).
    static let v4: [ScoredVector] = [
        .init("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:H/SI:H/SA:H", 10.0),
        .init("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:L/VI:H/VA:L/SC:N/SI:H/SA:L", 9.2),
        .init("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:L/VI:L/VA:L/SC:H/SI:N/SA:L", 7.8),
        .init("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:L/VI:L/VA:N/SC:N/SI:L/SA:N", 6.9),
        .init("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:N/VI:N/VA:N/SC:H/SI:L/SA:H", 7.9),
        .init("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:A/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N", 8.6),
        .init("CVSS:4.0/AV:N/AC:L/AT:N/PR:L/UI:N/VC:L/VI:N/VA:N/SC:N/SI:N/SA:H", 6.3),
        .init("CVSS:4.0/AV:N/AC:L/AT:N/PR:L/UI:A/VC:H/VI:H/VA:H/SC:H/SI:N/SA:H", 9.3),
        .init("CVSS:4.0/AV:N/AC:L/AT:N/PR:H/UI:P/VC:L/VI:L/VA:N/SC:L/SI:N/SA:N", 4.8),
        .init("CVSS:4.0/AV:N/AC:L/AT:P/PR:N/UI:A/VC:N/VI:N/VA:N/SC:L/SI:N/SA:N", 2.1),
        .init("CVSS:4.0/AV:N/AC:L/AT:P/PR:L/UI:N/VC:N/VI:N/VA:N/SC:N/SI:L/SA:N", 2.3),
        .init("CVSS:4.0/AV:N/AC:L/AT:P/PR:H/UI:A/VC:N/VI:L/VA:L/SC:L/SI:N/SA:N", 1.8),
        .init("CVSS:4.0/AV:N/AC:H/AT:N/PR:N/UI:N/VC:H/VI:H/VA:N/SC:L/SI:H/SA:L", 9.4),
        .init("CVSS:4.0/AV:N/AC:H/AT:N/PR:H/UI:A/VC:N/VI:N/VA:N/SC:N/SI:H/SA:N", 4.0),
        .init("CVSS:4.0/AV:N/AC:H/AT:P/PR:N/UI:N/VC:H/VI:H/VA:H/SC:H/SI:L/SA:N", 9.5),
        .init("CVSS:4.0/AV:N/AC:L/AT:P/PR:N/UI:P/VC:L/VI:L/VA:N/SC:H/SI:N/SA:N", 4.9),
        .init("CVSS:4.0/AV:P/AC:L/AT:N/PR:H/UI:N/VC:N/VI:N/VA:N/SC:N/SI:H/SA:N", 4.1),
        .init("CVSS:4.0/AV:P/AC:L/AT:P/PR:L/UI:P/VC:N/VI:N/VA:N/SC:L/SI:N/SA:L", 1.0),
        .init("CVSS:4.0/AV:P/AC:H/AT:P/PR:N/UI:N/VC:H/VI:H/VA:N/SC:H/SI:H/SA:H", 7.2),
        .init("CVSS:4.0/AV:P/AC:H/AT:P/PR:N/UI:A/VC:H/VI:L/VA:H/SC:N/SI:L/SA:N", 4.6),
        .init("CVSS:4.0/AV:P/AC:H/AT:N/PR:H/UI:A/VC:N/VI:N/VA:N/SC:N/SI:N/SA:N", 0.0),
        // Threat, environmental and supplemental metrics are checked, and CVSS-B ignores them.
        .init("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/E:U/CR:L/MAV:P/S:P/U:Amber", 9.3),
    ]

    static let malformed: [(String, CVSS.VectorError)] = [
        ("", .empty),
        ("AV:N/AC:L/Au:N/C:P/I:P/A:P", .unsupportedPrefix("AV:N")),
        ("CVSS:2.0/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", .unsupportedPrefix("CVSS:2.0")),
        ("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H", .missingMetrics(["A"])),
        ("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/", .malformedPart("")),
        ("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/A:L", .duplicateMetric("A")),
        ("CVSS:3.1/AV:X/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", .invalidValue(metric: "AV", value: "X")),
        ("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/AT:N", .unknownMetric("AT")),
        ("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A", .malformedPart("A")),
        ("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H:H", .malformedPart("A:H:H")),
        ("cvss:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", .unsupportedPrefix("cvss:3.1")),
        ("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N", .missingMetrics(["SA"])),
        ("CVSS:4.0/AC:L/AV:N/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N", .missingMetrics(["AV"])),
        ("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/CR:H/E:A", .outOfOrder("E")),
        ("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/MSI:Q", .invalidValue(metric: "MSI", value: "Q")),
        ("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:S/SA:N", .invalidValue(metric: "SI", value: "S")),
        ("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/S:U", .invalidValue(metric: "S", value: "U")),
        ("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/C:H", .unknownMetric("C")),
    ]

    @Test(arguments: v3) func v3BaseScoresMatchTheSpecification(_ row: ScoredVector) {
        #expect(CVSS.baseScore(row.vector) == row.score)
    }

    @Test(arguments: v4) func v4BaseScoresMatchFIRSTsCalculator(_ row: ScoredVector) {
        #expect(CVSS.baseScore(row.vector) == row.score)
    }

    @Test func malformedVectorsHaveNoScoreAndSayWhy() {
        for (vector, error) in Self.malformed {
            #expect(CVSS.baseScore(vector) == nil, "\(vector)")
            #expect(throws: error, "\(vector)") { try CVSS.Vector(vector) }
        }
        #expect(CVSS.VectorError.missingMetrics(["AV", "AC"]).description == "the base metrics AV, AC are missing")
    }

    @Test func blanksAroundAVectorAreIgnored() {
        #expect(CVSS.baseScore("  CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H\n") == 9.8)
    }

    @Test func threatMetricsLowerTheFullV4ScoreButNotTheBaseScore() throws {
        let vector = try CVSS.Vector("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/E:U")
        #expect(vector.baseScore == 9.3)
        #expect(vector.score < vector.baseScore)
        #expect(vector.version == .v4_0)
        #expect(vector.metrics["E"] == "U")
    }

    @Test func ratingsFollowTheQualitativeScale() {
        #expect(CVSS.rating(0.0) == .info)
        #expect(CVSS.rating(0.1) == .low)
        #expect(CVSS.rating(3.9) == .low)
        #expect(CVSS.rating(4.0) == .medium)
        #expect(CVSS.rating(6.9) == .medium)
        #expect(CVSS.rating(7.0) == .high)
        #expect(CVSS.rating(8.9) == .high)
        #expect(CVSS.rating(9.0) == .critical)
        #expect(CVSS.rating(10.0) == .critical)
        #expect((try? CVSS.Vector("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"))?.rating == .critical)
    }

    @Test func roundUpAvoidsFloatingPointArtefacts() {
        #expect(CVSS3.roundUp(4.000000000000001) == 4.0)
        #expect(CVSS3.roundUp(4.02) == 4.1)
        #expect(CVSS3.roundUp(4.0) == 4.0)
    }

    @Test func tablesAreLargeEnough() {
        #expect(Self.v3.count >= 15)
        #expect(Self.v4.count >= 15)
        #expect(CVSS4.lookup.count == 270)
    }
}
