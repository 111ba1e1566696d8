/// Index arithmetic on small row-major tensors, for folding shape computations
/// (Gather, Slice, Concat, Transpose, Expand, broadcasting) at import time.
///
/// Callers check that the element counts are within `ONNXLimits` first; every
/// function here then works on arrays of that size at most.
enum ONNXConstantMath {
    /// Row-major strides: the flat distance between neighbours along each axis.
    static func strides(_ dims: [Int]) -> [Int] {
        var result = Array(repeating: 1, count: dims.count)
        var stride = 1
        for axis in dims.indices.reversed() {
            result[axis] = stride
            stride = stride.multipliedReportingOverflow(by: max(dims[axis], 1)).partialValue
        }
        return result
    }

    /// NumPy broadcasting of two shapes (a 0-size axis stays 0), or nil when they do not broadcast.
    static func broadcast(_ a: [Int], _ b: [Int]) -> [Int]? {
        let rank = max(a.count, b.count)
        let left = Array(repeating: 1, count: rank - a.count) + a
        let right = Array(repeating: 1, count: rank - b.count) + b
        var result: [Int] = []
        for (x, y) in zip(left, right) {
            guard x == y || x == 1 || y == 1 else { return nil }
            result.append(x == 1 ? y : x)
        }
        return result
    }

    /// The product of dims, or nil if it overflows.
    static func count(_ dims: [Int]) -> Int? { try? product(of: dims) }

    /// For each element of `output`, the flat index of the element of a tensor of dims
    /// `source` (aligned at the right, size-1 axes repeated) that lands there.
    static func broadcastIndices(source: [Int], output: [Int]) -> [Int] {
        let padded = Array(repeating: 1, count: output.count - source.count) + source
        let sourceStrides = strides(padded)
        return mapIndices(output) { coordinates in
            var flat = 0
            for axis in coordinates.indices where padded[axis] != 1 { flat += coordinates[axis] * sourceStrides[axis] }
            return flat
        }
    }

    /// For each element of a tensor of dims `output`, `source(coordinates)`.
    static func mapIndices(_ output: [Int], _ source: ([Int]) -> Int) -> [Int] {
        guard let total = count(output), total > 0 else { return [] }
        var result: [Int] = []
        result.reserveCapacity(total)
        var coordinates = Array(repeating: 0, count: output.count)
        for _ in 0..<total {
            result.append(source(coordinates))
            advance(&coordinates, within: output)
        }
        return result
    }

    /// Output dims and source indices of a transpose by `permutation`.
    static func transpose(_ dims: [Int], _ permutation: [Int]) -> (dims: [Int], indices: [Int]) {
        let output = permutation.map { dims[$0] }
        let sourceStrides = strides(dims)
        let indices = mapIndices(output) { coordinates in
            var flat = 0
            for (axis, source) in permutation.enumerated() { flat += coordinates[axis] * sourceStrides[source] }
            return flat
        }
        return (output, indices)
    }

    /// Source indices of picking, along each axis, the listed coordinates (Slice, Gather).
    static func select(_ dims: [Int], picks: [[Int]]) -> [Int] {
        let sourceStrides = strides(dims)
        return mapIndices(picks.map(\.count)) { coordinates in
            var flat = 0
            for axis in coordinates.indices { flat += picks[axis][coordinates[axis]] * sourceStrides[axis] }
            return flat
        }
    }

    /// The first coordinate and the count of `start, start + step, …` before `end` that
    /// Slice picks from an axis of `size`, after ONNX's clamping of negative and
    /// out-of-range bounds. `step` must not be 0 or `Int.min`.
    static func sliceRange(start: Int, end: Int, step: Int, size: Int) -> (first: Int, count: Int) {
        func clamp(_ value: Int, _ low: Int, _ high: Int) -> Int { min(max(value, low), high) }
        // Bounds beyond ±size clamp the same way, so large magnitudes are cut first.
        let limit = Int(Int32.max) * 4
        let first = clamp(start, -limit, limit), last = clamp(end, -limit, limit)
        let from = first < 0 ? first + size : first
        let to = last < 0 ? last + size : last
        if step > 0 {
            let low = clamp(from, 0, size), high = clamp(to, 0, size)
            return (low, high > low ? (high - low - 1) / step + 1 : 0)
        }
        let high = clamp(from, -1, size - 1), low = clamp(to, -1, size - 1)
        return (high, high > low ? (high - low - 1) / -step + 1 : 0)
    }
}

extension TensorValues {
    /// The values at the given flat indices.
    func picking(_ indices: [Int]) -> TensorValues {
        switch self {
        case .integers(let values): .integers(indices.map { values.indices.contains($0) ? values[$0] : 0 })
        case .floats(let values): .floats(indices.map { values.indices.contains($0) ? values[$0] : 0 })
        }
    }

    /// Values of several tensors, one after another.
    static func joined(_ parts: [TensorValues]) -> TensorValues {
        if parts.allSatisfy({ if case .integers = $0 { true } else { false } }) {
            return .integers(parts.flatMap { part -> [Int] in
                if case .integers(let values) = part { return values }
                return []
            })
        }
        return .floats(parts.flatMap { part -> [Double] in
            switch part {
            case .integers(let values): values.map(Double.init)
            case .floats(let values): values
            }
        })
    }
}
