import NetCost

// Convolution by a weight computed at run time (`dynamic_conv1d`, `2d`, `3d`): the weight
// is the layer's second input, `[C_out, C_in/g, k…]`, shared by every sample. The
// counting and reference runs use the direct N-D loops, marking the weight as an input
// read; a plain 2-D run packs the weight it was given and runs the GEMM or depthwise
// kernel of a stored-weight convolution.

enum DynamicConvolutionKernel {
    static func run<P: Probe>(_ conv: DynamicConvolution, input: Tensor, weight: Tensor, shapes: [TensorShape], outputShape: TensorShape,
                              bias: UnsafePointer<Float>?, biasSlot: Int, output: Tensor, direct: Bool,
                              scratch: Scratch, kernels: KernelSet, probe: inout P) {
        let outChannels = weight.dims[0]
        if !direct, let g = geometry(conv, shapes, outputShape) {
            let epilogue = Epilogue(bias: bias, activations: [])
            let packed = g.isDepthwise ? [] : FastConvolution.pack(g, weight: weight.pointer, kernels: kernels)
            for sample in 0..<input.dims[0] {
                let x = input.sample(sample), y = output.sample(sample)
                if g.isDepthwise {
                    DepthwiseConvolution.run(g, input: x.pointer, weight: weight.pointer, epilogue: epilogue, output: y.pointer, kernels: kernels)
                } else {
                    FastConvolution.run(g, input: x.pointer, packed: packed, epilogue: epilogue, output: y.pointer, scratch: scratch, kernels: kernels)
                }
            }
            return
        }
        let stored = ConvolutionND(outChannels: outChannels, window: conv.window, groups: conv.groups, bias: bias != nil)
        for sample in 0..<input.dims[0] {
            let x = input.sample(sample), y = output.sample(sample)
            var sampleProbe = SampleProbe(inner: probe, inputOffsets: [x.offset - input.offset, 0], outputOffset: y.offset - output.offset)
            ConvolutionNDKernel.run(stored, input: x, weight: weight.pointer, weightSource: .input(slot: 1), bias: bias, biasSlot: biasSlot,
                                    activations: [], output: y, probe: &sampleProbe)
            probe = sampleProbe.inner
        }
    }

    /// The geometry of the stored-weight kernels for a 2-D layer ("same" padding resolved
    /// on its input), or nil for other ranks.
    static func geometry(_ conv: DynamicConvolution, _ shapes: [TensorShape], _ output: TensorShape) -> ConvolutionGeometry? {
        guard conv.window.rank == 2, shapes.count == 2, shapes[0].rank == 4, output.rank == 4,
              let axes = try? conv.window.axes(input: Array(shapes[0].dims.dropFirst(2))) else { return nil }
        let window = conv.window
        let stored = Convolution(outChannels: output.dims[1], kernel: Size2D(window.kernel[0], window.kernel[1]),
                                 stride: Size2D(window.stride[0], window.stride[1]), dilation: Size2D(window.dilation[0], window.dilation[1]),
                                 padding: .explicit(top: axes[0].padBefore, bottom: axes[0].padAfter, left: axes[1].padBefore, right: axes[1].padAfter),
                                 groups: conv.groups, bias: conv.bias)
        return ConvolutionGeometry(stored, input: shapes[0], output: output)
    }
}
