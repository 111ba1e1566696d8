import NetCost

/// The executor's fuzz entry point (see `FuzzTargets` and docs/robustness.md): a spec
/// run by `verify` and by the fast kernels on small graphs.
public enum ExecutorFuzzTargets {
    /// Tens of megabytes and a few million MACs (or their equal in other work) a pass:
    /// each input runs in milliseconds.
    public static let runLimits = RunLimits(memoryBytes: 64 << 20, macs: 20_000_000)
    public static let modelLimits = ModelLimits(layers: 700, elements: 1 << 18)

    /// Loads a spec, verifies its training and deployed graphs, and runs the fast
    /// kernels once. Returns the layers whose counts disagree with netcost's formulas (a
    /// finding, as a trap is), or nil when the input was refused before anything ran.
    public static func verify(_ bytes: [UInt8]) -> [LayerVerification]? {
        let overrides = SpecOverrides(limits: modelLimits)
        guard let model = try? SpecLoader.load(bytes: bytes, file: "fuzz.json", overrides: overrides) else { return nil }
        var mismatches: [LayerVerification]?
        for graph in [model.graph, try? Fusion.deploy(model.graph)].compactMap({ $0 }) {
            guard let report = try? Verifier.verify(graph, limits: runLimits) else { continue }
            mismatches = (mismatches ?? []) + report.layers.filter { !$0.match }
            _ = try? Benchmark.run(graph, repetitions: 1, warmup: 0, limits: runLimits)
        }
        return mismatches
    }
}
