// swift-tools-version:6.1
// Fuzz targets for Bulwark's parsers of untrusted bytes, built with libFuzzer by scripts/fuzz.
// A separate package so that `swift build` / `swift test` of Bulwark never needs -sanitize=fuzzer.
import PackageDescription

let package = Package(
    name: "BulwarkFuzz",
    platforms: [.macOS(.v15)],
    dependencies: [.package(name: "Bulwark", path: "..")],
    targets: [
        .executableTarget(
            name: "FuzzKubernetes",
            dependencies: [
                .product(name: "BulwarkCore", package: "Bulwark"),
                .product(name: "BulwarkKubernetes", package: "Bulwark"),
            ],
            swiftSettings: [.unsafeFlags(["-parse-as-library"])]
        ),
    ]
)
