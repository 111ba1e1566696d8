/// The shape of a whole tensor, batch included when it has one: `[N, C, H, W]` for a
/// batch of feature maps, `[N, F]` after flatten, `[N, T, D]` for tokens, `[1, H, W]` for
/// a mask built without a batch. Every count is taken on these dims.
///
/// `batchAxis` says which axis holds the samples, where one does; it is for presentation
/// only (reports show the per-sample view, `sample`), and no count reads it. Ops carry it
/// through by their `batchAxis(_:_:)` rule.
///
/// Every dimension is at least 1 and the element count fits in `Int`: both are
/// checked when the shape is made, so later arithmetic on it starts from sane sizes.
public struct TensorShape: Hashable, Sendable, CustomStringConvertible {
    public let dims: [Int]
    /// The number of elements, `dims` multiplied together.
    public let elements: Int
    /// The axis that holds the samples, or nil when no axis does (a constant, a mask
    /// built without a batch, heads merged into the batch).
    public var batchAxis: Int?

    /// The most axes a tensor may have: ONNX models use up to 6 or 8; the bound keeps a
    /// shape of a million 1s from being copied into every layer after it.
    public static let maximumRank = 64

    public init(_ dims: [Int], batchAxis: Int? = nil) throws(InputError) {
        guard !dims.isEmpty else { throw InputError("a tensor needs at least one dimension") }
        guard dims.count <= Self.maximumRank else {
            throw InputError("a shape of \(dims.count) axes has more than the \(Self.maximumRank) netcost accepts")
        }
        if let bad = dims.first(where: { $0 < 1 }) {
            throw InputError("dimension \(bad) in shape \(Self.format(dims)) is not positive")
        }
        do {
            elements = try product(of: dims)
        } catch {
            throw InputError("shape \(Self.format(dims)) has more elements than a 64-bit integer holds")
        }
        self.dims = dims
        self.batchAxis = batchAxis.flatMap { dims.indices.contains($0) ? $0 : nil }
    }

    /// Shapes are equal when their dims are: the batch axis is presentation.
    public static func == (lhs: TensorShape, rhs: TensorShape) -> Bool { lhs.dims == rhs.dims }
    public func hash(into hasher: inout Hasher) { hasher.combine(dims) }

    /// The same dims with another batch axis.
    public func withBatchAxis(_ axis: Int?) -> TensorShape {
        var shape = self
        shape.batchAxis = axis.flatMap { dims.indices.contains($0) ? $0 : nil }
        return shape
    }

    public var rank: Int { dims.count }

    /// One sample's dims: `dims` without the batch axis, or all of them when there is
    /// none. What reports show.
    public var sample: [Int] {
        guard let batchAxis else { return dims }
        var sample = dims
        sample.remove(at: batchAxis)
        return sample
    }

    /// Samples in the tensor: the batch axis's size, 1 without one.
    public var batch: Int { batchAxis.map { dims[$0] } ?? 1 }

    /// True for a batch of feature maps, `[N, C, H, W]` with the batch first: the only
    /// tensors with spatial axes that receptive fields and the checks trace.
    public var isFeatureMap: Bool { dims.count == 4 && batchAxis == 0 }

    /// Axis 1, where PyTorch and ONNX keep channels (`[N, C, …]`); axis 0 of a vector.
    public var channels: Int { dims.count >= 2 ? dims[1] : dims[0] }

    /// `[H, W]` of a feature map; empty for other tensors.
    public var spatial: [Int] { isFeatureMap ? Array(dims[2...]) : [] }

    /// Height times width of a feature map, 1 for other tensors.
    public var spatialElements: Int { isFeatureMap ? dims[2] * dims[3] : 1 }

    /// `3x224x224`: one sample's dims.
    public var description: String { sample.isEmpty ? "1" : sample.map(String.init).joined(separator: "x") }

    static func format(_ dims: [Int]) -> String { "[" + dims.map(String.init).joined(separator: ", ") + "]" }
}

/// Steps a row-major multi-index to the next position within `dims`, the last axis
/// fastest; after the last position it wraps to all zeros. The odometer that the
/// executor's kernels and the constant folding turn over tensors of any rank.
@inline(__always)
public func advance(_ index: inout [Int], within dims: [Int]) {
    var axis = dims.count - 1
    while axis >= 0 {
        index[axis] += 1
        if index[axis] < dims[axis] { return }
        index[axis] = 0
        axis -= 1
    }
}
