import BulwarkCore
import Foundation
import Testing
@testable import BulwarkKubernetes

/// The model-integrity rules beyond their own examples: which storage URIs pin content, which
/// shell commands download or verify, which volumes count, and the boundaries with
/// `serving/shm-without-size-limit` and `serving/model-cache-host-path`.
@Suite struct ModelIntegrityRulesTests {
    /// The rules these tests are about (the pack's others, such as GPU limits, are left out).
    static let judged: Set<String> = [
        "serving/model-volume-writable", "serving/model-download-unverified", "serving/model-volume-memory-without-size-limit",
        "serving/shm-without-size-limit", "serving/model-cache-host-path",
    ]

    static func ids(_ yaml: String) -> [String] {
        let inventory = KubernetesLoader.parse(text: yaml, file: "model.yaml")
        return KubernetesScanner(rules: MLServingRules.all).scan(inventory).sorted(by: Finding.reportOrder).map(\.ruleId).filter(judged.contains)
    }

    // MARK: - Storage URIs

    @Test(arguments: [
        ("oci://registry.example.com/models/llama@sha256:" + String(repeating: "ab", count: 32), true),
        ("oci://registry.example.com/models/llama:v3", false),
        ("oci://registry.example.com/models/llama@sha256:abc", false),
        ("hf://meta-llama/Llama-3.1-8B:" + String(repeating: "0f", count: 20), true),
        ("hf://meta-llama/Llama-3.1-8B@" + String(repeating: "0f", count: 20), true),
        ("hf://meta-llama/Llama-3.1-8B", false),
        ("hf://meta-llama/Llama-3.1-8B:v1.0", false),
        ("s3://bucket/model", false), ("gs://bucket/model", false), ("pvc://claim/model", false),
        ("https://acct.blob.core.windows.net/c/model", false), ("webhdfs://host/model", false),
    ])
    func storageURIsPinContentOnlyByDigestOrCommit(uri: String, pinned: Bool) {
        #expect((ModelDownload.unpinnedStorageURI(uri) == nil) == pinned, "\(uri)")
    }

    @Test(arguments: ["http://models.example.com/m.pt", "https://github.com/acme/m/releases/download/v1/m.pt", "/mnt/models", "{{ .uri }}", ""])
    func urlsLeftToTheInsecureRuleAndLocalPathsAreNotJudged(uri: String) {
        #expect(ModelDownload.unpinnedStorageURI(uri) == nil)
    }

    // MARK: - Shell commands

    static func words(_ script: String) -> [[CommandWord]] {
        let node = YAMLNode(.scalar(script, .plain), position: TextPosition(line: 1, column: 1))
        return ContainerCommandLine.unwrap(["sh", "-c", script].map { CommandWord(text: $0, node: node, isWholeScalar: true) }, depth: 0)
    }

    @Test(arguments: [
        ("sha256sum -c /models/SHA256SUMS", true), ("sha256sum --status --check sums", true), ("shasum -a 256 -c sums", true),
        ("sha256sum /models/model.bin", false), ("md5sum -c sums", false), ("bulwark model verify --key k /m", true),
        ("python3 -m model_signing verify sigstore --signature s /m", true), ("cosign verify-blob --key k m", true),
        ("gpg --verify m.sig m", true), ("gpg --import k", false), ("echo sha256sum -c", false),
        ("exec /usr/local/bin/bulwark model verify --key k /m", true),
    ])
    func verificationCommands(script: String, verifies: Bool) {
        #expect(Self.words(script).contains(where: ModelDownload.isVerification) == verifies, "\(script)")
    }

