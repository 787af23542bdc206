import BulwarkCore
import BulwarkImage
import BulwarkTestSupport
import Testing

/// What the secret rules' examples do not show: the message for files a later layer removed, the
/// policy for private keys in packages' test data, and which files the interest asks for.
@Suite struct ImageRulesSecretsTests {
    static func findings(_ yaml: String, rules: [ImageRule] = ImageRules.secrets) throws -> [Finding] {
        ImageScanner.findings(try ImageExample(yaml, source: "image.tar").model, rules: rules)
    }

    static let key = "-----BEGIN OPENSSH PRIVATE KEY-----\\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmU=\\n-----END OPENSSH PRIVATE KEY-----\\n"

    @Test func aDeletedKeyIsStillReportedWithTheLayerThatHoldsIt() throws {
        let findings = try Self.findings("""
            layers:
              - files:
                  root/.ssh/id_rsa: "\(Self.key)"
              - removed: [root/.ssh/id_rsa]
            """)
        let finding = try #require(findings.first)
        #expect(findings.count == 1)
        #expect(finding.ruleId == "image/private-key" && finding.severity == .high)
        #expect(finding.location.file == "image.tar")
        #expect(finding.location.member == "\(ImageExample.digest(ofLayer: 0)):root/.ssh/id_rsa")
        #expect(finding.message.contains("still in the image's history"))
        #expect(finding.message.contains("layer 0 (\(ImageExample.digest(ofLayer: 0)))"))
    }

    @Test func aReplacedTokenIsReportedOnceForEachLayerThatHoldsOne() throws {
        let findings = try Self.findings("""
            layers:
              - files:
                  root/.cache/huggingface/token: "hf_aBcDeFgHiJkLmNoPqRsTuVwXyZaBcDeFgH"
              - files:
                  root/.cache/huggingface/token: "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"
            """)
        #expect(findings.count == 2)
        #expect(findings.filter { $0.message.contains("still in the image's history") }.count == 1)
        #expect(Set(findings.compactMap(\.location.member)).count == 2)
    }

    @Test func keysInPackagesTestDataAreOneLowFinding() throws {
        let findings = try Self.findings("""
            layers:
              - files:
                  usr/local/lib/python3.12/site-packages/requests/tests/certs/server.key: "\(Self.key)"
                  usr/local/lib/python3.12/site-packages/tornado/test/test.key: "\(Self.key)"
                  usr/lib/python3/dist-packages/twisted/test/server.pem: "\(Self.key)"
                  usr/local/lib/python3.12/site-packages/tests_helper/key.pem: "\(Self.key)"
                  srv/server.key: "\(Self.key)"
            """)
        #expect(findings.count == 3)
        let fixtures = try #require(findings.first { $0.message.contains("test data") })
        #expect(fixtures.severity == .low && fixtures.message.hasPrefix("3 private key files"))
        // A package named like a test folder is not test data; nor is a key outside site-packages.
        #expect(findings.filter { $0.severity == .high }.compactMap(\.location.member).map { $0.split(separator: ":").last ?? "" }.sorted()
            == ["srv/server.key", "usr/local/lib/python3.12/site-packages/tests_helper/key.pem"])
    }

    @Test func anEncryptedKeyIsMedium() throws {
        let findings = try Self.findings("""
            layers:
              - files:
                  srv/tls.key: "-----BEGIN ENCRYPTED PRIVATE KEY-----\\nMIIFHDBOBgkqhkiG9w0BBQ0wQTApBgkqhkiG9w0BBQww\\n-----END ENCRYPTED PRIVATE KEY-----\\n"
            """)
        #expect(findings.map(\.severity) == [.medium])
    }

    @Test func aGitDirectoryIsOneFindingAtItsConfig() throws {
        let findings = try Self.findings("""
            layers:
              - files:
                  app/.git/HEAD: "ref: refs/heads/main\\n"
                  app/.git/config: "[core]\\n\\tbare = false\\n"
                  lib/.git/HEAD: "ref: refs/heads/main\\n"
            """)
        #expect(findings.compactMap(\.location.member).sorted()
            == ["\(ImageExample.digest(ofLayer: 0)):app/.git/config", "\(ImageExample.digest(ofLayer: 0)):lib/.git/HEAD"])
        #expect(findings.allSatisfy { $0.severity == .medium })
    }

    @Test(arguments: [
        ("root/.ssh/id_rsa", 2_000, true), ("home/app/.ssh/deploy_key", 400, true), ("root/.ssh/id_rsa.pub", 400, false),
        ("root/.ssh/known_hosts", 400, false), ("etc/ssl/certs/ca.pem", 2_000, false), ("etc/ssl/private/ssl-cert-snakeoil.key", 1_700, true),
        ("root/.aws/credentials", 100, true), ("root/.docker/config.json", 100, true), ("run/containers/0/auth.json", 100, true),
        ("root/.cache/huggingface/token", 37, true), ("app/.env", 100, true), ("app/.env.production", 100, true),
        ("app/.env.example", 100, false), ("app/.git/config", 100, true), ("app/.git/objects/ab/cdef", 100, false),
        ("root/.kube/config", 100, true), ("root/.netrc", 100, true), ("root/.git-credentials", 100, true),
        ("etc/pip.conf", 100, true), ("app/requirements-dev.txt", 100, true), ("root/.npmrc", 100, true), ("root/.pypirc", 100, true),
        ("app/sa-key.json", 2_000, true), ("app/package.json", 2_000, false), ("usr/lib/libssl.so.3", 600_000, false),
        ("app/requirements.txt", 5_000_000, false),
    ])
    func theInterestPicksCredentialFilesByNameAndSize(path: String, size: Int, wanted: Bool) {
        #expect((ImageSecretInterest().contentsLimit(path: path, size: size) != nil) == wanted)
    }
}
