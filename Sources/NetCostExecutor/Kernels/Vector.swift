// The SIMD vector of the executor's Swift loops (activations, element-wise ops,
// pooling, copies). Those are compiled for the architecture's baseline (SSE2 on x86-64,
// where this is two registers; NEON on arm64) and are bound by memory, not arithmetic.
// The arithmetic-bound loops are C kernels compiled per width (KernelSet). These loops
// use no `addingProduct`: without FMA in the baseline it becomes a library call per lane.

/// Eight floats: two SSE or NEON registers.
typealias Vector = SIMD8<Float>

@inline(__always) func loadVector(_ pointer: UnsafePointer<Float>) -> Vector {
    UnsafeRawPointer(pointer).loadUnaligned(as: Vector.self)
}

@inline(__always) func storeVector(_ vector: Vector, _ pointer: UnsafeMutablePointer<Float>) {
    UnsafeMutableRawPointer(pointer).storeBytes(of: vector, as: Vector.self)
}

/// `e^x` per lane, within about 2 ulp of the exact value for x in [−87, 88] (beyond,
/// x is clamped: the result stays finite and normal). `x = n·ln 2 + r` with n the
/// nearest integer to x/ln 2 (found by adding 1.5·2²³, which rounds in the float unit),
/// `e^r` by its Taylor series to r⁷ (|r| ≤ ln 2 / 2, so the first term left out is
/// below 6·10⁻⁹ of the result), and `2^n` written straight into the exponent bits.
/// The scalar function costs a library call per element; this is a few multiplies.
@inline(__always) func exponential(_ x: Vector) -> Vector {
    let low: Float = -87, high: Float = 88
    var v = x.replacing(with: low, where: x .< low)
    v = v.replacing(with: high, where: v .> high)
    let shifter: Float = 12_582_912  // 1.5·2²³
    let shifted = v * 1.442_695_04 + shifter  // log2(e)
    let n = shifted - shifter
    // ln 2 in two parts, the first exact in a float's top bits, so that n·ln 2 loses nothing.
    let r = v - n * 0.693_359_375 + n * 2.121_944_4e-4
    var p = r * (1 / 5_040) + 1 / 720
    p = p * r + 1 / 120
    p = p * r + 1 / 24
    p = p * r + 1 / 6
    p = p * r + 0.5
    p = p * r + 1
    p = p * r + 1
    let exponentBits = (unsafeBitCast(shifted, to: SIMD8<Int32>.self) &- unsafeBitCast(Vector(repeating: shifter), to: SIMD8<Int32>.self) &+ 127) &<< 23
    return p * unsafeBitCast(exponentBits, to: Vector.self)
}
