// MARK: Linear

/// A fully connected layer on the last axis: `[..., F_in] → [..., F_out]`.
///
/// With `rows = elements / F_in` vectors to transform:
/// - params = `F_in·F_out` (+ `F_out` bias)
/// - macs   = `rows·F_in·F_out`
/// - flops  = `2·macs` (+ `rows·F_out` bias adds)
/// - memory = input, weights and bias, output
public struct Linear: OperationRules, Hashable {
    public var outFeatures: Int
    public var bias: Bool

    public init(outFeatures: Int, bias: Bool = true) {
        self.outFeatures = outFeatures
        self.bias = bias
    }

    public var kind: String { "linear" }
    public var arity: Arity { .one }
    public static var family: OpFamily { .linear }
    public var storage: OutputStorage { .buffer }

    public var fusion: FusionRole {
        var biased = self
        biased.bias = true
        return .base(withBias: .linear(biased))
    }
    public var inPlace: InPlaceRole { .never }
    public func training(_ inputs: [TensorShape], _ output: TensorShape) -> TrainingRule { .input }

    public func isDepthwise(inputChannels: Int?) -> Bool { false }

    /// `[F_out, F_in]`, then `[F_out]` with a bias.
    public func parameterShapes(_ inputs: [TensorShape]) -> [ParameterShape] {
        let weight = ParameterShape(.weight, [outFeatures, inputs[0].dims[inputs[0].rank - 1]])
        return bias ? [weight, ParameterShape(.bias, [outFeatures])] : [weight]
    }

    public func outputShape(_ inputs: [TensorShape]) throws -> TensorShape {
        try TensorShape(inputs[0].dims.dropLast() + [outFeatures])
    }

    public func cost(_ inputs: [TensorShape], _ output: TensorShape) throws -> LayerCost {
        let input = inputs[0]
        let inFeatures = input.dims[input.rank - 1]
        let rows = input.elements / inFeatures
        let params = try sum(try product(inFeatures, outFeatures), bias ? outFeatures : 0)
        let macs = try product(rows, inFeatures, outFeatures)
        return LayerCost(params: params,
                         macs: macs,
                         flops: try sum(try macs.multiplied(by: 2), bias ? output.elements : 0),
                         inputReads: input.elements,
                         weightReads: params,
                         outputWrites: output.elements)
    }

    /// Mixes the whole last axis: on a feature map, width stops being width.
    public func window(_ inputs: [TensorShape], _ output: TensorShape) -> SpatialWindow { .ends }
    public func batchAxis(_ inputs: [TensorShape], _ output: TensorShape) -> Int? { BatchAxis.kept(inputs, output) }

    public func details(_ inputs: [TensorShape]) -> String {
        guard let input = inputs.first else { return "" }
        return "\(input.dims[input.rank - 1])→\(outFeatures)"
    }
}

// MARK: Matrix product

/// The product of two tensors with NumPy's rules: `[..., M, K] × [..., K, N] → [..., M, N]`,
/// leading axes broadcast, a rank-1 operand promoted to a row or column and dropped again.
///
/// - params = 0 (both operands are activations; a weight operand makes it `linear`)
/// - macs   = `batch·M·K·N`
/// - flops  = `2·macs`
/// - memory = both inputs and the output
public struct MatMul: OperationRules, Hashable {
    public init() {}

    public var kind: String { "matmul" }
    public var arity: Arity { .two }
    public static var family: OpFamily { .linear }
    public var storage: OutputStorage { .buffer }
    public var fusion: FusionRole { .standalone }
    public var inPlace: InPlaceRole { .never }
    public func training(_ inputs: [TensorShape], _ output: TensorShape) -> TrainingRule { .inputs(inputs.count) }
    public func isDepthwise(inputChannels: Int?) -> Bool { false }
    public func parameterShapes(_ inputs: [TensorShape]) -> [ParameterShape] { [] }

