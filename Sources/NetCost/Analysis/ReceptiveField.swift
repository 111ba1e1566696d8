/// The receptive field along one axis, after Araujo et al. (Distill 2019) and
/// google-research/receptive_field: output position `o` of a layer sees input pixels
/// `o·jump − padding ..< o·jump − padding + size`.
///
/// Through a window of effective extent `k` (dilation already applied), stride `s` and
/// offset (padding before) `p`:
///     size′ = size + (k − 1)·jump,   jump′ = jump·s,   padding′ = padding + p·jump.
public struct AxisReceptiveField: Sendable, Equatable {
    public var size: Double
    public var jump: Double
    public var padding: Double

    public init(size: Double, jump: Double, padding: Double) {
        self.size = size
        self.jump = jump
        self.padding = padding
    }

    /// One input pixel.
    public static let pixel = AxisReceptiveField(size: 1, jump: 1, padding: 0)

    public func through(_ window: AxisWindow) -> AxisReceptiveField {
        AxisReceptiveField(size: size + Double(window.extent - 1) * jump,
                           jump: jump * window.stride,
                           padding: padding + window.offset * jump)
    }

    /// Centre of output position 0's field, in input pixels. Two branches are aligned
    /// when their centres and jumps agree.
    public var center: Double { (size - 1) / 2 - padding }

    /// The smallest field that covers both: where branches of different fields meet.
    public func union(_ other: AxisReceptiveField) -> AxisReceptiveField {
        let start = min(-padding, -other.padding)
        let end = max(-padding + size, -other.padding + other.size)
        return AxisReceptiveField(size: end - start, jump: max(jump, other.jump), padding: -start)
    }

    public func isAligned(with other: AxisReceptiveField) -> Bool {
        abs(center - other.center) < 1e-9 && abs(jump - other.jump) < 1e-9
    }
}

/// The receptive field of a layer's output, per spatial axis.
public struct ReceptiveField: Sendable, Equatable {
    public var height: AxisReceptiveField
    public var width: AxisReceptiveField

    public init(height: AxisReceptiveField, width: AxisReceptiveField) {
        self.height = height
        self.width = width
    }

    public static let pixel = ReceptiveField(height: .pixel, width: .pixel)

    public var axes: [AxisReceptiveField] { [height, width] }

    /// Applies a layer's window. Nil when the window is unknown or ends the spatial layout.
    public func through(_ window: SpatialWindow, input: TensorShape) -> ReceptiveField? {
        switch window {
        case .unknown, .ends:
            return nil
        case .pointwise:
            return self
        case let .sliding(heightWindow, widthWindow):
            return ReceptiveField(height: height.through(heightWindow), width: width.through(widthWindow))
        }
    }

    public func isAligned(with other: ReceptiveField) -> Bool {
        height.isAligned(with: other.height) && width.isAligned(with: other.width)
    }

    public func union(_ other: ReceptiveField) -> ReceptiveField {
        ReceptiveField(height: height.union(other.height), width: width.union(other.width))
    }
}
