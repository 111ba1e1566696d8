import NetCost

/// Float32 memory that a tensor and its views share, returned to its pool when the
/// last of them goes away.
final class Storage: @unchecked Sendable {
    let base: UnsafeMutablePointer<Float>
    let count: Int
    private let owner: Owner

    /// Where the memory goes when the storage does.
    private enum Owner {
        case heap, pool(BufferPool)
        /// Memory the storage does not own: a run's activation arena.
        case borrowed
    }

    /// Memory for `count` floats, zero-filled unless the caller will write every element;
    /// `count` comes from a validated shape.
    init(count: Int, pool: BufferPool? = nil, zeroed: Bool = true) {
        self.count = count
        if let pool {
            owner = .pool(pool)
            base = pool.take(count) ?? HostMemory.allocate(count)
        } else {
            owner = .heap
            base = HostMemory.allocate(count)
        }
        if zeroed { base.initialize(repeating: 0, count: count) }
    }

    /// `count` floats of memory owned elsewhere, which outlives the storage.
    init(borrowing base: UnsafeMutablePointer<Float>, count: Int) {
        self.base = base
        self.count = count
        owner = .borrowed
    }

    deinit {
        switch owner {
        case .heap: HostMemory.release(base)
        case .pool(let pool): pool.recycle(base, count: count)
        case .borrowed: break
        }
    }
}

/// A tensor: storage, an offset into it, dims and strides (in elements).
///
/// Outputs of kernels are always contiguous. Views (split, slice, flatten, reshape,
/// identity, dropout) share storage: a slice of the leading axis stays contiguous; a
/// slice of an inner axis or with a step is strided, and a kernel that needs contiguous
/// data gathers it first (see `contiguous(pool:)`).
struct Tensor: @unchecked Sendable {
    let storage: Storage
    let offset: Int
    let dims: [Int]
    let strides: [Int]
    let elements: Int

    /// A new contiguous tensor, zero-filled unless `zeroed` is false (for kernel outputs,
    /// whose kernels write every element: the counting run checks that they do).
    init(dims: [Int], pool: BufferPool? = nil, zeroed: Bool = true) {
        let count = dims.reduce(1, *)
        self.init(storage: Storage(count: count, pool: pool, zeroed: zeroed), offset: 0, dims: dims, strides: Tensor.rowMajorStrides(dims))
    }

    /// A contiguous tensor holding `values`, which must have as many elements as `dims` says.
    init(dims: [Int], values: [Float]) {
        self.init(dims: dims)
        let count = min(values.count, elements)
        values.withUnsafeBufferPointer { source in
            if let address = source.baseAddress { pointer.update(from: address, count: count) }
        }
    }

    init(storage: Storage, offset: Int, dims: [Int], strides: [Int]) {
        self.storage = storage
        self.offset = offset
        self.dims = dims
        self.strides = strides
        self.elements = dims.reduce(1, *)
    }

    static func rowMajorStrides(_ dims: [Int]) -> [Int] {
        var strides = Array(repeating: 1, count: dims.count)
        var step = 1
        for axis in dims.indices.reversed() {
            strides[axis] = step
            step *= dims[axis]
        }
        return strides
    }

    /// The first element; valid for `elements` floats when contiguous.
    var pointer: UnsafeMutablePointer<Float> { storage.base + offset }

    /// True when the elements lie in row-major order with no gaps.
    var isContiguous: Bool {
        var step = 1
        for axis in dims.indices.reversed() where dims[axis] != 1 {
            if strides[axis] != step { return false }
            step *= dims[axis]
        }
        return true
    }

    /// The elements in row-major order (a copy, for tests and reports).
    var values: [Float] {
        let dense = contiguous(pool: nil)
        return Array(UnsafeBufferPointer(start: dense.pointer, count: dense.elements))
    }

    // MARK: Views

    /// `start ..< end` in steps of `step` along `axis` (already clamped by the shape rule): no copy.
    func sliced(axis: Int, start: Int, count: Int, step: Int) -> Tensor {
        var newDims = dims, newStrides = strides
        newDims[axis] = count
        newStrides[axis] = strides[axis] * step
        return Tensor(storage: storage, offset: offset + start * strides[axis], dims: newDims, strides: newStrides)
    }

    /// Entry `index` of axis 0 (one sample of `[N, …]`): no copy.
    func sample(_ index: Int) -> Tensor {
        Tensor(storage: storage, offset: offset + index * strides[0], dims: Array(dims.dropFirst()), strides: Array(strides.dropFirst()))
    }

    /// The same elements under new dims; the caller makes the tensor contiguous first.
    func reshaped(_ newDims: [Int]) -> Tensor {
        Tensor(storage: storage, offset: offset, dims: newDims, strides: Tensor.rowMajorStrides(newDims))
    }

    /// This tensor if it is contiguous, else a row-major copy of its elements.
    func contiguous(pool: BufferPool?) -> Tensor {
        if isContiguous { return self }
        let copy = Tensor(dims: dims, pool: pool)
        var index = Array(repeating: 0, count: dims.count)
        let destination = copy.pointer
        for position in 0..<elements {
            var source = offset
            for axis in dims.indices { source += index[axis] * strides[axis] }
            destination[position] = storage.base[source]
            advance(&index, within: dims)
        }
        return copy
    }
}
