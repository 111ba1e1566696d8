import Foundation

/// Evaluates ops on constants at import time: the integer arithmetic on shapes that
/// exporters emit around Reshape, Slice and Split (ShuffleNet's channel shuffle and
/// channel split arrive as Shape → Gather → Div → Unsqueeze → Concat), and the dims
/// of ops applied to stored weights (a Transpose or Reshape of an initializer).
///
/// A result whose values are unknown (a weight's, or one too large to keep) still
/// has its dims. nil means the op cannot be folded and must be imported as a layer.
enum ONNXFolding {
    static func fold(_ context: ONNXNodeContext, _ inputs: [ONNXConstant?]) throws(InputError) -> [ONNXConstant]? {
        let present = inputs.compactMap { $0 }
        guard let first = present.first else { return nil }
        let single: ONNXConstant?
        switch context.opType {
        case "Identity", "Dropout": single = first
        case "Cast", "CastLike": single = try cast(context, first, inputs)
        case "Neg", "Abs", "Floor", "Ceil", "Sqrt", "Not", "Reciprocal", "Exp", "Log": single = unary(context, first)
        case "Add", "Sub", "Mul", "Div", "Mod", "Pow", "Min", "Max", "Sum", "Equal", "Less", "Greater",
             "LessOrEqual", "GreaterOrEqual", "And", "Or", "Where":
            single = try elementwise(context, present)
        case "Gather": single = try gather(context, inputs)
        case "Unsqueeze": single = try unsqueeze(context, inputs)
        case "Squeeze": single = try squeeze(context, inputs)
        case "Concat": single = try concat(context, present)
        case "Slice": single = try slice(context, inputs)
        case "Reshape": single = try reshape(context, inputs)
        case "Flatten": single = try flatten(context, first)
        case "Transpose": single = try transpose(context, first)
        case "Expand": single = try expand(context, inputs)
        case "ConstantOfShape": single = try constantOfShape(context, first)
        case "Range": single = try range(context, inputs)
        case "ReduceProd", "ReduceSum", "ReduceMin", "ReduceMax", "ReduceMean": single = try reduce(context, inputs)
        case "GatherElements": single = try gatherElements(context, inputs)
        case "GatherND":
            // A stored table read at stored positions (the dynamo exporter's relative-position
            // bias): a stored tensor moved, its dims known, its values not kept.
            guard inputs.count >= 2, let data = inputs[0], let indices = inputs[1] else { return nil }
            let dims = try ONNXOps.gatherNDDims(context, data: data.dims, indices: indices.dims)
            single = result(context, dims: dims, type: data.dataType, values: nil, from: inputs)
        case "Clip": single = try clip(context, inputs)
        case "ScatterND", "ScatterElements", "Scatter":
            // The data's dims; the values written are not kept (masks built this way feed
            // only element-wise ops, whose costs do not depend on them).
            single = inputs.first.flatMap { $0 }.map { result(context, dims: $0.dims, type: $0.dataType, values: nil, from: inputs) }
        case "Split": return try split(context, inputs)
        default: return nil
        }
        return single.map { [$0] }
    }

    /// Ops that compute new values rather than move them, and that map to layers.
    static let arithmetic: Set<String> = ["Neg", "Abs", "Sqrt", "Not", "Reciprocal", "Exp", "Log", "Add", "Sub", "Mul", "Div",
                                          "Pow", "Min", "Max", "Sum", "Equal", "Less", "Greater", "LessOrEqual", "GreaterOrEqual",
                                          "And", "Or", "Where", "ReduceSum", "ReduceMin", "ReduceMax", "ReduceMean", "Clip"]

    /// Whether the op is arithmetic on a floating-point tensor whose values are not read
    /// (a stored weight, or a tensor computed from one): that is the model's arithmetic at
    /// run time (NF-Nets standardize their weights so), to be imported as layers and
    /// counted, not folded away. Moving such a tensor (Reshape, Transpose) still folds.
    static func isRunTimeArithmetic(_ context: ONNXNodeContext, _ inputs: [ONNXConstant?]) -> Bool {
        arithmetic.contains(context.opType)
            && inputs.contains { $0.map { $0.values == nil && ONNXDataType.isFloatingPoint($0.dataType) } ?? false }
    }

