import NetCost

// Direct convolution loops: the reference for the fast kernels and the kernels of the
// counting run. They read the input through virtual zero padding and multiply every
// tap, padding included, exactly as an im2col or padded-buffer kernel does, and report
// each multiply-add and each element they touch to the probe.

enum DirectConvolution {
    /// `output = conv(input, weight) + bias`, then `activations`. Weight-stationary:
    /// each tap's weight is read once and swept over every output position, so each
    /// output still sums its taps in (channel, ky, kx) order.
    static func run<P: Probe>(_ g: ConvolutionGeometry, input: UnsafePointer<Float>,
                              weight: UnsafePointer<Float>, weightSlot: Int,
                              bias: UnsafePointer<Float>?, biasSlot: Int,
                              activations: [Activation.Function],
                              output: UnsafeMutablePointer<Float>, kernels: KernelSet, probe: inout P) {
        output.update(repeating: 0, count: g.outChannels * g.outputPlane)
        for oc in 0..<g.outChannels {
            let group = oc / g.outPerGroup
            let plane = output + oc * g.outputPlane
            for icInGroup in 0..<g.inPerGroup {
                let ic = group * g.inPerGroup + icInGroup
                for ky in 0..<g.kernelHeight {
                    for kx in 0..<g.kernelWidth {
                        let w = ((oc * g.inPerGroup + icInGroup) * g.kernelHeight + ky) * g.kernelWidth + kx
                        let tap = weight[w]
                        probe.readParameter(weightSlot, w)
                        var executed = 0
                        let x0 = kx * g.dilationWidth - g.padLeft
                        for oy in 0..<g.outHeight {
                            let iy = oy * g.strideHeight - g.padTop + ky * g.dilationHeight
                            let line = plane + oy * g.outWidth
                            let inside = iy >= 0 && iy < g.height
                            if g.strideWidth == 1 && inside {
                                // Outputs [low, high) read the input row in place; the
                                // others multiply the padding's zeros.
                                let low = min(max(-x0, 0), g.outWidth), high = max(low, min(g.width - x0, g.outWidth))
                                for ox in 0..<low { line[ox] += tap * 0 }
                                let row = (ic * g.height + iy) * g.width
                                executed += kernels.axpy(tap, input + row + x0 + low, line + low, high - low)
                                probe.readInputs(0, row + x0 + low..<row + x0 + high)
                                for ox in high..<g.outWidth { line[ox] += tap * 0 }
                                executed += low + (g.outWidth - high)
                                continue
                            }
                            for ox in 0..<g.outWidth {
                                let ix = ox * g.strideWidth + x0
                                var x: Float = 0
                                if inside && ix >= 0 && ix < g.width {
                                    let index = (ic * g.height + iy) * g.width + ix
                                    x = input[index]
                                    probe.readInput(0, index)
                                }
                                // A tap in the padding multiplies a zero, as an im2col kernel does.
                                line[ox] += tap * x
                                executed += 1
                            }
                        }
                        probe.multiplyAdds(executed)
                    }
                }
            }
            for position in 0..<g.outputPlane {
                var sum = plane[position]
                if let bias {
                    sum += bias[oc]
                    probe.readParameter(biasSlot, oc)
                }
                for function in activations { sum = function.apply(sum) }
                plane[position] = sum
                probe.write(oc * g.outputPlane + position)
            }
        }
    }

    /// Transposed convolution as a scatter: every input element is multiplied by every
    /// tap of its group's kernel into the full output, which is then cropped (taps that
    /// land in the cropped border are computed too, and counted).
    static func transposed<P: Probe>(_ g: ConvolutionGeometry, input: UnsafePointer<Float>,
                                     weight: UnsafePointer<Float>, weightSlot: Int,
                                     bias: UnsafePointer<Float>?, biasSlot: Int,
                                     activations: [Activation.Function],
                                     output: UnsafeMutablePointer<Float>, probe: inout P) {
        let fullHeight = g.outHeight + g.padTop + max(0, (g.height - 1) * g.strideHeight + (g.kernelHeight - 1) * g.dilationHeight + 1 - g.outHeight - g.padTop)
        let fullWidth = g.outWidth + g.padLeft + max(0, (g.width - 1) * g.strideWidth + (g.kernelWidth - 1) * g.dilationWidth + 1 - g.outWidth - g.padLeft)
        var full = [Float](repeating: 0, count: g.outChannels * fullHeight * fullWidth)
        for ic in 0..<g.inChannels {
            let group = ic / g.inPerGroup
            for y in 0..<g.height {
                for x in 0..<g.width {
                    let inputIndex = (ic * g.height + y) * g.width + x
                    let value = input[inputIndex]
                    probe.readInput(0, inputIndex)
                    for ocInGroup in 0..<g.outPerGroup {
                        let oc = group * g.outPerGroup + ocInGroup
                        for ky in 0..<g.kernelHeight {
                            let fy = y * g.strideHeight + ky * g.dilationHeight
                            for kx in 0..<g.kernelWidth {
                                let fx = x * g.strideWidth + kx * g.dilationWidth
                                let w = ((ic * g.outPerGroup + ocInGroup) * g.kernelHeight + ky) * g.kernelWidth + kx
                                probe.readParameter(weightSlot, w)
                                full[(oc * fullHeight + fy) * fullWidth + fx] += value * weight[w]
                                probe.multiplyAdds(1)
                            }
                        }
                    }
                }
            }
        }
        for oc in 0..<g.outChannels {
            for oy in 0..<g.outHeight {
                for ox in 0..<g.outWidth {
                    var sum = full[(oc * fullHeight + oy + g.padTop) * fullWidth + ox + g.padLeft]
                    if let bias {
                        sum += bias[oc]
                        probe.readParameter(biasSlot, oc)
                    }
                    for function in activations { sum = function.apply(sum) }
                    let index = (oc * g.outHeight + oy) * g.outWidth + ox
                    output[index] = sum
                    probe.write(index)
                }
            }
        }
    }
}
