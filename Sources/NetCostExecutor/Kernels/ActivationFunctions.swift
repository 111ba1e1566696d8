import Foundation
import NetCost

// The activation functions, as scalars (the reference and the counting run) and as SIMD
// vectors (the plain run and fused epilogues). PyTorch's definitions: hardsigmoid is
// relu6(x + 3)/6, gelu the erf form.

extension Activation.Function {
    @inline(__always)
    func apply(_ x: Float) -> Float {
        switch self {
        case .relu: return max(x, 0)
        case .relu6: return min(max(x, 0), 6)
        case .leakyRelu(let slope): return x < 0 ? x * Float(slope) : x
        case .sigmoid: return 1 / (1 + Foundation.exp(-x))
        case .swish: return x / (1 + Foundation.exp(-x))
        case .hardSigmoid: return min(max(x + 3, 0), 6) / 6
        case .hardSwish: return x * min(max(x + 3, 0), 6) / 6
        case .gelu: return 0.5 * x * (1 + Foundation.erf(x * 0.707_106_77))
        case .tanh: return Foundation.tanh(x)
        case .exp: return Foundation.exp(x)
        case .log: return Foundation.log(x)
        case .sqrt: return x.squareRoot()
        case .reciprocal: return 1 / x
        case .abs: return Swift.abs(x)
        case .neg: return -x
        case .sin: return Foundation.sin(x)
        case .cos: return Foundation.cos(x)
        case .erf: return Foundation.erf(x)
        case .pow(let exponent): return Foundation.pow(x, Float(exponent))
        case .not: return x == 0 ? 1 : 0
        // A NaN stays a NaN, as in PyTorch's clamp.
        case .clip(let low, let high): return x < Float(low) ? Float(low) : x > Float(high) ? Float(high) : x
        }
    }

    /// Applies the function in place to `count` floats. The switch sits outside the loop
    /// so that each case is one tight SIMD loop. Vector and scalar forms round alike
    /// (a division by 6 stays a division), so a value does not depend on where it falls.
    /// Exp, sigmoid, swish and tanh run in the kernel set's C loop (a vector `e^x`).
    func apply(_ row: UnsafeMutablePointer<Float>, count: Int, kernels: KernelSet) {
        if kernels.exponentialMap(self, row, count: count) { return }
        switch self {
        case .relu:
            Self.map(row, count) { clamp($0, low: 0, high: .infinity) } scalar: { max($0, 0) }
        case .relu6:
            Self.map(row, count) { clamp($0, low: 0, high: 6) } scalar: { min(max($0, 0), 6) }
        case .leakyRelu(let slope):
            let a = Float(slope)
            Self.map(row, count) { $0.replacing(with: $0 * a, where: $0 .< 0) } scalar: { $0 < 0 ? $0 * a : $0 }
        case .hardSigmoid:
            Self.map(row, count) { clamp($0 + 3, low: 0, high: 6) / 6 } scalar: { min(max($0 + 3, 0), 6) / 6 }
        case .hardSwish:
            Self.map(row, count) { $0 * clamp($0 + 3, low: 0, high: 6) / 6 } scalar: { $0 * min(max($0 + 3, 0), 6) / 6 }
        case .sigmoid, .swish, .tanh, .exp, .gelu, .log, .sqrt, .reciprocal, .abs, .neg, .sin, .cos, .erf, .pow, .not, .clip:
            for index in 0..<count { row[index] = apply(row[index]) }
        }
    }

    /// `v` clamped to `[low, high]` with vector compares and blends (the generic
    /// pointwiseMin/Max run one lane at a time).
    @inline(__always)
    private func clamp(_ v: Vector, low: Float, high: Float) -> Vector {
        let raised = v.replacing(with: low, where: v .< low)
        return raised.replacing(with: high, where: raised .> high)
    }

