extension SpecExpander {
    /// `"share": "owner"`: the layers an entry just added reuse the weights of the layer
    /// or block it names. A layer entry shares with the layer `owner`; a block's layer
    /// `name.part` shares with `owner.part`. Each pair must be the same op with the same
    /// weights: the same count, and inputs that differ only along axes the weights do not
    /// depend on (a conv's height and width, as on the FPN levels a detector head is
    /// shared across; not a layer norm's normalized axes). Both then carry one set of
    /// stored-tensor names, which the totals count once (as they count an ONNX
    /// initializer that several nodes read), while every call keeps its MACs, FLOPs,
    /// memory access and activations.
    mutating func shareWeights(of name: String, from owner: String, layers: Range<Int>) throws(InputError) {
        guard owner != name else { throw InputError("a layer cannot share its own weights", layer: name, field: "share") }
        let layersNow = builder.layers
        func inputShapes(_ index: Int) -> [TensorShape] { layersNow[index].inputs.map { layersNow[$0].outputShape } }
        func costOf(_ index: Int) throws(InputError) -> LayerCost {
            do {
                return try layersNow[index].operation.rules.cost(inputShapes(index), layersNow[index].outputShape)
            } catch {
                throw SizeOverflow().inputError(layer: layersNow[index].name)
            }
        }
        var shared = 0
        for index in layers {
            let layer = builder.layers[index]
            let cost = try costOf(index)
            guard cost.params > 0 || cost.buffers > 0 else { continue }
            let counterpart = owner + layer.name.dropFirst(name.count)
            guard let source = builder.index(of: counterpart) else {
                throw InputError("shares the weights of \"\(owner)\", which has no layer \"\(counterpart)\" to match \"\(layer.name)\"",
                                 layer: layer.name, field: "share")
            }
            let sourceLayer = builder.layers[source]
            let sourceCost = try costOf(source)
            guard sourceLayer.operation == layer.operation, sourceCost.params == cost.params, sourceCost.buffers == cost.buffers,
                  weightsIgnoreDifferences(layer.operation, inputShapes(source), inputShapes(index), cost) else {
                let describe = { (operation: Operation, shapes: [TensorShape]) in
                    "\(operation.kind) \(operation.rules.details(shapes)) on \(shapes.map(\.description).joined(separator: ", "))"
                }
                throw InputError("cannot share the weights of \"\(counterpart)\": it is \(describe(sourceLayer.operation, inputShapes(source))), this is \(describe(layer.operation, inputShapes(index)))",
                                 layer: layer.name, field: "share")
            }
            var tensors = sourceLayer.storedParameters ?? []
            if sourceLayer.storedParameters == nil {
                tensors = [StoredTensor(name: counterpart + "#params", elements: cost.params),
                           StoredTensor(name: counterpart + "#buffers", elements: cost.buffers, isBuffer: true)].filter { $0.elements > 0 }
                try builder.setStoredParameters(tensors, of: source)
            }
            try builder.setStoredParameters(tensors, of: index)
            shared += 1
        }
        guard shared > 0 else {
            throw InputError("shares the weights of \"\(owner)\", but has no layer with weights", layer: name, field: "share")
        }
    }

    /// Whether `operation`'s weights are the same on `owner` and `shapes`, which may
    /// differ along some axes: each differing axis is grown by one, and the weights must
    /// not change with it.
    private func weightsIgnoreDifferences(_ operation: Operation, _ owner: [TensorShape], _ shapes: [TensorShape], _ cost: LayerCost) -> Bool {
        guard owner != shapes else { return true }
        guard owner.count == shapes.count, zip(owner, shapes).allSatisfy({ $0.rank == $1.rank }) else { return false }
        let rules = operation.rules
        for (position, (ownerShape, shape)) in zip(owner, shapes).enumerated() {
            for axis in shape.dims.indices where ownerShape.dims[axis] != shape.dims[axis] {
                var grown = shapes
                var dims = shape.dims
                dims[axis] += 1
                guard let widened = try? TensorShape(dims) else { return false }
                grown[position] = widened
                guard let output = try? rules.outputShape(grown), let probe = try? rules.cost(grown, output),
                      probe.params == cost.params, probe.buffers == cost.buffers else { return false }
            }
        }
        return true
    }
}
