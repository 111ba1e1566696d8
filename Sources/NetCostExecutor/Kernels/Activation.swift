import Foundation
import NetCost

// Element-wise activations and softmax.

enum ActivationKernel {
    /// `output[i] = f(input[i])`, SIMD in the plain run.
    static func run<P: Probe>(_ function: Activation.Function, input: Tensor, output: Tensor, kernels: KernelSet, probe: inout P) {
        let count = input.elements
        if P.isCounting {
            // The counting run's values are the reference: the scalar library functions.
            for index in 0..<count { output.pointer[index] = function.apply(input.pointer[index]) }
        } else if count < 262_144 {
            output.pointer.update(from: input.pointer, count: count)
            function.apply(output.pointer, count: count, kernels: kernels)
        } else {
            // Spread over the cores, each part copied and applied a block at a time so
            // that the block is still in L1 when the function reads it back.
            let source = SharedPointer(input.pointer), destination = SharedPointer(output.pointer)
            let parts = Parallel.chunks(count, grain: 16_384)
            Parallel.forEach(parts.count) { part in
                var start = parts[part].lowerBound
                while start < parts[part].upperBound {
                    let block = min(4_096, parts[part].upperBound - start)
                    (destination.base + start).update(from: source.base + start, count: block)
                    function.apply(destination.base + start, count: block, kernels: kernels)
                    start += block
                }
            }
        }
        probe.readInputs(0, 0..<count)
        probe.writes(0..<count)
    }
}

enum SoftmaxKernel {
    /// `exp(x − max) / Σ exp(x − max)` along `axis`, for each position of the other axes.
    static func run<P: Probe>(axis: Int, input: Tensor, output: Tensor, probe: inout P) {
        let dims = input.dims
        let resolved = axis < 0 ? axis + dims.count : axis
        let length = dims[resolved]
        let inner = dims[(resolved + 1)...].reduce(1, *), outer = dims[..<resolved].reduce(1, *)
        for o in 0..<outer {
            for i in 0..<inner {
                let base = o * length * inner + i
                var largest = -Float.infinity
                for j in 0..<length {
                    largest = max(largest, input.pointer[base + j * inner])
                    probe.readInput(0, base + j * inner)
                }
                var total: Float = 0
                for j in 0..<length {
                    let e = Foundation.exp(input.pointer[base + j * inner] - largest)
                    output.pointer[base + j * inner] = e
                    total += e
                }
                for j in 0..<length {
                    output.pointer[base + j * inner] /= total
                    probe.write(base + j * inner)
                }
            }
        }
    }
}
