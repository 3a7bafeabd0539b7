// swift-tools-version: 6.1
// XAI standalone: the same targets as the root manifest declares for it, over ../Kernel and ../Learn by path.
import PackageDescription

let argumentParser: Target.Dependency = .product(name: "ArgumentParser", package: "swift-argument-parser")
let kernel: Target.Dependency = .product(name: "Kernel", package: "Kernel")
let learn: Target.Dependency = .product(name: "Learn", package: "Learn")

let package = Package(
    name: "XAI",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "XAI", targets: ["XAI"]),
        .executable(name: "xai", targets: ["xai"]),
    ],
    dependencies: [
        .package(path: "../Kernel"),
        .package(path: "../Learn"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    ],
    targets: [
        .target(name: "XAI", dependencies: [kernel, learn]),
        .executableTarget(
            name: "xai",
            dependencies: ["XAI", kernel, learn, .product(name: "FjordCLI", package: "Kernel"), argumentParser]),
        .testTarget(name: "XAITests", dependencies: ["XAI", kernel, learn]),
        .testTarget(
            name: "XAICLITests", dependencies: ["xai", .product(name: "FjordTestSupport", package: "Kernel")]),
    ]
)
