import BulwarkCore

/// The registry of every Dockerfile rule. Each group owns one list; new groups are added here.
public enum DockerfileRules {
    public static let all: [DockerfileRule] =
        DockerfileUserRules.all + DockerfileBaseImageRules.all + DockerfileSecretRules.all + DockerfilePackageRules.all
        + DockerfileSupplyChainRules.all + DockerfileInstructionRules.all + DockerfileMLRules.all

    public static var descriptors: [RuleDescriptor] { all.map { $0.descriptor } }
}

/// A failing or passing example scanned as `Dockerfile`.
func dockerfileExample(_ text: String, sourceFile: String = #filePath, sourceLine: Int = #line) -> RuleExample {
    RuleExample(text, fileName: "Dockerfile", sourceFile: sourceFile, sourceLine: sourceLine)
}
