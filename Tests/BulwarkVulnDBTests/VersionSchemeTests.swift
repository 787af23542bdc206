@testable import BulwarkVulnDB
import Testing

/// One row of an ordering table: `lhs op rhs` under a scheme.
struct OrderingCase: CustomTestStringConvertible, Sendable {
    let lhs: String
    let order: Int
    let rhs: String

    init(_ lhs: String, _ op: String, _ rhs: String) {
        self.lhs = lhs
        self.rhs = rhs
        order = op == "<" ? -1 : (op == "=" ? 0 : 1)
    }

    var testDescription: String { "\(lhs) \(["<", "=", ">"][order + 1]) \(rhs)" }

    /// Checks the row both ways round (an ordering must be antisymmetric).
    func check(_ scheme: VersionScheme) {
        #expect(scheme.compare(lhs, rhs) == order, "\(scheme): \(testDescription)")
        #expect(scheme.compare(rhs, lhs) == -order, "\(scheme): \(testDescription), reversed")
        #expect(scheme.isValid(lhs) && scheme.isValid(rhs))
    }
}

@Suite struct VersionSchemeTests {
    static let pep440: [OrderingCase] = [
        .init("1.0", "=", "1.0.0"), .init("1.0", "=", "v1.0"), .init("V1.0.0", "=", "1.0"), .init("  1.0\n", "=", "1.0"),
        .init("1.10", ">", "1.9"), .init("1.0.0.0.1", ">", "1.0"), .init("1.0a1", "<", "1.0"),
        .init("1.0.dev0", "<", "1.0a0"), .init("1.0.dev1", "<", "1.0.dev2"), .init("1.0a1.dev1", "<", "1.0a1"),
        .init("1.0a1", "<", "1.0b1"), .init("1.0b2", "<", "1.0rc1"), .init("1.0c1", "=", "1.0rc1"),
        .init("1.0.pre1", "=", "1.0rc1"), .init("1.0preview2", "=", "1.0rc2"), .init("1.0alpha1", "=", "1.0a1"),
        .init("1.0-beta.2", "=", "1.0b2"), .init("1.0RC1", "=", "1.0rc1"), .init("1.0a", "=", "1.0a0"),
        .init("1.0a.", "=", "1.0a0"), .init("1.0a-1", "=", "1.0a1"),
        .init("1.0", "<", "1.0.post1"), .init("1.0.post1", "=", "1.0-1"), .init("1.0.post1", "=", "1.0.rev1"),
        .init("1.0r", "=", "1.0.post0"), .init("1.0-r1", "=", "1.0.post1"), .init("1.0.post1.dev1", "<", "1.0.post1"),
        .init("1.0.post1", "<", "1.0.1"), .init("1.0a1.post1", ">", "1.0a1"), .init("1.0a1.post1", "<", "1.0a2"),
        .init("1.0", "<", "1.0+local"), .init("1.0+abc", "<", "1.0+1"), .init("1.0+1", "<", "1.0+2"),
        .init("1.0+1.2", ">", "1.0+1"), .init("1.0+abc.1", "<", "1.0+abc.2"), .init("1.0+ubuntu-1", "=", "1.0+ubuntu.1"),
        .init("1.0+01", "=", "1.0+1"), .init("1.0+ABC", "=", "1.0+abc"), .init("1.0+local", "<", "1.0.post1"),
        .init("1!0.9", ">", "2.0"), .init("2.0", "<", "1!1.0"), .init("0!1.0", "=", "1.0"),
        .init("1.0.dev0", "<", "1.0"), .init("99999999999999999999999.1", ">", "99999999999999999999998.2"),
        .init("0.15.2", "<", "0.15.3"), .init("0.12.2", "<", "2.3.2"),
    ]
    static let pep440Invalid = ["", "abc", "1.0-", "1..0", "1.0+", "1.0+a_", "1.0.x", "1.0 1", "1.0a1b1", "v", "1!", "!1", "1.0+ab+cd", "1.0-dev-+"]

