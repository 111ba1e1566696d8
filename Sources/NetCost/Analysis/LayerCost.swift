/// What one layer costs, on the whole tensors its shapes hold (every sample of the batch). These are netcost's counting
/// conventions; docs/counting.md gives every op's formulas and the reasons.
///
/// - `params`: learned parameters: weights, biases, normalization scale and shift.
/// - `buffers`: stored state that is not learned: batch-norm running mean and variance.
/// - `macs`: multiply-accumulates of convolutions, linear layers and matmul, bias excluded;
///   the papers' "mult-adds". Padding taps count, as every published table counts them.
/// - `flops`: `2 × macs` plus every other arithmetic operation (bias adds, normalization,
///   activations, pooling, element-wise ops, softmax), with the per-op constants in docs.
/// - memory access, after ShuffleNet V2: elements read (input activations actually
///   touched, weights, biases, statistics) plus elements written (the output), each
///   counted once, as with an ideal cache. Views (flatten, split, dropout) cost nothing.
public struct LayerCost: Sendable, Equatable {
    public var params = 0
    public var buffers = 0
    public var macs = 0
    public var flops = 0
    /// Input activation elements read at least once.
    public var inputReads = 0
    /// Parameter and buffer elements read.
    public var weightReads = 0
    /// Output elements written.
    public var outputWrites = 0

    public init(params: Int = 0, buffers: Int = 0, macs: Int = 0, flops: Int = 0,
                inputReads: Int = 0, weightReads: Int = 0, outputWrites: Int = 0) {
        self.params = params
        self.buffers = buffers
        self.macs = macs
        self.flops = flops
        self.inputReads = inputReads
        self.weightReads = weightReads
        self.outputWrites = outputWrites
    }

    /// A layer that moves no data and computes nothing: views, identity, dropout.
    public static let zero = LayerCost()

    /// ShuffleNet V2's memory access cost, in elements: reads plus writes.
    public var memoryAccess: Int { inputReads &+ weightReads &+ outputWrites }

    /// A layer that reads its inputs once, writes its output once and does
    /// `flopsPerOutput` operations per output element: activations, copies, element-wise ops.
    static func elementwise(inputs: [TensorShape], output: TensorShape, flopsPerOutput: Int) throws(SizeOverflow) -> LayerCost {
        var reads = 0
        for input in inputs { reads = try reads.adding(input.elements) }
        return LayerCost(flops: try output.elements.multiplied(by: flopsPerOutput),
                         inputReads: reads, outputWrites: output.elements)
    }

    /// The sum of two costs, or `SizeOverflow`.
    public func adding(_ other: LayerCost) throws(SizeOverflow) -> LayerCost {
        LayerCost(params: try params.adding(other.params),
                  buffers: try buffers.adding(other.buffers),
                  macs: try macs.adding(other.macs),
                  flops: try flops.adding(other.flops),
                  inputReads: try inputReads.adding(other.inputReads),
                  weightReads: try weightReads.adding(other.weightReads),
                  outputWrites: try outputWrites.adding(other.outputWrites))
    }
}
