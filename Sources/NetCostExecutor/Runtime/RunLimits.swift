import NetCost

/// What one run of the executor may take, checked from the graph before anything is
/// allocated or run: tensor memory (`--max-memory`) and work (`--max-macs`), so that a
/// small file cannot hold a machine for hours.
public struct RunLimits: Sendable, Equatable {
    /// 1 GiB: enough for every shipped network (VGG-16 needs 719 MiB with its packed
    /// convolution weights; EfficientNet-B7 at 600×600 at SSE2, whose packed weights take
    /// four times the space, 1.3 GiB: `--max-memory 2G`), and a bound a few bytes of spec
    /// cannot pass.
    public static let defaultMemoryBytes = 1 << 30
    /// 100 G multiply-accumulates (or their equal, `work`) per forward pass: EfficientNet-B7 at 600×600 takes 37 G,
    /// VGG-16 15.5 G; the counting kernels of `verify` run about 0.5–1 G a second.
    public static let defaultMACs = 100_000_000_000

    public var memoryBytes: Int
    public var macs: Int

    public init(memoryBytes: Int = defaultMemoryBytes, macs: Int = defaultMACs) {
        self.memoryBytes = memoryBytes
        self.macs = macs
    }

    /// The work of one pass in multiply-accumulates or their equal: half the FLOPs (a
    /// MAC is two), or the elements read and written where that is more, so that pooling
    /// with a huge window or a chain of copies cannot slip past a budget of MACs alone.
    static func work(_ totals: Totals) -> Int { max(totals.flops / 2, totals.memoryAccess) }

    /// Throws an `InputError` naming the limit that `graph`'s plan or work passes.
    func check(_ memory: MemoryPlan, totals: Totals) throws(InputError) {
        try memory.check(limit: memoryBytes)
        let work = Self.work(totals)
        guard work > macs else { return }
        throw InputError("one pass of this graph does the work of \(NumberFormat.count(work)) MACs (half its FLOPs, or its memory access if more), more than the --max-macs limit of \(NumberFormat.count(macs)); shrink the input with --resolution or raise --max-macs",
                         field: "max-macs")
    }
}
