/// A known credential format found inside a value.
public struct SecretMatch: Sendable, Hashable {
    public enum Kind: String, Sendable, CaseIterable {
        case awsAccessKeyID = "aws-access-key-id"
        case awsSecretAccessKey = "aws-secret-access-key"
        case githubToken = "github-token"
        case githubFineGrainedToken = "github-fine-grained-token"
        case gitlabToken = "gitlab-token"
        case huggingFaceToken = "hugging-face-token"
        case openAIKey = "openai-api-key"
        case anthropicKey = "anthropic-api-key"
        case slackToken = "slack-token"
        case stripeSecretKey = "stripe-secret-key"
        case googleAPIKey = "google-api-key"
        case privateKey = "private-key"
        case jwt = "jwt"
        case connectionStringPassword = "connection-string-password"

        /// `a GitHub token`, `an AWS access key ID` …: what messages call it.
        public var displayName: String {
            switch self {
            case .awsAccessKeyID: "an AWS access key ID"
            case .awsSecretAccessKey: "an AWS secret access key"
            case .githubToken: "a GitHub token"
            case .githubFineGrainedToken: "a GitHub fine-grained personal access token"
            case .gitlabToken: "a GitLab personal access token"
            case .huggingFaceToken: "a Hugging Face token"
            case .openAIKey: "an OpenAI API key"
            case .anthropicKey: "an Anthropic API key"
            case .slackToken: "a Slack token"
            case .stripeSecretKey: "a Stripe secret key"
            case .googleAPIKey: "a Google API key"
            case .privateKey: "a private key"
            case .jwt: "a JSON Web Token"
            case .connectionStringPassword: "a connection string with a password"
            }
        }
    }

    public let kind: Kind
    /// UTF-8 byte offsets of the match inside the scanned value.
    public let range: Range<Int>

    public init(kind: Kind, range: Range<Int>) {
        self.kind = kind
        self.range = range
    }
}
