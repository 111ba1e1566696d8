import NetCost

/// How much memory a run of a graph needs, computed from the graph alone, before
/// anything is allocated, so that a graph too large for `--max-memory` is refused with
/// a message instead of exhausting the machine.
///
/// - activations: the peak of live tensors when outputs are allocated in graph order and
///   freed after their last reader (views share their source's memory);
/// - parameters: every layer's stored tensors, plus the copy of a convolution's weights
///   that the GEMM packs for the kernel set (whole panels; each value four times over for
///   SSE2, which packs A broadcast);
/// - scratch: the largest im2col or transposed-convolution column buffer.
public struct MemoryPlan: Sendable, Equatable {
    public let peakActivationBytes: Int
    public let parameterBytes: Int
    public let scratchBytes: Int

    public var totalBytes: Int {
        peakActivationBytes &+ parameterBytes &+ scratchBytes
    }

    /// The plan of `graph`; throws for a graph that cannot run or when a size overflows.
    /// `kernels` are the set the GEMM packs for: this process's by default.
    public init(_ graph: Graph) throws(InputError) {
        try self.init(graph, kernels: try KernelSet.forThisProcess.get())
    }

    init(_ graph: Graph, kernels: KernelSet) throws(InputError) {
        try PreparedGraph.validate(graph)
        let layers = graph.layers
        let bytes = MemoryLayout<Float>.stride
        do {
            var parameters = 0, scratch = 0
            var lastReader = Array(layers.indices)
            for (index, layer) in layers.enumerated() {
                let shapes = layer.inputs.map { layers[$0].outputShape }
                for input in layer.inputs { lastReader[input] = max(lastReader[input], index) }
                for tensor in layer.operation.rules.parameterShapes(shapes) {
                    parameters = try parameters.adding(try product(of: tensor.dims).multiplied(by: bytes))
                }
                if let (geometry, transposed) = PreparedGraph.convolutionGeometry(layer.operation, inputs: shapes, output: layer.outputShape) {
                    let packed = try FastConvolution.packedFloats(geometry, transposed: transposed, kernels: kernels)
                    parameters = try parameters.adding(try packed.multiplied(by: bytes))
                }
                scratch = max(scratch, try Self.scratchElements(layer.operation, shapes, layer.outputShape).multiplied(by: bytes))
            }
            if let last = layers.indices.last { lastReader[last] = Int.max }
            // A view keeps its source's memory alive as long as the view is read.
            var root = Array(layers.indices)
            for (index, layer) in layers.enumerated() where layer.operation.rules.storage == .view && !layer.inputs.isEmpty {
                root[index] = root[layer.inputs[0]]
                lastReader[root[index]] = max(lastReader[root[index]], lastReader[index])
            }
            var live = 0, peak = 0
            var freeing: [Int: [Int]] = [:]
            for (index, layer) in layers.enumerated() where root[index] == index {
                freeing[lastReader[index], default: []].append(index)
                _ = layer
            }
            for (index, layer) in layers.enumerated() {
                var gathered = 0
                if layer.operation.rules.storage == .buffer {
                    if root[index] == index { live = try live.adding(try layer.outputShape.elements.multiplied(by: bytes)) }
                    // A strided view read by a kernel is first copied dense.
                    for input in layer.inputs where root[input] != input {
                        gathered = try gathered.adding(try layers[input].outputShape.elements.multiplied(by: bytes))
                    }
                }
                peak = max(peak, try live.adding(gathered))
                for freed in freeing[index] ?? [] { live -= layers[freed].outputShape.elements * bytes }
            }
            peakActivationBytes = peak
            parameterBytes = parameters
            scratchBytes = scratch
            _ = try sum(peak, parameters, scratch)
        } catch {
            throw SizeOverflow().inputError()
        }
    }

    /// Throws an `InputError` naming the three parts when the total exceeds `limit` bytes.
    public func check(limit: Int) throws(InputError) {
        guard totalBytes > limit else { return }
        throw InputError("running this graph needs \(NumberFormat.binaryBytes(totalBytes)) (activations at their peak \(NumberFormat.binaryBytes(peakActivationBytes)), parameters \(NumberFormat.binaryBytes(parameterBytes)), scratch \(NumberFormat.binaryBytes(scratchBytes))), more than the --max-memory limit of \(NumberFormat.binaryBytes(limit)); shrink the input with --resolution or raise --max-memory",
                         field: "max-memory")
    }

    /// Scratch floats a layer's fast kernel needs: im2col columns, a depthwise kernel's
    /// padded rows, or a transposed convolution's columns.
    static func scratchElements(_ operation: Operation, _ inputs: [TensorShape], _ output: TensorShape) throws(SizeOverflow) -> Int {
        var found = PreparedGraph.convolutionGeometry(operation, inputs: inputs, output: output)
        // A 2-D convolution by a run-time weight runs the same kernels on the weight it is given.
        if case .dynamicConvolution(let conv) = operation, let g = DynamicConvolutionKernel.geometry(conv, inputs, output) { found = (g, false) }
        guard let (g, transposed) = found else { return 0 }
        if transposed {
            return try product(g.outPerGroup, g.kernelHeight, g.kernelWidth, g.inputPlane)
        }
        if g.isDepthwise {
            return try product(g.strideWidth, g.height + 2 * g.kernelHeight * g.dilationHeight,
                               g.width + 2 * g.kernelWidth * g.dilationWidth, 2)
        }
        return try product(g.inPerGroup, g.kernelHeight, g.kernelWidth, g.outputPlane)
    }
}
