import NetCost

/// What one run of the executor may take, checked from the graph before anything is
/// allocated or run: tensor memory (`--max-memory`) and work (`--max-macs`), so that a
/// small file cannot hold a machine for hours.
public struct RunLimits: Sendable, Equatable {
    /// 1 GiB: enough for every shipped network but VGG-16 (1.2 GiB with its packed
    /// weights: `--max-memory 2G`), and a bound a few bytes of spec cannot pass.
    public static let defaultMemoryBytes = 1 << 30
    /// 100 G multiply-accumulates per forward pass: EfficientNet-B7 at 600×600 takes 37 G,
    /// VGG-16 15.5 G; the counting kernels of `verify` run about 0.5–1 G a second.
    public static let defaultMACs = 100_000_000_000

    public var memoryBytes: Int
    public var macs: Int

    public init(memoryBytes: Int = defaultMemoryBytes, macs: Int = defaultMACs) {
        self.memoryBytes = memoryBytes
        self.macs = macs
    }

    /// Throws an `InputError` naming the limit that `graph`'s plan or work passes.
    func check(_ memory: MemoryPlan, macs graphMACs: Int) throws(InputError) {
        try memory.check(limit: memoryBytes)
        guard graphMACs > macs else { return }
        throw InputError("one pass of this graph takes \(NumberFormat.count(graphMACs)) MACs, more than the --max-macs limit of \(NumberFormat.count(macs)); shrink the input with --resolution or raise --max-macs",
                         field: "max-macs")
    }
}
