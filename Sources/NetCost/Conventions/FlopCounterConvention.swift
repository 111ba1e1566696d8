/// PyTorch's `torch.utils.flop_counter.FlopCounterMode` (torch 2.x): 2 FLOPs per
/// multiply-accumulate of the matrix products it registers (mm, addmm, bmm, baddbmm,
/// convolution, attention), biases, norms, activations and pooling not counted.
///
/// Backward: each product's gradients, 2 FLOPs per multiply-accumulate for each input
/// that needs one and for the weights. Its convolution-backward formula sizes the weight
/// gradient from the weight's shape as if the convolution had one group, so a grouped
/// convolution's weight gradient counts `groups` times its work; these rules keep that,
/// to reproduce the tool's figure (netcost's own convention counts it once).
///
/// `nn.MultiheadAttention`: in inference (no gradients) PyTorch runs it as one fused op
/// the tool has no formula for, so none of it counts; in a training step it takes the
/// unfused path, whose products count, and the backward of its scaled-dot-product
/// attention (flash, on the CPU) is five products: the scores' product again, then the
/// two gradients of each.
enum FlopCounterConvention: ConventionRules {
    static let tool = "torch.utils.flop_counter.FlopCounterMode (torch 2.13, 2.15)"
    static let unit = "FLOPs"

    static func forward(_ layer: ConventionLayer) throws(SizeOverflow) -> Int? {
        // Inference runs nn.MultiheadAttention as one fused op it has no formula for.
        if layer.layer.pytorchCall == .attention && !layer.training { return nil }
        return layer.cost.macs > 0 ? try layer.cost.macs.multiplied(by: 2) : nil
    }

    static func backward(_ layer: ConventionLayer) throws(SizeOverflow) -> Int? {
        guard layer.cost.macs > 0 else { return nil }
        let gradients = try productGradients(layer, weightFactor: layer.operation.groups)
        // The flash-attention backward computes the scores' product again.
        if layer.layer.pytorchCall == .attention, case .matmul = layer.operation, !layer.readsSoftmax {
            return try gradients.adding(try layer.cost.macs.multiplied(by: 2))
        }
        return gradients
    }
}
