import NetCost

/// The sizes a convolution kernel loops over, resolved once from the op and its shapes:
/// `same` padding becomes explicit per side, and transposed convolutions record how
/// much of their full (scattered) output is cropped.
struct ConvolutionGeometry: Sendable {
    let inChannels: Int, height: Int, width: Int
    let outChannels: Int, outHeight: Int, outWidth: Int
    let groups: Int
    let kernelHeight: Int, kernelWidth: Int
    let strideHeight: Int, strideWidth: Int
    let dilationHeight: Int, dilationWidth: Int
    /// Zero padding before the first row and column (convolution), or the rows and
    /// columns cropped from the full output's start (transposed convolution).
    let padTop: Int, padLeft: Int

    var inPerGroup: Int { inChannels / groups }
    var outPerGroup: Int { outChannels / groups }
    var taps: Int { kernelHeight * kernelWidth }
    var inputPlane: Int { height * width }
    var outputPlane: Int { outHeight * outWidth }
    /// Rows of im2col's column matrix for one group: `(C_in/g)·kh·kw`.
    var columnRows: Int { inPerGroup * taps }

    init(_ conv: Convolution, input shape: TensorShape, output: TensorShape) {
        let axes = conv.axes(shape)
        // One sample of `[N, C, H, W]`: the runner loops over N.
        let input = shape.dims.dropFirst(), output = output.dims.dropFirst()
        inChannels = input[1]; height = input[2]; width = input[3]
        outChannels = output[1]; outHeight = output[2]; outWidth = output[3]
        groups = conv.groups
        kernelHeight = conv.kernel.height; kernelWidth = conv.kernel.width
        strideHeight = conv.stride.height; strideWidth = conv.stride.width
        dilationHeight = conv.dilation.height; dilationWidth = conv.dilation.width
        padTop = axes[0].padBefore; padLeft = axes[1].padBefore
    }

    init(_ conv: TransposedConvolution, input shape: TensorShape, output: TensorShape) {
        // One sample of `[N, C, H, W]`: the runner loops over N.
        let input = shape.dims.dropFirst(), output = output.dims.dropFirst()
        inChannels = input[1]; height = input[2]; width = input[3]
        outChannels = output[1]; outHeight = output[2]; outWidth = output[3]
        groups = conv.groups
        kernelHeight = conv.kernel.height; kernelWidth = conv.kernel.width
        strideHeight = conv.stride.height; strideWidth = conv.stride.width
        dilationHeight = conv.dilation.height; dilationWidth = conv.dilation.width
        if case let .explicit(top, _, left, _) = conv.padding {
            padTop = top; padLeft = left
        } else {
            padTop = 0; padLeft = 0
        }
    }

    /// 1×1, stride 1, no padding: the input is already the GEMM's B matrix.
    var isPointwise: Bool {
        kernelHeight == 1 && kernelWidth == 1 && strideHeight == 1 && strideWidth == 1
            && padTop == 0 && padLeft == 0 && outHeight == height && outWidth == width
    }

    /// One input channel per group (depthwise, possibly with a channel multiplier).
    var isDepthwise: Bool { inPerGroup == 1 && groups > 1 }
}
