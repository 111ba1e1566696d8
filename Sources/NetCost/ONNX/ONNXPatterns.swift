/// A group of nodes that one netcost layer stands for: exporters spell some
/// functions as several primitive ops (SiLU as Sigmoid and Mul, GELU as Div, Erf,
/// Add and two Muls, a linear layer as MatMul and Add).
struct ONNXFusion {
    enum Kind {
        case activation(Activation.Function)
        /// A MatMul by a `[K, N]` weight followed by the Add of an `[N]` bias.
        case linear(weight: String, bias: String)
        /// Layer normalization written out (opsets before 17): over `axes`, with an
        /// optional scale and shift.
        case layerNorm(axes: [Int], scale: String?, shift: String?)
    }

    var kind: Kind
    /// The run-time tensor the group reads.
    var input: String
    /// The tensor the group's last node writes.
    var output: String
    /// The group's nodes, in ascending order; the layer is added at the first.
    var nodes: [Int]
    /// The layer's name.
    var name: String
}

/// Finds the fusable groups before the walk, from the graph's structure and the
/// constants known without running it. Each intermediate tensor of a group must
/// have the group's next node as its only reader, so nothing else sees it vanish.
struct ONNXPatterns {
    let graph: ONNXGraph
    let constants: [String: ONNXConstant]
    let consumers: [String: [Int]]
    let producers: [String: Int]
    let outputs: Set<String>

    static func find(in graph: ONNXGraph, constants: [String: ONNXConstant], consumers: [String: [Int]],
                     producers: [String: Int]) -> [ONNXFusion] {
        let finder = ONNXPatterns(graph: graph, constants: constants, consumers: consumers, producers: producers,
                                  outputs: Set(graph.outputs.map(\.name)))
        var fusions: [ONNXFusion] = []
        var taken: Set<Int> = []
        for index in graph.nodes.indices {
            let found: ONNXFusion? = switch graph.nodes[index].opType {
            case "Sigmoid": finder.gated(index, function: .swish)
            case "HardSigmoid": finder.gated(index, function: .hardSwish)
            case "Erf": finder.gelu(index)
            case "MatMul": finder.linear(index)
            case "ReduceMean": finder.layerNorm(index)
            default: nil
            }
            guard let found, taken.isDisjoint(with: found.nodes) else { continue }
            taken.formUnion(found.nodes)
            fusions.append(found)
        }
        return fusions
    }

    // MARK: Graph queries

    private func node(_ index: Int) -> ONNXNode { graph.nodes[index] }

    private func isDefault(_ node: ONNXNode) -> Bool { node.domain.isEmpty || node.domain == "ai.onnx" }

    /// The only node that reads `tensor`, if exactly one does and it is not a graph output.
    private func soleReader(_ tensor: String) -> Int? {
        guard !outputs.contains(tensor), let readers = consumers[tensor], readers.count == 1 else { return nil }
        return readers[0]
    }

    /// The node writing `tensor`, with the op type `opType`.
    private func writer(_ tensor: String, _ opType: String) -> Int? {
        guard let index = producers[tensor], node(index).opType == opType, isDefault(node(index)) else { return nil }
        return index
    }

    /// For a two-input node, the input that is not `known`.
    private func other(_ node: ONNXNode, than known: String) -> String? {
        guard node.inputs.count == 2 else { return nil }
        if node.inputs[0] == known { return node.inputs[1] }
        if node.inputs[1] == known { return node.inputs[0] }
        return nil
    }

    private func isConstant(_ tensor: String, near target: Double) -> Bool {
        guard let value = constants[tensor]?.scalar else { return false }
        return abs(value - target) <= 1e-3 * max(1, abs(target))
    }

    /// A scoped name with its last part, the op type, replaced by `last`:
    /// `act.sigmoid` → `act.swish`. Other names are kept as they are.
    private func name(_ index: Int, as last: String) -> String {
        let dotted = ONNXLayerNames.dotted(node(index), scopes: node(index).scopes)
        guard ONNXLayerNames.isScoped(node(index)) else { return dotted }
        return ONNXGraphImporter.renamed(dotted, last: last)
    }

