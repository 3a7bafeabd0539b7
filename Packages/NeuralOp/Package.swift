// swift-tools-version: 6.1
// NeuralOp standalone: the same targets as the root manifest declares for it, over ../Kernel, ../Learn, ../Quant and
// ../Distributed by path.
import PackageDescription

let argumentParser: Target.Dependency = .product(name: "ArgumentParser", package: "swift-argument-parser")
let kernel: Target.Dependency = .product(name: "Kernel", package: "Kernel")
let learn: Target.Dependency = .product(name: "Learn", package: "Learn")

let package = Package(
    name: "NeuralOp",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "NeuralOp", targets: ["NeuralOp"]),
        .executable(name: "neural-op", targets: ["neural-op"]),
    ],
    dependencies: [
        .package(path: "../Kernel"),
        .package(path: "../Learn"),
        .package(path: "../Quant"),
        .package(path: "../Distributed"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    ],
    targets: [
        .target(name: "NeuralOp", dependencies: [kernel, learn]),
        .executableTarget(
            name: "neural-op",
            dependencies: [
                "NeuralOp", kernel, learn, .product(name: "LearnCLI", package: "Learn"),
                .product(name: "Quant", package: "Quant"),
                .product(name: "DistributedCLI", package: "Distributed"), .product(name: "FjordCLI", package: "Kernel"),
                argumentParser,
            ]),
        .testTarget(name: "NeuralOpTests", dependencies: ["NeuralOp", kernel, learn]),
        .testTarget(
            name: "NeuralOpCLITests",
            dependencies: ["neural-op", .product(name: "FjordTestSupport", package: "Kernel")]),
    ]
)
