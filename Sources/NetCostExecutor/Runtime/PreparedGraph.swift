import NetCost

/// Which convolution kernels a plain run uses: the fast ones (GEMM, depthwise), or the
/// direct loops that the counting run uses, as a reference for tests.
enum KernelPath: Sendable {
    case fast, reference
}

/// A graph checked and made ready to run: shapes re-derived, memory planned and checked
/// against the limit (before anything is allocated), seeded inputs and parameters made,
/// and the GEMM weights packed once so that no run pays for it.
final class PreparedGraph: @unchecked Sendable {
    let graph: Graph
    let memory: MemoryPlan
    let parameters: [LayerParameters]
    /// Per layer, the data of input and constant layers.
    let sources: [Tensor?]
    let geometries: [ConvolutionGeometry?]
    /// Per layer, the packed weight matrices of each group (fast convolution path).
    let packed: [[PackedMatrix]]
    /// Per layer, the last layer that reads its output (`Int.max` for the graph's output).
    let lastReader: [Int]
    let pool = BufferPool()
    let scratch = Scratch()
    /// The vector width's kernels every layer of this graph runs with.
    let kernels: KernelSet
    /// Per layer, the merged pair it starts, if any.
    let merges: [MergedPair?]
    /// The bytes of a band of a merged 1×1 and depthwise pair, per worker.
    let bandBytes: Int
    /// Where a fast run that keeps only the graph's output puts the other layers' outputs;
    /// nil when the graph is too large to plan (the pool serves every layer then).
    let arena: ActivationArena?

    /// Prepares `graph`, filling what `parameterOverrides` and `inputOverrides` (by layer
    /// index) do not give from `seed`.
    /// `totals` are the graph's, when the caller has analysed it already. `kernels` default
    /// to this process's set (the widest the CPU runs, or the one `NETCOST_KERNELS` names).
    /// `bandBytes` sizes the bands of merged 1×1 and depthwise pairs (`PointwiseDepthwise`).
    init(_ graph: Graph, seed: UInt64, limits: RunLimits, totals: Totals? = nil, kernels: KernelSet? = nil,
         bandBytes: Int = PointwiseDepthwise.bandBytes,
         parameterOverrides: [Int: LayerParameters] = [:], inputOverrides: [Int: [Float]] = [:]) throws(InputError) {
        let kernels = if let kernels { kernels } else { try KernelSet.forThisProcess.get() }
        self.kernels = kernels
        let memory = try MemoryPlan(graph, kernels: kernels)
        let graphTotals = if let totals { totals } else { try Analysis(graph).totals }
        try limits.check(memory, totals: graphTotals)
        self.graph = graph
        self.memory = memory

        var parameters: [LayerParameters] = [], sources: [Tensor?] = []
        var geometries: [ConvolutionGeometry?] = [], packed: [[PackedMatrix]] = []
        var lastReader = Array(graph.layers.indices)
        let indexSources = Self.indexSources(graph)
        for (index, layer) in graph.layers.enumerated() {
            let shapes = layer.inputs.map { graph.layers[$0].outputShape }
            for input in layer.inputs { lastReader[input] = max(lastReader[input], index) }
            var random = SeededRandom(seed: seed, stream: index)
            let layerParameters = parameterOverrides[index]
                ?? SeededParameters.make(for: layer.operation, inputs: shapes, random: &random)
            parameters.append(layerParameters)

            if layer.operation.rules.family == .source {
                let tensor = Tensor(dims: layer.outputShape.dims)
                if let given = inputOverrides[index], given.count == tensor.elements {
                    given.withUnsafeBufferPointer { if let base = $0.baseAddress { tensor.pointer.update(from: base, count: tensor.elements) } }
                } else if let sizes = indexSources[index] {
                    Self.fillIndices(tensor, sizes: sizes)
                } else {
                    random.fill(tensor.pointer, count: tensor.elements, -1, 1)
                }
                sources.append(tensor)
            } else {
                sources.append(nil)
            }

            var matrices: [PackedMatrix] = []
            let convolution = Self.convolutionGeometry(layer.operation, inputs: shapes, output: layer.outputShape)
            if let (g, transposed) = convolution, FastConvolution.packs(g, transposed: transposed), let weight = layerParameters.pointer(.weight) {
                matrices = transposed ? FastConvolution.packTransposed(g, weight: weight, kernels: kernels)
                                      : FastConvolution.pack(g, weight: weight, kernels: kernels)
            }
            geometries.append(convolution?.geometry)
            packed.append(matrices)
        }
        if let last = graph.layers.indices.last { lastReader[last] = Int.max }
        merges = MergedPair.find(graph)
        // The library's rule names only pairs that the banded kernel takes.
        assert(merges.allSatisfy { pair in
            guard let pair, case .pointwiseDepthwise = pair.kind else { return true }
            guard let pointwise = geometries[pair.first], let depthwise = geometries[pair.second] else { return false }
            return packed[pair.first].count == 1 && PointwiseDepthwise.applies(pointwise: pointwise, depthwise: depthwise)
        })
        self.bandBytes = bandBytes
        arena = ActivationArena(graph, merges: merges)
        self.parameters = parameters
        self.sources = sources
        self.geometries = geometries
        self.packed = packed
        self.lastReader = lastReader
    }

