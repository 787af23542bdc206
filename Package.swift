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
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
    ],
    targets: [
        .target(
            name: "BulwarkCore",
            dependencies: [.product(name: "Yams", package: "Yams")],
            swiftSettings: strictSettings
        ),
        .target(
            name: "BulwarkKubernetes",
            dependencies: ["BulwarkCore"],
            swiftSettings: strictSettings
        ),
        .target(
            name: "BulwarkReport",
            dependencies: ["BulwarkCore"],
            swiftSettings: strictSettings
        ),
        .target(
            name: "BulwarkTestSupport",
            dependencies: ["BulwarkCore", "BulwarkKubernetes"],
            swiftSettings: strictSettings
        ),
        .executableTarget(
            name: "bulwark",
            dependencies: [
                "BulwarkCore", "BulwarkKubernetes", "BulwarkReport",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "BulwarkCoreTests",
            dependencies: ["BulwarkCore", "BulwarkTestSupport"],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "BulwarkKubernetesTests",
            dependencies: ["BulwarkCore", "BulwarkKubernetes", "BulwarkTestSupport"],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "BulwarkReportTests",
            dependencies: ["BulwarkCore", "BulwarkReport", "BulwarkKubernetes", "BulwarkTestSupport"],
            resources: [.copy("Fixtures")],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "BulwarkCLITests",
            dependencies: ["BulwarkCore", "BulwarkTestSupport"],
            swiftSettings: strictSettings
        ),
    ]
)
