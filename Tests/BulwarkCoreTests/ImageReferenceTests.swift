import BulwarkCore
import Testing

@Suite struct ImageReferenceTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var text: String
        var registry: String?
        var repository: String
        var tag: String?
        var digest: String?
        var domain: String
        var path: String
        var familiar: String
        var testDescription: String { text }
    }

    static let digest = "sha256:" + String(repeating: "0123456789abcdef", count: 4)

    static let cases: [Case] = [
        Case(text: "python", registry: nil, repository: "python", tag: nil, digest: nil, domain: "docker.io", path: "library/python", familiar: "python"),
        Case(text: "python:3.12-slim", registry: nil, repository: "python", tag: "3.12-slim", digest: nil, domain: "docker.io", path: "library/python", familiar: "python"),
        Case(text: "library/python:3.12", registry: nil, repository: "library/python", tag: "3.12", digest: nil, domain: "docker.io", path: "library/python", familiar: "python"),
        Case(text: "docker.io/library/python", registry: "docker.io", repository: "library/python", tag: nil, digest: nil, domain: "docker.io", path: "library/python", familiar: "python"),
        Case(text: "index.docker.io/pytorch/torchserve:0.8.2-gpu", registry: "index.docker.io", repository: "pytorch/torchserve", tag: "0.8.2-gpu", digest: nil,
             domain: "docker.io", path: "pytorch/torchserve", familiar: "pytorch/torchserve"),
        Case(text: "bitnami/redis", registry: nil, repository: "bitnami/redis", tag: nil, digest: nil, domain: "docker.io", path: "bitnami/redis", familiar: "bitnami/redis"),
        Case(text: "ghcr.io/org/team/model-server:v1@" + digest, registry: "ghcr.io", repository: "org/team/model-server", tag: "v1", digest: digest,
             domain: "ghcr.io", path: "org/team/model-server", familiar: "ghcr.io/org/team/model-server"),
        Case(text: "localhost:5000/app", registry: "localhost:5000", repository: "app", tag: nil, digest: nil, domain: "localhost:5000", path: "app", familiar: "localhost:5000/app"),
        Case(text: "localhost/app:1", registry: "localhost", repository: "app", tag: "1", digest: nil, domain: "localhost", path: "app", familiar: "localhost/app"),
        Case(text: "registry.example.com:5000/team/app:2.0", registry: "registry.example.com:5000", repository: "team/app", tag: "2.0", digest: nil,
             domain: "registry.example.com:5000", path: "team/app", familiar: "registry.example.com:5000/team/app"),
        Case(text: "[::1]:5000/app:dev", registry: "[::1]:5000", repository: "app", tag: "dev", digest: nil, domain: "[::1]:5000", path: "app", familiar: "[::1]:5000/app"),
        Case(text: "Registry/app", registry: "Registry", repository: "app", tag: nil, digest: nil, domain: "Registry", path: "app", familiar: "Registry/app"),
        Case(text: "nvcr.io/nvidia/tritonserver:24.05-py3", registry: "nvcr.io", repository: "nvidia/tritonserver", tag: "24.05-py3", digest: nil,
             domain: "nvcr.io", path: "nvidia/tritonserver", familiar: "nvcr.io/nvidia/tritonserver"),
        Case(text: "python@" + digest, registry: nil, repository: "python", tag: nil, digest: digest, domain: "docker.io", path: "library/python", familiar: "python"),
        Case(text: "  alpine:3.20 ", registry: nil, repository: "alpine", tag: "3.20", digest: nil, domain: "docker.io", path: "library/alpine", familiar: "alpine"),
        Case(text: "scratch", registry: nil, repository: "scratch", tag: nil, digest: nil, domain: "docker.io", path: "library/scratch", familiar: "scratch"),
    ]

    @Test(arguments: cases)
    func splitsReferences(_ test: Case) throws {
        let reference = try #require(ImageReference.parse(test.text))
        #expect(reference.registry == test.registry)
        #expect(reference.repository == test.repository)
        #expect(reference.tag == test.tag)
        #expect(reference.digest == test.digest)
        #expect(reference.domain == test.domain)
        #expect(reference.path == test.path)
        #expect(reference.familiarName == test.familiar)
        #expect(reference.normalizedName == test.domain + "/" + test.path)
        #expect(ImageReference(test.text) == reference)
        #expect(ImageReference.parse(reference.description) == reference)
    }

    @Test(arguments: ["", "   ", ":latest", "@" + digest, "registry.example.com/:tag"])
    func rejectsReferencesWithoutRepository(_ text: String) {
        #expect(ImageReference.parse(text) == nil)
    }

    @Test func latestAndPinning() throws {
        let untagged = try #require(ImageReference.parse("python"))
        #expect(untagged.usesLatest && untagged.effectiveTag == "latest" && !untagged.isPinnedByDigest)
        #expect(untagged.canonical == "docker.io/library/python:latest")
        let latest = try #require(ImageReference.parse("python:latest"))
        #expect(latest.usesLatest)
        let pinned = try #require(ImageReference.parse("python@" + Self.digest))
        #expect(!pinned.usesLatest && pinned.effectiveTag == nil && pinned.isPinnedByDigest)
        #expect(pinned.digestAlgorithm == "sha256")
        #expect(pinned.canonical == "docker.io/library/python@" + Self.digest)
        let tagged = try #require(ImageReference.parse("python:3.12"))
        #expect(!tagged.usesLatest && tagged.effectiveTag == "3.12")
        let scratch = try #require(ImageReference.parse("scratch"))
        #expect(scratch.isScratch && !scratch.usesLatest)
        #expect(try #require(ImageReference.parse("scratch:1")).isScratch == false)
    }

    @Test func officialImagesAndNames() throws {
        #expect(try #require(ImageReference.parse("python:3.12")).isOfficialImage)
        #expect(try #require(ImageReference.parse("docker.io/library/python")).isOfficialImage)
        #expect(try #require(ImageReference.parse("pytorch/torchserve")).isOfficialImage == false)
        #expect(try #require(ImageReference.parse("ghcr.io/library/python")).isOfficialImage == false)
        #expect(try #require(ImageReference.parse("ghcr.io/org/model-server:1")).name == "model-server")
    }

    @Test(arguments: [
        ("python:3.12", []),
        ("ghcr.io/org/app_name/x--y:v1.0-rc.1", []),
        ("Python:3.12", ["repository name \"Python\" must be lowercase"]),
        ("python:-bad", ["tag \"-bad\" is not valid (letters, digits, _ . -, at most 128 characters, not starting with . or -)"]),
        ("python@sha256:abc", ["digest \"sha256:abc\" is not valid (algorithm:hex, sha256 needs 64 lower-case hex digits)"]),
        ("my_registry:5000/app", ["registry \"my_registry:5000\" is not a valid host[:port]"]),
        ("app//x", ["repository path component \"\" is not valid"]),
        ("app_/x", ["repository path component \"app_\" is not valid"]),
        ("registry:port/app", ["registry \"registry:port\" is not a valid host[:port]"]),
    ])
    func validation(_ text: String, _ problems: [String]) throws {
        let reference = try #require(ImageReference.parse(text))
        #expect(reference.problems == problems)
        #expect(reference.isValid == problems.isEmpty)
    }
}
