import BulwarkCore
import Foundation
import Testing

/// Fake credentials, assembled at run time so that this file itself holds no token-shaped literal.
enum FakeSecret {
    static let alnum36 = "aB3dE5fG7hJ9kL1mN2pQ4rS6tU8vW0xY2zA4"
    static let letters34 = "aBcDeFgHiJkLmNoPqRsTuVwXyZaBcDeFgH"
    static let github = "ghp" + "_" + alnum36
    static let githubFineGrained = "github" + "_pat_" + "11ABCDEFG0" + "123456789_" + "aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789"
    static let gitlab = "glpat" + "-" + "xY12abCD34efGH56ijKL"
    static let huggingFace = "hf" + "_" + letters34
    static let openAILegacy = "sk" + "-" + alnum36 + "Q1w2E3r4T5y6"
    static let openAIProject = "sk" + "-proj-" + alnum36 + "-Zx9_Yw8" + alnum36
    static let anthropic = "sk" + "-ant-api03-" + alnum36 + alnum36 + "-AbCdEfGh"
    static let slack = "xoxb" + "-1234567890-1234567890123-" + "AbCdEfGhIjKlMnOpQrStUvWx"
    static let stripe = "sk" + "_live_" + "4eC39HqLyjWDarjtT1zdp7dc"
    static let google = "AIza" + "SyD-9tSrke72PouQMnMX-a7eZSW0jkFMBWY"
    static let awsKeyID = "AKIA" + "IOSFODNN7EXAMPLE"
    static let awsSecret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCY" + "EXAMPLEKEY"
    static let jwt = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9" + "." + "eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIn0"
        + "." + "SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c"
    static let pem = "-----BEGIN " + "RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEA\n-----END RSA PRIVATE KEY-----"
}

@Suite struct SecretDetectorTests {
    struct FormatCase: Sendable, CustomTestStringConvertible {
        let value: String
        let kind: SecretMatch.Kind
        /// The matched text, when it is not the whole value.
        let matched: String?
        var testDescription: String { kind.rawValue }
    }

    static let formats: [FormatCase] = [
        FormatCase(value: FakeSecret.awsKeyID, kind: .awsAccessKeyID, matched: nil),
        FormatCase(value: "aws_secret_access_key = \(FakeSecret.awsSecret)", kind: .awsSecretAccessKey, matched: FakeSecret.awsSecret),
        FormatCase(value: "{\"SecretAccessKey\": \"\(FakeSecret.awsSecret)\"}", kind: .awsSecretAccessKey, matched: FakeSecret.awsSecret),
        FormatCase(value: FakeSecret.github, kind: .githubToken, matched: nil),
        FormatCase(value: "token=\(FakeSecret.github);", kind: .githubToken, matched: FakeSecret.github),
        FormatCase(value: FakeSecret.githubFineGrained, kind: .githubFineGrainedToken, matched: nil),
        FormatCase(value: FakeSecret.gitlab, kind: .gitlabToken, matched: nil),
        FormatCase(value: FakeSecret.huggingFace, kind: .huggingFaceToken, matched: nil),
        FormatCase(value: FakeSecret.openAILegacy, kind: .openAIKey, matched: nil),
        FormatCase(value: FakeSecret.openAIProject, kind: .openAIKey, matched: nil),
        FormatCase(value: FakeSecret.anthropic, kind: .anthropicKey, matched: nil),
        FormatCase(value: FakeSecret.slack, kind: .slackToken, matched: nil),
        FormatCase(value: FakeSecret.stripe, kind: .stripeSecretKey, matched: nil),
        FormatCase(value: FakeSecret.google, kind: .googleAPIKey, matched: nil),
        FormatCase(value: "Authorization: Bearer \(FakeSecret.jwt)", kind: .jwt, matched: FakeSecret.jwt),
        FormatCase(value: FakeSecret.pem, kind: .privateKey, matched: "-----BEGIN " + "RSA PRIVATE KEY-----"),
        FormatCase(value: "-----BEGIN " + "PRIVATE KEY-----\nMIIE", kind: .privateKey, matched: "-----BEGIN " + "PRIVATE KEY-----"),
        FormatCase(value: "-----BEGIN " + "OPENSSH PRIVATE KEY-----", kind: .privateKey, matched: nil),
        FormatCase(value: "-----BEGIN " + "EC PRIVATE KEY-----", kind: .privateKey, matched: nil),
        FormatCase(value: "-----BEGIN " + "DSA PRIVATE KEY-----", kind: .privateKey, matched: nil),
        FormatCase(value: "postgres://admin:s3cr3t-P4ss@db.example.com:5432/app", kind: .connectionStringPassword,
                   matched: "postgres://admin:s3cr3t-P4ss@db.example.com:5432"),
        FormatCase(value: "url=mongodb+srv://svc:hunter2@cluster0.example.net/?retryWrites=true", kind: .connectionStringPassword,
                   matched: "mongodb+srv://svc:hunter2@cluster0.example.net"),
        FormatCase(value: "redis://:pa55word@redis:6379/0", kind: .connectionStringPassword, matched: "redis://:pa55word@redis:6379"),
    ]