    static let dpkg: [OrderingCase] = [
        .init("1.0~rc1", "<", "1.0"), .init("1.0~~", "<", "1.0~"), .init("1.0~", "<", "1.0"), .init("1.0~rc1", "<", "1.0~rc2"),
        .init("1:0.9", ">", "2.0"), .init("0:1.0", "=", "1.0"), .init("1.0", "=", "1.0-0"), .init("1.0-1", "<", "1.0-2"),
        .init("1.0-9", "<", "1.0-10"), .init("1.0a", ">", "1.0"), .init("1.0a", "<", "1.0+"), .init("1.0.1", ">", "1.0a"),
        .init("1.0+dfsg-1", "<", "1.0.1-1"), .init("2.30-21", ">", "2.30-3"), .init("1.2.3-1ubuntu1", ">", "1.2.3-1"),
        .init("1.2.3-1~deb12u1", "<", "1.2.3-1"), .init("3.0.11-1~deb12u2", "<", "3.0.11-1~deb12u3"),
        .init("3.0.11-1~deb12u2", ">", "3.0.9-1"), .init("1.01", "=", "1.1"), .init("1.0-1.1", ">", "1.0-1"),
        .init("1:1.0-1", ">", "1.0-99"), .init("10", ">", "9"), .init("1.0", "<", "1.0.0"), .init("7.6p2-4", ">", "7.6-0"),
        .init("0.5.0~git20200101", "<", "0.5.0"), .init("2.36.1-8+deb11u1", "<", "2.36.1-8+deb11u2"), .init("1:2:3", ">", "1:2.3"),
        .init("1.0-a-1", ">", "1.0-1"), .init("20240101120000000000000", ">", "20240101119999999999999"),
        .init("2.7.4-1.1+b1", ">", "2.7.4-1.1"), .init("1.0~beta", "<", "1.0~rc"),
    ]
    static let dpkgInvalid = ["", "  ", "a1.0", "1.0-", ":1.0", "x:1.0", "1:", "1.0 1", "1.0_1", "1.0-a_b", "-1", "99999999999:1.0"]

    static let apk: [OrderingCase] = [
        .init("1.0_rc1", "<", "1.0"), .init("1.0_alpha", "<", "1.0_beta"), .init("1.0_beta", "<", "1.0_pre"), .init("1.0_pre", "<", "1.0_rc"),
        .init("1.0", "<", "1.0_cvs"), .init("1.0_cvs", "<", "1.0_svn"), .init("1.0_svn", "<", "1.0_git"), .init("1.0_git", "<", "1.0_hg"),
        .init("1.0_hg", "<", "1.0_p"), .init("1.0", "<", "1.0_p1"), .init("1.0-r1", "<", "1.0-r2"), .init("1.0", "<", "1.0-r1"),
        .init("1.0", "<", "1.0-r0"), .init("1.0-r9", "<", "1.0-r10"), .init("1.0-r1", "<", "1.0_p1"), .init("1.2", "<", "1.2a"),
        .init("1.2a", "<", "1.2b"), .init("1.2z", "<", "1.3"), .init("1.01", "<", "1.1"), .init("1.10", ">", "1.9"),
        .init("1.0.0", ">", "1.0"), .init("2.34", ">", "0.1.0_alpha"), .init("1.0_alpha1", "<", "1.0_alpha2"),
        .init("1.0_rc1-r1", ">", "1.0_rc1"), .init("1.0_rc1-r5", "<", "1.0"), .init("1.0~abc", "<", "1.0~abd"),
        .init("1.0", "<", "1.0~abc"), .init("3.1.4-r0", "=", "3.1.4-r0"), .init("2.3.0b-r1", "<", "2.3.0b-r2"),
        .init("1.0_alpha_beta", "<", "1.0_alpha"), .init("3.0.15-r0", "<", "3.3.2-r0"), .init("1.36.1-r15", ">", "1.36.1-r2"),
    ]
    static let apkInvalid = ["", "a1", "1.0bc", "1.0b2", "1.0_foo", "1.0-1", "1.0-r", "1.0_", "1..0", "1.0~", "1.0~xyz", "1.0-r1_p1", ".1", "1.0_1"]

    static let rpm: [OrderingCase] = [
        .init("1.0", "<", "1.0.1"), .init("1.0~rc1", "<", "1.0"), .init("1.0^post1", ">", "1.0"), .init("1.0^post1", "<", "1.0.1"),
        .init("1.0~rc1", "<", "1.0~rc2"), .init("1:1.0", ">", "2.0"), .init("0:1.0", "=", "1.0"), .init("1.0-1", "<", "1.0-2"),
        .init("1.0", "=", "1.0-5"), .init("1.0a", "<", "1.0.1"), .init("1.0a", ">", "1.0"), .init("2.0.1", ">", "2.0"),
        .init("1.10", ">", "1.9"), .init("1.001", "=", "1.1"), .init("1.0-1.fc38", ">", "1.0-1.el9"),
        .init("5.3.28-1.el9", "<", "5.3.28-2.el9"), .init("1.0_1", "=", "1.0.1"), .init("a", "<", "b"), .init("1.0~~", "<", "1.0~"),
        .init("1.0^", ">", "1.0"), .init("1.0^a", "<", "1.0a"), .init("1.0", "<", "1.0a"), .init("2:0.1-1", ">", "1:9.9-9"),
        .init("1.0-1.el9_2", ">", "1.0-1.el9"), .init("1.0.1", ">", "1.0a"),
    ]
    static let rpmInvalid = ["", "1.0-", " 1.0", "-1", "1.0 1"]

