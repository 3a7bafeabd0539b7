// swift-tools-version: 6.1
// Kernel standalone: the same targets as the root manifest declares for it, for developing or
// consuming Kernel alone. Keep the two in step (the root one is what CI tests in full).
import PackageDescription

let argumentParser: Target.Dependency = .product(name: "ArgumentParser", package: "swift-argument-parser")

let package = Package(
    name: "Kernel",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "Kernel", targets: ["Kernel"]),
        .library(name: "FjordCLI", targets: ["FjordCLI"]),
        .executable(name: "tensor", targets: ["tensor"]),
        .library(name: "FjordTestSupport", targets: ["FjordTestSupport"]),
        .library(name: "CMPI", targets: ["CMPI"]),
    ],
    traits: [
        .trait(name: "MPI", description: "Open MPI communicator (needs libopenmpi-dev); run under mpirun."),
        .default(enabledTraits: []),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2")
    ],
    targets: [
        .systemLibrary(name: "COpenBLAS", pkgConfig: "openblas", providers: [.apt(["libopenblas-dev"])]),
        .systemLibrary(name: "CFFTW", pkgConfig: "fftw3f", providers: [.apt(["libfftw3-dev"])]),
        .systemLibrary(name: "CPNG", pkgConfig: "libpng", providers: [.apt(["libpng-dev"])]),
        .systemLibrary(name: "CMPI", pkgConfig: "ompi-c", providers: [.apt(["libopenmpi-dev"])]),
        .target(name: "CKernel"),
        .target(
            name: "Kernel",
            dependencies: [
                "COpenBLAS", "CFFTW", "CPNG", "CKernel",
                .target(name: "CMPI", condition: .when(traits: ["MPI"])),
            ]),
        .target(name: "FjordCLI", dependencies: ["Kernel", argumentParser]),
        .executableTarget(name: "tensor", dependencies: ["Kernel", "FjordCLI", argumentParser]),
        .target(name: "FjordTestSupport", path: "Tests/FjordTestSupport"),
        .testTarget(name: "KernelTests", dependencies: ["Kernel", "CKernel"]),
        .testTarget(name: "KernelCLITests", dependencies: ["tensor", "Kernel", "FjordTestSupport"]),
    ]
)
