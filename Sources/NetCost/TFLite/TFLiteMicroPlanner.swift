/// TensorFlow Lite for Microcontrollers' arena for a `.tflite` model, as its
/// `MicroAllocator` plans it (`memory --planner tflm`): the "head", where the greedy
/// memory planner lays out every activation tensor and kernel scratch buffer, 16-byte
/// aligned, reproduced step by step; and an estimate of the "tail", the allocator's
/// per-tensor and per-op bookkeeping, for a 64-bit and a 32-bit target.
///
/// The rules follow tflite-micro's micro_allocation_info.cc (which tensors are planned,
/// their lifetimes), greedy_memory_planner.cc (the order and the placement) and the
/// reference kernels' Prepare functions (scratch buffers); docs/tflite.md says which.
public struct TFLiteMicroArena: Sendable {
    /// One planned buffer: a tensor or a kernel's scratch buffer.
    public struct Buffer: Sendable, Equatable {
        /// The tensor's index, or nil for a scratch buffer.
        public let tensor: Int?
        /// What it is: the tensor's name, or `scratch of operator 3 (MEAN)`.
        public let name: String
        /// Its size rounded up to 16 bytes.
        public let bytes: Int
        /// The first and last step it is alive: 0 is the graph's input, operator i runs at
        /// step i + 1.
        public let firstUse: Int
        public let lastUse: Int
        public let offset: Int
    }

    /// The planned head in bytes: what TFLite Micro reports as the arena's head.
    public let headBytes: Int
    public let buffers: [Buffer]
    /// The tail's estimate for a 64-bit and a 32-bit build (see `TailEstimate`).
    public let tail64: Int
    public let tail32: Int
    /// The same buffers, lifetimes and alignment placed by netcost's planner
    /// (`ArenaPlan.Strategy.best`), and the floor no placement goes below: the most
    /// bytes alive at one step.
    public let netcostBytes: Int
    public let netcostMethod: String
    public let peakAliveBytes: Int

    static let alignment = 16

    public init(_ model: TFLiteModel) throws(InputError) {
        // Planned: tensors without data in the file, not variables, not empty (16-rounded),
        // in tensor order, then the kernels' scratch requests in operator order.
        var sizes: [Int] = [], names: [String] = [], tensorIndices: [Int?] = []
        var first: [Int] = [], last: [Int] = []
        var slot: [Int: Int] = [:]
        for tensor in model.tensors where !tensor.isConstant && !tensor.isVariable && tensor.bytes > 0 {
            slot[tensor.index] = sizes.count
            sizes.append(Self.aligned(tensor.bytes))
            names.append(tensor.name)
            tensorIndices.append(tensor.index)
            first.append(-1)
            last.append(-1)
        }
        // Lifetimes: the graph's inputs at step 0, operator i at step i + 1.
        for input in model.inputs { if let s = slot[input] { first[s] = 0; last[s] = 0 } }
        var step = 0
        var scratch: [(bytes: Int, name: String, step: Int)] = []
        for op in model.operators {
            step += 1
            for output in op.outputs { if let s = slot[output], first[s] == -1 { first[s] = step } }
            for input in op.inputs where input >= 0 { if let s = slot[input] { last[s] = step } }
            for output in op.outputs { if let s = slot[output] { last[s] = step } }
            for bytes in Self.scratchRequests(op, model) {
                scratch.append((bytes, "scratch of operator \(op.index) (\(op.name))", step))
            }
        }
        for output in model.outputs {
            if let s = slot[output] {
                if first[s] == -1 { first[s] = step }
                last[s] = step
            }
        }
        for request in scratch {
            sizes.append(Self.aligned(request.bytes))
            names.append(request.name)
            tensorIndices.append(nil)
            first.append(request.step)
            last.append(request.step)
        }
        // TFLite Micro's greedy planner takes the buffers largest first, and among equal
        // sizes the one added last first; each at the first gap that fits among the
        // buffers alive with it: netcost's greedy arena plan given them in reverse order.
        let reversed = sizes.indices.reversed().map { MemorySchedule.Buffer(layer: $0, bytes: sizes[$0], first: first[$0], last: last[$0]) }
        let plan: ArenaPlan?, ownPlan: ArenaPlan?
        do {
            plan = try ArenaPlan(reversed, strategy: .greedyBySize, alignment: Self.alignment)
            ownPlan = try ArenaPlan(reversed, strategy: .best, alignment: Self.alignment)
        } catch {
            throw InputError("the arena's size passes 2⁶³ − 1 bytes", field: "tensors")
        }
        guard let plan, let ownPlan else {
            throw InputError("\(NumberFormat.grouped(sizes.count)) buffers to plan: more than the \(NumberFormat.grouped(ArenaPlan.bufferLimit)) netcost places", field: "tensors")
        }
        var offsets = Array(repeating: 0, count: sizes.count)
        for (position, buffer) in reversed.enumerated() { offsets[buffer.layer] = plan.offsets[position] }
        headBytes = plan.bytes
        netcostBytes = ownPlan.bytes
        netcostMethod = ownPlan.method
        var alive = Array(repeating: 0, count: step + 1)
        for index in sizes.indices where first[index] >= 0 {
            for at in first[index]...max(first[index], last[index]) { alive[at] = alive[at].saturatingPlus(sizes[index]) }
        }
        peakAliveBytes = alive.max() ?? 0
        buffers = sizes.indices.map {
            Buffer(tensor: tensorIndices[$0], name: names[$0], bytes: sizes[$0], firstUse: first[$0], lastUse: last[$0], offset: offsets[$0])
        }
        tail64 = TailEstimate(model, pointerBytes: 8).bytes
        tail32 = TailEstimate(model, pointerBytes: 4).bytes
    }