    @Test(arguments: [
        ("wget -q https://x.example.com/m.bin -O /models/m.bin", "wget"),
        ("curl -fsSLo /models/m.bin https://x.example.com/m.bin", "curl"),
        ("curl -fsSL https://x.example.com/m.tgz | tar -xz -C /models", "curl"),
        ("gsutil -m cp -r gs://b/m /models", "gsutil cp"),
        ("gcloud storage cp -r gs://b/m /models", "gcloud storage cp"),
        ("aws --region eu-west-1 s3 sync s3://b/m /models", "aws s3 sync"),
        ("huggingface-cli download org/model --local-dir /models", "huggingface-cli download"),
        ("hf download org/model --local-dir=/models", "hf download"),
        ("python3 -c 'from huggingface_hub import snapshot_download; snapshot_download(\"org/model\", local_dir=\"/models\")'",
         "python snapshot_download"),
        ("timeout 600 python -c \"import huggingface_hub as h; h.hf_hub_download(repo_id='org/m', filename='m.bin')\"", "python hf_hub_download"),
    ])
    func downloadsAreRecognised(script: String, tool: String) {
        let invocations = Self.words(script)
        let extracts = invocations.contains(where: ModelDownload.isExtraction)
        let download = invocations.compactMap { ModelDownload.recognize($0, extracts: extracts) }.first
        #expect(download?.tool == tool, "\(script)")
        #expect(download?.mayWrite(into: ["/models"]) == true, "\(script)")
    }

    @Test(arguments: [
        "curl -fsS http://config:8080/ready", "wget --spider https://x.example.com/", "aws s3 ls s3://b/",
        "gsutil ls gs://b", "hf upload org/model /models",
    ])
    func otherCommandsAreNoDownloads(script: String) {
        let invocations = Self.words(script)
        #expect(invocations.compactMap { ModelDownload.recognize($0, extracts: false) }.isEmpty, "\(script)")
    }

    @Test func messagesShowNoCredentialsOfURLs() {
        #expect(ModelDownload.redacted("https://user:hf_secret@host.example.com/m.bin?X-Amz-Signature=abc#frag") == "https://host.example.com/m.bin")
        #expect(ModelDownload.redacted("s3://bucket/path/model") == "s3://bucket/path/model")
        let download = Self.words("curl -o /models/m https://u:p@x.example.com/m?token=t").compactMap { ModelDownload.recognize($0, extracts: false) }.first
        #expect(download?.summary == "curl https://x.example.com/m")
    }

    @Test func pinnedAndElsewhereDownloadsAreNotCounted() {
        let pinned = Self.words("huggingface-cli download org/model --revision \(String(repeating: "1a", count: 20)) --local-dir /models")
        #expect(pinned.compactMap { ModelDownload.recognize($0, extracts: false) }.first?.isPinned == true)
        let branch = Self.words("huggingface-cli download org/model --revision main --local-dir /models")
        #expect(branch.compactMap { ModelDownload.recognize($0, extracts: false) }.first?.isPinned == false)
        let elsewhere = Self.words("wget --ca-certificate /etc/ssl/ca.pem -O /tmp/tool https://x.example.com/tool")
        #expect(elsewhere.compactMap { ModelDownload.recognize($0, extracts: false) }.first?.mayWrite(into: ["/models"]) == false)
        let python = Self.words("python -c \"from huggingface_hub import snapshot_download; snapshot_download('org/m', revision='main', local_dir='/models')\"")
        #expect(python.compactMap { ModelDownload.recognize($0, extracts: false) }.first?.isPinned == false)
        let pinnedPython = Self.words("python -c \"from huggingface_hub import snapshot_download; snapshot_download('org/m', revision='\(String(repeating: "2b", count: 20))', local_dir='/models')\"")
        #expect(pinnedPython.compactMap { ModelDownload.recognize($0, extracts: false) }.first?.isPinned == true)
        let relative = Self.words("cd /models && wget https://x.example.com/m.bin")
        #expect(relative.compactMap { ModelDownload.recognize($0, extracts: false) }.first?.mayWrite(into: ["/models"]) == true)
    }

    // MARK: - Pods

    static func deployment(initScript: String, laterInit: String = "", serverMount: String = "{name: models, mountPath: /models, readOnly: true}",
                           volume: String = "emptyDir: {sizeLimit: 20Gi}") -> String {
        """
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: triton, namespace: models}
        spec:
          selector: {matchLabels: {app: triton}}
          template:
            metadata: {labels: {app: triton}}
            spec:
              initContainers:
                - name: fetch
                  image: registry.example.com/fetch:1
                  command: ["sh", "-c", \(QuotedString.quoted(initScript))]
                  volumeMounts: [{name: models, mountPath: /models}]
        \(laterInit)
              containers:
                - name: triton
                  image: nvcr.io/nvidia/tritonserver:24.05-py3
                  args: ["tritonserver", "--model-repository=/models"]
                  volumeMounts: [\(serverMount)]
              volumes:
                - name: models
                  \(volume)
        """
    }