    // MARK: Patterns

    /// `f(x)·x` as one activation: Sigmoid → Mul is SiLU (swish), HardSigmoid(1/6, 1/2) → Mul is hardswish.
    func gated(_ gate: Int, function: Activation.Function) -> ONNXFusion? {
        let gateNode = node(gate)
        guard isDefault(gateNode), let input = gateNode.input(0), let gated = gateNode.outputs.first,
              let mul = soleReader(gated), node(mul).opType == "Mul", isDefault(node(mul)),
              other(node(mul), than: gated) == input, let output = node(mul).outputs.first else { return nil }
        if function == .hardSwish {
            let alpha = gateNode.attribute("alpha")?.float ?? 0.2
            let beta = gateNode.attribute("beta")?.float ?? 0.5
            guard abs(alpha - 1.0 / 6) < 1e-4, abs(beta - 0.5) < 1e-6 else { return nil }
        }
        return ONNXFusion(kind: .activation(function), input: input, output: output, nodes: [gate, mul].sorted(),
                          name: name(gate, as: function.name))
    }

    /// GELU spelled with Erf: `x/√2 → Erf → +1 → ·x → ·½` (the ½ may also multiply `x`
    /// first or the sum), and `x·(1/√2)` in place of the division.
    func gelu(_ erf: Int) -> ONNXFusion? {
        let erfNode = node(erf)
        guard isDefault(erfNode), let scaled = erfNode.input(0), soleReader(scaled) == erf,
              let erfOut = erfNode.outputs.first else { return nil }
        let input: String
        let scale: Int
        if let div = writer(scaled, "Div"), node(div).inputs.count == 2, isConstant(node(div).inputs[1], near: 2.0.squareRoot()) {
            (input, scale) = (node(div).inputs[0], div)
        } else if let mul = writer(scaled, "Mul"), let constant = node(mul).inputs.first(where: { isConstant($0, near: 0.5.squareRoot()) }),
                  let x = other(node(mul), than: constant) {
            (input, scale) = (x, mul)
        } else {
            return nil
        }
        guard let add = soleReader(erfOut), node(add).opType == "Add", let one = other(node(add), than: erfOut),
              isConstant(one, near: 1), let sum = node(add).outputs.first,
              let first = soleReader(sum), node(first).opType == "Mul", let factor = other(node(first), than: sum),
              let product = node(first).outputs.first else { return nil }
        var nodes = [scale, erf, add, first]
        let output: String
        if factor == input || isConstant(factor, near: 0.5) {
            // (1 + erf)·x then ·½, or (1 + erf)·½ then ·x.
            guard let second = soleReader(product), node(second).opType == "Mul", let last = other(node(second), than: product),
                  let result = node(second).outputs.first else { return nil }
            let completes = factor == input ? isConstant(last, near: 0.5) : last == input
            guard completes else { return nil }
            nodes.append(second)
            output = result
        } else if let half = writer(factor, "Mul"), soleReader(factor) == first,
                  let constant = node(half).inputs.first(where: { isConstant($0, near: 0.5) }), other(node(half), than: constant) == input {
            // (x·½)·(1 + erf).
            nodes.append(half)
            output = product
        } else {
            return nil
        }
        return ONNXFusion(kind: .activation(.gelu), input: input, output: output, nodes: nodes.sorted(), name: name(erf, as: "gelu"))
    }