    @Test("known token formats are found", arguments: formats)
    func findsFormat(_ testCase: FormatCase) throws {
        let matches = SecretDetector.scan(value: testCase.value)
        let match = try #require(matches.first)
        #expect(matches.count == 1)
        #expect(match.kind == testCase.kind)
        let bytes = Array(testCase.value.utf8)
        #expect(String(decoding: bytes[match.range], as: UTF8.self) == (testCase.matched ?? testCase.value))
    }

    static let nonSecrets: [String] = [
        "", "hello world", "/app/model/model.joblib", "https://example.com/a/b?c=d", "registry.example.com/ml/model-server:latest",
        "ghp" + "_" + String(repeating: "x", count: 36),                     // placeholder body
        "ghp" + "_" + String(FakeSecret.alnum36.dropLast()),                  // one character short
        "xghp" + "_" + FakeSecret.alnum36,                                   // inside a word
        "task-" + FakeSecret.alnum36 + "Q1w2E3r4T5y6",                         // `sk-` inside a word
        "sk-learn", "scikit-learn==1.5.0",
        "AKIA" + "IOSFODNN7EXAMPLEX",                                        // 17 characters after AKIA
        "hf" + "_" + String(FakeSecret.letters34.dropLast()),
        "hf" + "_hub_enable_hf_transfer",
        "-----BEGIN " + "PUBLIC KEY-----", "-----BEGIN " + "CERTIFICATE-----",
        "postgres://admin:${DB_PASSWORD}@db:5432/app", "postgres://admin:$(DB_PASSWORD)@db", "postgres://admin@db:5432/app",
        "https://user:<password>@host", "amqp://guest:****@rabbit",
        // A dockerconfigjson is base64 of JSON: it starts with eyJ but has no dots.
        "eyJhdXRocyI6eyJyZWdpc3RyeS5leGFtcGxlLmNvbSI6eyJ1c2VybmFtZSI6ImNpLWJvdCJ9fX0=",
        "da39a3ee5e6b4b0d3255bfef95601890afd80709",                          // SHA-1 without context
        FakeSecret.awsSecret,                                                 // 40 base64 characters without context
        "tokenizer_config.json", "max_new_tokens: 512",
    ]

    @Test("values without a known format are not matched", arguments: nonSecrets)
    func ignoresNonSecret(_ value: String) {
        #expect(SecretDetector.scan(value: value).isEmpty)
    }

    @Test func findsSeveralMatchesInOrder() {
        let text = "a=\(FakeSecret.github)\nb=\(FakeSecret.awsKeyID)\n\(FakeSecret.pem)\n"
        #expect(SecretDetector.scan(value: text).map(\.kind) == [.githubToken, .awsAccessKeyID, .privateKey])
    }

    @Test func awsSecretKeyNeedsContextOrName() {
        #expect(SecretDetector.scan(value: FakeSecret.awsSecret).isEmpty)
        #expect(SecretDetector.scan(value: FakeSecret.awsSecret, name: "AWS_SECRET_ACCESS_KEY").map(\.kind) == [.awsSecretAccessKey])
        #expect(SecretDetector.scan(value: FakeSecret.awsSecret, name: "MODEL_PATH").isEmpty)
    }

