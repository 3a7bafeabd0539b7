// swift-tools-version: 6.1
// Exchange standalone: the plug-in protocols of distributed methods and the exchange step, over ../Kernel by path.
// It depends on Kernel only, so a codec or rule package (Quant, RobustAgg) compiles Kernel, Exchange and itself.
import PackageDescription

let kernel: Target.Dependency = .product(name: "Kernel", package: "Kernel")

let package = Package(
    name: "Exchange",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "Exchange", targets: ["Exchange"])
    ],
    traits: [
        .trait(name: "MPI", description: "MPICommunicator over Open MPI; run under mpirun."),
        .default(enabledTraits: []),
    ],
    dependencies: [
        .package(path: "../Kernel", traits: [.trait(name: "MPI", condition: .when(traits: ["MPI"]))])
    ],
    targets: [
        .target(
            name: "Exchange",
            dependencies: [
                kernel, .product(name: "CMPI", package: "Kernel", condition: .when(traits: ["MPI"])),
            ]),
        .testTarget(name: "ExchangeTests", dependencies: ["Exchange", kernel]),
    ]
)
