import Foundation
import NetCost

/// Two adjacent layers that a fast run computes as one, so that the first's output never
/// goes out to memory (only in a run that keeps just the graph's output; `NETCOST_MERGE=0`
/// turns it off). Each output value is the same as when the layers run apart.
struct MergedPair: Sendable, Equatable {
    enum Kind: Sendable, Equatable {
        /// A 1×1 convolution and the depthwise convolution that alone reads it, in row
        /// bands of about `bandBytes` per worker (`PointwiseDepthwise`).
        case bands(bandBytes: Int)
        /// A convolution and the add that alone reads it: the add's other operand, layer
        /// `residual`, is added in the convolution's epilogue.
        case residual(Int)
    }

    let first: Int
    let second: Int
    let kind: Kind

    /// False when `NETCOST_MERGE=0`: to measure what merging brings.
    static let enabled: Bool = ProcessInfo.processInfo.environment["NETCOST_MERGE"] != "0"

    /// What `netcost bench` calls the merge.
    var how: LayerTiming.Merge.How {
        switch kind {
        case .bands: .rowBands
        case .residual: .residualEpilogue
        }
    }

    /// Per layer, the pair it starts, if any.
    static func find(_ graph: Graph, geometries: [ConvolutionGeometry?], packed: [[PackedMatrix]], bandBytes: Int) -> [MergedPair?] {
        var readers = Array(repeating: 0, count: graph.layers.count)
        for layer in graph.layers { for input in layer.inputs { readers[input] += 1 } }
        let last = graph.layers.count - 1
        return graph.layers.indices.map { index in
            let next = index + 1
            guard next <= last, readers[index] == 1, graph.layers[next].inputs.contains(index),
                  PreparedGraph.runsConvolution(graph.layers[index].operation), let geometry = geometries[index] else { return nil }
            let follower = graph.layers[next]
            if follower.inputs == [index], PreparedGraph.runsConvolution(follower.operation), packed[index].count == 1,
               clampsInRegisters(graph.layers[index].operation), clampsInRegisters(follower.operation),
               let depthwise = geometries[next], PointwiseDepthwise.applies(pointwise: geometry, depthwise: depthwise) {
                return MergedPair(first: index, second: next, kind: .bands(bandBytes: bandBytes))
            }
            if case .elementwise(let elementwise) = follower.operation, elementwise.op == .add, follower.inputs.count == 2,
               packed[index].count == 1, !geometry.isDepthwise, geometry.groups == 1,
               let other = follower.inputs.first(where: { $0 != index }),
               graph.layers[other].outputShape == graph.layers[index].outputShape,
               follower.outputShape == graph.layers[index].outputShape {
                return MergedPair(first: index, second: next, kind: .residual(other))
            }
            return nil
        }
    }

    /// Whether a layer's activations compose to one clamp (relu, relu6, clip, or none),
    /// which the kernels apply in registers. With any other (swish, hardswish) the bands
    /// ran slower merged than the two layers apart: EfficientNet-B0 11.3 and 11.5 ms
    /// merged against 9.8 and 10.1 apart (`NETCOST_MERGE=0`, 2026-12-04).
    private static func clampsInRegisters(_ operation: NetCost.Operation) -> Bool {
        guard case .fused(let fused) = operation else { return true }
        return Epilogue(bias: nil, activations: fused.activations.map(\.function)).clamp != nil
    }
}
