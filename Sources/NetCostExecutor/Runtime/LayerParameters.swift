import NetCost

/// What a stored tensor of a layer is for; running statistics are buffers, the rest
/// are learned parameters (netcost's `params`).
enum ParameterRole: String, Sendable {
    case weight, bias, scale, shift, runningMean = "running_mean", runningVariance = "running_var"

    var isBuffer: Bool { self == .runningMean || self == .runningVariance }
}

/// One stored tensor of a layer.
struct ParameterTensor: Sendable {
    let role: ParameterRole
    let data: Tensor
}

/// A layer's stored tensors, in the order of `ParameterLayout.roles`; a kernel refers
/// to them (and the counting probe marks them) by position.
struct LayerParameters: Sendable {
    var tensors: [ParameterTensor] = []

    static let empty = LayerParameters()

    /// Position of the tensor with `role`, if the layer has one.
    func slot(_ role: ParameterRole) -> Int? { tensors.firstIndex { $0.role == role } }

    func pointer(_ role: ParameterRole) -> UnsafeMutablePointer<Float>? {
        slot(role).map { tensors[$0].data.pointer }
    }

    /// Elements stored, learned and buffers alike.
    var elements: Int { tensors.reduce(0) { $0 + $1.data.elements } }
}

/// Which tensors an operation stores, with their shapes (PyTorch's layouts), and how the
/// seeded run fills them.
enum ParameterLayout {
    /// The roles and dims of `operation`'s stored tensors on inputs of `inputs` shapes.
    static func tensors(for operation: Operation, inputs: [TensorShape]) -> [(role: ParameterRole, dims: [Int])] {
        switch operation {
        case .convolution(let conv):
            let perGroup = inputs[0].channels / conv.groups
            var result: [(ParameterRole, [Int])] = [(.weight, [conv.outChannels, perGroup, conv.kernel.height, conv.kernel.width])]
            if conv.bias { result.append((.bias, [conv.outChannels])) }
            return result
        case .transposedConvolution(let conv):
            var result: [(ParameterRole, [Int])] = [(.weight, [inputs[0].channels, conv.outChannels / conv.groups, conv.kernel.height, conv.kernel.width])]
            if conv.bias { result.append((.bias, [conv.outChannels])) }
            return result
        case .linear(let linear):
            let features = inputs[0].dims[inputs[0].rank - 1]
            var result: [(ParameterRole, [Int])] = [(.weight, [linear.outFeatures, features])]
            if linear.bias { result.append((.bias, [linear.outFeatures])) }
            return result
        case .normalization(let norm):
            switch norm.method {
            case .batch:
                let channels = inputs[0].channels
                return [(.scale, [channels]), (.shift, [channels]), (.runningMean, [channels]), (.runningVariance, [channels])]
            case .group:
                return [(.scale, [inputs[0].channels]), (.shift, [inputs[0].channels])]
            case .layer(let axes):
                let normalized = Array(inputs[0].dims.suffix(axes))
                return [(.scale, normalized), (.shift, normalized)]
            }
        case .fused(let fused):
            return tensors(for: fused.base, inputs: inputs)
        case .input, .matmul, .activation, .softmax, .pooling, .globalPooling, .adaptivePooling, .elementwise,
             .concat, .slice, .channelShuffle, .reshape, .transpose, .identity, .upsample, .pad, .constant, .unsupported:
            return []
        }
    }

    /// Seeded values: weights and biases uniform in ±1/√fan-in (activations keep their
    /// scale through deep graphs), norm scales near 1, variances positive.
    static func make(for operation: Operation, inputs: [TensorShape], random: inout SeededRandom) -> LayerParameters {
        let layout = tensors(for: operation, inputs: inputs)
        let fanIn: Int
        if let weight = layout.first(where: { $0.role == .weight }) {
            if case .transposedConvolution = operation.base {
                fanIn = weight.dims[1] * weight.dims[2] * weight.dims[3]
            } else {
                fanIn = weight.dims.dropFirst().reduce(1, *)
            }
        } else {
            fanIn = 1
        }
        let bound = 1 / Float(max(fanIn, 1)).squareRoot()
        var parameters = LayerParameters()
        for (role, dims) in layout {
            let tensor = Tensor(dims: dims)
            let (low, high): (Float, Float) = switch role {
            case .weight, .bias: (-bound, bound)
            case .scale, .runningVariance: (0.5, 1.5)
            case .shift, .runningMean: (-0.1, 0.1)
            }
            random.fill(tensor.pointer, count: tensor.elements, low, high)
            parameters.tensors.append(ParameterTensor(role: role, data: tensor))
        }
        return parameters
    }
}
