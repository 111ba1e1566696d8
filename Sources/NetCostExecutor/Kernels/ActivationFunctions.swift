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
        }
    }

    @inline(__always)
    func apply(_ v: Vector) -> Vector {
        switch self {
        case .relu:
            return v.replacing(with: 0, where: v .< 0)
        case .relu6:
            return v.clamped(lowerBound: Vector(repeating: 0), upperBound: Vector(repeating: 6))
        case .leakyRelu(let slope):
            return v.replacing(with: v * Float(slope), where: v .< 0)
        case .hardSigmoid:
            return (v + 3).clamped(lowerBound: Vector(repeating: 0), upperBound: Vector(repeating: 6)) / 6
        case .hardSwish:
            return v * (v + 3).clamped(lowerBound: Vector(repeating: 0), upperBound: Vector(repeating: 6)) / 6
        case .sigmoid, .swish, .gelu, .tanh:
            var result = v
            for lane in 0..<Vector.scalarCount { result[lane] = apply(v[lane]) }
            return result
        }
    }
}

/// What a convolution or linear kernel does to its output before it is written: add the
/// per-row bias, then apply a fused layer's activations.
struct Epilogue: @unchecked Sendable {
    /// One value per output row (output channel), or none.
    var bias: UnsafePointer<Float>?
    var activations: [Activation.Function]

    static let none = Epilogue(bias: nil, activations: [])

    var isEmpty: Bool { bias == nil && activations.isEmpty }

    /// Applies the epilogue to a `rows × columns` block whose first row is output row `firstRow`.
    @inline(__always)
    func apply(_ c: UnsafeMutablePointer<Float>, _ ldc: Int, rows: Int, columns: Int, firstRow: Int) {
        if isEmpty { return }
        let w = Vector.scalarCount
        for i in 0..<rows {
            let row = c + i * ldc
            let shift = bias.map { $0[firstRow + i] } ?? 0
            var j = 0
            while j + w <= columns {
                var v = loadVector(row + j) + shift
                for function in activations { v = function.apply(v) }
                storeVector(v, row + j)
                j += w
            }
            while j < columns {
                var x = row[j] + shift
                for function in activations { x = function.apply(x) }
                row[j] = x
                j += 1
            }
        }
    }
}