    static let sensitiveNames = [
        "PASSWORD", "password", "DB_PASSWORD", "MYSQL_ROOT_PASSWORD", "PGPASSWORD", "db.password", "spring.datasource.password",
        "PASSWD", "SMTP_PASS", "DB_PWD", "SECRET", "JWT_SECRET", "CLIENT_SECRET", "SECRET_KEY", "DJANGO_SECRET_KEY",
        "SECRET_KEY_BASE", "TOKEN", "HF_TOKEN", "HUGGING_FACE_HUB_TOKEN", "MODEL_REGISTRY_TOKEN", "JUPYTER_TOKEN",
        "RAY_AUTH_TOKEN", "GITHUB_TOKEN", "authToken", "accessToken", "API_KEY", "apiKey", "APIKey", "APIKEY", "api-key",
        "VLLM_API_KEY", "OPENAI_API_KEY", "ACCESS_KEY", "AWS_SECRET_ACCESS_KEY", "PRIVATE_KEY", "SSH_KEY", "TLS_KEY",
        "tls.key", "CREDENTIALS", "GOOGLE_APPLICATION_CREDENTIALS", "REGISTRY_CREDS", "AUTH", "BASIC_AUTH", "PROXY_AUTH",
        "ENCRYPTION_KEY", "SIGNING_KEY", "MASTER_KEY", "STORAGE_ACCOUNT_KEY", "passphrase", "htpasswd",
    ]

    @Test("credential names are sensitive", arguments: sensitiveNames)
    func sensitiveName(_ name: String) {
        #expect(SecretDetector.isSensitiveName(name))
    }

    static let ordinaryNames = [
        "", "MODEL_PATH", "PATH", "PWD", "OLDPWD", "HOME", "TOKENIZER_PATH", "TOKENIZER", "SECRET_NAME", "secretName",
        "SECRET_REF", "PASSWORD_FILE", "POSTGRES_PASSWORD_FILE", "HF_TOKEN_PATH", "TOKEN_URL", "TOKEN_TTL", "MAX_TOKENS",
        "MAX_NEW_TOKENS", "MAX_TOKEN", "EOS_TOKEN", "pad_token", "bos_token_id", "AUTH_MODE", "RAY_AUTH_MODE", "OAUTH_URL",
        "DISABLE_AUTH", "NO_AUTH", "AUTH_ENABLED", "PUBLIC_KEY", "KEY", "PASS_THROUGH", "BYPASS", "AWS_ACCESS_KEY_ID",
        "AWS_SHARED_CREDENTIALS_FILE", "PASSWORD_MIN_LENGTH", "DOCKER_CONFIG", "GUNICORN_CMD_ARGS", "SECRETS_DIR",
        "NVIDIA_VISIBLE_DEVICES", "GPG_KEY",
    ]

    @Test("ordinary names are not sensitive", arguments: ordinaryNames)
    func ordinaryName(_ name: String) {
        #expect(!SecretDetector.isSensitiveName(name))
    }

    @Test func wordsSplitCamelCaseAndSeparators() {
        #expect(SecretDetector.words(of: "APIKey") == ["api", "key"])
        #expect(SecretDetector.words(of: "spring.datasource.password") == ["spring", "datasource", "password"])
        #expect(SecretDetector.words(of: "hfHubToken2") == ["hf", "hub", "token2"])
        #expect(SecretDetector.words(of: "MODEL_REGISTRY_TOKEN") == ["model", "registry", "token"])
    }

    static let secretLookingValues = [
        FakeSecret.github, FakeSecret.awsSecret, "Zx8Kq2mP9vL4wR7tY3nB", "c2VjcmV0LXZhbHVlLTEyMzQ1Njc4OTA=",
        "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
    ]

    @Test("random-looking values look like secrets", arguments: secretLookingValues)
    func secretLooking(_ value: String) {
        #expect(SecretDetector.looksLikeSecretValue(value))
    }

    static let plainValues = [
        "", "changeme", "changeme-not-a-real-token", "REPLACE_ME", "xxx", "xxxxxxxxxxxxxxxxxxxxxxxx", "<your-hf-token>",
        "${HF_TOKEN}", "$(HF_TOKEN)", "{{ .Values.token }}", "/var/run/secrets/registry/token", "/app/model/model.joblib",
        "https://huggingface.co/meta-llama/Llama-3.1-8B", "123e4567-e89b-12d3-a456-426614174000",
        "model-server.ml-inference.svc.cluster.local", "my-very-long-descriptive-name", "short1A", "true",
        "hello world this is 2 words", "ABCDEFGHIJKLMNOP",
    ]

