// swift-tools-version:6.1
// The open-loop HTTPS load driver of bench/admission-load, and a stand-in webhook for testing the
// harness without bulwark. Its own package so that the benchmark does not add products or
// dependencies to Bulwark's Package.swift; built in release by the script (`.build` is git-ignored).
import PackageDescription

let package = Package(
    name: "AdmissionLoad",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "admission-load", targets: ["AdmissionLoad"]),
        .executable(name: "admission-standin", targets: ["AdmissionStandIn"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift", from: "0.2.0"),
    ],
    targets: [
        .executableTarget(
            name: "AdmissionLoad",
            dependencies: [
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Histogram", package: "hdrhistogram-swift"),
            ]
        ),
        .executableTarget(
            name: "AdmissionStandIn",
            dependencies: [
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ]
        ),
    ]
)