    /// `(batch dims, M, K, N)` and the output dims, or an error.
    private func plan(_ a: TensorShape, _ b: TensorShape) throws(InputError) -> (m: Int, k: Int, n: Int, output: [Int]) {
        let left = a.rank == 1 ? [1] + a.dims : a.dims
        let right = b.rank == 1 ? b.dims + [1] : b.dims
        let (m, k) = (left[left.count - 2], left[left.count - 1])
        let (kRight, n) = (right[right.count - 2], right[right.count - 1])
        guard k == kRight else {
            throw InputError("inner sizes differ: \(TensorShape.format(a.dims)) × \(TensorShape.format(b.dims))", field: "inputs")
        }
        let batch = try Broadcast.shape(Array(left.dropLast(2)), Array(right.dropLast(2)))
        var output = batch
        if a.rank > 1 { output.append(m) }
        if b.rank > 1 { output.append(n) }
        if output.isEmpty { output = [1] }
        return (m, k, n, output)
    }

    public func outputShape(_ inputs: [TensorShape]) throws -> TensorShape {
        try TensorShape(try plan(inputs[0], inputs[1]).output)
    }

    public func cost(_ inputs: [TensorShape], _ output: TensorShape) throws -> LayerCost {
        let (m, k, n, _) = try plan(inputs[0], inputs[1])
        let batch = output.elements / (m * n)
        let macs = try product(batch, m, k, n)
        return LayerCost(macs: macs,
                         flops: try macs.multiplied(by: 2),
                         inputReads: try sum(inputs[0].elements, inputs[1].elements),
                         outputWrites: output.elements)
    }

    public func window(_ inputs: [TensorShape], _ output: TensorShape) -> SpatialWindow { .ends }

    /// The leading axes broadcast: an operand's batch axis there stays.
    public func batchAxis(_ inputs: [TensorShape], _ output: TensorShape) -> Int? {
        BatchAxis.broadcast(inputs.filter { ($0.batchAxis ?? $0.rank) < $0.rank - 2 }, output)
    }
}

// MARK: Spec fields

extension Linear {
    /// `out` (a number or `"classes"`), `bias` (the spec default, else true), `scale_width`
    /// (false: a classifier keeps its size under the width multiplier).
    static func decode(_ fields: inout LayerFields, _ inputs: [TensorShape]) throws(InputError) -> Operation {
        var outFeatures = try fields.features()
        if fields.has("scale_width") { outFeatures = try fields.scaled(outFeatures) }
        return .linear(Linear(outFeatures: outFeatures, bias: try fields.bool("bias", default: fields.context.defaults.bias ?? true)))
    }
}

extension MatMul {
    static func decode(_ fields: inout LayerFields, _ inputs: [TensorShape]) throws(InputError) -> Operation {
        .matmul(MatMul())
    }
}

// MARK: Einsum

/// Einstein summation over explicit subscripts (`bhid,bhjd->bhij`, MaxViT's and other
/// attentions'): each operand names its axes by letters, a letter seen twice must have
/// one size (or 1 in one operand, broadcast), and the output keeps the letters after
/// `->`; the others are summed over. `...` stands for an operand's unnamed leading axes,
/// broadcast from the right across operands, as in numpy.
///
/// - macs   = `(operands − 1)·∏ sizes of all letters`: every combination of letters is
///            one product of the operands (a matmul `ij,jk->ik` is `i·j·k`); one operand
///            alone multiplies nothing
/// - flops  = `2·macs`, or for one operand one add per input element
/// - memory = every operand and the output
public struct Einsum: OperationRules, Hashable {
    /// The equation as written, without spaces.
    public var equation: String

    public init(equation: String) {
        self.equation = equation.filter { !$0.isWhitespace }
    }