    /// `(x − mean) / √(mean((x − mean)²) + ε) · γ + β`, as exporters write LayerNorm
    /// before opset 17: ReduceMean, Sub, Pow 2, ReduceMean, Add ε, Sqrt, Div, then an
    /// optional Mul by γ and Add of β.
    func layerNorm(_ first: Int) -> ONNXFusion? {
        let mean = node(first)
        guard isDefault(mean), let input = mean.input(0), let axes = reduceAxes(mean), let meanOut = mean.outputs.first,
              let sub = soleReader(meanOut), node(sub).opType == "Sub", node(sub).inputs == [input, meanOut],
              let centered = node(sub).outputs.first, let readers = consumers[centered], readers.count == 2, !outputs.contains(centered),
              let pow = readers.first(where: { node($0).opType == "Pow" }), let div = readers.first(where: { node($0).opType == "Div" }),
              node(pow).inputs.count == 2, node(pow).inputs[0] == centered, isConstant(node(pow).inputs[1], near: 2),
              let squared = node(pow).outputs.first, let variance = soleReader(squared), node(variance).opType == "ReduceMean",
              reduceAxes(node(variance)) == axes, let varianceOut = node(variance).outputs.first,
              let add = soleReader(varianceOut), node(add).opType == "Add", let epsilon = other(node(add), than: varianceOut),
              constants[epsilon]?.scalar != nil, let sum = node(add).outputs.first,
              let sqrt = soleReader(sum), node(sqrt).opType == "Sqrt", let root = node(sqrt).outputs.first,
              soleReader(root) == div, node(div).inputs == [centered, root], var output = node(div).outputs.first else { return nil }
        var nodes = [first, sub, pow, variance, add, sqrt, div]
        var scale: String?, shift: String?
        if let mul = soleReader(output), node(mul).opType == "Mul", let gamma = other(node(mul), than: output), constants[gamma] != nil,
           let scaled = node(mul).outputs.first {
            (scale, output) = (gamma, scaled)
            nodes.append(mul)
            if let plus = soleReader(scaled), node(plus).opType == "Add", let beta = other(node(plus), than: scaled), constants[beta] != nil,
               let shifted = node(plus).outputs.first {
                (shift, output) = (beta, shifted)
                nodes.append(plus)
            }
        }
        return ONNXFusion(kind: .layerNorm(axes: axes, scale: scale, shift: shift), input: input, output: output,
                          nodes: nodes.sorted(), name: name(first, as: "layernorm"))
    }

    /// A ReduceMean's axes with keepdims, from its attribute or a constant input.
    private func reduceAxes(_ reduce: ONNXNode) -> [Int]? {
        guard reduce.opType == "ReduceMean", (reduce.attribute("keepdims")?.int ?? 1) != 0 else { return nil }
        if let name = reduce.input(1) { return constants[name]?.integers }
        return reduce.attribute("axes")?.ints
    }

    /// MatMul by a `[K, N]` constant whose only reader adds an `[N]` constant: a linear layer with bias.
    func linear(_ matmul: Int) -> ONNXFusion? {
        let matmulNode = node(matmul)
        guard isDefault(matmulNode), matmulNode.inputs.count == 2, let weightDims = constantMatrixDims(matmulNode.inputs[1]),
              constants[matmulNode.inputs[0]] == nil, let product = matmulNode.outputs.first,
              let add = soleReader(product), node(add).opType == "Add", let biasName = other(node(add), than: product),
              let bias = constants[biasName], bias.dims == [weightDims[1]], let output = node(add).outputs.first else { return nil }
        return ONNXFusion(kind: .linear(weight: matmulNode.inputs[1], bias: biasName), input: matmulNode.inputs[0], output: output,
                          nodes: [matmul, add].sorted(), name: name(matmul, as: "linear"))
    }

    /// The dims of a constant matrix: stored, or a stored one transposed (an export without
    /// constant folding hands `nn.Linear`'s `[N, K]` weight to its MatMul through a Transpose).
    func constantMatrixDims(_ name: String) -> [Int]? {
        if let constant = constants[name] { return constant.dims.count == 2 ? constant.dims : nil }
        guard let producer = producers[name], node(producer).opType == "Transpose", isDefault(node(producer)),
              let source = node(producer).inputs.first, let stored = constants[source], stored.dims.count == 2 else { return nil }
        let perm = node(producer).attribute("perm")?.ints ?? [1, 0]
        return perm == [1, 0] ? [stored.dims[1], stored.dims[0]] : nil
    }
}

