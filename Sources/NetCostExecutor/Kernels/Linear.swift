import NetCost

// Linear layers and matrix products. The inner loops are SIMD dot products and row
// updates that return how many multiply-adds they executed, which is what the counting
// run adds up.

/// `Σ a[i]·b[i]` over `count` elements, and the number of multiply-adds it took.
@inline(__always)
func dot(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ count: Int) -> (value: Float, multiplyAdds: Int) {
    let w = Vector.scalarCount
    var lanes = Vector(), done = 0, index = 0
    while index + w <= count {
        lanes = lanes.addingProduct(loadVector(a + index), loadVector(b + index))
        index += w
        done += w
    }
    var sum = lanes.sum()
    while index < count {
        sum += a[index] * b[index]
        index += 1
        done += 1
    }
    return (sum, done)
}

/// `y[i] += a·x[i]` over `count` elements, and the number of multiply-adds it took.
@inline(__always)
func axpy(_ a: Float, _ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, _ count: Int) -> Int {
    let w = Vector.scalarCount
    let scale = Vector(repeating: a)
    var index = 0
    while index + w <= count {
        storeVector(loadVector(y + index).addingProduct(scale, loadVector(x + index)), y + index)
        index += w
    }
    while index < count {
        y[index] += a * x[index]
        index += 1
    }
    return count
}

enum LinearKernel {
    /// `output[r, o] = input[r, :]·weight[o, :] + bias[o]`, then `activations`.
    static func run<P: Probe>(rows: Int, features: Int, outFeatures: Int, input: UnsafePointer<Float>,
                              weight: UnsafePointer<Float>, weightSlot: Int, bias: UnsafePointer<Float>?, biasSlot: Int,
                              activations: [Activation.Function], output: UnsafeMutablePointer<Float>, probe: inout P) {
        if !P.isCounting && rows * outFeatures * features >= 65_536 {
            let source = SharedPointer(UnsafeMutablePointer(mutating: input)), destination = SharedPointer(output)
            let weights = SharedPointer(UnsafeMutablePointer(mutating: weight))
            let biases = bias.map { SharedPointer(UnsafeMutablePointer(mutating: $0)) }
            let parts = Parallel.chunks(outFeatures, grain: 16, perWorker: 4)
            Parallel.forEach(parts.count) { part in
                var none = NoProbe()
                block(rows: rows, features: features, outFeatures: outFeatures, range: parts[part], input: source.base,
                      weight: weights.base, weightSlot: weightSlot, bias: biases?.base, biasSlot: biasSlot,
                      activations: activations, output: destination.base, probe: &none)
            }
        } else {
            block(rows: rows, features: features, outFeatures: outFeatures, range: 0..<outFeatures, input: input,
                  weight: weight, weightSlot: weightSlot, bias: bias, biasSlot: biasSlot,
                  activations: activations, output: output, probe: &probe)
        }
    }

    private static func block<P: Probe>(rows: Int, features: Int, outFeatures: Int, range: Range<Int>, input: UnsafePointer<Float>,
                                        weight: UnsafePointer<Float>, weightSlot: Int, bias: UnsafePointer<Float>?, biasSlot: Int,
                                        activations: [Activation.Function], output: UnsafeMutablePointer<Float>, probe: inout P) {
        for row in 0..<rows {
            for feature in range {
                var (sum, done) = dot(input + row * features, weight + feature * features, features)
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
    static func run<P: Probe>(left: Tensor, right: Tensor, output: Tensor, probe: inout P) {
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
                    probe.multiplyAdds(axpy(value, right.pointer + offsetB + p * n, row, n))
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
