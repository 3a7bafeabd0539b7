// swift-tools-version: 6.1
// Distributed standalone: one option set for quantized, Byzantine-robust training (codec, rule and attack
// together), shared by `quant train` and `robust-agg train`. Quant and RobustAgg depend on this package for
// their tools and it depends on their libraries: a package-level cycle without a target cycle, which SwiftPM
// allows from tools version 6.0.
import PackageDescription

let argumentParser: Target.Dependency = .product(name: "ArgumentParser", package: "swift-argument-parser")
let kernel: Target.Dependency = .product(name: "Kernel", package: "Kernel")

let package = Package(
    name: "Distributed",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "DistributedCLI", targets: ["DistributedCLI"])
    ],
    traits: [
        .trait(name: "MPI", description: "--backend mpi over Open MPI."),
        .default(enabledTraits: []),
    ],
    dependencies: [
        .package(path: "../Kernel"),
        .package(path: "../Exchange"),
        .package(path: "../Learn", traits: [.trait(name: "MPI", condition: .when(traits: ["MPI"]))]),
        .package(path: "../Quant"),
        .package(path: "../RobustAgg"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    ],
    targets: [
        .target(
            name: "DistributedCLI",
            dependencies: [
                .product(name: "Learn", package: "Learn"), .product(name: "LearnCLI", package: "Learn"),
                .product(name: "Quant", package: "Quant"), .product(name: "RobustAgg", package: "RobustAgg"),
                .product(name: "Exchange", package: "Exchange"), kernel, .product(name: "FjordCLI", package: "Kernel"),
                argumentParser,
            ]),
        .testTarget(
            name: "DistributedTests",
            dependencies: [
                .product(name: "Learn", package: "Learn"), .product(name: "Quant", package: "Quant"),
                .product(name: "RobustAgg", package: "RobustAgg"), kernel,
            ]),
    ]
)
