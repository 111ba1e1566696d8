// swift-tools-version:6.0
import Foundation
import PackageDescription

// The executor's kernels are SIMD code: Swift compiles for baseline x86-64 (SSE2, no
// FMA) unless told otherwise, and there a fused multiply-add becomes a libm call per
// lane. On x86-64 the executor is therefore compiled for the CPU that builds it, read
// from /proc/cpuinfo: AVX-512 (16-lane vectors) or AVX2 with FMA (8 lanes), like
// -march=native. The binary then needs that CPU: to build one that runs elsewhere, set
// NETCOST_TARGET_CPU to an LLVM CPU name (`haswell` for AVX2 machines, `x86-64` for any).
// See docs/executor.md.
let executorCodegenFlags: [String] = {
    #if arch(x86_64)
    let environment = ProcessInfo.processInfo.environment
    let flags = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8))?
        .split(separator: "\n").first { $0.hasPrefix("flags") }?.split(separator: " ").map(String.init) ?? []
    let cpu = environment["NETCOST_TARGET_CPU"]
        ?? (flags.contains("avx512f") ? "skylake-avx512" : flags.contains("avx2") && flags.contains("fma") ? "haswell" : "x86-64")
    let wide = ["skylake-avx512", "skx", "cascadelake", "cooperlake", "icelake-server", "icelake-client", "tigerlake",
                "sapphirerapids", "emeraldrapids", "graniterapids", "znver4", "znver5"].contains(cpu)
    return ["-target-cpu", cpu] + (wide ? ["-DNETCOST_WIDE_VECTORS"] : [])
    #else
    return []
    #endif
}()

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
        .target(name: "NetCostExecutor", dependencies: ["NetCost"],
                swiftSettings: [.unsafeFlags(executorCodegenFlags), .unsafeFlags(["-Ounchecked"], .when(configuration: .release))]),
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
        .testTarget(name: "EndToEndTests", dependencies: ["netcost"], exclude: ["Fixtures", "Golden"]),
    ]
)
