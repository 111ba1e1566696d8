/// The shape of one sample's tensor, without the batch dimension: `[C, H, W]` for
/// feature maps, `[F]` after flatten, `[T, D]` for sequences.
///
/// Every dimension is at least 1 and the element count fits in `Int`: both are
/// checked when the shape is made, so later arithmetic on it starts from sane sizes.
public struct TensorShape: Hashable, Sendable, CustomStringConvertible {
    public let dims: [Int]
    /// The number of elements, `dims` multiplied together.
    public let elements: Int

    /// The most axes a tensor may have: ONNX models use up to 6 or 8; the bound keeps a
    /// shape of a million 1s from being copied into every layer after it.
    public static let maximumRank = 64

    public init(_ dims: [Int]) throws(InputError) {
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
    }

    public var rank: Int { dims.count }

    /// True for `[C, H, W]`, the only rank with spatial axes.
    public var isFeatureMap: Bool { dims.count == 3 }

    public var channels: Int { dims[0] }

    /// `[H, W]` of a feature map; empty for other ranks.
    public var spatial: [Int] { isFeatureMap ? Array(dims[1...]) : [] }

    /// Height times width of a feature map, 1 for other ranks.
    public var spatialElements: Int { isFeatureMap ? dims[1] * dims[2] : 1 }

    /// `3x224x224`.
    public var description: String { dims.map(String.init).joined(separator: "x") }

    static func format(_ dims: [Int]) -> String { "[" + dims.map(String.init).joined(separator: ", ") + "]" }
}
