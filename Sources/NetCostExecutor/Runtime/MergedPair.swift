import NetCost

/// How the executor runs the pairs `MergedPair.find` names: a 1×1 convolution and its
/// depthwise reader in row bands (`PointwiseDepthwise`), a convolution and its add with
/// the add's other operand in the convolution's epilogue. Only in a run that keeps just
/// the graph's output; each output value is the same as when the layers run apart.
extension MergedPair {
    /// What `netcost bench` calls the merge.
    var how: LayerTiming.Merge.How {
        switch kind {
        case .pointwiseDepthwise: .rowBands
        case .residual: .residualEpilogue
        }
    }
}
