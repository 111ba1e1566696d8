// swift-tools-version:6.0
import PackageDescription

// netcost depends on the Swift toolchain alone: no packages, so it builds
// offline and embeds in any app without transitive dependencies.
let package = Package(
    name: "netcost",
    products: [
        .library(name: "NetCost", targets: ["NetCost"]),
        .library(name: "NetCostExecutor", targets: ["NetCostExecutor"]),
        .executable(name: "netcost", targets: ["netcost"]),
    ],
    targets: [
        .target(name: "NetCost", linkerSettings: [.linkedLibrary("m", .when(platforms: [.linux]))]),
        // The executor's arithmetic-bound loops, in C: compiled for several vector widths
        // (function `target` attributes, no build flags) and chosen at run time.
        .target(name: "NetCostKernels"),
        .target(name: "NetCostExecutor", dependencies: ["NetCost", "NetCostKernels"]),
        .target(name: "ArgumentParsing"),
        .executableTarget(name: "netcost", dependencies: ["NetCost", "NetCostExecutor", "ArgumentParsing"]),
        // Benchmarks: measured, never asserted in tests (docs/benchmarks.md).
        .executableTarget(name: "netcost-bench", dependencies: ["NetCost", "NetCostExecutor"]),
        // The PyTorch kernel fixtures and their mapping to ops, shared by the two test targets below.
        .target(name: "_NetCostTestSupport", dependencies: ["NetCost"], path: "Tests/_NetCostTestSupport"),
        .testTarget(name: "NetCostTests", dependencies: ["NetCost", "_NetCostTestSupport"], exclude: ["Fixtures"]),
        .testTarget(name: "ONNXTests", dependencies: ["NetCost"], exclude: ["Fixtures"]),
        .testTarget(name: "NetCostExecutorTests", dependencies: ["NetCost", "NetCostExecutor", "_NetCostTestSupport"]),
        .testTarget(name: "ArgumentParsingTests", dependencies: ["ArgumentParsing"]),
        .testTarget(name: "EndToEndTests", dependencies: ["netcost", "netcost-bench"], exclude: ["Fixtures", "Golden"]),
    ]
)
