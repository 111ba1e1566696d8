/// A height and a width: kernel sizes, strides, dilations, output sizes.
public struct Size2D: Hashable, Sendable, CustomStringConvertible {
    public var height: Int
    public var width: Int

    public init(_ height: Int, _ width: Int) {
        self.height = height
        self.width = width
    }

    public static func square(_ size: Int) -> Size2D { Size2D(size, size) }

    public var isSquare: Bool { height == width }

    /// `3x3`, or `3` with `compact` when square.
    public func text(compact: Bool = false) -> String {
        compact && isSquare ? "\(height)" : "\(height)x\(width)"
    }

    public var description: String { text() }
}

/// Zero padding around a feature map, or the rule that derives it from the input size.
public enum Padding: Hashable, Sendable {
    case explicit(top: Int, bottom: Int, left: Int, right: Int)
    /// TensorFlow's and PyTorch's "same": the output is `ceil(input / stride)` and the
    /// total padding is split with the smaller half before (top, left).
    case same

    public static let zero = Padding.explicit(top: 0, bottom: 0, left: 0, right: 0)

    public static func symmetric(_ height: Int, _ width: Int) -> Padding {
        .explicit(top: height, bottom: height, left: width, right: width)
    }

    /// `1`, `1x2`, `t1 b2 l0 r1`, or `same`.
    public var text: String {
        switch self {
        case .same: return "same"
        case let .explicit(top, bottom, left, right):
            if top == bottom && left == right { return top == left ? "\(top)" : "\(top)x\(left)" }
            return "t\(top) b\(bottom) l\(left) r\(right)"
        }
    }
}

/// One spatial axis of a sliding window, as convolution and pooling use it.
///
/// The window's `k` taps sit `dilation` apart, so it spans `effectiveKernel = d(k − 1) + 1`
/// input positions; output position `o` starts at input position `o·stride − padBefore`.
/// The shape rule, the count of input positions actually read and the receptive-field
/// rule all derive from these five numbers.
public struct SlidingAxis: Hashable, Sendable {
    public var kernel: Int
    public var stride: Int
    public var dilation: Int
    public var padBefore: Int
    public var padAfter: Int

    public init(kernel: Int, stride: Int, dilation: Int = 1, padBefore: Int, padAfter: Int) {
        self.kernel = kernel
        self.stride = stride
        self.dilation = dilation
        self.padBefore = padBefore
        self.padAfter = padAfter
    }

    /// The two axes (height, width) of a window on an input of spatial size `input`.
    ///
    /// "same" padding is resolved per axis (`init(kernel:stride:dilation:input:pads:)`),
    /// as it depends on the input size.
    public static func axes(input: Size2D, kernel: Size2D, stride: Size2D, dilation: Size2D, padding: Padding) -> [SlidingAxis] {
        let inputs = [input.height, input.width], kernels = [kernel.height, kernel.width]
        let strides = [stride.height, stride.width], dilations = [dilation.height, dilation.width]
        return (0..<2).map { axis in
            var pads: (before: Int, after: Int)?
            if case let .explicit(top, bottom, left, right) = padding { pads = axis == 0 ? (top, bottom) : (left, right) }
            return SlidingAxis(kernel: kernels[axis], stride: strides[axis], dilation: dilations[axis], input: inputs[axis], pads: pads)
        }
    }

    /// One axis on an input of `input` positions, padded by `pads`, or "same" when nil:
    /// the output is `ceil(n / s)` and the total `max((out − 1)·s + k_eff − n, 0)` is
    /// split with the extra element after.
    public init(kernel: Int, stride: Int, dilation: Int, input: Int, pads: (before: Int, after: Int)?) {
        let effective = dilation * (kernel - 1) + 1
        var (before, after) = pads ?? (0, 0)
        if pads == nil {
            // A stride below 1 is refused by `outputSize`; here it must not divide by zero.
            let step = max(stride, 1)
            let output = (input + step - 1) / step
            let total = max((output - 1) * step + effective - input, 0)
            (before, after) = (total / 2, total - total / 2)
        }
        self.init(kernel: kernel, stride: stride, dilation: dilation, padBefore: before, padAfter: after)
    }

    public var effectiveKernel: Int { dilation * (kernel - 1) + 1 }

    /// Output size along this axis, PyTorch's rule: `floor((n + pb + pa − k_eff) / s) + 1`,
    /// or with `ceilMode` the ceiling, dropping a last window that would start in the
    /// right padding.
    public func outputSize(input: Int, ceilMode: Bool = false) throws(InputError) -> Int {
        // Sizes read from a file may be anything: each must be at least 1 before it divides.
        for (value, field) in [(kernel, "kernel"), (stride, "stride"), (dilation, "dilation")] where value < 1 {
            throw InputError("\(field) \(value) must be at least 1", field: field)
        }
        let padded = input + padBefore + padAfter
        let span = padded - effectiveKernel
        guard span >= 0 else {
            throw InputError("window of \(effectiveKernel) (kernel \(kernel), dilation \(dilation)) is larger than the padded input of \(padded)", field: "kernel")
        }
        var output = (ceilMode ? (span + stride - 1) / stride : span / stride) + 1
        if ceilMode && (output - 1) * stride >= input + padBefore { output -= 1 }
        return output
    }

