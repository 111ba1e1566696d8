import NetCost

// Linear layers and matrix products. The inner loops are the kernel set's dot products
// and row updates (`y += a·x`); the counting run adds up the multiply-adds they execute.

enum LinearKernel {
    /// `output[r, o] = input[r, :]·weight[o, :] + bias[o]`, then `activations`.
    static func run<P: Probe>(rows: Int, features: Int, outFeatures: Int, input: UnsafePointer<Float>,
                              weight: UnsafePointer<Float>, weightSlot: Int, bias: UnsafePointer<Float>?, biasSlot: Int,
                              activations: [Activation.Function], output: UnsafeMutablePointer<Float>,
                              kernels: KernelSet, probe: inout P) {
        if !P.isCounting && rows * outFeatures * features >= 65_536 {
            let source = SharedPointer(UnsafeMutablePointer(mutating: input)), destination = SharedPointer(output)
            let weights = SharedPointer(UnsafeMutablePointer(mutating: weight))
            let biases = bias.map { SharedPointer(UnsafeMutablePointer(mutating: $0)) }
            let parts = Parallel.chunks(outFeatures, grain: 16, perWorker: 4)
            Parallel.forEach(parts.count) { part in
                var none = NoProbe()
                block(rows: rows, features: features, outFeatures: outFeatures, range: parts[part], input: source.base,
                      weight: weights.base, weightSlot: weightSlot, bias: biases?.base, biasSlot: biasSlot,
                      activations: activations, output: destination.base, kernels: kernels, probe: &none)
            }
        } else {
            block(rows: rows, features: features, outFeatures: outFeatures, range: 0..<outFeatures, input: input,
                  weight: weight, weightSlot: weightSlot, bias: bias, biasSlot: biasSlot,
                  activations: activations, output: output, kernels: kernels, probe: &probe)
        }
    }

    private static func block<P: Probe>(rows: Int, features: Int, outFeatures: Int, range: Range<Int>, input: UnsafePointer<Float>,
                                        weight: UnsafePointer<Float>, weightSlot: Int, bias: UnsafePointer<Float>?, biasSlot: Int,
                                        activations: [Activation.Function], output: UnsafeMutablePointer<Float>,
                                        kernels: KernelSet, probe: inout P) {
        for row in 0..<rows {
            for feature in range {
                var (sum, done) = kernels.dot(input + row * features, weight + feature * features, features)
                probe.multiplyAdds(done)
                probe.readInputs(0, row * features..<(row + 1) * features)
                probe.readParameters(weightSlot, feature * features..<(feature + 1) * features)
                if let bias {
                    sum += bias[feature]
                    probe.readParameter(biasSlot, feature)
                }
                for function in activations { sum = function.apply(sum) }
                output[row * outFeatures + feature] = sum
                probe.write(row * outFeatures + feature)
            }
        }
    }
}

enum MatMulKernel {
    /// NumPy's matmul: `[..., M, K] × [..., K, N]`, batch axes broadcast, rank-1 operands promoted.
    static func run<P: Probe>(left: Tensor, right: Tensor, output: Tensor, kernels: KernelSet, probe: inout P) {
        let a = left.dims.count == 1 ? [1] + left.dims : left.dims
        let b = right.dims.count == 1 ? right.dims + [1] : right.dims
        let (m, k, n) = (a[a.count - 2], a[a.count - 1], b[b.count - 1])
        let batchA = Array(a.dropLast(2)), batchB = Array(b.dropLast(2))
        let rank = max(batchA.count, batchB.count)
        let paddedA = Array(repeating: 1, count: rank - batchA.count) + batchA
        let paddedB = Array(repeating: 1, count: rank - batchB.count) + batchB
        let batch = zip(paddedA, paddedB).map { max($0, $1) }
        let stridesA = Tensor.rowMajorStrides(paddedA), stridesB = Tensor.rowMajorStrides(paddedB)
        var index = Array(repeating: 0, count: rank)
        for position in 0..<batch.reduce(1, *) {
            var offsetA = 0, offsetB = 0
            for axis in 0..<rank {
                if paddedA[axis] > 1 { offsetA += index[axis] * stridesA[axis] }
                if paddedB[axis] > 1 { offsetB += index[axis] * stridesB[axis] }
            }
            offsetA *= m * k
            offsetB *= k * n
            let c = output.pointer + position * m * n
            for i in 0..<m {
                let row = c + i * n
                row.update(repeating: 0, count: n)
                for p in 0..<k {
                    let value = left.pointer[offsetA + i * k + p]
                    probe.readInput(0, offsetA + i * k + p)
                    probe.multiplyAdds(kernels.axpy(value, right.pointer + offsetB + p * n, row, n))
                    probe.readInputs(1, offsetB + p * n..<offsetB + (p + 1) * n)
                }
                probe.writes(position * m * n + i * n..<position * m * n + (i + 1) * n)
            }
            var axis = rank - 1
            while axis >= 0 {
                index[axis] += 1
                if index[axis] < batch[axis] { break }
                index[axis] = 0
                axis -= 1
            }
        }
    }
}
