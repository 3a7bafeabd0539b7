// swift-tools-version: 6.1
// Benchmarks (package-benchmark): measurements, never tests. Run with `make bench`, or one target with
// `swift package benchmark --target QuantBench`. Figures and peer commands are in ../BENCHMARKS.md.
import PackageDescription

/// A benchmark executable over some of Fjord's products.
func bench(_ name: String, _ products: [(String, String)]) -> Target {
    .executableTarget(
        name: name,
        dependencies: products.map { .product(name: $0.0, package: $0.1) } + [
            .product(name: "Benchmark", package: "benchmark")
        ],
        path: "Benchmarks/\(name)",
        plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
    )
}

let package = Package(
    name: "FjordBenchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(path: "../Packages/Kernel"),
        .package(path: "../Packages/Exchange"),
        .package(path: "../Packages/Learn"),
        .package(path: "../Packages/Quant"),
        .package(path: "../Packages/RobustAgg"),
        .package(path: "../Packages/ReasoningBench"),
        .package(url: "https://github.com/ordo-one/benchmark", from: "1.38.1", traits: ["MallocInterposer"]),
    ],
    targets: [
        bench("KernelBench", [("Kernel", "Kernel")]),
        bench("LearnBench", [("Kernel", "Kernel"), ("Learn", "Learn")]),
        bench("QuantBench", [("Kernel", "Kernel"), ("Quant", "Quant")]),
        bench("RobustBench", [("Kernel", "Kernel"), ("Exchange", "Exchange"), ("RobustAgg", "RobustAgg")]),
        bench("ReasoningBenchBench", [("Kernel", "Kernel"), ("ReasoningBench", "ReasoningBench")]),
    ]
)