    /// Brings the activation memory back into cache after `CacheScrubber` swept it.
    func warmActivations() {
        arena?.warm()
        pool.warm()
    }

    /// Input and constant layers that lookups read as indices (through views), with the
    /// sizes of the axes one row of indices addresses: an embedding's table, a gather's
    /// axis, the leading axes a gather_nd or scatter_nd names. The smallest space wins.
    static func indexSources(_ graph: Graph) -> [Int: [Int]] {
        var sources: [Int: [Int]] = [:]
        for layer in graph.layers {
            guard let (position, sizes) = indexInput(layer.operation, shapes: layer.inputs.map { graph.layers[$0].outputShape.dims }),
                  layer.inputs.indices.contains(position), sizes.allSatisfy({ $0 >= 1 }) else { continue }
            var source = layer.inputs[position]
            while graph.layers[source].operation.rules.storage == .view, let next = graph.layers[source].inputs.first { source = next }
            guard graph.layers[source].operation.rules.family == .source else { continue }
            if let known = sources[source], known.reduce(1, *) <= sizes.reduce(1, *) { continue }
            sources[source] = sizes
        }
        return sources
    }

    /// Which input of a lookup holds indices, and the sizes of the axes a row of them addresses.
    private static func indexInput(_ operation: Operation, shapes: [[Int]]) -> (position: Int, sizes: [Int])? {
        if case .embedding(let op) = operation { return (0, [op.vocabulary]) }
        if case .gather(let op) = operation, let data = shapes.first {
            let axis = op.axis < 0 ? op.axis + data.count : op.axis
            return data.indices.contains(axis) ? (1, [data[axis]]) : nil
        }
        if case .gatherND(let op) = operation, shapes.count == 2, let depth = shapes[1].last, op.batchDims >= 0,
           op.batchDims + depth <= shapes[0].count {
            return (1, Array(shapes[0][op.batchDims..<(op.batchDims + depth)]))
        }
        if case .elementIndexing(let op) = operation, let data = shapes.first {
            let axis = op.axis < 0 ? op.axis + data.count : op.axis
            return data.indices.contains(axis) ? (1, [data[axis]]) : nil
        }
        if case .scatterND = operation, shapes.count == 3, let depth = shapes[1].last, depth >= 1, depth <= shapes[0].count {
            return (1, Array(shapes[0][..<depth]))
        }
        return nil
    }

    /// Indices that name distinct positions while there are positions to name: row `r`
    /// of `sizes.count` values holds the coordinates of position `r` (wrapping past the
    /// last), so each lookup reads a row or slice of its own.
    static func fillIndices(_ tensor: Tensor, sizes: [Int]) {
        let depth = sizes.count, positions = sizes.reduce(1, *)
        for element in 0..<tensor.elements {
            var rest = (element / depth) % positions
            var coordinate = 0
            for axis in stride(from: depth - 1, through: element % depth, by: -1) {
                coordinate = rest % sizes[axis]
                rest /= sizes[axis]
            }
            tensor.pointer[element] = Float(coordinate)
        }
    }

    /// Refuses what no kernel can run, and graphs whose recorded shapes do not follow
    /// from their ops (a kernel trusts the shapes it is given).
    static func validate(_ graph: Graph) throws(InputError) {
        for (index, layer) in graph.layers.enumerated() {
            guard layer.inputs.allSatisfy({ $0 >= 0 && $0 < index }) else {
                throw InputError("reads a layer that does not come before it", layer: layer.name, field: "inputs")
            }
            if case .unsupported(let op) = layer.operation {
                throw InputError("cannot be run: netcost has no kernel for the ONNX op \(op.opType)", layer: layer.name)
            }
            if case .fused(let fused) = layer.operation {
                guard case .base = fused.base.rules.fusion else {
                    throw InputError("cannot be run: a fused layer must be built on a convolution or linear layer", layer: layer.name)
                }
            }
            let rules = layer.operation.rules
            let shapes = layer.inputs.map { graph.layers[$0].outputShape }
            guard shapes.count >= rules.arity.minimum, shapes.count <= (rules.arity.maximum ?? Int.max) else {
                throw InputError("has \(shapes.count) inputs, which its op does not take", layer: layer.name, field: "inputs")
            }
            let derived: TensorShape
            do {
                derived = try rules.outputShape(shapes)
            } catch let error as InputError {
                throw error.inLayer(layer.name)
            } catch {
                throw InputError("\(error)", layer: layer.name)
            }
            guard derived == layer.outputShape else {
                throw InputError("records output shape \(layer.outputShape) but its op gives \(derived)", layer: layer.name)
            }
        }
    }
}
