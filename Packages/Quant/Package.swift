// swift-tools-version: 6.1
// Quant standalone: the same targets as the root manifest declares for it, over ../Kernel and ../Exchange by path
// (the library) and ../Learn (the tool's training).
import PackageDescription

let argumentParser: Target.Dependency = .product(name: "ArgumentParser", package: "swift-argument-parser")
let kernel: Target.Dependency = .product(name: "Kernel", package: "Kernel")
let learn: Target.Dependency = .product(name: "Learn", package: "Learn")
let exchange: Target.Dependency = .product(name: "Exchange", package: "Exchange")

let package = Package(
    name: "Quant",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "Quant", targets: ["Quant"]),
        .executable(name: "quant", targets: ["quant"]),
    ],
    traits: [
        .trait(name: "MPI", description: "quant train --backend mpi over Open MPI."),
        .default(enabledTraits: []),
    ],
    dependencies: [
        .package(path: "../Kernel"),
        .package(path: "../Exchange"),
        .package(path: "../Distributed", traits: [.trait(name: "MPI", condition: .when(traits: ["MPI"]))]),
        .package(path: "../Learn", traits: [.trait(name: "MPI", condition: .when(traits: ["MPI"]))]),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    ],
    targets: [
        .target(name: "CQuant"),
        .target(name: "Quant", dependencies: [kernel, exchange, "CQuant"]),
        .executableTarget(
            name: "quant",
            dependencies: [
                "Quant", learn, .product(name: "LearnCLI", package: "Learn"),
                .product(name: "DistributedCLI", package: "Distributed"), kernel,
                .product(name: "FjordCLI", package: "Kernel"), argumentParser,
            ]),
        .testTarget(name: "QuantTests", dependencies: ["Quant", "CQuant", kernel, learn]),
        .testTarget(
            name: "QuantCLITests", dependencies: ["quant", .product(name: "FjordTestSupport", package: "Kernel")]),
    ]
)