    /// How many of the `input` positions at least one of the `output` windows reads.
    ///
    /// A 1×1 stride-2 convolution reads every other position; a dilated window skips
    /// positions; padding is not input. Tap `t` of window `o` reads `o·s + t·d − pb`,
    /// so each tap walks a progression of step `s`; taps with the same residue modulo
    /// `s` merge into runs, which are clipped to the input and counted.
    public func touchedInputs(input: Int, output: Int) -> Int {
        if dilation == 1 && stride <= kernel {
            // Consecutive windows overlap or abut: one contiguous run.
            let first = max(0, -padBefore)
            let last = min(input - 1, (output - 1) * stride - padBefore + kernel - 1)
            return max(0, last - first + 1)
        }
        var runsByResidue: [Int: [(first: Int, last: Int)]] = [:]
        for tap in 0..<kernel {
            let start = tap * dilation - padBefore
            let residue = ((start % stride) + stride) % stride
            let firstStep = (start - residue) / stride
            runsByResidue[residue, default: []].append((firstStep, firstStep + output - 1))
        }
        var touched = 0
        for (residue, runs) in runsByResidue {
            // Positions residue + stride·i with 0 ≤ position < input.
            let lowest = 0, highest = (input - 1 - residue) / stride
            guard input - 1 - residue >= 0 else { continue }
            var merged: (first: Int, last: Int)?
            for run in runs.sorted(by: { $0.first < $1.first }) {
                if let current = merged, run.first <= current.last + 1 {
                    merged = (current.first, max(current.last, run.last))
                } else {
                    if let current = merged { touched += clippedCount(current, lowest, highest) }
                    merged = run
                }
            }
            if let current = merged { touched += clippedCount(current, lowest, highest) }
        }
        return touched
    }

    private func clippedCount(_ run: (first: Int, last: Int), _ lowest: Int, _ highest: Int) -> Int {
        max(0, min(run.last, highest) - max(run.first, lowest) + 1)
    }

    /// The window in receptive-field terms.
    public var window: AxisWindow {
        AxisWindow(extent: effectiveKernel, stride: Double(stride), offset: Double(padBefore))
    }
}

/// An op that slides a window over the spatial axes (convolution, pooling): its axes, the
/// input it touches and its receptive-field window all come from these four attributes.
public protocol SlidingWindowOperation {
    var kernel: Size2D { get }
    var stride: Size2D { get }
    var dilation: Size2D { get }
    var padding: Padding { get }
}

extension SlidingWindowOperation {
    /// The height and width axes of the window on this `[N, C, H, W]` input.
    public func axes(_ input: TensorShape) -> [SlidingAxis] {
        SlidingAxis.axes(input: Size2D(input.dims[2], input.dims[3]), kernel: kernel, stride: stride, dilation: dilation, padding: padding)
    }

    /// Input elements read at least once: every sample and channel at the touched
    /// positions of each axis.
    func touchedInputs(_ input: TensorShape, _ output: TensorShape) throws(SizeOverflow) -> Int {
        let axes = axes(input)
        return try product(input.dims[0], input.dims[1],
                           axes[0].touchedInputs(input: input.dims[2], output: output.dims[2]),
                           axes[1].touchedInputs(input: input.dims[3], output: output.dims[3]))
    }

    func slidingWindow(_ input: TensorShape) -> SpatialWindow {
        let axes = axes(input)
        return .sliding(height: axes[0].window, width: axes[1].window)
    }

    /// `3x3`, `3x3/2`, `3x3/2 d2`.
    var windowText: String {
        var text = kernel.text()
        if stride != .square(1) { text += "/" + stride.text(compact: true) }
        if dilation != .square(1) { text += " d" + dilation.text(compact: true) }
        return text
    }
}

/// A sliding window over any number of spatial axes (1-D and 3-D convolution and
/// pooling): per axis a kernel, stride and dilation, and padding before and after, or
/// "same". Its axes are `SlidingAxis`es, so the shape rule, the touched inputs and the
/// output sizes are the 2-D ones, axis by axis.
public struct WindowND: Hashable, Sendable {
    public enum Padding: Hashable, Sendable {
        case explicit(before: [Int], after: [Int])
        /// As `Padding.same`: output `ceil(n / s)`, the smaller half before.
        case same
    }

    public var kernel: [Int]
    public var stride: [Int]
    public var dilation: [Int]
    public var padding: Padding

    public init(kernel: [Int], stride: [Int]? = nil, dilation: [Int]? = nil, padding: Padding? = nil) {
        self.kernel = kernel
        self.stride = stride ?? Array(repeating: 1, count: kernel.count)
        self.dilation = dilation ?? Array(repeating: 1, count: kernel.count)
        self.padding = padding ?? .explicit(before: Array(repeating: 0, count: kernel.count), after: Array(repeating: 0, count: kernel.count))
    }

    public var rank: Int { kernel.count }

    /// The window's axes on spatial sizes `input`; an error when the attributes do not
    /// name one value per axis.
    public func axes(input: [Int]) throws(InputError) -> [SlidingAxis] {
        guard input.count == rank, stride.count == rank, dilation.count == rank else {
            throw InputError("a \(rank)-D window on \(input.count) spatial axes", field: "kernel")
        }
        return (0..<rank).map { axis in
            var pads: (before: Int, after: Int)?
            if case let .explicit(before, after) = padding {
                pads = (before.indices.contains(axis) ? before[axis] : 0, after.indices.contains(axis) ? after[axis] : 0)
            }
            return SlidingAxis(kernel: kernel[axis], stride: stride[axis], dilation: dilation[axis], input: input[axis], pads: pads)
        }
    }

    /// `3x3x3/1x2x2`, `7/2 d2`.
    public var text: String {
        let join = { (values: [Int]) in values.map(String.init).joined(separator: "x") }
        var text = join(kernel)
        if stride.contains(where: { $0 != 1 }) { text += "/" + join(stride) }
        if dilation.contains(where: { $0 != 1 }) { text += " d" + join(dilation) }
        return text
    }
}
