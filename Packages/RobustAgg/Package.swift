// swift-tools-version: 6.1
// RobustAgg standalone: the same targets as the root manifest declares for it, over ../Kernel and ../Exchange by path
// (the library) and ../Learn (the tool's training).
import PackageDescription

let argumentParser: Target.Dependency = .product(name: "ArgumentParser", package: "swift-argument-parser")
let kernel: Target.Dependency = .product(name: "Kernel", package: "Kernel")
let learn: Target.Dependency = .product(name: "Learn", package: "Learn")
let exchange: Target.Dependency = .product(name: "Exchange", package: "Exchange")

let package = Package(
    name: "RobustAgg",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "RobustAgg", targets: ["RobustAgg"]),
        .executable(name: "robust-agg", targets: ["robust-agg"]),
    ],
    traits: [
        .trait(name: "MPI", description: "robust-agg train --backend mpi over Open MPI."),
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
        .target(name: "CRobust"),
        .target(name: "RobustAgg", dependencies: [kernel, exchange, "CRobust"]),
        .executableTarget(
            name: "robust-agg",
            dependencies: [
                "RobustAgg", learn, .product(name: "LearnCLI", package: "Learn"),
                .product(name: "DistributedCLI", package: "Distributed"), kernel,
                .product(name: "FjordCLI", package: "Kernel"), argumentParser,
            ]),
        .testTarget(name: "RobustAggTests", dependencies: ["RobustAgg", "CRobust", kernel, learn]),
        .testTarget(
            name: "RobustAggCLITests",
            dependencies: ["robust-agg", .product(name: "FjordTestSupport", package: "Kernel")]),
    ]
)
