// swift-tools-version: 6.1
// VIOpt standalone: the same targets as the root manifest declares for it, over ../Kernel, ../Exchange, ../Quant
// and ../Distributed by path.
import PackageDescription

let argumentParser: Target.Dependency = .product(name: "ArgumentParser", package: "swift-argument-parser")
let kernel: Target.Dependency = .product(name: "Kernel", package: "Kernel")
let exchange: Target.Dependency = .product(name: "Exchange", package: "Exchange")

let package = Package(
    name: "VIOpt",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "VIOpt", targets: ["VIOpt"]),
        .executable(name: "vi-opt", targets: ["vi-opt"]),
    ],
    dependencies: [
        .package(path: "../Kernel"),
        .package(path: "../Exchange"),
        .package(path: "../Quant"),
        .package(path: "../Distributed"),
        .package(path: "../Learn"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    ],
    targets: [
        .target(name: "VIOpt", dependencies: [kernel, exchange, .product(name: "Learn", package: "Learn")]),
        .executableTarget(
            name: "vi-opt",
            dependencies: [
                "VIOpt", kernel, exchange, .product(name: "Quant", package: "Quant"),
                .product(name: "DistributedCLI", package: "Distributed"),
                .product(name: "Learn", package: "Learn"), .product(name: "LearnCLI", package: "Learn"),
                .product(name: "FjordCLI", package: "Kernel"), argumentParser,
            ]),
        .testTarget(
            name: "VIOptTests",
            dependencies: [
                "VIOpt", kernel, exchange, .product(name: "Quant", package: "Quant"),
                .product(name: "Learn", package: "Learn"),
            ]),
        .testTarget(
            name: "VIOptCLITests", dependencies: ["vi-opt", .product(name: "FjordTestSupport", package: "Kernel")]),
    ]
)
