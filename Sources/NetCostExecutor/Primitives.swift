import NetCost

/// The executor's closed set of primitives: every kernel is one of these loops, and every
/// op of the core is built from them. The list is the executor's whole vocabulary; an op
/// that needs something else needs a new case here first.
public enum Primitive: String, CaseIterable, Sendable {
    /// `C = A·B` with an 8- or 6-row × 2-vector register tile, then an epilogue (bias, activations):
    /// 1×1 and im2col convolutions, transposed convolutions (`Wᵀ·X`).
    case gemm
    /// Gathers each output position's window into a column, zeros in the padding.
    case im2col
    /// Scatter-adds columns into a map: the second half of a transposed convolution.
    case col2im
    /// A per-channel sliding window of multiply-adds, vectorized along the output row.
    case depthwise
    /// Direct convolution loops over virtual zero padding: the counting run's
    /// convolutions and the fast kernels' reference.
    case direct
    /// Dot products and row updates (`y += a·x`): linear layers and matmul.
    case dot
    /// `y = f(x)` per element: activations, the batch-norm affine map.
    case map
    /// A binary operator with NumPy broadcasting: add, sub, mul, div.
    case broadcast
    /// Statistics of contiguous groups, or of any axes: group and layer norm, softmax,
    /// reductions.
    case reduce
    /// Max or average over sliding, whole-map or adaptive windows.
    case window
    /// Copies with index arithmetic: concat, channel shuffle, transpose, pad, nearest
    /// upsampling, and strided views made dense for a kernel that needs them so.
    case gather
    /// Bilinear interpolation between four neighbours, bicubic between sixteen.
    case interpolate
    /// A new header on the same storage: split, slice, flatten, reshape, identity, dropout.
    case view

    /// The primitives an operation runs in the plain run (the counting run swaps
    /// gemm, im2col, col2im and depthwise for `direct`).
    public static func plan(for operation: Operation, inputs: [TensorShape]) -> [Primitive] {
        switch operation {
        case .input, .constant, .unsupported: return []
        case .convolution(let conv):
            let perGroup = (inputs.first?.channels ?? 1) / max(conv.groups, 1)
            if perGroup == 1 && conv.groups > 1 { return [.depthwise] }
            let pointwise = conv.kernel == .square(1) && conv.stride == .square(1) && (conv.padding == .zero || conv.padding == .same)
            return pointwise ? [.gemm] : [.im2col, .gemm]
        case .transposedConvolution: return [.gemm, .col2im]
        case .convolutionND, .transposedConvolutionND: return [.direct]
        case .dynamicConvolution(let conv):
            // 2-D: the stored-weight kernels, on the weight packed as it arrives.
            guard conv.window.rank == 2 else { return [.direct] }
            let perGroup = (inputs.first?.channels ?? 1) / max(conv.groups, 1)
            return perGroup == 1 && conv.groups > 1 ? [.depthwise] : [.im2col, .gemm]
        case .linear, .matmul: return [.dot]
        case .lstm: return [.dot, .map]
        case .einsum: return [.direct]
        case .normalization(let norm):
            switch norm.method {
            case .batch, .dynamicBatch: return [.map]
            case .group, .layer: return [.reduce, .map]
            }
        case .activation: return [.map]
        case .softmax, .reduction: return [.reduce]
        case .pooling, .poolingND, .globalPooling, .adaptivePooling: return [.window]
        case .elementwise, .select: return [.broadcast]
        case .cumulativeSum: return [.reduce]
        case .repeating, .take, .embedding, .gather, .gatherND, .scatterND, .elementIndexing: return [.gather]
        case .concat, .channelShuffle, .transpose, .pad: return [.gather]
        case .slice, .reshape, .identity: return [.view]
        case .upsample(let upsample): return upsample.mode == .nearest ? [.gather] : [.interpolate]
        case .fold: return [.col2im]
        case .fused(let fused): return plan(for: fused.base, inputs: inputs)
        }
    }
}
