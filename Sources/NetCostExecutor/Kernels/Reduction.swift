import Foundation
import NetCost

// Reductions over any axes. Each input element is visited once, in memory order, and
// added into (or compared with) the output element it reduces to: an odometer over the
// input's axes moves the output index by each axis' output stride (zero for a reduced
// axis), so no index is divided or multiplied per element.

enum ReductionKernel {
    static func run<P: Probe>(_ reduction: Reduction, input: Tensor, output: Tensor, probe: inout P) {
        let dims = input.dims
        guard let reduced = try? Set(reduction.resolvedAxes(rank: dims.count)) else { return }
        // The output's stride for each input axis, with the reduced axes kept as 1.
        var strides = Array(repeating: 0, count: dims.count)
        var stride = 1
        for axis in dims.indices.reversed() where !reduced.contains(axis) {
            strides[axis] = stride
            stride *= dims[axis]
        }
        let start: Float = switch reduction.mode {
        case .mean, .sum, .l2: 0
        case .max: -.infinity
        case .min: .infinity
        }
        output.pointer.update(repeating: start, count: output.elements)
        var position = Array(repeating: 0, count: dims.count)
        var target = 0
        for index in 0..<input.elements {
            let x = input.pointer[index]
            switch reduction.mode {
            case .mean, .sum: output.pointer[target] += x
            case .l2: output.pointer[target] += x * x
            // A NaN wins, as in PyTorch's amax and amin.
            case .max: if !(x <= output.pointer[target]) { output.pointer[target] = x }
            case .min: if !(x >= output.pointer[target]) { output.pointer[target] = x }
            }
            probe.readInput(0, index)
            // Advance the odometer: the last axis fastest.
            var axis = dims.count - 1
            while axis >= 0 {
                position[axis] += 1
                target += strides[axis]
                if position[axis] < dims[axis] { break }
                target -= strides[axis] * dims[axis]
                position[axis] = 0
                axis -= 1
            }
        }
        let count = Float(input.elements / max(output.elements, 1))
        for index in 0..<output.elements {
            switch reduction.mode {
            case .mean: output.pointer[index] /= count
            case .l2: output.pointer[index] = output.pointer[index].squareRoot()
            case .sum, .max, .min: break
            }
            probe.write(index)
        }
    }
}
