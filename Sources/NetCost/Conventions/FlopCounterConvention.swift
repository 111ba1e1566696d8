/// PyTorch's `torch.utils.flop_counter.FlopCounterMode` (torch 2.x): 2 FLOPs per
/// multiply-accumulate of the matrix products it registers (mm, addmm, bmm, baddbmm,
/// convolution, attention), biases, norms, activations and pooling not counted.
///
/// Backward: each product's gradients, 2 FLOPs per multiply-accumulate for each input
/// that needs one and for the weights. Its convolution-backward formula sizes the weight
/// gradient from the weight's shape as if the convolution had one group, so a grouped
/// convolution's weight gradient counts `groups` times its work; these rules keep that,
/// to reproduce the tool's figure (netcost's own convention counts it once).
enum FlopCounterConvention: ConventionRules {
    static let tool = "torch.utils.flop_counter.FlopCounterMode (torch 2.13, 2.15)"
    static let unit = "FLOPs"

    static func forward(_ layer: ConventionLayer) throws(SizeOverflow) -> Int? {
        layer.cost.macs > 0 ? try layer.cost.macs.multiplied(by: 2) : nil
    }

    static func backward(_ layer: ConventionLayer) throws(SizeOverflow) -> Int? {
        guard layer.cost.macs > 0 else { return nil }
        return try productGradients(layer, weightFactor: layer.operation.groups)
    }
}
