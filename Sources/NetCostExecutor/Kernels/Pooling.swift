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

    /// The fast path, the values of `run` (a max exactly, an average up to the order of
    /// its additions): per output row, the window's input rows are
    /// combined first (max or sum, a vector of columns at a time) into a row padded with
    /// the combination's identity, then each output reads its window's columns from that
    /// row alone, without bounds checks. Channels are spread over the cores.
    static func fast(_ pool: Pooling, inputShape: TensorShape, input: Tensor, output: Tensor) {
        let axes = pool.axes(inputShape)
        let (channels, height, width) = (input.dims[0], input.dims[1], input.dims[2])
        let (outHeight, outWidth) = (output.dims[1], output.dims[2])
        let (v, h) = (axes[0], axes[1])
        let isMax = pool.mode == .max, identity: Float = isMax ? -.infinity : 0
        // The combined row holds input column x at x + padBefore, and reaches the last
        // window's last column.
        let rowLength = max(width + h.padBefore, (outWidth - 1) * h.stride + (h.kernel - 1) * h.dilation + 1)
        // An average's divisor, per axis: taps inside the input, and the window clipped
        // to the padded input (PyTorch's two rules).
        func divisorTerms(_ axis: SlidingAxis, size: Int, outputs: Int) -> [Float] {
            (0..<outputs).map { o in
                let start = o * axis.stride - axis.padBefore
                return Float(pool.countIncludePad ? min(start + axis.kernel, size + axis.padBefore) - start
                                                  : (0..<axis.kernel).filter { (0..<size).contains(start + $0 * axis.dilation) }.count)
            }
        }
        let rowTerms = isMax ? [] : divisorTerms(v, size: height, outputs: outHeight)
        let columnTerms = isMax ? [] : divisorTerms(h, size: width, outputs: outWidth)
        let source = SharedPointer(input.pointer), destination = SharedPointer(output.pointer)
        let parts = Parallel.chunks(channels, grain: 4, perWorker: 2)
        Parallel.forEach(parts.count, serial: channels * outHeight * outWidth * v.kernel * h.kernel < 65_536) { part in
            // Two vectors past the row: the stride-2 loop loads a vector beyond its last tap.
            let combined = UnsafeMutablePointer<Float>.allocate(capacity: rowLength + 2 * Vector.scalarCount)
            defer { combined.deallocate() }
            combined.initialize(repeating: identity, count: rowLength + 2 * Vector.scalarCount)
            let inner = combined + h.padBefore
            for channel in parts[part] {
                let plane = source.base + channel * height * width
                for oy in 0..<outHeight {
                    // The window's rows inside the input, combined column by column.
                    let y0 = oy * v.stride - v.padBefore
                    var first = true
                    for ky in 0..<v.kernel {
                        let iy = y0 + ky * v.dilation
                        guard iy >= 0 && iy < height else { continue }
                        let line = plane + iy * width
                        if first {
                            inner.update(from: line, count: width)
                            first = false
                        } else if isMax {
                            combineRows(Largest.self, inner, line, width)
                        } else {
                            combineRows(Total.self, inner, line, width)
                        }
                    }
                    if first { inner.update(repeating: identity, count: width) }
                    let out = destination.base + (channel * outHeight + oy) * outWidth
                    if isMax {
                        windows(Largest.self, combined, h, outWidth, out)
                    } else {
                        windows(Total.self, combined, h, outWidth, out)
                        let rowTerm = rowTerms[oy]
                        columnTerms.withUnsafeBufferPointer { terms in
                            for ox in 0..<outWidth { out[ox] /= max(rowTerm * terms[ox], 1) }
                        }
                    }
                }
            }
        }
    }

    /// `into[x] = C(into[x], line[x])`, a vector at a time.
    @inline(__always)
    private static func combineRows<C: WindowCombination>(_: C.Type, _ into: UnsafeMutablePointer<Float>, _ line: UnsafePointer<Float>, _ count: Int) {
        let w = Vector.scalarCount
        var x = 0
        while x + w <= count {
            storeVector(C.combine(loadVector(into + x), loadVector(line + x)), into + x)
            x += w
        }
        while x < count {
            into[x] = C.combine(into[x], line[x])
            x += 1
        }
    }

    /// Each output's window over the combined row: a vector of outputs at a time when
    /// the windows are one column apart.
    @inline(__always)
    private static func windows<C: WindowCombination>(_: C.Type, _ row: UnsafePointer<Float>, _ h: SlidingAxis, _ outputs: Int,
                                                      _ out: UnsafeMutablePointer<Float>) {
        let w = Vector.scalarCount, taps = max(h.kernel, 1)
        var ox = 0
        if h.stride == 1 {
            while ox + w <= outputs {
                var value = loadVector(row + ox)
                for kx in 1..<taps { value = C.combine(value, loadVector(row + ox + kx * h.dilation)) }
                storeVector(value, out + ox)
                ox += w
            }
        } else if h.stride == 2 {
            // Every other column: the even lanes of two vectors.
            while ox + w <= outputs {
                var value = loadPair(row + 2 * ox).evenHalf
                for kx in 1..<taps { value = C.combine(value, loadPair(row + 2 * ox + kx * h.dilation).evenHalf) }
                storeVector(value, out + ox)
                ox += w
            }
        }
        while ox < outputs {
            let start = row + ox * h.stride
            var value = start[0]
            for kx in 1..<taps { value = C.combine(value, start[kx * h.dilation]) }
            out[ox] = value
            ox += 1
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

@inline(__always) private func loadPair(_ pointer: UnsafePointer<Float>) -> SIMD16<Float> {
    UnsafeRawPointer(pointer).loadUnaligned(as: SIMD16<Float>.self)
}

/// How the fast pooling path combines two values of a window, one float or a vector
/// of them at a time.
private protocol WindowCombination {
    static func combine(_ a: Float, _ b: Float) -> Float
    static func combine(_ a: Vector, _ b: Vector) -> Vector
}

/// Max pooling's: the larger (`Swift.max`'s rule, as the reference loop).
private enum Largest: WindowCombination {
    @inline(__always) static func combine(_ a: Float, _ b: Float) -> Float { max(a, b) }
    // A compare and a blend: `pointwiseMax` runs one lane at a time.
    @inline(__always) static func combine(_ a: Vector, _ b: Vector) -> Vector { a.replacing(with: b, where: b .>= a) }
}

/// Average pooling's: the sum (divided afterwards).
private enum Total: WindowCombination {
    @inline(__always) static func combine(_ a: Float, _ b: Float) -> Float { a + b }
    @inline(__always) static func combine(_ a: Vector, _ b: Vector) -> Vector { a + b }
}
