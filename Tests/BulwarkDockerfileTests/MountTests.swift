import BulwarkCore
import BulwarkDockerfile
import Testing

@Suite struct MountTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var flag: String
        var type: Mount.MountType?
        var target: String?
        var id: String?
        var source: String? = nil
        var from: String? = nil
        var readOnly = false
        var required = false
        var env: String? = nil
        var error: String? = nil
        var testDescription: String { flag }
    }

    static let cases: [Case] = [
        Case(flag: "--mount=type=secret,id=hf_token", type: .secret, target: "/run/secrets/hf_token", id: "hf_token"),
        Case(flag: "--mount=type=secret,id=aws,target=/root/.aws/credentials,required", type: .secret, target: "/root/.aws/credentials", id: "aws", required: true),
        Case(flag: "--mount=type=secret,target=/run/secrets/token", type: .secret, target: "/run/secrets/token", id: "token"),
        Case(flag: "--mount=type=secret,id=GITHUB_TOKEN,env=GITHUB_TOKEN", type: .secret, target: nil, id: "GITHUB_TOKEN", env: "GITHUB_TOKEN"),
        Case(flag: "--mount=type=cache,target=/root/.cache/pip,sharing=locked", type: .cache, target: "/root/.cache/pip", id: nil),
        Case(flag: "--mount=type=bind,source=.,target=/src,ro", type: .bind, target: "/src", id: nil, source: ".", readOnly: true),
        Case(flag: "--mount=target=/src,from=build,src=/out", type: .bind, target: "/src", id: nil, source: "/out", from: "build"),
        Case(flag: "--mount=type=tmpfs,dst=/tmp,size=64m", type: .tmpfs, target: "/tmp", id: nil),
        Case(flag: "--mount=type=ssh", type: .ssh, target: nil, id: "default"),
        Case(flag: "--mount=type=ssh,id=github,required=true", type: .ssh, target: nil, id: "github", required: true),
        Case(flag: "--mount='type=bind,\"source=a,b\",target=/x'", type: .bind, target: "/x", id: nil, source: "a,b"),
        Case(flag: "--mount=type=volume,target=/x", type: nil, target: "/x", id: nil, error: "unsupported mount type \"volume\" (bind, cache, tmpfs, secret or ssh)"),
        Case(flag: "--mount=type=cache,target=/x,color=red", type: .cache, target: "/x", id: nil, error: "unexpected key 'color' in 'color=red'"),
        Case(flag: "--mount=type=cache", type: .cache, target: nil, id: nil, error: "mount target is required for type=cache"),
        Case(flag: "--mount=type=cache,target=/x,bogus", type: .cache, target: "/x", id: nil, error: "invalid field 'bogus' must be a key=value pair"),
    ]

    @Test(arguments: cases)
    func parsesMounts(_ test: Case) throws {
        let dockerfile = parse("FROM debian\nRUN \(test.flag) true")
        let mount = try #require(dockerfile.instructions.last?.mounts.first)
        #expect(mount.type == test.type)
        #expect(mount.target == test.target)
        #expect(mount.id == test.id)
        #expect(mount.source == test.source)
        #expect(mount.from == test.from)
        #expect(mount.isReadOnly == test.readOnly)
        #expect(mount.isRequired == test.required)
        #expect(mount.environmentVariable == test.env)
        #expect(dockerfile.errors.map(\.message) == (test.error.map { [$0] } ?? []))
        if test.error != nil { #expect(dockerfile.errors.first?.position == position(2, 5)) }
    }

    @Test func mountValuesAreExpanded() throws {
        let dockerfile = parse(lines("FROM debian", "ARG CACHE=/root/.cache", "RUN --mount=type=cache,target=${CACHE}/pip pip install x"))
        let mount = try #require(dockerfile.instructions.last?.mounts.first)
        #expect(mount.target == "/root/.cache/pip")
        #expect(mount.options.first { $0.key == "target" }?.value == "${CACHE}/pip")
    }
}
