// swift-tools-version: 6.1
// ShiftAdapt standalone: the same targets as the root manifest declares for it, over ../Kernel, ../Exchange, ../Learn,
// ../Quant and ../Distributed by path.
import PackageDescription

let argumentParser: Target.Dependency = .product(name: "ArgumentParser", package: "swift-argument-parser")
let kernel: Target.Dependency = .product(name: "Kernel", package: "Kernel")
let learn: Target.Dependency = .product(name: "Learn", package: "Learn")

let package = Package(
    name: "ShiftAdapt",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "ShiftAdapt", targets: ["ShiftAdapt"]),
        .executable(name: "shift-adapt", targets: ["shift-adapt"]),
    ],
    dependencies: [
        .package(path: "../Kernel"),
        .package(path: "../Exchange"),
        .package(path: "../Learn"),
        .package(path: "../Quant"),
        .package(path: "../Distributed"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    ],
    targets: [
        .target(name: "CShift"),
        .target(
            name: "ShiftAdapt",
            dependencies: [kernel, .product(name: "Exchange", package: "Exchange"), learn, "CShift"]),
        .executableTarget(
            name: "shift-adapt",
            dependencies: [
                "ShiftAdapt", kernel, learn, .product(name: "LearnCLI", package: "Learn"),
                .product(name: "Quant", package: "Quant"),
                .product(name: "DistributedCLI", package: "Distributed"), .product(name: "FjordCLI", package: "Kernel"),
                argumentParser,
            ]),
        .testTarget(
            name: "ShiftAdaptTests",
            dependencies: ["ShiftAdapt", "CShift", kernel, learn, .product(name: "Exchange", package: "Exchange")]),
        .testTarget(
            name: "ShiftAdaptCLITests",
            dependencies: ["shift-adapt", .product(name: "FjordTestSupport", package: "Kernel")]),
    ]
)
