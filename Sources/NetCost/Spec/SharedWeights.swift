extension SpecExpander {
    /// `"share": "owner"`: the layers an entry just added reuse the weights of the layer
    /// or block it names. A layer entry shares with the layer `owner`; a block's layer
    /// `name.part` shares with `owner.part`. Each pair must be the same op with the same
    /// number of weights (the same channels; the maps may differ in size, as the FPN
    /// levels a detector head is shared across do), so the weights are the same tensors. Both then carry one set of
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
            guard sourceLayer.operation == layer.operation, sourceCost.params == cost.params, sourceCost.buffers == cost.buffers else {
                let describe = { (operation: Operation, shapes: [TensorShape]) in
                    "\(operation.kind) \(operation.rules.details(shapes)) on \(shapes.map(\.description).joined(separator: ", "))"
                }
                throw InputError("cannot share the weights of \"\(counterpart)\": it is \(describe(sourceLayer.operation, inputShapes(source))), this is \(describe(layer.operation, inputShapes(index)))",
                                 layer: layer.name, field: "share")
            }
            var tensors = sourceLayer.storedParameters
            if tensors.isEmpty {
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
}