    static let semver: [OrderingCase] = [
        .init("1.0.0-alpha", "<", "1.0.0-alpha.1"), .init("1.0.0-alpha.1", "<", "1.0.0-alpha.beta"),
        .init("1.0.0-alpha.beta", "<", "1.0.0-beta"), .init("1.0.0-beta", "<", "1.0.0-beta.2"), .init("1.0.0-beta.2", "<", "1.0.0-beta.11"),
        .init("1.0.0-beta.11", "<", "1.0.0-rc.1"), .init("1.0.0-rc.1", "<", "1.0.0"), .init("1.0.0+build.5", "=", "1.0.0"),
        .init("1.0.0-rc.1+b", "=", "1.0.0-rc.1"), .init("2.0.0", ">", "1.99.99"), .init("1.10.0", ">", "1.9.0"),
        .init("v1.2.3", "=", "1.2.3"), .init("1.0.0-1", "<", "1.0.0-a"), .init("1.0.0-2", "<", "1.0.0-10"),
        .init("1.0.0-a-b", ">", "1.0.0-a"), .init("0.0.1", "<", "0.1.0"), .init("1.0.0-Z", "<", "1.0.0-a"),
        .init("1.2.3-0", "<", "1.2.3"), .init("1.2.3", "<", "1.2.4-0"), .init("10.0.0", ">", "9.9.9"),
        .init("1.0.0-x.7.z.92", "=", "1.0.0-x.7.z.92+exp.sha.5114f85"), .init("1.0.0-alpha.0", "<", "1.0.0-alpha.1"),
        .init("123456789012345678901234.0.0", ">", "123456789012345678901233.9.9"), .init("1.0.0-beta", ">", "1.0.0-Beta"),
        .init("0.0.0", "<", "0.0.1-0"),
    ]
    static let semverInvalid = ["", "1.0", "01.0.0", "1.0.0-01", "1.0.0-", "1.0.0+", "1.0.0-a..b", "1.0.0.0", "a.b.c", "1.0.0+a_b"]

    @Test(arguments: pep440) func pep440Orders(_ row: OrderingCase) { row.check(.pep440) }
    @Test(arguments: dpkg) func dpkgOrders(_ row: OrderingCase) { row.check(.dpkg) }
    @Test(arguments: apk) func apkOrders(_ row: OrderingCase) { row.check(.apk) }
    @Test(arguments: rpm) func rpmOrders(_ row: OrderingCase) { row.check(.rpm) }
    @Test(arguments: semver) func semverOrders(_ row: OrderingCase) { row.check(.semver) }

    @Test func invalidVersionsHaveNoOrder() {
        for (scheme, invalid) in [(VersionScheme.pep440, Self.pep440Invalid), (.dpkg, Self.dpkgInvalid), (.apk, Self.apkInvalid),
                                  (.rpm, Self.rpmInvalid), (.semver, Self.semverInvalid)] {
            for version in invalid {
                #expect(!scheme.isValid(version), "\(scheme) accepts \"\(version)\"")
                #expect(scheme.compare(version, "1.0.0") == nil, "\(scheme) orders \"\(version)\"")
                #expect(scheme.compare("1.0.0", version) == nil, "\(scheme) orders \"\(version)\"")
            }
        }
    }

    @Test func tablesHaveAtLeast25RowsPerScheme() {
        for table in [Self.pep440, Self.dpkg, Self.apk, Self.rpm, Self.semver] { #expect(table.count >= 25) }
    }

    @Test func pep440NormalisesAsPackagingPrintsIt() {
        #expect(PEP440Version("V1!2.0-ALPHA.3_post-4.DEV5+Ubuntu-1")?.description == "1!2.0a3.post4.dev5+ubuntu.1")
        #expect(PEP440Version("1.0-1")?.description == "1.0.post1")
        #expect(PEP440Version("1.0c")?.description == "1.0rc0")
    }

    @Test func ecosystemsMapToTheirSchemes() {
        #expect(VersionScheme.of(ecosystem: "PyPI") == .pep440)
        #expect(VersionScheme.of(ecosystem: "Debian:12") == .dpkg)
        #expect(VersionScheme.of(ecosystem: "Ubuntu:22.04:LTS") == .dpkg)
        #expect(VersionScheme.of(ecosystem: "Alpine:v3.19") == .apk)
        #expect(VersionScheme.of(ecosystem: "npm") == .semver)
    }

    @Test func genericOrdersNumbersAsNumbers() {
        #expect(VersionScheme.generic.compare("1.10", "1.9") == 1)
        #expect(VersionScheme.generic.compare("1.0", "1") == 0)
        #expect(VersionScheme.generic.compare("99999999999999999999999", "1") == 1)
    }
}
