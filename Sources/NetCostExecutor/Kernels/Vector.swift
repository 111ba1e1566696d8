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
