/// A group of nodes that one netcost layer stands for: exporters spell some
/// functions as several primitive ops (SiLU as Sigmoid and Mul, GELU as Div, Erf,
/// Add and two Muls, a linear layer as MatMul and Add).
struct ONNXFusion {
    enum Kind {
        case activation(Activation.Function)
        /// A MatMul by a `[K, N]` weight followed by the Add of an `[N]` bias.
        case linear(weight: String, bias: String)
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

    private func name(_ index: Int, as last: String) -> String {
        let dotted = ONNXLayerNames.dotted(node(index), scopes: node(index).scopes)
        guard let dot = dotted.lastIndex(of: ".") else { return last }
        return dotted[..<dot] + "." + last
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

    /// MatMul by a `[K, N]` constant whose only reader adds an `[N]` constant: a linear layer with bias.
    func linear(_ matmul: Int) -> ONNXFusion? {
        let matmulNode = node(matmul)
        guard isDefault(matmulNode), matmulNode.inputs.count == 2, let weight = constants[matmulNode.inputs[1]],
              constants[matmulNode.inputs[0]] == nil, weight.dims.count == 2, let product = matmulNode.outputs.first,
              let add = soleReader(product), node(add).opType == "Add", let biasName = other(node(add), than: product),
              let bias = constants[biasName], bias.dims == [weight.dims[1]], let output = node(add).outputs.first else { return nil }
        return ONNXFusion(kind: .linear(weight: matmulNode.inputs[1], bias: biasName), input: matmulNode.inputs[0], output: output,
                          nodes: [matmul, add].sorted(), name: name(matmul, as: "linear"))
    }
}
