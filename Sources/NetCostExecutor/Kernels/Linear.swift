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
            advance(&index, within: batch)
        }
    }
}

enum EinsumKernel {
    /// Every combination of the equation's letters, the output's first: the operands'
    /// elements at those positions multiplied (a size-1 axis broadcast) and added into
    /// the output element. A direct loop, as the counting run's convolutions are.
    static func run<P: Probe>(_ einsum: Einsum, inputs: [Tensor], output: Tensor, probe: inout P) {
        guard let shapes = try? inputs.map({ try TensorShape($0.dims) }), let plan = try? einsum.plan(shapes) else { return }
        let letters = plan.letters
        let sizes = letters.map { plan.sizes[$0] ?? 1 }
        // Each operand's stride per letter (0 where it lacks the letter or broadcasts it).
        let strides: [[Int]] = zip(plan.operands, inputs).map { subscripts, tensor in
            let own = Tensor.rowMajorStrides(tensor.dims)
            return letters.map { letter in
                guard let axis = subscripts.firstIndex(of: letter), tensor.dims[axis] != 1 else { return 0 }
                return own[axis]
            }
        }
        let outputStrides = Tensor.rowMajorStrides(output.dims)
        let outputLetterStrides = letters.map { letter in plan.output.firstIndex(of: letter).map { outputStrides[$0] } ?? 0 }
        output.pointer.update(repeating: 0, count: output.elements)
        let total = sizes.reduce(1, *)
        var position = Array(repeating: 0, count: letters.count)
        var offsets = Array(repeating: 0, count: inputs.count), target = 0
        for _ in 0..<total {
            var value: Float = 1
            for (operand, tensor) in inputs.enumerated() {
                value *= tensor.pointer[offsets[operand]]
                probe.readInput(operand, offsets[operand])
            }
            output.pointer[target] += value
            if inputs.count > 1 { probe.multiplyAdds(inputs.count - 1) }
            var axis = letters.count - 1
            while axis >= 0 {
                position[axis] += 1
                target += outputLetterStrides[axis]
                for operand in offsets.indices { offsets[operand] += strides[operand][axis] }
                if position[axis] < sizes[axis] { break }
                target -= outputLetterStrides[axis] * sizes[axis]
                for operand in offsets.indices { offsets[operand] -= strides[operand][axis] * sizes[axis] }
                position[axis] = 0
                axis -= 1
            }
        }
        probe.writes(0..<output.elements)
    }
}
