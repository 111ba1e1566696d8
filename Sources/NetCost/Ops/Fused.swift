/// A layer of the deployed graph (`--fuse`): a convolution or linear layer with the
/// batch norm that followed it folded into its weights and bias, and the activations
/// that followed it applied to its output before it is written.
///
/// Folding removes the norm's parameters, buffers, flops and memory traffic and gives
/// the base a bias if it had none. A fused activation keeps its flops but no longer
/// reads and writes the feature map: that saving is what fusion buys.
public struct Fused: OperationRules, Hashable {
    /// The convolution or linear layer, with `bias` set when a norm was folded into it.
    public var base: Operation
    public var foldedNorm: Bool
    public var activations: [Activation]

    public init(base: Operation, foldedNorm: Bool, activations: [Activation]) {
        self.base = base
        self.foldedNorm = foldedNorm
        self.activations = activations
    }

    /// `conv2d+bn+relu6`.
    public var kind: String {
        ([base.kind] + (foldedNorm ? ["bn"] : []) + activations.map(\.kind)).joined(separator: "+")
    }

    public var arity: Arity { base.rules.arity }
    public static var family: OpFamily { .fused }
    public var storage: OutputStorage { .buffer }
    /// Already fused: `Fusion.deploy` runs once.
    public var fusion: FusionRole { .standalone }
    public var inPlace: InPlaceRole { .never }
    /// A deployed graph is not trained; the base's rule stands for the layer.
    public func training(_ inputs: [TensorShape], _ output: TensorShape) -> TrainingRule { base.rules.training(inputs, output) }
    public func isDepthwise(inputChannels: Int?) -> Bool { base.rules.isDepthwise(inputChannels: inputChannels) }
    /// The base's tensors: a folded norm lives in its weights and bias.
    public func parameterShapes(_ inputs: [TensorShape]) -> [ParameterShape] { base.rules.parameterShapes(inputs) }

    public func outputShape(_ inputs: [TensorShape]) throws -> TensorShape { try base.rules.outputShape(inputs) }

    public func cost(_ inputs: [TensorShape], _ output: TensorShape) throws -> LayerCost {
        var cost = try base.rules.cost(inputs, output)
        for activation in activations {
            cost.flops = try cost.flops.adding(try output.elements.multiplied(by: activation.function.flopsPerElement))
        }
        return cost
    }

    public func window(_ inputs: [TensorShape], _ output: TensorShape) -> SpatialWindow { base.rules.window(inputs, output) }
    public func batchAxis(_ inputs: [TensorShape], _ output: TensorShape) -> Int? { base.rules.batchAxis(inputs, output) }

    public func details(_ inputs: [TensorShape]) -> String { base.rules.details(inputs) }
}
