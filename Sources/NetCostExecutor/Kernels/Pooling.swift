import NetCost

// Max and average pooling: sliding windows (PyTorch's padding, ceil_mode, dilation and
// count_include_pad rules), the whole map, and adaptive windows.

enum PoolingKernel {
    static func run<P: Probe>(_ pool: Pooling, inputShape: TensorShape, input: Tensor, output: Tensor, probe: inout P) {
        let axes = pool.axes(inputShape)
        let (channels, height, width) = (input.dims[0], input.dims[1], input.dims[2])
        let (outHeight, outWidth) = (output.dims[1], output.dims[2])
        let (v, h) = (axes[0], axes[1])
        for channel in 0..<channels {
            let plane = input.pointer + channel * height * width
            for oy in 0..<outHeight {
                for ox in 0..<outWidth {
                    let y0 = oy * v.stride - v.padBefore, x0 = ox * h.stride - h.padBefore
                    var best = -Float.infinity, total: Float = 0, inside = 0
                    for ky in 0..<v.kernel {
                        let iy = y0 + ky * v.dilation
                        guard iy >= 0 && iy < height else { continue }
                        for kx in 0..<h.kernel {
                            let ix = x0 + kx * h.dilation
                            guard ix >= 0 && ix < width else { continue }
                            let value = plane[iy * width + ix]
                            probe.readInput(0, (channel * height + iy) * width + ix)
                            best = max(best, value)
                            total += value
                            inside += 1
                        }
                    }
                    let result: Float
                    if pool.mode == .max {
                        result = best
                    } else {
                        // PyTorch's divisor: the window clipped to the padded input, or to the input alone.
                        let yEnd = min(y0 + v.kernel, height + v.padBefore), xEnd = min(x0 + h.kernel, width + h.padBefore)
                        let padded = (yEnd - y0) * (xEnd - x0)
                        result = total / Float(max(pool.countIncludePad ? padded : inside, 1))
                    }
                    let index = (channel * outHeight + oy) * outWidth + ox
                    output.pointer[index] = result
                    probe.write(index)
                }
            }
        }
    }

    static func global<P: Probe>(_ mode: PoolingMode, input: Tensor, output: Tensor, probe: inout P) {
        let channels = input.dims[0], plane = input.elements / channels
        for channel in 0..<channels {
            let source = input.pointer + channel * plane
            if mode == .max {
                var best = -Float.infinity
                for index in 0..<plane { best = max(best, source[index]) }
                output.pointer[channel] = best
            } else {
                output.pointer[channel] = sum(source, plane) / Float(plane)
            }
            probe.readInputs(0, channel * plane..<(channel + 1) * plane)
            probe.write(channel)
        }
    }

    /// `Σ x[i]` a vector at a time, so that the adds do not wait on one another.
    private static func sum(_ x: UnsafePointer<Float>, _ count: Int) -> Float {
        let w = Vector.scalarCount
        var lanes = Vector(repeating: 0), index = 0
        while index + w <= count {
            lanes += loadVector(x + index)
            index += w
        }
        var total = lanes.sum()
        while index < count {
            total += x[index]
            index += 1
        }
        return total
    }

    static func adaptive<P: Probe>(_ mode: PoolingMode, input: Tensor, output: Tensor, probe: inout P) {
        let (channels, height, width) = (input.dims[0], input.dims[1], input.dims[2])
        let (outHeight, outWidth) = (output.dims[1], output.dims[2])
        for channel in 0..<channels {
            for oy in 0..<outHeight {
                let rows = AdaptivePooling.window(cell: oy, input: height, output: outHeight)
                for ox in 0..<outWidth {
                    let columns = AdaptivePooling.window(cell: ox, input: width, output: outWidth)
                    var best = -Float.infinity, total: Float = 0
                    for iy in rows {
                        for ix in columns {
                            let index = (channel * height + iy) * width + ix
                            best = max(best, input.pointer[index])
                            total += input.pointer[index]
                            probe.readInput(0, index)
                        }
                    }
                    let index = (channel * outHeight + oy) * outWidth + ox
                    output.pointer[index] = mode == .max ? best : total / Float(rows.count * columns.count)
                    probe.write(index)
                }
            }
        }
    }
}