    /// A folded result: named after the node, computed from the inputs' stored tensors.
    static func result(_ context: ONNXNodeContext, dims: [Int], type: Int, values: TensorValues?, from inputs: [ONNXConstant?]) -> ONNXConstant {
        var sources: [StoredTensor] = []
        var seen: Set<String> = []
        for input in inputs.compactMap({ $0 }) {
            for source in input.sources where seen.insert(source.name).inserted { sources.append(source) }
        }
        let count = ONNXConstantMath.count(dims)
        let kept = values.flatMap { $0.count == count ? $0 : nil }
        return ONNXConstant(dims: dims, dataType: type, values: kept, sources: sources, label: context.name)
    }

    /// True when values for `dims` may be computed: the count is known and small.
    static func isSmall(_ dims: [Int]) -> Bool {
        guard let count = ONNXConstantMath.count(dims) else { return false }
        return count <= ONNXLimits.integerValues
    }

    // MARK: Element-wise

    private static let comparisons: Set<String> = ["Equal", "Less", "Greater", "LessOrEqual", "GreaterOrEqual", "And", "Or", "Not"]

    static func unary(_ context: ONNXNodeContext, _ input: ONNXConstant) -> ONNXConstant {
        let type = context.opType == "Not" ? ONNXDataType.bool : input.dataType
        var values: TensorValues?
        switch (input.values, context.opType) {
        case (.integers(let x)?, "Neg"): values = .integers(x.map { $0 == .min ? .max : -$0 })
        case (.integers(let x)?, "Abs"): values = .integers(x.map { $0 == .min ? .max : abs($0) })
        case (.integers(let x)?, "Not"): values = .integers(x.map { $0 == 0 ? 1 : 0 })
        case (.integers(let x)?, "Floor"), (.integers(let x)?, "Ceil"): values = .integers(x)
        case (.integers(let x)?, "Sqrt"): values = .floats(x.map { Double($0).squareRoot() })
        case (.floats(let x)?, "Neg"): values = .floats(x.map { -$0 })
        case (.floats(let x)?, "Abs"): values = .floats(x.map { abs($0) })
        case (.floats(let x)?, "Floor"): values = .floats(x.map { $0.rounded(.down) })
        case (.floats(let x)?, "Ceil"): values = .floats(x.map { $0.rounded(.up) })
        case (.floats(let x)?, "Sqrt"): values = .floats(x.map { $0.squareRoot() })
        case (.floats(let x)?, "Not"): values = .integers(x.map { $0 == 0 ? 1 : 0 })
        // A detector's resize scale: min_size / min(H, W), computed from the input's shape.
        case (.floats(let x)?, "Reciprocal"): values = .floats(x.map { 1 / $0 })
        case (.floats(let x)?, "Exp"): values = .floats(x.map { Foundation.exp($0) })
        case (.floats(let x)?, "Log"): values = .floats(x.map { Foundation.log($0) })
        default: values = nil
        }
        return result(context, dims: input.dims, type: type, values: values, from: [input])
    }

