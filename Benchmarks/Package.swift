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
        // The monorepo manifest, which declares every product in one package. (The standalone manifests of Quant,
        // RobustAgg and Distributed depend on each other for their tools; SwiftPM 6.3 builds that package cycle but
        // crashes when a build-tool plugin, as package-benchmark's, walks it.)
        .package(name: "Fjord", path: ".."),
        .package(url: "https://github.com/ordo-one/benchmark", from: "1.38.1", traits: ["MallocInterposer"]),
    ],
    targets: [
        bench("KernelBench", [("Kernel", "Fjord")]),
        bench("LearnBench", [("Kernel", "Fjord"), ("Learn", "Fjord")]),
        bench("QuantBench", [("Kernel", "Fjord"), ("Quant", "Fjord")]),
        bench("RobustBench", [("Kernel", "Fjord"), ("Exchange", "Fjord"), ("RobustAgg", "Fjord")]),
        bench("ReasoningBenchBench", [("Kernel", "Fjord"), ("ReasoningBench", "Fjord")]),
        bench("XAIBench", [("Kernel", "Fjord"), ("XAI", "Fjord")]),
    ]
)