    public var kind: String { "einsum" }
    public var arity: Arity { .atLeastOne }
    public static var family: OpFamily { .linear }
    public var storage: OutputStorage { .buffer }
    public var fusion: FusionRole { .standalone }
    public var inPlace: InPlaceRole { .never }
    public func training(_ inputs: [TensorShape], _ output: TensorShape) -> TrainingRule { .inputs(inputs.count) }
    public func isDepthwise(inputChannels: Int?) -> Bool { false }
    public func parameterShapes(_ inputs: [TensorShape]) -> [ParameterShape] { [] }

    /// The subscripts of each operand and of the output, each letter's size, checked
    /// against the operands' shapes.
    public struct Plan: Sendable {
        public let operands: [[Character]]
        public let output: [Character]
        public let sizes: [Character: Int]
        /// Every letter once, the output's first.
        public var letters: [Character] { output + sizes.keys.filter { !output.contains($0) }.sorted() }
    }

    public func plan(_ inputs: [TensorShape]) throws(InputError) -> Plan {
        let sides = equation.components(separatedBy: "->")
        guard sides.count <= 2, let left = sides.first else { throw InputError("\"\(equation)\" has more than one ->", field: "equation") }
        var written = left.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        guard written.count == inputs.count else {
            throw InputError("\"\(equation)\" names \(written.count) operands for \(inputs.count) inputs", field: "equation")
        }
        var outputText = sides.count == 2 ? sides[1] : nil
        var broadcast: [Character] = []
        if equation.contains(".") {
            (written, outputText, broadcast) = try Self.expandingEllipsis(written, outputText, ranks: inputs.map(\.rank), equation: equation)
        }
        let operands = written.map { Array($0) }
        var sizes: [Character: Int] = [:]
        for (letters, shape) in zip(operands, inputs) {
            guard letters.allSatisfy({ $0.isLetter && $0.isASCII }) else {
                throw InputError("\"\(equation)\": only letters and one \"...\" per term are supported", field: "equation")
            }
            guard letters.count == shape.rank else {
                throw InputError("\"\(String(letters))\" names \(letters.count) axes of a tensor of rank \(shape.rank)", field: "equation")
            }
            for (letter, size) in zip(letters, shape.dims) {
                if let known = sizes[letter], known != size, known != 1, size != 1 {
                    throw InputError("letter \(letter) stands for sizes \(known) and \(size)", field: "equation")
                }
                sizes[letter] = max(sizes[letter] ?? size, size)
            }
        }
        let output: [Character]
        if let outputText {
            output = Array(outputText)
            guard Set(output).count == output.count, output.allSatisfy({ sizes[$0] != nil }) else {
                throw InputError("the output \"\(sides[1])\" repeats a letter or names one no operand has", field: "equation")
            }
        } else {
            // Implicit form: the axes of `...`, then the letters seen once, in alphabetical order.
            let counts = operands.joined().reduce(into: [Character: Int]()) { $0[$1, default: 0] += 1 }
            output = broadcast + counts.filter { $0.value == 1 && !broadcast.contains($0.key) }.keys.sorted()
        }
        return Plan(operands: operands, output: output, sizes: sizes)
    }

    /// `...` spelled out: the axes it stands for in each operand (its rank less its
    /// letters) get letters the equation does not use, aligned from the right as numpy
    /// and ONNX broadcast them; the output's `...` gets them all. Returns the operands,
    /// the output, and the new letters.
    static func expandingEllipsis(_ operands: [String], _ output: String?, ranks: [Int],
                                  equation: String) throws(InputError) -> ([String], String?, [Character]) {
        func split(_ term: String) throws(InputError) -> (before: String, after: String)? {
            let parts = term.components(separatedBy: "...")
            guard parts.count <= 2, parts.allSatisfy({ !$0.contains(".") }) else {
                throw InputError("\"\(term)\" in \"\(equation)\": a dot outside one \"...\"", field: "equation")
            }
            return parts.count == 2 ? (parts[0], parts[1]) : nil
        }
        var widths: [Int?] = []
        for (term, rank) in zip(operands, ranks) {
            guard let (before, after) = try split(term) else { widths.append(nil); continue }
            let width = rank - before.count - after.count
            guard width >= 0 else {
                throw InputError("\"\(term)\" names more axes than its operand's \(rank)", field: "equation")
            }
            widths.append(width)
        }
        let widest = widths.compactMap { $0 }.max() ?? 0
        let unused = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz").filter { !equation.contains($0) }
        guard unused.count >= widest else {
            throw InputError("\"\(equation)\": \"...\" stands for \(widest) axes, more than the letters left", field: "equation")
        }
        let fresh = Array(unused.prefix(widest))
        var expanded: [String] = []
        for (term, width) in zip(operands, widths) {
            guard let width, let (before, after) = try split(term) else { expanded.append(term); continue }
            expanded.append(before + String(fresh.suffix(width)) + after)
        }
        var expandedOutput = output
        if let output, let (before, after) = try split(output) { expandedOutput = before + String(fresh) + after }
        return (expanded, expandedOutput, fresh)
    }

