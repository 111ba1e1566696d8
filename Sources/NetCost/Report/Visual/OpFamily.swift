/// The op families the cost bars are stacked and coloured by.
///
/// Depthwise convolutions get their own family because ShuffleNet V2 (G4) and the
/// MobileNets single them out: few MACs, much memory access. A fused layer (`--fuse`)
/// belongs to the family of the convolution or linear layer it is built on.
enum OpFamily: Int, CaseIterable, Sendable {
    case convolution, depthwise, linear, normalization, activation, pooling, elementwise, movement, other

    init(_ operation: Operation, input: TensorShape?) {
        switch operation {
        case .convolution(let conv):
            self = conv.isDepthwise(inputChannels: input?.dims.first) ? .depthwise : .convolution
        case .transposedConvolution: self = .convolution
        case .linear, .matmul: self = .linear
        case .normalization: self = .normalization
        case .activation, .softmax: self = .activation
        case .pooling, .globalPooling, .adaptivePooling: self = .pooling
        case .elementwise: self = .elementwise
        case .concat, .slice, .channelShuffle, .reshape, .transpose, .identity, .upsample, .pad: self = .movement
        case .input, .constant, .unsupported: self = .other
        case .fused(let fused): self = OpFamily(fused.base, input: input)
        }
    }

    var label: String {
        switch self {
        case .convolution: "conv"
        case .depthwise: "depthwise conv"
        case .linear: "linear / matmul"
        case .normalization: "normalization"
        case .activation: "activation"
        case .pooling: "pooling"
        case .elementwise: "element-wise"
        case .movement: "copy / view"
        case .other: "other"
        }
    }

    /// Okabe–Ito colours, distinguishable with the common colour-vision deficiencies.
    var color: String {
        switch self {
        case .convolution: "#0072b2"
        case .depthwise: "#56b4e9"
        case .linear: "#cc79a7"
        case .normalization: "#e69f00"
        case .activation: "#d8c43a"
        case .pooling: "#009e73"
        case .elementwise: "#d55e00"
        case .movement: "#a0a0a0"
        case .other: "#404040"
        }
    }
}
