import Foundation

/// Two adjacent layers that the executor's fast run computes as one, so that the first's
/// output never goes out to memory. Found from the graph alone: the executor runs these
/// pairs and `predict` times them as pairs. `NETCOST_MERGE=0` turns merging off in both.
public struct MergedPair: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        /// A 1×1 convolution and the depthwise convolution that alone reads it, computed
        /// in row bands (MobileNetV2's expansion, ShuffleNet V2's branch).
        case pointwiseDepthwise
        /// A convolution and the add that alone reads it: the add's other operand, layer
        /// `other`, is added as the convolution writes its output (ResNet's shortcut).
        case residual(other: Int)
    }

    public let first: Int
    public let second: Int
    public let kind: Kind

    /// False when `NETCOST_MERGE=0`: to measure, and predict, what merging brings.
    public static let enabled: Bool = ProcessInfo.processInfo.environment["NETCOST_MERGE"] != "0"

    /// Per layer, the pair it starts, if any.
    public static func find(_ graph: Graph) -> [MergedPair?] {
        var readers = Array(repeating: 0, count: graph.layers.count)
        for layer in graph.layers { for input in layer.inputs where readers.indices.contains(input) { readers[input] += 1 } }
        return graph.layers.indices.map { index in
            let next = index + 1
            guard graph.layers.indices.contains(next), readers[index] == 1, graph.layers[next].inputs.contains(index),
                  case .convolution(let first) = graph.layers[index].operation.base, first.groups == 1 else { return nil }
            let layer = graph.layers[index], follower = graph.layers[next]
            let input = graph.inputShapes(of: index).first
            if follower.inputs == [index], case .convolution(let second) = follower.operation.base, let input,
               isPointwise(first, input: input, output: layer.outputShape),
               isDepthwise(second, input: layer.outputShape, output: follower.outputShape),
               clampsInRegisters(layer.operation), clampsInRegisters(follower.operation) {
                return MergedPair(first: index, second: next, kind: .pointwiseDepthwise)
            }
            if case .elementwise(let elementwise) = follower.operation, elementwise.op == .add, follower.inputs.count == 2,
               let other = follower.inputs.first(where: { $0 != index }),
               graph.layers[other].outputShape == layer.outputShape, follower.outputShape == layer.outputShape {
                return MergedPair(first: index, second: next, kind: .residual(other: other))
            }
            return nil
        }
    }

    /// 1×1, stride 1, no padding: the input is the matrix product's operand as it lies.
    private static func isPointwise(_ conv: Convolution, input: TensorShape, output: TensorShape) -> Bool {
        guard conv.kernel == .square(1), conv.stride == .square(1), input.rank == 4, output.rank == 4 else { return false }
        return conv.axes(input).allSatisfy { $0.padBefore == 0 } && input.dims[2] == output.dims[2] && input.dims[3] == output.dims[3]
    }

    /// One input and one output channel per group.
    private static func isDepthwise(_ conv: Convolution, input: TensorShape, output: TensorShape) -> Bool {
        conv.groups > 1 && input.rank == 4 && output.rank == 4 && input.dims[1] == conv.groups && output.dims[1] == conv.groups
    }

    /// Whether a layer's activations compose to one clamp (relu, relu6, clip, or none),
    /// which the kernels apply in registers. With any other (swish, hardswish) the bands
    /// ran slower merged than the two layers apart: EfficientNet-B0 11.3 and 11.5 ms
    /// merged against 9.8 and 10.1 apart (`NETCOST_MERGE=0`, 2026-12-04).
    private static func clampsInRegisters(_ operation: Operation) -> Bool {
        operation.fusedActivations.allSatisfy(\.function.isClamp)
    }
}