    @Test func downloadVerifiedInTheSameScriptOrALaterInitContainerIsNotReported() {
        let unverified = Self.deployment(initScript: "set -e; curl -fsSLo /models/m.plan https://models.example.com/m.plan")
        #expect(Self.ids(unverified) == ["serving/model-download-unverified"])
        let verified = Self.deployment(initScript: "set -e\ncurl -fsSLo /models/m.plan https://models.example.com/m.plan\necho \"$SUM  /models/m.plan\" | sha256sum -c -")
        #expect(Self.ids(verified) == [])
        let later = """
                - name: verify
                  image: registry.example.com/bulwark:0.1.0
                  args: [model, verify, --key, /keys/model.pub, /models]
                  command: [bulwark]
                  volumeMounts: [{name: models, mountPath: /models, readOnly: true}]
        """
        #expect(Self.ids(Self.deployment(initScript: "aws s3 cp --recursive s3://b/m /models", laterInit: later)) == [])
        let elsewhere = Self.deployment(initScript: "wget -O /tmp/jq https://github.com/jqlang/jq/releases/download/jq-1.7.1/jq-linux-amd64")
        #expect(Self.ids(elsewhere) == [])
    }

    @Test func writableMountIsReportedForSharedVolumesAndFilledEmptyDirsOnly() {
        let writable = "{name: models, mountPath: /models}"
        // An emptyDir an init container fills: reported.
        #expect(Self.ids(Self.deployment(initScript: "sha256sum -c /models/SUMS", serverMount: writable)) == ["serving/model-volume-writable"])
        // A claim: reported; a claim whose source is read-only: not.
        #expect(Self.ids(Self.deployment(initScript: "true", serverMount: writable, volume: "persistentVolumeClaim: {claimName: m}"))
            == ["serving/model-volume-writable"])
        #expect(Self.ids(Self.deployment(initScript: "true", serverMount: writable, volume: "persistentVolumeClaim: {claimName: m, readOnly: true}")) == [])
        // Mounted read-only anyway by the kubelet, or a hostPath (serving/model-cache-host-path's).
        #expect(Self.ids(Self.deployment(initScript: "true", serverMount: writable, volume: "configMap: {name: m}")) == [])
        #expect(Self.ids(Self.deployment(initScript: "true", serverMount: writable, volume: "hostPath: {path: /srv/models}"))
            == ["serving/model-cache-host-path"])
    }

    @Test func serverThatDownloadsIntoItsOwnEmptyDirIsNotReported() {
        let yaml = """
        apiVersion: v1
        kind: Pod
        metadata: {name: vllm, namespace: llm}
        spec:
          containers:
            - name: vllm
              image: vllm/vllm-openai:v0.6.3
              args: ["--model", "Qwen/Qwen2.5-7B-Instruct"]
              env: [{name: HF_HOME, value: /data/hf}]
              volumeMounts: [{name: hf, mountPath: /data}]
          volumes:
            - {name: hf, emptyDir: {sizeLimit: 40Gi}}
        """
        #expect(!Self.ids(yaml).contains("serving/model-volume-writable"))
        let shared = yaml.replacingOccurrences(of: "emptyDir: {sizeLimit: 40Gi}", with: "persistentVolumeClaim: {claimName: hf-cache}")
        #expect(Self.ids(shared).contains("serving/model-volume-writable"))
    }

    @Test func memoryBackedModelVolumeIsReportedOnceBetweenTheServingRules() {
        let yaml = Self.deployment(initScript: "sha256sum -c /models/SUMS", volume: "emptyDir: {medium: Memory}")
        #expect(Self.ids(yaml) == ["serving/model-volume-memory-without-size-limit"])
        let shm = yaml.replacingOccurrences(of: "volumeMounts: [{name: models, mountPath: /models, readOnly: true}]",
                                            with: "volumeMounts: [{name: models, mountPath: /models, readOnly: true}, {name: models, mountPath: /dev/shm}]")
        #expect(Self.ids(shm) == ["serving/shm-without-size-limit"])
    }
}
