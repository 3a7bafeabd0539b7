// swift-tools-version: 6.1
// Learn standalone: the same targets as the root manifest declares for it, over ../Kernel and ../Exchange by path.
import PackageDescription

let argumentParser: Target.Dependency = .product(name: "ArgumentParser", package: "swift-argument-parser")

let package = Package(
    name: "Learn",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "Learn", targets: ["Learn"]),
        .library(name: "LearnCLI", targets: ["LearnCLI"]),
        .executable(name: "learn", targets: ["learn"]),
    ],
    traits: [
        .trait(name: "MPI", description: "MPICommunicator over Open MPI; run under mpirun."),
        .default(enabledTraits: []),
    ],
    dependencies: [
        .package(path: "../Kernel", traits: [.trait(name: "MPI", condition: .when(traits: ["MPI"]))]),
        .package(path: "../Exchange", traits: [.trait(name: "MPI", condition: .when(traits: ["MPI"]))]),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    ],
    targets: [
        .target(name: "CLearnData", exclude: ["data"]),
        .target(
            name: "Learn",
            dependencies: [
                .product(name: "Kernel", package: "Kernel"), .product(name: "Exchange", package: "Exchange"),
                "CLearnData",
            ]),
        .target(
            name: "LearnCLI",
            dependencies: [
                "Learn", .product(name: "Kernel", package: "Kernel"), .product(name: "FjordCLI", package: "Kernel"),
                argumentParser,
                .product(name: "CMPI", package: "Kernel", condition: .when(traits: ["MPI"])),
            ]),
        .executableTarget(
            name: "learn",
            dependencies: [
                "Learn", "LearnCLI", .product(name: "Kernel", package: "Kernel"),
                .product(name: "FjordCLI", package: "Kernel"), argumentParser,
            ]),
        .testTarget(name: "LearnTests", dependencies: ["Learn", .product(name: "Kernel", package: "Kernel")]),
        .testTarget(
            name: "LearnCLITests",
            dependencies: [
                "learn", .product(name: "FjordTestSupport", package: "Kernel"),
            ]),
    ]
)