    /// N-ary arithmetic, comparison and `Where` with broadcasting; integers stay exact.
    static func elementwise(_ context: ONNXNodeContext, _ inputs: [ONNXConstant]) throws(InputError) -> ONNXConstant? {
        guard let first = inputs.first else { return nil }
        var dims = first.dims
        for input in inputs.dropFirst() {
            guard let joined = ONNXConstantMath.broadcast(dims, input.dims) else {
                throw context.error("shapes \(TensorShape.format(dims)) and \(TensorShape.format(input.dims)) do not broadcast", field: "inputs")
            }
            dims = joined
        }
        let isWhere = context.opType == "Where"
        let type = comparisons.contains(context.opType) ? ONNXDataType.bool : (isWhere ? inputs.last?.dataType ?? 0 : first.dataType)
        guard isSmall(dims), inputs.allSatisfy({ $0.values != nil }) else {
            return result(context, dims: dims, type: type, values: nil, from: inputs)
        }
        let expanded = inputs.map { input in
            input.values.map { $0.picking(ONNXConstantMath.broadcastIndices(source: input.dims, output: dims)) }
        }.compactMap { $0 }
        let count = ONNXConstantMath.count(dims) ?? 0
        if isWhere {
            guard expanded.count == 3 else { return nil }
            let condition = expanded[0]
            let picks = (0..<count).map { index -> Int in
                let chosen = (condition.integerValue(at: index) ?? 0) != 0
                return chosen ? index : count + index
            }
            return result(context, dims: dims, type: type, values: TensorValues.joined([expanded[1], expanded[2]]).picking(picks), from: inputs)
        }
        let integers = expanded.compactMap { if case .integers(let values) = $0 { values } else { nil } }
        if integers.count == expanded.count {
            var values: [Int] = []
            for index in 0..<count {
                var accumulator = integers[0][index]
                for operand in integers.dropFirst() {
                    accumulator = try integerOperation(context, accumulator, operand[index])
                }
                values.append(accumulator)
            }
            return result(context, dims: dims, type: type, values: .integers(values), from: inputs)
        }
        let doubles = expanded.map { part -> [Double] in
            switch part {
            case .integers(let values): values.map(Double.init)
            case .floats(let values): values
            }
        }
        var values: [Double] = []
        for index in 0..<count {
            var accumulator = doubles[0][index]
            for operand in doubles.dropFirst() { accumulator = floatOperation(context.opType, accumulator, operand[index]) }
            values.append(accumulator)
        }
        let asFloats: TensorValues = type == ONNXDataType.bool ? .integers(values.map { $0 != 0 ? 1 : 0 }) : .floats(values)
        let resultType = type == ONNXDataType.bool || ONNXDataType.isFloatingPoint(type) ? type : ONNXDataType.float
        return result(context, dims: dims, type: resultType, values: asFloats, from: inputs)
    }

    private static func integerOperation(_ context: ONNXNodeContext, _ a: Int, _ b: Int) throws(InputError) -> Int {
        let overflow = context.error("integer arithmetic overflows 64 bits (\(a) and \(b))", field: "inputs")
        switch context.opType {
        case "Add", "Sum":
            let (value, overflowed) = a.addingReportingOverflow(b)
            if overflowed { throw overflow }
            return value
        case "Sub":
            let (value, overflowed) = a.subtractingReportingOverflow(b)
            if overflowed { throw overflow }
            return value
        case "Mul":
            let (value, overflowed) = a.multipliedReportingOverflow(by: b)
            if overflowed { throw overflow }
            return value
        case "Div", "Mod":
            guard b != 0 else { throw context.error("integer division by zero", field: "inputs") }
            let (quotient, overflowed) = a.dividedReportingOverflow(by: b)
            if overflowed { throw overflow }
            guard context.opType == "Mod" else { return quotient }
            let remainder = a.remainderReportingOverflow(dividingBy: b).partialValue
            let isFmod = (try? context.int("fmod", default: 0)) ?? 0 != 0
            return !isFmod && remainder != 0 && (remainder < 0) != (b < 0) ? remainder + b : remainder
        case "Pow":
            guard b >= 0, b <= 64 else { throw context.error("integer power \(b) is out of range 0...64", field: "inputs") }
            var value = 1
            for _ in 0..<b {
                let (next, overflowed) = value.multipliedReportingOverflow(by: a)
                if overflowed { throw overflow }
                value = next
            }
            return value
        case "Min": return min(a, b)
        case "Max": return max(a, b)
        case "Equal": return a == b ? 1 : 0
        case "Less": return a < b ? 1 : 0
        case "Greater": return a > b ? 1 : 0
        case "LessOrEqual": return a <= b ? 1 : 0
        case "GreaterOrEqual": return a >= b ? 1 : 0
        case "And": return a != 0 && b != 0 ? 1 : 0
        case "Or": return a != 0 || b != 0 ? 1 : 0
        default: throw context.error("cannot fold \(context.opType) on integers")
        }
    }

