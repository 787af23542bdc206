// swift-tools-version:6.1
// Fuzz targets for Bulwark's parsers of untrusted bytes, built with libFuzzer by scripts/fuzz.
// A separate package so that `swift build` / `swift test` of Bulwark never needs -sanitize=fuzzer.
import PackageDescription

let package = Package(
    name: "BulwarkFuzz",
    platforms: [.macOS(.v15)],
    dependencies: [.package(name: "Bulwark", path: "..")],
    targets: [
        // libFuzzer's driver, called by every target's entry point.
        .target(name: "FuzzDriver"),
        // YAML/JSON loader (aliases, encodings) and every Kubernetes rule.
        .executableTarget(
            name: "FuzzKubernetes",
            dependencies: [
                "FuzzDriver",
                .product(name: "BulwarkCore", package: "Bulwark"),
                .product(name: "BulwarkKubernetes", package: "Bulwark"),
            ],
            swiftSettings: [.unsafeFlags(["-parse-as-library"])]
        ),
        // Dockerfile parser (expansion budgets), rules and hardener.
        .executableTarget(
            name: "FuzzDockerfile",
            dependencies: [
                "FuzzDriver",
                .product(name: "BulwarkCore", package: "Bulwark"),
                .product(name: "BulwarkDockerfile", package: "Bulwark"),
            ],
            swiftSettings: [.unsafeFlags(["-parse-as-library"])]
        ),
        // `bulwark fix manifests`: rewritten files read back, errors have positions.
        .executableTarget(
            name: "FuzzManifestFixer",
            dependencies: [
                "FuzzDriver",
                .product(name: "BulwarkCore", package: "Bulwark"),
                .product(name: "BulwarkKubernetes", package: "Bulwark"),
            ],
            swiftSettings: [.unsafeFlags(["-parse-as-library"])]
        ),
        // Byte-order marks and UTF-16 transcoding, against the standard library.
        .executableTarget(
            name: "FuzzTextEncoding",
            dependencies: [
                "FuzzDriver", .product(name: "BulwarkCore", package: "Bulwark")],
            swiftSettings: [.unsafeFlags(["-parse-as-library"])]
        ),
        // `seal --cert`: certificates, keys and PEM in every shape; messages in our words.
        .executableTarget(
            name: "FuzzCertificate",
            dependencies: [
                "FuzzDriver",
                .product(name: "BulwarkCore", package: "Bulwark"),
                .product(name: "BulwarkSecrets", package: "Bulwark"),
            ],
            swiftSettings: [.unsafeFlags(["-parse-as-library"])]
        ),
        // `.bulwark.yaml` and netpol intents: errors and warnings with positions.
        .executableTarget(
            name: "FuzzConfiguration",
            dependencies: [
                "FuzzDriver",
                .product(name: "BulwarkCore", package: "Bulwark"),
                .product(name: "BulwarkKubernetes", package: "Bulwark"),
            ],
            swiftSettings: [.unsafeFlags(["-parse-as-library"])]
        ),
        // Path globs, shell patterns and .dockerignore patterns: bounded cost.
        .executableTarget(
            name: "FuzzGlob",
            dependencies: [
                "FuzzDriver",
                .product(name: "BulwarkCore", package: "Bulwark"),
                .product(name: "BulwarkDockerfile", package: "Bulwark"),
            ],
            swiftSettings: [.unsafeFlags(["-parse-as-library"])]
        ),
        // Model files: pickle programs, legacy PyTorch, lenient zips, Keras, safetensors, GGUF, ONNX.
        .executableTarget(
            name: "FuzzModel",
            dependencies: [
                "FuzzDriver",
                .product(name: "BulwarkCore", package: "Bulwark"),
                .product(name: "BulwarkArtifacts", package: "Bulwark"),
            ],
            swiftSettings: [.unsafeFlags(["-parse-as-library"])]
        ),
        // Images: tar/OCI/docker archives, layers (gzip, zstd, PAX, sparse), whiteouts; the package inventory.
        .executableTarget(
            name: "FuzzImage",
            dependencies: [
                "FuzzDriver",
                .product(name: "BulwarkCore", package: "Bulwark"),
                .product(name: "BulwarkImage", package: "Bulwark"),
            ],
            swiftSettings: [.unsafeFlags(["-parse-as-library"])]
        ),
        // OSV records, VEX documents, CVSS vectors and version orderings.
        .executableTarget(
            name: "FuzzAdvisory",
            dependencies: [
                "FuzzDriver",
                .product(name: "BulwarkCore", package: "Bulwark"),
                .product(name: "BulwarkVulnDB", package: "Bulwark"),
            ],
            swiftSettings: [.unsafeFlags(["-parse-as-library"])]
        ),
        // AdmissionReviews: strict JSON (against Foundation as the oracle), the review envelope, the whole
        // decision over the engine, and the webhook's configuration file.
        .executableTarget(
            name: "FuzzAdmission",
            dependencies: [
                "FuzzDriver",
                .product(name: "BulwarkCore", package: "Bulwark"),
                .product(name: "BulwarkAdmission", package: "Bulwark"),
            ],
            swiftSettings: [.unsafeFlags(["-parse-as-library"])]
        ),
        // The shell tokenizer and parser under RUN lines, on its own (no Dockerfile around it).
        .executableTarget(
            name: "FuzzShell",
            dependencies: [
                "FuzzDriver",
                .product(name: "BulwarkDockerfile", package: "Bulwark"),
            ],
            swiftSettings: [.unsafeFlags(["-parse-as-library"])]
        ),
        // The raw container readers on their own: lenient zip, tar headers and layer streams, gzip/zstd/bzip2/xz.
        .executableTarget(
            name: "FuzzArchive",
            dependencies: [
                "FuzzDriver",
                .product(name: "BulwarkCore", package: "Bulwark"),
                .product(name: "BulwarkArtifacts", package: "Bulwark"),
                .product(name: "BulwarkImage", package: "Bulwark"),
            ],
            swiftSettings: [.unsafeFlags(["-parse-as-library"])]
        ),
        // Runtime policies (`runtime run|enforce --policy`) and imported Tetragon TracingPolicies.
        .executableTarget(
            name: "FuzzRuntimePolicy",
            dependencies: [
                "FuzzDriver",
                .product(name: "BulwarkCore", package: "Bulwark"),
                .product(name: "BulwarkRuntime", package: "Bulwark"),
            ],
            swiftSettings: [.unsafeFlags(["-parse-as-library"])]
        ),
    ]
)
