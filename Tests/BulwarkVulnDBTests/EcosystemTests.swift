import BulwarkVulnDB
import Testing

@Suite struct EcosystemTests {
    @Test func ubuntuReleaseDropsTheSupportSuffix() {
        #expect(Ecosystem.base("Ubuntu:22.04:LTS") == "Ubuntu")
        #expect(Ecosystem.release("Ubuntu:22.04:LTS") == "22.04")
        #expect(PackageName.normalized("Flask_SQLAlchemy", ecosystem: "PyPI") == "flask-sqlalchemy")
    }
}
