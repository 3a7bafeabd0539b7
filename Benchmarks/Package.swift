// swift-tools-version: 6.1
// Kernel benchmarks (package-benchmark). Measurements, never tests: run with `make bench`.
import PackageDescription

let package = Package(
    name: "FjordBenchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(path: "../Packages/Kernel"),
        .package(path: "../Packages/Learn"),
        .package(path: "../Packages/Quant"),
        .package(path: "../Packages/RobustAgg"),
        .package(url: "https://github.com/ordo-one/benchmark", from: "1.38.1", traits: ["MallocInterposer"]),
    ],
    targets: [
        .executableTarget(
            name: "KernelBench",
            dependencies: [
                .product(name: "Kernel", package: "Kernel"),
                .product(name: "Benchmark", package: "benchmark"),
            ],
            path: "Benchmarks/KernelBench",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        .executableTarget(
            name: "LearnBench",
            dependencies: [
                .product(name: "Kernel", package: "Kernel"),
                .product(name: "Learn", package: "Learn"),
                .product(name: "Benchmark", package: "benchmark"),
            ],
            path: "Benchmarks/LearnBench",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        .executableTarget(
            name: "QuantBench",
            dependencies: [
                .product(name: "Kernel", package: "Kernel"),
                .product(name: "Quant", package: "Quant"),
                .product(name: "Benchmark", package: "benchmark"),
            ],
            path: "Benchmarks/QuantBench",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        .executableTarget(
            name: "RobustBench",
            dependencies: [
                .product(name: "Kernel", package: "Kernel"),
                .product(name: "Learn", package: "Learn"),
                .product(name: "RobustAgg", package: "RobustAgg"),
                .product(name: "Benchmark", package: "benchmark"),
            ],
            path: "Benchmarks/RobustBench",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
    ]
)
