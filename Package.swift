// swift-tools-version: 6.1
// Fjord monorepo manifest: every target of every package, declared once with `path:` into Packages/.
// Each Packages/<Name>/Package.swift declares the same package standalone (depending on ../Kernel by path);
// .ci/run builds those too, so no package silently leans on the monorepo.
// Adding a package: add its library, executable and test targets below in the same three-line pattern.
import PackageDescription

let argumentParser: Target.Dependency = .product(name: "ArgumentParser", package: "swift-argument-parser")

let package = Package(
    name: "Fjord",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "Kernel", targets: ["Kernel"]),
        .library(name: "FjordCLI", targets: ["FjordCLI"]),
        .executable(name: "tensor", targets: ["tensor"]),
        .library(name: "Exchange", targets: ["Exchange"]),
        .library(name: "Learn", targets: ["Learn"]),
        .library(name: "LearnCLI", targets: ["LearnCLI"]),
        .executable(name: "learn", targets: ["learn"]),
        .library(name: "Quant", targets: ["Quant"]),
        .executable(name: "quant", targets: ["quant"]),
        .library(name: "RobustAgg", targets: ["RobustAgg"]),
        .executable(name: "robust-agg", targets: ["robust-agg"]),
        .library(name: "ReasoningBench", targets: ["ReasoningBench"]),
        .executable(name: "reasoning-bench", targets: ["reasoning-bench"]),
        .library(name: "VIOpt", targets: ["VIOpt"]),
        .executable(name: "vi-opt", targets: ["vi-opt"]),
        .library(name: "ShiftAdapt", targets: ["ShiftAdapt"]),
        .executable(name: "shift-adapt", targets: ["shift-adapt"]),
        .library(name: "NeuralOp", targets: ["NeuralOp"]),
        .executable(name: "neural-op", targets: ["neural-op"]),
        .library(name: "XAI", targets: ["XAI"]),
        .executable(name: "xai", targets: ["xai"]),
    ],
    traits: [
        .trait(name: "MPI", description: "Open MPI communicator (needs libopenmpi-dev); run under mpirun."),
        .default(enabledTraits: []),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2")
    ],
    targets: [
        // Kernel: C libraries, our C hot loops, the Swift kernel, the shared CLI plumbing and the `tensor` tool.
        .systemLibrary(
            name: "COpenBLAS", path: "Packages/Kernel/Sources/COpenBLAS", pkgConfig: "openblas",
            providers: [.apt(["libopenblas-dev"])]),
        .systemLibrary(
            name: "CFFTW", path: "Packages/Kernel/Sources/CFFTW", pkgConfig: "fftw3f",
            providers: [.apt(["libfftw3-dev"])]),
        .systemLibrary(
            name: "CPNG", path: "Packages/Kernel/Sources/CPNG", pkgConfig: "libpng",
            providers: [.apt(["libpng-dev"])]),
        .systemLibrary(
            name: "CMPI", path: "Packages/Kernel/Sources/CMPI", pkgConfig: "ompi-c",
            providers: [.apt(["libopenmpi-dev"])]),
        .target(name: "CKernel", path: "Packages/Kernel/Sources/CKernel"),
        .target(
            name: "Kernel",
            dependencies: [
                "COpenBLAS", "CFFTW", "CPNG", "CKernel",
                .target(name: "CMPI", condition: .when(traits: ["MPI"])),
            ],
            path: "Packages/Kernel/Sources/Kernel"),
        .target(name: "FjordCLI", dependencies: ["Kernel", argumentParser], path: "Packages/Kernel/Sources/FjordCLI"),
        .executableTarget(
            name: "tensor", dependencies: ["Kernel", "FjordCLI", argumentParser],
            path: "Packages/Kernel/Sources/tensor"),
        // Test support shared by every package's CLI tests: runs the built tools in real shell pipes.
        .target(name: "FjordTestSupport", path: "Packages/Kernel/Tests/FjordTestSupport"),
        .testTarget(
            name: "KernelTests", dependencies: ["Kernel", "CKernel"], path: "Packages/Kernel/Tests/KernelTests"),
        .testTarget(
            name: "KernelCLITests", dependencies: ["tensor", "Kernel", "FjordTestSupport"],
            path: "Packages/Kernel/Tests/KernelCLITests"),

        // Exchange: the plug-in protocols of distributed methods (codec, rule, attack, communicator) and the
        // exchange step; depends on Kernel only, so Quant and RobustAgg stand on it without Learn.
        .target(
            name: "Exchange", dependencies: ["Kernel", .target(name: "CMPI", condition: .when(traits: ["MPI"]))],
            path: "Packages/Exchange/Sources/Exchange"),
        .testTarget(
            name: "ExchangeTests", dependencies: ["Exchange", "Kernel"], path: "Packages/Exchange/Tests/ExchangeTests"),

        // Learn: layers with hand-written backward passes, optimizers, data, data-parallel training.
        .target(name: "CLearnData", path: "Packages/Learn/Sources/CLearnData", exclude: ["data"]),
        .target(
            name: "Learn",
            dependencies: ["Kernel", "Exchange", "CLearnData"],
            path: "Packages/Learn/Sources/Learn"),
        .target(
            name: "LearnCLI",
            dependencies: [
                "Learn", "Kernel", "FjordCLI", argumentParser,
                .target(name: "CMPI", condition: .when(traits: ["MPI"])),
            ],
            path: "Packages/Learn/Sources/LearnCLI"),
        .executableTarget(
            name: "learn", dependencies: ["Learn", "LearnCLI", "Kernel", "FjordCLI", argumentParser],
            path: "Packages/Learn/Sources/learn"),
        .testTarget(name: "LearnTests", dependencies: ["Learn", "Kernel"], path: "Packages/Learn/Tests/LearnTests"),
        .testTarget(
            name: "LearnCLITests", dependencies: ["learn", "tensor", "FjordTestSupport"],
            path: "Packages/Learn/Tests/LearnCLITests"),

        // Quant: stochastic gradient quantization with real Elias-coded bit streams.
        .target(name: "CQuant", path: "Packages/Quant/Sources/CQuant"),
        .target(name: "Quant", dependencies: ["Kernel", "Exchange", "CQuant"], path: "Packages/Quant/Sources/Quant"),
        .executableTarget(
            name: "quant",
            dependencies: ["Quant", "Learn", "LearnCLI", "DistributedCLI", "Kernel", "FjordCLI", argumentParser],
            path: "Packages/Quant/Sources/quant"),
        .testTarget(
            name: "QuantTests", dependencies: ["Quant", "CQuant", "Kernel", "Learn"],
            path: "Packages/Quant/Tests/QuantTests"),
        .testTarget(
            name: "QuantCLITests", dependencies: ["quant", "tensor", "FjordTestSupport"],
            path: "Packages/Quant/Tests/QuantCLITests"),

        // RobustAgg: Byzantine-resilient aggregation rules, attacks and MixTailor.
        .target(name: "CRobust", path: "Packages/RobustAgg/Sources/CRobust"),
        .target(
            name: "RobustAgg", dependencies: ["Kernel", "Exchange", "CRobust"],
            path: "Packages/RobustAgg/Sources/RobustAgg"),
        .executableTarget(
            name: "robust-agg",
            dependencies: ["RobustAgg", "Learn", "LearnCLI", "DistributedCLI", "Kernel", "FjordCLI", argumentParser],
            path: "Packages/RobustAgg/Sources/robust-agg"),
        .testTarget(
            name: "RobustAggTests", dependencies: ["RobustAgg", "CRobust", "Kernel", "Learn"],
            path: "Packages/RobustAgg/Tests/RobustAggTests"),
        .testTarget(
            name: "RobustAggCLITests", dependencies: ["robust-agg", "tensor", "FjordTestSupport"],
            path: "Packages/RobustAgg/Tests/RobustAggCLITests"),

        // ReasoningBench: the CogniLoad generator, solver, simulated models, an OpenAI-compatible runner and the
        // reasoning-efficiency decomposition.
        .target(
            name: "ReasoningBench", dependencies: ["Kernel"], path: "Packages/ReasoningBench/Sources/ReasoningBench"),
        .executableTarget(
            name: "reasoning-bench", dependencies: ["ReasoningBench", "Kernel", "FjordCLI", argumentParser],
            path: "Packages/ReasoningBench/Sources/reasoning-bench"),
        .testTarget(
            name: "ReasoningBenchTests", dependencies: ["ReasoningBench", "Kernel"],
            path: "Packages/ReasoningBench/Tests/ReasoningBenchTests"),
        .testTarget(
            name: "ReasoningBenchCLITests", dependencies: ["reasoning-bench", "FjordTestSupport"],
            path: "Packages/ReasoningBench/Tests/ReasoningBenchCLITests"),

        // VIOpt: monotone operators, extra-gradient and dual methods, Q-GenX over the exchange step.
        .target(name: "VIOpt", dependencies: ["Kernel", "Exchange", "Learn"], path: "Packages/VIOpt/Sources/VIOpt"),
        .executableTarget(
            name: "vi-opt",
            dependencies: [
                "VIOpt", "Quant", "DistributedCLI", "Learn", "LearnCLI", "Exchange", "Kernel", "FjordCLI",
                argumentParser,
            ],
            path: "Packages/VIOpt/Sources/vi-opt"),
        .testTarget(
            name: "VIOptTests", dependencies: ["VIOpt", "Quant", "Exchange", "Learn", "Kernel"],
            path: "Packages/VIOpt/Tests/VIOptTests"),
        .testTarget(
            name: "VIOptCLITests", dependencies: ["vi-opt", "tensor", "FjordTestSupport"],
            path: "Packages/VIOpt/Tests/VIOptCLITests"),

        // ShiftAdapt: label-shift estimators, density ratios, calibration, importance-weighted federated training.
        .target(name: "CShift", path: "Packages/ShiftAdapt/Sources/CShift"),
        .target(
            name: "ShiftAdapt", dependencies: ["Kernel", "Exchange", "Learn", "CShift"],
            path: "Packages/ShiftAdapt/Sources/ShiftAdapt"),
        .executableTarget(
            name: "shift-adapt",
            dependencies: [
                "ShiftAdapt", "Learn", "LearnCLI", "Quant", "DistributedCLI", "Kernel", "FjordCLI",
                argumentParser,
            ],
            path: "Packages/ShiftAdapt/Sources/shift-adapt"),
        .testTarget(
            name: "ShiftAdaptTests", dependencies: ["ShiftAdapt", "CShift", "Exchange", "Learn", "Kernel"],
            path: "Packages/ShiftAdapt/Tests/ShiftAdaptTests"),
        .testTarget(
            name: "ShiftAdaptCLITests", dependencies: ["shift-adapt", "tensor", "FjordTestSupport"],
            path: "Packages/ShiftAdapt/Tests/ShiftAdaptCLITests"),

        // NeuralOp: pseudo-spectral solvers, Fourier neural operators (FNO, FNO-3D, FNOtD) as Learn layers, diagnostics.
        .target(name: "NeuralOp", dependencies: ["Kernel", "Learn"], path: "Packages/NeuralOp/Sources/NeuralOp"),
        .executableTarget(
            name: "neural-op",
            dependencies: [
                "NeuralOp", "Learn", "LearnCLI", "Quant", "DistributedCLI", "Kernel", "FjordCLI", argumentParser,
            ],
            path: "Packages/NeuralOp/Sources/neural-op"),
        .testTarget(
            name: "NeuralOpTests", dependencies: ["NeuralOp", "Learn", "Kernel"],
            path: "Packages/NeuralOp/Tests/NeuralOpTests"),
        .testTarget(
            name: "NeuralOpCLITests", dependencies: ["neural-op", "tensor", "FjordTestSupport"],
            path: "Packages/NeuralOp/Tests/NeuralOpCLITests"),

        // XAI: self-explaining models (SRA, CoExVQA) and the explainability metrics (ERASER, HateXplain bias, ANLS).
        .target(name: "XAI", dependencies: ["Kernel", "Learn"], path: "Packages/XAI/Sources/XAI"),
        .executableTarget(
            name: "xai", dependencies: ["XAI", "Learn", "Kernel", "FjordCLI", argumentParser],
            path: "Packages/XAI/Sources/xai"),
        .testTarget(name: "XAITests", dependencies: ["XAI", "Learn", "Kernel"], path: "Packages/XAI/Tests/XAITests"),
        .testTarget(
            name: "XAICLITests", dependencies: ["xai", "tensor", "FjordTestSupport"],
            path: "Packages/XAI/Tests/XAICLITests"),

        // Distributed: one option set for quantized, Byzantine-robust training (codec, rule and attack together),
        // shared by quant train and robust-agg train.
        .target(
            name: "DistributedCLI",
            dependencies: [
                "Learn", "LearnCLI", "Quant", "RobustAgg", "Exchange", "Kernel", "FjordCLI",
                argumentParser,
            ],
            path: "Packages/Distributed/Sources/DistributedCLI"),
        .testTarget(
            name: "DistributedTests", dependencies: ["Learn", "Quant", "RobustAgg", "Kernel"],
            path: "Packages/Distributed/Tests/DistributedTests"),

        // Cross-tool pipelines: real pipes between the built executables and Python's numpy.
        .testTarget(
            name: "PipelineTests", dependencies: ["tensor", "quant", "robust-agg", "FjordTestSupport"],
            path: "Tests/PipelineTests"),
    ]
)
