/// Builds a graph one layer at a time, inferring each output shape as the layer is
/// added, so that whoever builds the graph (the spec expander, the ONNX importer)
/// can read the shapes it needs to decide what comes next.
public struct GraphBuilder {
    public private(set) var layers: [Layer] = []
    private var indexByName: [String: Int] = [:]
    /// See `Graph.groups`: filed as each layer is added.
    private var groups = GroupTree()
    /// What whoever builds the graph said each group is, by name; given to the groups in `build()`.
    private var kinds: [String: GroupKind] = [:]
    /// See `Graph.declaredOutputs`.
    public var declaredOutputs: [Int]?
    public let name: String
    /// Bounds on the layer count and on every tensor's elements, checked as layers are added.
    public let limits: ModelLimits

    public init(name: String, limits: ModelLimits = ModelLimits()) {
        self.name = name
        self.limits = limits
    }

    /// Makes room for `count` layers, so that large graphs grow their tables once.
    public mutating func reserveCapacity(_ count: Int) {
        layers.reserveCapacity(count)
        indexByName.reserveCapacity(count)
        groups.reserveCapacity(layers: count)
    }

    /// Adds a graph input with the given shape and returns its index.
    @discardableResult
    public mutating func addInput(name: String, shape: TensorShape) throws(InputError) -> Int {
        try add(name: name, operation: .input(GraphInput(shape: shape)), inputs: [])
    }

    /// Records how PyTorch computes layer `index` (a spec's `"pytorch"` field).
    public mutating func setPyTorchCall(_ call: PyTorchCall, ofLayer index: Int) {
        layers[index].pytorchCall = call
    }

    /// See `Layer.storedElementBits`.
    public mutating func setStoredElementBits(_ bits: Int?, ofLayer index: Int) {
        layers[index].storedElementBits = bits
    }

    /// Adds a layer, infers its output shape and returns its index.
    ///
    /// Throws when the name is taken, an input index is invalid, or the operation's
    /// shape rule rejects the input shapes; the error names the layer.
    @discardableResult
    public mutating func add(name: String, operation: Operation, inputs: [Int]) throws(InputError) -> Int {
        guard layers.count < limits.layers else { throw InputError(limits.tooManyLayers(), layer: name) }
        guard indexByName[name] == nil else {
            throw InputError("the name is used by another layer; layer names must be unique", layer: name, field: "name")
        }
        guard inputs.allSatisfy({ layers.indices.contains($0) }) else {
            throw InputError("refers to an input that does not exist", layer: name, field: "inputs")
        }
        let shapes = inputs.map { layers[$0].outputShape }
        let rules = operation.rules
        let outputShape: TensorShape
        do {
            try rules.arity.check(shapes.count)
            let dims = try rules.outputShape(shapes)
            outputShape = dims.withBatchAxis(rules.batchAxis(shapes, dims))
        } catch let error as InputError {
            throw error.inLayer(name)
        } catch is SizeOverflow {
            throw SizeOverflow().inputError(layer: name)
        } catch {
            throw InputError("\(error)", layer: name)
        }
        try limits.check(outputShape, layer: name)
        let index = layers.count
        layers.append(Layer(name: name, operation: operation, inputs: inputs, outputShape: outputShape))
        indexByName[name] = index
        groups.place(layer: index, named: name)
        return index
    }

    /// Attaches stored-tensor names to the most recently added layer (see `Layer.storedParameters`);
    /// throws when one of them passes the element limit.
    public mutating func setStoredParameters(_ tensors: [StoredTensor], of index: Int) throws(InputError) {
        for tensor in tensors where tensor.elements > limits.elements {
            throw InputError("stored tensor \"\(tensor.name)\" has \(NumberFormat.grouped(tensor.elements)) elements, more than the limit of \(NumberFormat.grouped(limits.elements)) in one tensor; --max-elements raises it",
                             layer: layers[index].name)
        }
        layers[index].storedParameters = tensors
    }

    public func index(of name: String) -> Int? { indexByName[name] }

    public func shape(of index: Int) -> TensorShape { layers[index].outputShape }

    public var isEmpty: Bool { layers.isEmpty }

    // MARK: Groups

    /// Says what the group `name` is (`features.3`: an inverted residual), before or after
    /// its layers are added; the last kind given wins. A name that no layer's name
    /// extends makes no group.
    public mutating func setKind(_ kind: GroupKind, ofGroup name: String) {
        kinds[name] = kind
    }

    /// Whether a kind was given for the group `name`.
    public func hasKind(ofGroup name: String) -> Bool {
        kinds[name] != nil
    }

    /// Gives the groups of this graph the kinds of another graph's groups of the same
    /// names: for a graph rebuilt from that one with its layers' names (`Fusion`).
    public mutating func setKinds(from groups: GroupTree) {
        for group in groups where group.kind != .module { kinds[String(group.name)] = group.kind }
    }

    public func build() -> Graph {
        var groups = groups
        groups.setKinds(kinds)
        return Graph(name: name, layers: layers, groups: groups, declaredOutputs: declaredOutputs)
    }
}
