import Foundation
import NetCost

// Binary element-wise ops (arithmetic, max and min, comparisons, logic) with NumPy
// broadcasting. Axes that can be walked
// as one (for every operand) are merged first, so squeeze-excite's `[C, H, W] × [C, 1, 1]`
// runs as C rows of H·W elements times one scalar each.

enum ElementwiseKernel {
    /// Folds the inputs left to right: `((x0 ∘ x1) ∘ x2) ∘ …`, into the output.
    static func run<P: Probe>(_ op: Elementwise.Operator, inputs: [Tensor], output: Tensor, probe: inout P) {
        guard inputs.count >= 2 else { return }
        for slot in 1..<inputs.count {
            let left = slot == 1 ? inputs[0] : output
            combine(op, left, leftSlot: slot == 1 ? 0 : nil, inputs[slot], rightSlot: slot, output: output, probe: &probe)
        }
        probe.writes(0..<output.elements)
    }

    /// Strides of `dims` broadcast to `target` (aligned at the right; 0 along a broadcast axis).
    static func broadcastStrides(_ dims: [Int], to target: [Int]) -> [Int] {
        let aligned = Array(repeating: 1, count: target.count - dims.count) + dims
        let strides = Tensor.rowMajorStrides(aligned)
        return target.indices.map { aligned[$0] == 1 && target[$0] != 1 ? 0 : strides[$0] }
    }

    private static func combine<P: Probe>(_ op: Elementwise.Operator, _ left: Tensor, leftSlot: Int?, _ right: Tensor, rightSlot: Int,
                                          output: Tensor, probe: inout P) {
        var dims = output.dims
        var a = broadcastStrides(left.dims, to: dims), b = broadcastStrides(right.dims, to: dims)
        var c = Tensor.rowMajorStrides(dims)
        var axis = dims.count - 1
        while axis > 0 {
            let mergeable = [a, b, c].allSatisfy { $0[axis - 1] == $0[axis] * dims[axis] }
            if mergeable {
                dims[axis - 1] *= dims[axis]
                for strides in [0, 1, 2] {
                    switch strides {
                    case 0: a[axis - 1] = a[axis]; a.remove(at: axis)
                    case 1: b[axis - 1] = b[axis]; b.remove(at: axis)
                    default: c[axis - 1] = c[axis]; c.remove(at: axis)
                    }
                }
                dims.remove(at: axis)
            }
            axis -= 1
        }
        let inner = dims[dims.count - 1], innerA = a[a.count - 1], innerB = b[b.count - 1]
        let outerDims = Array(dims.dropLast())
        if outerDims.isEmpty && !P.isCounting && inner >= 65_536 {
            // One long run (a residual add): split across the workers.
            let x = SharedPointer(left.pointer), y = SharedPointer(right.pointer), out = SharedPointer(output.pointer)
            let parts = Parallel.chunks(inner, grain: 16_384)
            Parallel.forEach(parts.count) { part in
                let start = parts[part].lowerBound
                row(op, x.base + start * innerA, innerA, y.base + start * innerB, innerB, out.base + start, parts[part].count)
            }
            return
        }
        var index = Array(repeating: 0, count: outerDims.count)
        for _ in 0..<outerDims.reduce(1, *) {
            var offsetA = 0, offsetB = 0, offsetC = 0
            for axis in outerDims.indices {
                offsetA += index[axis] * a[axis]
                offsetB += index[axis] * b[axis]
                offsetC += index[axis] * c[axis]
            }
            row(op, left.pointer + offsetA, innerA, right.pointer + offsetB, innerB, output.pointer + offsetC, inner)
            if P.isCounting {
                for j in 0..<inner {
                    if let leftSlot { probe.readInput(leftSlot, offsetA + j * innerA) }
                    probe.readInput(rightSlot, offsetB + j * innerB)
                }
            }
            advance(&index, within: outerDims)
        }
    }

    /// One run of `count` elements; each operand steps by 1 or stays put (stride 0).
    @inline(__always)
    private static func row(_ op: Elementwise.Operator, _ x: UnsafePointer<Float>, _ sx: Int, _ y: UnsafePointer<Float>, _ sy: Int,
                            _ out: UnsafeMutablePointer<Float>, _ count: Int) {
        switch op {
        case .add: each(x, sx, y, sy, out, count) { $0 + $1 }
        case .sub: each(x, sx, y, sy, out, count) { $0 - $1 }
        case .mul: each(x, sx, y, sy, out, count) { $0 * $1 }
        case .div: each(x, sx, y, sy, out, count) { $0 / $1 }
        // A NaN wins, as in PyTorch's maximum and minimum.
        case .max: each(x, sx, y, sy, out, count) { $0 > $1 || $0.isNaN ? $0 : $1 }
        case .min: each(x, sx, y, sy, out, count) { $0 < $1 || $0.isNaN ? $0 : $1 }
        case .pow: each(x, sx, y, sy, out, count) { Foundation.pow($0, $1) }
        case .equal: each(x, sx, y, sy, out, count) { $0 == $1 ? 1 : 0 }
        case .less: each(x, sx, y, sy, out, count) { $0 < $1 ? 1 : 0 }
        case .greater: each(x, sx, y, sy, out, count) { $0 > $1 ? 1 : 0 }
        case .lessOrEqual: each(x, sx, y, sy, out, count) { $0 <= $1 ? 1 : 0 }
        case .greaterOrEqual: each(x, sx, y, sy, out, count) { $0 >= $1 ? 1 : 0 }
        case .and: each(x, sx, y, sy, out, count) { $0 != 0 && $1 != 0 ? 1 : 0 }
        case .or: each(x, sx, y, sy, out, count) { $0 != 0 || $1 != 0 ? 1 : 0 }
        }
    }

    /// `out[j] = f(x[j·sx], y[j·sy])`, with the common strides (both 1, or one operand a
    /// scalar) written as constants so that the compiler vectorizes those loops.
    @inline(__always)
    private static func each(_ x: UnsafePointer<Float>, _ sx: Int, _ y: UnsafePointer<Float>, _ sy: Int,
                             _ out: UnsafeMutablePointer<Float>, _ count: Int, _ f: (Float, Float) -> Float) {
        switch (sx, sy) {
        case (1, 1): for j in 0..<count { out[j] = f(x[j], y[j]) }
        case (1, 0): let b = y[0]; for j in 0..<count { out[j] = f(x[j], b) }
        case (0, 1): let a = x[0]; for j in 0..<count { out[j] = f(a, y[j]) }
        default: for j in 0..<count { out[j] = f(x[j * sx], y[j * sy]) }
        }
    }
}