    @inline(__always)
    private static func map(_ row: UnsafeMutablePointer<Float>, _ count: Int, _ vector: (Vector) -> Vector, scalar: (Float) -> Float) {
        let w = Vector.scalarCount
        var index = 0
        while index + w <= count {
            storeVector(vector(loadVector(row + index)), row + index)
            index += w
        }
        while index < count {
            row[index] = scalar(row[index])
            index += 1
        }
    }
}

/// What a convolution or linear kernel does to its output before it is written: add the
/// per-row bias, apply a fused layer's activations, then add a residual (a tensor laid out
/// as the output, from the add that a merged pair folds in).
struct Epilogue: @unchecked Sendable {
    /// One value per output row (output channel), or none.
    var bias: UnsafePointer<Float>?
    var activations: [Activation.Function]
    var residual: UnsafePointer<Float>?

    static let none = Epilogue(bias: nil, activations: [])

    init(bias: UnsafePointer<Float>?, activations: [Activation.Function], residual: UnsafePointer<Float>? = nil) {
        self.bias = bias
        self.activations = activations
        self.residual = residual
    }

    var isEmpty: Bool { bias == nil && activations.isEmpty && residual == nil }

    /// Adds the residual to a `rows × columns` block of C at (`firstRow`, `firstColumn`),
    /// C's rows (and the residual's) `ldc` apart.
    @inline(__always)
    func addResidual(_ c: UnsafeMutablePointer<Float>, _ ldc: Int, rows: Int, columns: Int, firstRow: Int, firstColumn: Int) {
        guard let residual else { return }
        for i in 0..<rows {
            let row = c + i * ldc, source = residual + (firstRow + i) * ldc + firstColumn
            let w = Vector.scalarCount
            var index = 0
            while index + w <= columns {
                storeVector(loadVector(row + index) + loadVector(source + index), row + index)
                index += w
            }
            while index < columns {
                row[index] += source[index]
                index += 1
            }
        }
    }

    /// When every activation is a relu or relu6, their composition is one clamp to
    /// `[low, high]`, which the GEMM tile applies in registers as it stores.
    var clamp: (low: Float, high: Float)? {
        var low = -Float.infinity, high = Float.infinity
        for function in activations {
            switch function {
            case .relu: low = max(low, 0)
            case .relu6: low = max(low, 0); high = min(high, 6)
            case .clip(let lower, let upper): low = max(low, Float(lower)); high = min(high, Float(upper))
            default: return nil
            }
        }
        return (min(low, high), high)
    }

    /// What the GEMM tile does in registers as it stores (add the bias, clamp to bounds:
    /// ±∞ when no clamp), and what is left for the finished tile: the activations that
    /// are not a clamp. Nil bounds when there is nothing for the registers to do.
    var inRegisters: (bounds: (low: Float, high: Float)?, rest: Epilogue) {
        if let clamp { return (clamp, .none) }
        let rest = Epilogue(bias: nil, activations: activations)
        return (bias == nil ? nil : (-.infinity, .infinity), rest)
    }

    /// Applies the epilogue to a `rows × columns` block whose first row is output row `firstRow`.
    @inline(__always)
    func apply(_ c: UnsafeMutablePointer<Float>, _ ldc: Int, rows: Int, columns: Int, firstRow: Int, kernels: KernelSet) {
        if bias == nil && activations.isEmpty { return }
        if let bias {
            for i in 0..<rows { Self.add(bias[firstRow + i], c + i * ldc, columns) }
        }
        // Each function over the whole block: one call into the kernel set per tile.
        for function in activations where !kernels.exponentialMap(function, c, ldc: ldc, rows: rows, columns: columns) {
            for i in 0..<rows { function.apply(c + i * ldc, count: columns, kernels: kernels) }
        }
    }

    @inline(__always)
    static func add(_ shift: Float, _ row: UnsafeMutablePointer<Float>, _ count: Int) {
        let w = Vector.scalarCount
        var index = 0
        while index + w <= count {
            storeVector(loadVector(row + index) + shift, row + index)
            index += w
        }
        while index < count {
            row[index] += shift
            index += 1
        }
    }
}
