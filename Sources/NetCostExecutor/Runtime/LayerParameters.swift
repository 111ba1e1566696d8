import NetCost

/// One stored tensor of a layer.
struct ParameterTensor: Sendable {
    let role: ParameterRole
    let data: Tensor
}

/// A layer's stored tensors, in the order of its op's `parameterShapes`; a kernel refers
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

/// The tensors an operation stores (its `parameterShapes`), filled for a seeded run.
enum SeededParameters {
    /// Seeded values: weights and biases uniform in ±1/√fan-in (activations keep their
    /// scale through deep graphs), norm scales near 1, variances positive.
    static func make(for operation: Operation, inputs: [TensorShape], random: inout SeededRandom) -> LayerParameters {
        let layout = operation.rules.parameterShapes(inputs)
        // Every dim of the weight but the first: `(C_in/g)·kh·kw` for a convolution,
        // `(C_out/g)·kh·kw` for a transposed one (PyTorch's layout puts C_in first), `F_in`.
        let fanIn = layout.first { $0.role == .weight }?.dims.dropFirst().reduce(1, *) ?? 1
        let bound = 1 / Float(max(fanIn, 1)).squareRoot()
        var parameters = LayerParameters()
        for shape in layout {
            let tensor = Tensor(dims: shape.dims)
            let (low, high): (Float, Float) = switch shape.role {
            case .weight, .bias, .recurrentWeight, .recurrentBias: (-bound, bound)
            case .scale, .runningVariance: (0.5, 1.5)
            case .shift, .runningMean: (-0.1, 0.1)
            }
            random.fill(tensor.pointer, count: tensor.elements, low, high)
            parameters.tensors.append(ParameterTensor(role: shape.role, data: tensor))
        }
        return parameters
    }
}
