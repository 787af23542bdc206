import BulwarkCore
import BulwarkImage
import BulwarkTestSupport
import Testing

/// Config shapes the examples do not show: the users that are root, history entries as the classic
/// builder, BuildKit and podman write them.
@Suite struct ImageRulesConfigTests {
    static func ruleIDs(_ config: ImageConfig) -> [String] {
        ImageScanner.findings(ImageModel(source: "i", config: config), rules: ImageRules.config).map(\.ruleId)
    }

    @Test(arguments: [("root", true), ("0", true), ("0:0", true), ("root:staff", true), ("", true), ("10001", false),
                      ("app:0", false), ("nonroot", false), ("00", true)])
    func rootUsers(user: String, root: Bool) {
        let config = ImageConfig(user: user, healthcheck: ["NONE"])
        #expect(Self.ruleIDs(config).contains("image/root-user") == root)
    }

    @Test(arguments: [
        ("/bin/sh -c #(nop) ADD https://example.com/tini /tini", true),
        ("/bin/sh -c #(nop) ADD file:4b1b3b9d1c in / ", false),
        ("ADD https://example.com/m.onnx /models/ # buildkit", true),
        ("ADD --checksum=sha256:24454f830cdb571e2c4ad15481119c43b3cafd48dd869a9b2945d1036d1dc68d https://e.com/m /m # buildkit", false),
        ("RUN /bin/sh -c curl -fsSL https://example.com/x | sh # buildkit", false),
        ("COPY https://example.com/not-fetched /x # buildkit", false),
    ])
    func addFromURLsInHistory(createdBy: String, reported: Bool) {
        let config = ImageConfig(user: "10001", healthcheck: ["NONE"], history: [.init(createdBy: createdBy)])
        #expect(Self.ruleIDs(config).contains("image/add-remote-url") == reported)
    }

    @Test(arguments: [
        ("|1 HF_REV=main /bin/sh -c huggingface-cli download org/m --revision ${HF_REV}", true),
        ("RUN /bin/sh -c python -c \"from huggingface_hub import snapshot_download; snapshot_download('org/m')\" # buildkit", true),
        ("RUN /bin/sh -c python -c \"snapshot_download('org/m', revision='5c38ec7c405ec4b44b94cc5a9bb96e735b38267a')\" # buildkit", false),
        ("RUN /bin/sh -c git clone https://huggingface.co/org/m /m && git -C /m checkout 5c38ec7c405ec4b44b94cc5a9bb96e735b38267a", false),
        ("RUN /bin/sh -c git clone https://huggingface.co/org/m /m # buildkit", true),
        ("RUN /bin/sh -c pip install huggingface_hub # buildkit", false),
    ])
    func modelDownloadsInHistory(createdBy: String, reported: Bool) {
        let config = ImageConfig(user: "10001", healthcheck: ["NONE"], history: [.init(createdBy: createdBy)])
        #expect(Self.ruleIDs(config).contains("image/model-download-unpinned") == reported)
    }

    @Test func findingsNameTheImageTheMemberAndTheField() throws {
        let findings = ImageScanner.findings(ImageModel(source: "srv.tar", config: ImageConfig(user: "root", env: ["A=1", "HF_TOKEN=hf_aBcDeFgHiJkLmNoPqRsTuVwXyZaBcDeFgH"], healthcheck: ["NONE"])),
                                             rules: ImageRules.config)
        let secret = try #require(findings.first { $0.ruleId == "image/secret-in-env" })
        #expect(secret.location.file == "srv.tar" && secret.location.member == "config" && secret.field == "config.Env[1]")
        #expect(!secret.message.contains("aBcDeFgHiJ"))
        #expect(!secret.suppressed)
    }

    @Test func aViolationWithASuppressionIsAnExternalSuppressedFinding() throws {
        let rule = ImageRule(ImageRules.config[0].descriptor, check: ImageCheck { _ in
            [ImageViolation("m", member: "package python:flask@0.12.2", suppression: "VEX not_affected — vex.json")]
        })
        let finding = try #require(ImageScanner.findings(ImageModel(source: "i"), rules: [rule]).first)
        #expect(finding.suppressed && finding.suppressionKind == .external && finding.suppressionReason == "VEX not_affected — vex.json")
    }
}
