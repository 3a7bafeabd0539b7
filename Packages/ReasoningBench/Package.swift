// swift-tools-version: 6.1
// ReasoningBench standalone: the same targets as the root manifest declares for it, over ../Kernel by path.
import PackageDescription

let argumentParser: Target.Dependency = .product(name: "ArgumentParser", package: "swift-argument-parser")
let kernel: Target.Dependency = .product(name: "Kernel", package: "Kernel")

let package = Package(
    name: "ReasoningBench",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "ReasoningBench", targets: ["ReasoningBench"]),
        .executable(name: "reasoning-bench", targets: ["reasoning-bench"]),
    ],
    dependencies: [
        .package(path: "../Kernel"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    ],
    targets: [
        .target(name: "ReasoningBench", dependencies: [kernel]),
        .executableTarget(
            name: "reasoning-bench",
            dependencies: [
                "ReasoningBench", kernel, .product(name: "FjordCLI", package: "Kernel"), argumentParser,
            ]),
        .testTarget(name: "ReasoningBenchTests", dependencies: ["ReasoningBench", kernel]),
        .testTarget(
            name: "ReasoningBenchCLITests",
            dependencies: ["reasoning-bench", .product(name: "FjordTestSupport", package: "Kernel")]),
    ]
)
