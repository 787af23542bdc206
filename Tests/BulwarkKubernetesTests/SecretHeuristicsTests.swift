import BulwarkCore
import BulwarkKubernetes
import Testing

/// Secret rules judge what a value is: an expansion is computed, not a literal; a Secret holding
/// only settings is not a credential leak of the same weight.
@Suite struct SecretHeuristicsTests {
    @Test func aCommandSubstitutionInAConfigMapScriptIsNotALiteral() {
        let text = """
        apiVersion: v1
        kind: ConfigMap
        metadata: {name: entrypoint, namespace: ml}
        data:
          start.sh: |
            #!/bin/sh
            ESCAPED_AUTH=$(echo "${AUTH}" | sed 's/[&/]/\\\\&/g')
            API_TOKEN=`cat /run/secrets/token`
            DB_PASSWORD=${DB_PASSWORD:-}
            REDIS_PASSWORD=$REDIS_PASS
            SECRET_KEY={{ .Values.secretKey }}
            PASSWORD_TEMPLATE=%(password)s
            exec server --auth "$ESCAPED_AUTH"
        """
        #expect(scanText(text, rules: [rule("secret/configmap-credentials")]).map(\.message) == [])
    }

    @Test func aLiteralNextToAnExpansionIsStillFound() {
        let text = """
        apiVersion: v1
        kind: ConfigMap
        metadata: {name: entrypoint, namespace: ml}
        data:
          start.sh: |
            #!/bin/sh
            ESCAPED_AUTH=$(echo "${AUTH}" | sed 's/a/b/')
            DB_PASSWORD=Pa$sword-2024
            exec server
        """
        let findings = scanText(text, rules: [rule("secret/configmap-credentials")])
        #expect(findings.map(\.location.line) == [8])
        #expect(findings.first?.severity == .high)
    }

    @Test func expansionsAreRecognised() {
        for value in ["$(echo x)", "prefix-$(cat f)", "`cat f`", "${AUTH}", "$AUTH", "Bearer $TOKEN", "user:$PASS",
                      "{{ .Values.password }}", "%(password)s", "x $1"] {
            #expect(CredentialLiteral.containsExpansion(value), "\(value)")
        }
        for value in ["hunter2", "Pa$sword", "cost$$", "50%", "{not-a-template}", "a`b"] {
            #expect(!CredentialLiteral.containsExpansion(value), "\(value)")
        }
    }

    @Test func aSecretOfSettingsIsLowACredentialHigh() {
        func severity(_ data: String, type: String = "Opaque") -> Severity? {
            let text = """
            apiVersion: v1
            kind: Secret
            metadata: {name: s, namespace: ml}
            type: \(type)
            stringData:
            \(data)
            """
            let findings = scanText(text, rules: [rule("secret/plaintext-secret")])
            #expect(findings.count == 1)
            return findings.first?.severity
        }
        #expect(severity("  TZ: Europe/Berlin") == .low)
        #expect(severity("  TZ: Europe/Berlin\n  LOG_LEVEL: info") == .low)
        #expect(severity("  TZ: Europe/Berlin\n  DB_PASSWORD: hunter2") == .high)
        #expect(severity("  api-key: abc") == .high)
        #expect(severity("  credentials: abc") == .high)
        #expect(severity("  tls.key: abc\n  tls.crt: abc", type: "kubernetes.io/tls") == .high)
        #expect(severity("  note: hello", type: "kubernetes.io/basic-auth") == .high)
        #expect(severity("  value: aB3dE5gH7jK9mN1pQ3sT5vW7") == .high)
        #expect(severity("  hf: hf_aBcDeFgHiJkLmNoPqRsTuVwXyZaBcDeFgH") == .high)
        let low = scanText("""
            apiVersion: v1
            kind: Secret
            metadata: {name: s, namespace: ml}
            stringData: {TZ: Europe/Berlin}
            """, rules: [rule("secret/plaintext-secret")])
        #expect(low.first?.ruleId == "secret/plaintext-secret")
        #expect(low.first?.message.contains("no key or value looks like a credential") == true)
    }
}