    private static func floatOperation(_ opType: String, _ a: Double, _ b: Double) -> Double {
        switch opType {
        case "Add", "Sum": a + b
        case "Sub": a - b
        case "Mul": a * b
        case "Div": a / b
        case "Mod": a.truncatingRemainder(dividingBy: b)
        case "Pow": Foundation.pow(a, b)
        case "Min": min(a, b)
        case "Max": max(a, b)
        case "Equal": a == b ? 1 : 0
        case "Less": a < b ? 1 : 0
        case "Greater": a > b ? 1 : 0
        case "LessOrEqual": a <= b ? 1 : 0
        case "GreaterOrEqual": a >= b ? 1 : 0
        case "And": a != 0 && b != 0 ? 1 : 0
        case "Or": a != 0 || b != 0 ? 1 : 0
        default: .nan
        }
    }

    /// `Cast` to the type in `to` (`CastLike`: the second input's type).
    static func cast(_ context: ONNXNodeContext, _ input: ONNXConstant, _ inputs: [ONNXConstant?]) throws(InputError) -> ONNXConstant {
        let target = context.opType == "CastLike" ? (inputs.count > 1 ? inputs[1]?.dataType ?? input.dataType : input.dataType)
                                                  : try context.int("to", default: input.dataType)
        var values: TensorValues?
        if ONNXDataType.isFloatingPoint(target) {
            values = input.doubles.map { .floats($0) }
        } else if target == ONNXDataType.bool {
            values = input.doubles.map { .integers($0.map { $0 != 0 ? 1 : 0 }) }
        } else if ONNXDataType.isInteger(target) {
            if case .integers? = input.values {
                values = input.values
            } else if let doubles = input.doubles, doubles.allSatisfy({ $0.isFinite && abs($0) < 9.0e18 }) {
                values = .integers(doubles.map { Int($0.rounded(.towardZero)) })
            }
        }
        return result(context, dims: input.dims, type: target, values: values, from: [input])
    }
}

extension TensorValues {
    /// The value at `index` as an integer (floats truncated), or nil when out of range.
    func integerValue(at index: Int) -> Int? {
        switch self {
        case .integers(let values): return values.indices.contains(index) ? values[index] : nil
        case .floats(let values):
            guard values.indices.contains(index), values[index].isFinite, abs(values[index]) < 9.0e18 else { return nil }
            return Int(values[index])
        }
    }
}

extension ONNXFolding {
    /// `Clip` of a constant between bounds given as inputs (opset 11 on) or attributes:
    /// TF-style "same" padding computes its pads this way from the input's shape.
    static func clip(_ context: ONNXNodeContext, _ inputs: [ONNXConstant?]) throws(InputError) -> ONNXConstant? {
        guard let data = inputs.first ?? nil else { return nil }
        func bound(_ position: Int, _ attribute: String) throws(InputError) -> Double? {
            if inputs.indices.contains(position), let given = inputs[position] { return given.scalar }
            return context.node.attribute(attribute) == nil ? nil : try context.float(attribute, default: 0)
        }
        let low = try bound(1, "min") ?? -.infinity, high = try bound(2, "max") ?? .infinity
        let values: TensorValues? = switch data.values {
        case .integers(let x)?:
            // Compared as doubles, converted back only when exact: no trap on any value.
            .integers(x.map { value in
                if Double(value) < low { return Int(exactly: low.rounded(.up)) ?? value }
                if Double(value) > high { return Int(exactly: high.rounded(.down)) ?? value }
                return value
            })
        case .floats(let x)?: .floats(x.map { min(max($0, low), high) })
        case nil: nil
        }
        return result(context, dims: data.dims, type: data.dataType, values: values, from: inputs)
    }
}