    public func outputShape(_ inputs: [TensorShape]) throws -> TensorShape {
        let plan = try plan(inputs)
        return try TensorShape(plan.output.isEmpty ? [1] : plan.output.map { plan.sizes[$0] ?? 1 })
    }

    public func cost(_ inputs: [TensorShape], _ output: TensorShape) throws -> LayerCost {
        let plan = try plan(inputs)
        var combinations = 1
        for size in plan.sizes.values { combinations = try combinations.multiplied(by: size) }
        var reads = 0
        for input in inputs { reads = try reads.adding(input.elements) }
        if inputs.count == 1 {
            return LayerCost(flops: inputs[0].elements, inputReads: reads, outputWrites: output.elements)
        }
        let macs = try combinations.multiplied(by: inputs.count - 1)
        return LayerCost(macs: macs, flops: try macs.multiplied(by: 2), inputReads: reads, outputWrites: output.elements)
    }

    public func window(_ inputs: [TensorShape], _ output: TensorShape) -> SpatialWindow { .ends }

    /// Where the first operand's batch letter lands in the output, if it stays.
    public func batchAxis(_ inputs: [TensorShape], _ output: TensorShape) -> Int? {
        guard let axis = inputs.first?.batchAxis, let plan = try? plan(inputs), plan.operands[0].indices.contains(axis) else { return nil }
        return plan.output.firstIndex(of: plan.operands[0][axis])
    }

    public func details(_ inputs: [TensorShape]) -> String { equation }

    /// `equation`, over one sample's axes: a letter no operand uses is put first in each
    /// operand and the output for the batch.
    static func decode(_ fields: inout LayerFields, _ inputs: [TensorShape]) throws(InputError) -> Operation {
        guard let equation = try fields.string("equation") else { throw InputError("is required", field: "equation") }
        let compact = equation.filter { !$0.isWhitespace }
        guard inputs.allSatisfy({ $0.batchAxis == 0 }) else { return .einsum(Einsum(equation: compact)) }
        let used = Set(compact)
        guard let batch = "zyxwvutsrqponmlkjihgfedcbaZYXWVUTSRQPONMLKJIHGFEDCBA".first(where: { !used.contains($0) }) else {
            throw InputError("uses every letter; one must be left for the batch", field: "equation")
        }
        let sides = compact.components(separatedBy: "->")
        let operands = (sides.first ?? "").split(separator: ",", omittingEmptySubsequences: false).map { String(batch) + $0 }
        let output: String
        if sides.count == 2 {
            output = sides[1]
        } else {
            // The implicit output, made explicit so that the batch letter (in every operand) stays.
            let counts = compact.filter(\.isLetter).reduce(into: [Character: Int]()) { $0[$1, default: 0] += 1 }
            output = (compact.contains("...") ? "..." : "") + String(counts.filter { $0.value == 1 }.keys.sorted())
        }
        return .einsum(Einsum(equation: operands.joined(separator: ",") + "->" + String(batch) + output))
    }
}
