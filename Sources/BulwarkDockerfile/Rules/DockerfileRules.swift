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

/// The control ids Dockerfile rules map to: CIS Docker Benchmark §4 (container images and build
/// file) and §5.6 (sshd), NIST SP 800-190 §4.1 (image countermeasures).
enum DockerfileControls {
    static let user: ControlID = "cis-docker:4.1"
    static let trustedBase: ControlID = "cis-docker:4.2"
    static let unnecessaryPackages: ControlID = "cis-docker:4.3"
    static let rebuildWithPatches: ControlID = "cis-docker:4.4"
    static let healthcheck: ControlID = "cis-docker:4.6"
    static let updateAlone: ControlID = "cis-docker:4.7"
    static let copyNotAdd: ControlID = "cis-docker:4.9"
    static let secrets: ControlID = "cis-docker:4.10"
    static let verifiedPackages: ControlID = "cis-docker:4.11"
    static let noSSHD: ControlID = "cis-docker:5.6"
    static let imageVulnerabilities: ControlID = "nist-800-190:4.1.1"
    static let configurationDefects: ControlID = "nist-800-190:4.1.2"
    static let embeddedMalware: ControlID = "nist-800-190:4.1.3"
    static let clearTextSecrets: ControlID = "nist-800-190:4.1.4"
    static let untrustedImages: ControlID = "nist-800-190:4.1.5"
}
