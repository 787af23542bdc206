import BulwarkCore
import BulwarkDockerfile
import Testing

/// The Dockerfile secret rules share `CredentialLiteral` with the Kubernetes ones: a value that a
/// shell or template computes is not a literal credential.
@Suite struct DockerfileSecretExpansionTests {
    static func findings(_ text: String) -> [String] {
        DockerfileScanner().scan(text: text, file: "Dockerfile").findings.filter { $0.ruleId.hasPrefix("dockerfile/secret") }
            .map { "\($0.ruleId) \($0.location.line)" }
    }

    @Test func commandSubstitutionsAndTemplatesAreNotLiterals() {
        let text = lines(
            "FROM python:3.12-slim",
            "RUN API_TOKEN=`cat /run/secrets/token` ./fetch-model.sh",
            "ENV DB_PASSWORD=\"{{ .Values.password }}\"",
            "ENV REDIS_PASSWORD=%(redis_password)s",
            "RUN API_KEY=hunter2-literal ./fetch-model.sh")
        #expect(Self.findings(text) == ["dockerfile/secret-in-command 5"])
    }
}