    static func aligned(_ bytes: Int) -> Int {
        let (sum, overflow) = bytes.addingReportingOverflow(alignment - 1)
        return overflow ? Int.max & ~(alignment - 1) : sum & ~(alignment - 1)
    }

    /// The scratch buffers a reference kernel asks for in its Prepare, in bytes.
    static func scratchRequests(_ op: TFLiteModel.Operator, _ model: TFLiteModel) -> [Int] {
        func tensor(_ position: Int) -> TFLiteModel.Tensor? {
            guard position < op.inputs.count, op.inputs[position] >= 0 else { return nil }
            return model.tensors[op.inputs[position]]
        }
        let output = op.outputs.first.flatMap { $0 >= 0 ? model.tensors[$0] : nil }
        switch op.name {
        case "MEAN", "SUM":
            guard let input = tensor(0) else { return [] }
            let axes = tensor(1)?.elements ?? 0
            let quantized = input.type == .int8 || input.type == .int16
            return (quantized ? [(output?.elements ?? 0).saturatingTimes(4)] : []) + [4 * input.shape.count, axes.saturatingTimes(4)]
        case "REDUCE_MAX", "REDUCE_MIN":
            guard let input = tensor(0) else { return [] }
            return [4 * input.shape.count, (tensor(1)?.elements ?? 0).saturatingTimes(4)]
        case "TRANSPOSE_CONV":
            // Inputs: output shape, filter, activations, bias.
            guard let input = tensor(2), let output else { return [] }
            if input.type == .int8 { return [output.elements.saturatingTimes(4)] }
            if input.type == .int16 { return [output.elements.saturatingTimes(8)] + (tensor(3).map { $0.type == .int16 ? [$0.elements.saturatingTimes(8)] : [] } ?? []) }
            return []
        case "CONV_2D", "DEPTHWISE_CONV_2D", "FULLY_CONNECTED":
            if let filter = tensor(1), filter.type == .int4 { return [filter.elements] }
            return []
        case "MIRROR_PAD":
            guard let input = tensor(0) else { return [] }
            return [4 * input.shape.count, 4 * input.shape.count]
        default:
            return []
        }
    }
}
