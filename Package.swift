// swift-tools-version:6.1
import PackageDescription

let strictSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

let package = Package(
    name: "Bulwark",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "bulwark", targets: ["bulwark"]),
        .library(name: "BulwarkCore", targets: ["BulwarkCore"]),
        .library(name: "BulwarkKubernetes", targets: ["BulwarkKubernetes"]),
        .library(name: "BulwarkReport", targets: ["BulwarkReport"]),
        .library(name: "BulwarkDockerfile", targets: ["BulwarkDockerfile"]),
        .library(name: "BulwarkSecrets", targets: ["BulwarkSecrets"]),
        .library(name: "BulwarkEngine", targets: ["BulwarkEngine"]),
        .library(name: "BulwarkArtifacts", targets: ["BulwarkArtifacts"]),
        .library(name: "BulwarkImage", targets: ["BulwarkImage"]),
        .library(name: "BulwarkVulnDB", targets: ["BulwarkVulnDB"]),
        .library(name: "BulwarkRuntime", targets: ["BulwarkRuntime"]),
        .library(name: "BulwarkAdmission", targets: ["BulwarkAdmission"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-crypto", "3.12.3"..<"5.0.0"),
        .package(url: "https://github.com/apple/swift-certificates", from: "1.21.1"),
        .package(url: "https://github.com/attaswift/BigInt", from: "6.0.1"),
        .package(url: "https://github.com/apple/swift-asn1", from: "1.7.4"),
        .package(url: "https://github.com/adam-fowler/compress-nio", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-protobuf", from: "1.39.0"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        // The admission webhook's HTTP server. Traits off: no swift-configuration, no full Foundation.
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1", traits: []),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        // HTTP field names for the admission server (HTTPTypes is Hummingbird's request/response model).
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0", traits: []),
    ],
    targets: [
        .target(
            name: "BulwarkCore",
            dependencies: [.product(name: "Yams", package: "Yams")],
            // The compliance catalogues, one YAML file per framework, compiled into the binary.
            resources: [.embedInCode("Compliance/Catalogues")],
            swiftSettings: strictSettings
        ),
        .target(
            name: "BulwarkKubernetes",
            dependencies: ["BulwarkCore"],
            swiftSettings: strictSettings
        ),
        .target(
            name: "BulwarkDockerfile",
            dependencies: ["BulwarkCore"],
            swiftSettings: strictSettings
        ),
        .target(
            name: "BulwarkSecrets",
            dependencies: [
                "BulwarkCore", "BulwarkKubernetes",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
                .product(name: "BigInt", package: "BigInt"),
            ],
            swiftSettings: strictSettings
        ),
        .target(
            name: "BulwarkArtifacts",
            dependencies: [
                "BulwarkCore",
                "CSystemCompression",
                .product(name: "CompressNIO", package: "compress-nio"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
            ],
            swiftSettings: strictSettings
        ),
        // bzip2 and lzma/xz from the system's libbz2 and liblzma: no mirrored Swift package covers them
        // (compress-nio does zlib/gzip/raw deflate only).
        .systemLibrary(name: "CSystemCompression", path: "Sources/CSystemCompression"),
        .target(
            name: "BulwarkVulnDB",
            dependencies: [
                "BulwarkCore", "BulwarkArtifacts",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Yams", package: "Yams"),
            ],
            swiftSettings: strictSettings
        ),
        .target(
            name: "BulwarkImage",
            dependencies: [
                "BulwarkCore", "BulwarkArtifacts", "BulwarkVulnDB", "CSystemCompression",
                .product(name: "CompressNIO", package: "compress-nio"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "GRDB", package: "GRDB.swift"),
            ],
            swiftSettings: strictSettings
        ),
        // The runtime's C side: the libbpf prototypes it calls through dlopen("libbpf.so.1") (libbpf-dev
        // is not on a fresh machine of this kind, so there is no header or linker name to use), the
        // committed BPF object embedded as bytes, fanotify and clone3(CLONE_INTO_CGROUP) wrappers, and
        // the map and event layouts shared with bpf/*.bpf.c.
        .target(
            name: "CBulwarkBPF",
            path: "Sources/CBulwarkBPF",
            linkerSettings: [.linkedLibrary("dl")]
        ),
        .target(
            name: "BulwarkRuntime",
            dependencies: [
                "BulwarkCore", "BulwarkKubernetes", "CBulwarkBPF", "BulwarkDockerfile",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Yams", package: "Yams"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ],
            swiftSettings: strictSettings
        ),
        // The admission webhook (`bulwark admission`): AdmissionReview decoding, the decision over the
        // one engine, JSONPatch mutation, the HTTPS server, in-tree CEL policies from the catalogue,
        // certificates and deployment manifests.
        .target(
            name: "BulwarkAdmission",
            dependencies: [
                "BulwarkCore", "BulwarkKubernetes", "BulwarkEngine", "BulwarkArtifacts",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
                .product(name: "Yams", package: "Yams"),
            ],
            swiftSettings: strictSettings
        ),
        .target(
            name: "BulwarkEngine",
            dependencies: ["BulwarkCore", "BulwarkKubernetes", "BulwarkDockerfile", "BulwarkSecrets", "BulwarkArtifacts",
                           "BulwarkImage", "BulwarkVulnDB"],
            swiftSettings: strictSettings
        ),
        .target(
            name: "BulwarkReport",
            dependencies: ["BulwarkCore", "BulwarkKubernetes", "BulwarkVulnDB", .product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: strictSettings
        ),
        .target(
            name: "BulwarkTestSupport",
            dependencies: ["BulwarkCore", "BulwarkKubernetes", "BulwarkDockerfile", "BulwarkEngine", "BulwarkArtifacts",
                           "BulwarkImage", "BulwarkVulnDB",
                           .product(name: "CompressNIO", package: "compress-nio"),
                           .product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: strictSettings
        ),
        .executableTarget(
            name: "bulwark",
            dependencies: [
                "BulwarkCore", "BulwarkEngine", "BulwarkKubernetes", "BulwarkReport", "BulwarkDockerfile", "BulwarkSecrets",
                "BulwarkArtifacts", "BulwarkImage", "BulwarkVulnDB", "BulwarkRuntime", "BulwarkAdmission",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictSettings,
            plugins: ["BuildInfoPlugin"]
        ),
        .plugin(name: "BuildInfoPlugin", capability: .buildTool()),
        .testTarget(
            name: "BulwarkCoreTests",
            dependencies: ["BulwarkCore", "BulwarkTestSupport"],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "BulwarkKubernetesTests",
            dependencies: ["BulwarkCore", "BulwarkKubernetes", "BulwarkEngine", "BulwarkReport", "BulwarkTestSupport"],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "BulwarkDockerfileTests",
            dependencies: ["BulwarkCore", "BulwarkDockerfile", "BulwarkTestSupport"],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "BulwarkSecretsTests",
            dependencies: [
                "BulwarkCore", "BulwarkSecrets", "BulwarkKubernetes", "BulwarkTestSupport",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
            ],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "BulwarkReportTests",
            dependencies: ["BulwarkCore", "BulwarkReport", "BulwarkKubernetes", "BulwarkTestSupport",
                           .product(name: "Crypto", package: "swift-crypto")],
            resources: [.copy("Fixtures")],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "BulwarkArtifactsTests",
            dependencies: ["BulwarkCore", "BulwarkArtifacts", "BulwarkTestSupport"],
            resources: [.copy("Fixtures")],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "BulwarkImageTests",
            dependencies: ["BulwarkCore", "BulwarkImage", "BulwarkVulnDB", "BulwarkArtifacts", "BulwarkTestSupport"],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "BulwarkVulnDBTests",
            dependencies: ["BulwarkCore", "BulwarkVulnDB", "BulwarkTestSupport"],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "BulwarkEngineTests",
            dependencies: ["BulwarkCore", "BulwarkEngine", "BulwarkKubernetes", "BulwarkDockerfile", "BulwarkArtifacts", "BulwarkImage",
                           "BulwarkVulnDB", "BulwarkTestSupport"],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "BulwarkRuntimeTests",
            dependencies: ["BulwarkCore", "BulwarkRuntime", "BulwarkKubernetes", "CBulwarkBPF", "BulwarkTestSupport",
                           .product(name: "NIOCore", package: "swift-nio"),
                           .product(name: "NIOPosix", package: "swift-nio"),
                           .product(name: "NIOHTTP1", package: "swift-nio")],
            exclude: ["Programs", "Golden"],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "BulwarkAdmissionTests",
            dependencies: [
                "BulwarkCore", "BulwarkAdmission", "BulwarkKubernetes", "BulwarkEngine", "BulwarkArtifacts", "BulwarkTestSupport",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
                .product(name: "Yams", package: "Yams"),
            ],
            exclude: ["Golden"],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "BulwarkCLITests",
            dependencies: [
                "bulwark", "BulwarkCore", "BulwarkEngine", "BulwarkArtifacts", "BulwarkImage", "BulwarkVulnDB", "BulwarkRuntime",
                "BulwarkAdmission", "BulwarkTestSupport",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Yams", package: "Yams"),
            ],
            swiftSettings: strictSettings
        ),
    ]
)