    @Test("placeholders, references, paths and words do not look like secrets", arguments: plainValues)
    func notSecretLooking(_ value: String) {
        #expect(!SecretDetector.looksLikeSecretValue(value))
    }

    @Test func placeholdersReferencesFlagsAndPaths() {
        #expect(SecretDetector.isPlaceholder("changeme-not-a-real-token"))
        #expect(SecretDetector.isPlaceholder("<password>"))
        #expect(SecretDetector.isPlaceholder("REPLACE_ME"))
        #expect(!SecretDetector.isPlaceholder("hunter2"))
        #expect(SecretDetector.isReference("$(DB_PASSWORD)"))
        #expect(SecretDetector.isReference("${DB_PASSWORD}"))
        #expect(SecretDetector.isReference("$DB_PASSWORD"))
        #expect(SecretDetector.isReference("{{ .Values.password }}"))
        #expect(!SecretDetector.isReference("pa$$word"))
        #expect(SecretDetector.isFlag("True"))
        #expect(!SecretDetector.isFlag("hunter2"))
        #expect(SecretDetector.isPath("/var/secrets/google/key.json"))
        #expect(!SecretDetector.isPath("hunter2"))
    }

    @Test func entropyIsMeasuredInBitsPerCharacter() {
        #expect(SecretDetector.shannonEntropy("") == 0)
        #expect(SecretDetector.shannonEntropy("aaaa") == 0)
        #expect(abs(SecretDetector.shannonEntropy("abcd") - 2) < 1e-9)
        #expect(abs(SecretDetector.shannonEntropy("0123456789abcdef") - 4) < 1e-9)
    }

    @Test func redactionShowsAtMostFourCharacters() {
        #expect(SecretDetector.redact(FakeSecret.github) == "ghp_…(40 chars)")
        #expect(SecretDetector.redact("hunter2") == "…(7 chars)")
        #expect(SecretDetector.redact("changeme-not-a-real-token") == "chan…(25 chars)")
        #expect(!SecretDetector.redact(FakeSecret.awsSecret).contains(FakeSecret.awsSecret.dropFirst(4).prefix(6)))
        #expect(SecretDetector.redact("\n\n\nabcdefghijkl") == "???a…(15 chars)")
    }

    @Test func assignmentsOfConfigurationFiles() {
        let text = """
        # database
        spring.datasource.url=jdbc:postgresql://db:5432/app
        spring.datasource.password = s3cr3t # inline comment
        export API_TOKEN="abc"
          "password": "hunter2",
        nested:
          key: value
        ; ini comment
        block: |
        {"token": "abc", "user": "x"}
        """
        let found = SecretDetector.assignments(in: text)
        #expect(found.map(\.key) == ["spring.datasource.url", "spring.datasource.password", "API_TOKEN", "password", "key", "token"])
        #expect(found.map(\.value) == ["jdbc:postgresql://db:5432/app", "s3cr3t", "abc", "hunter2", "value", "\"abc\", \"user\": \"x\"}"])
        #expect(found.map(\.line) == [1, 2, 3, 4, 6, 9])
    }

    @Test func scansTenThousandMixedValues() {
        var values: [String] = []
        values.reserveCapacity(10_000)
        for index in 0..<10_000 {
            switch index % 4 {
            case 0: values.append("/app/models/model-\(index).joblib")
            case 1: values.append("registry.example.com/ml/server:\(index) --workers 4 --bind 0.0.0.0:8080")
            case 2: values.append("password=\(FakeSecret.alnum36)\(index) url=https://user:pw\(index)@db.example.com/x")
            default: values.append(String(repeating: "lorem ipsum dolor sit amet ", count: 8) + FakeSecret.github)
            }
        }
        var total = 0
        for value in values {
            total += SecretDetector.scan(value: value).count
            if SecretDetector.looksLikeSecretValue(value) { total += 1 }
            if SecretDetector.isSensitiveName(value) { total += 1 }
        }
        #expect(total >= 5_000)
    }
}
