/// The families the cost bars are stacked and coloured by: the ops' own families
/// (`OpFamily`), with depthwise convolutions apart and the data movers together.
///
/// Depthwise convolutions get their own colour because ShuffleNet V2 (G4) and the
/// MobileNets single them out: few MACs, much memory access. A fused layer (`--fuse`)
/// belongs to the family of the convolution or linear layer it is built on.
enum ChartFamily: Int, CaseIterable, Sendable {
    case convolution, depthwise, linear, normalization, activation, pooling, elementwise, movement, other

    init(_ operation: Operation, input: TensorShape?) {
        let rules = operation.rules
        switch rules.family {
        case .convolution: self = rules.isDepthwise(inputChannels: input?.channels) ? .depthwise : .convolution
        case .linear: self = .linear
        case .normalization: self = .normalization
        case .activation: self = .activation
        case .pooling: self = .pooling
        case .elementwise: self = .elementwise
        case .joining, .reshaping, .resampling: self = .movement
        case .source, .unknown: self = .other
        case .fused: self = ChartFamily(operation.base, input: input)
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
