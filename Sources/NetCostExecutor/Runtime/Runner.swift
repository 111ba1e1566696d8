import Dispatch
import NetCost

/// What the counting run saw one layer's kernel do.
struct LayerCount: Sendable, Equatable {
    var macs = 0
    /// Distinct input elements read, summed over the inputs.
    var inputReads = 0
    /// Distinct parameter and buffer elements read.
    var weightReads = 0
    /// Distinct learned parameters read (buffers excluded).
    var params = 0
    var outputWrites = 0
    /// A kernel marked an element outside its tensor.
    var outOfRange = false

    var memoryAccess: Int { inputReads + weightReads + outputWrites }
}

/// The outcome of one pass over the graph.
struct RunResult {
    /// Per layer: the output, when asked to keep it (the graph's output is always kept).
    var outputs: [Tensor?]
    /// Per layer, in a counting run.
    var counts: [LayerCount?]
    /// Per layer, in seconds (zero for views), and the whole pass.
    var seconds: [Double]
    var totalSeconds: Double
    /// Per layer, when it began, in seconds after the pass began; and when the pass
    /// began, in nanoseconds of the system's uptime clock. A trace lays layers out with them.
    var starts: [Double]
    var began: UInt64

    var finalOutput: Tensor? { outputs.last ?? nil }
}

extension PreparedGraph {
    /// Runs every layer in graph order: allocates each output, runs its kernel, and drops
    /// each tensor after its last reader (views keep their source alive).
    /// A fast run that keeps only the graph's output computes merged pairs (`MergedPair`)
    /// as one, unless `merged` is false: the first layer of a pair then takes the pair's
    /// time and the second none.
    func run(counting: Bool = false, path: KernelPath = .fast, keepAll: Bool = false, merged: Bool = MergedPair.enabled) -> RunResult {
        let merging = merged && !counting && path == .fast && !keepAll
        // A run that keeps only the graph's output puts the others into the arena.
        let arena = !counting && path == .fast && !keepAll ? self.arena : nil
        func newOutput(_ index: Int) -> Tensor {
            let dims = layers[index].outputShape.dims
            if let placed = arena?.tensor(index, dims: dims) { return placed }
            return Tensor(dims: dims, pool: pool, zeroed: false)
        }
        let layers = graph.layers
        var tensors: [Tensor?] = Array(repeating: nil, count: layers.count)
        var kept: [Tensor?] = Array(repeating: nil, count: layers.count)
        var counts: [LayerCount?] = Array(repeating: nil, count: layers.count)
        var seconds = Array(repeating: 0.0, count: layers.count)
        var starts = Array(repeating: 0.0, count: layers.count)
        var dropAfter: [Int: [Int]] = [:]
        for (index, reader) in lastReader.enumerated() where reader != Int.max { dropAfter[reader, default: []].append(index) }
        var mergedOutput: (layer: Int, tensor: Tensor)?
        let start = DispatchTime.now().uptimeNanoseconds

        for (index, layer) in layers.enumerated() {
            let begin = DispatchTime.now().uptimeNanoseconds
            starts[index] = Double(begin - start) * 1e-9
            var output: Tensor?
            var timed = true
            if let source = sources[index] {
                output = source
            } else if let pending = mergedOutput, pending.layer == index {
                // Made with the pair's first layer, which took the time.
                output = pending.tensor
                mergedOutput = nil
                timed = false
            } else if merging, let pair = merges[index], let input = tensors[layer.inputs[0]]?.contiguous(pool: pool) {
                // The pair's first layer: its output is never made.
                var residual: Tensor?
                if case .residual(let other) = pair.kind { residual = tensors[other]?.contiguous(pool: pool) }
                let tensor = newOutput(pair.second)
                executeMerged(pair, input: input, residual: residual, output: tensor)
                mergedOutput = (pair.second, tensor)
            } else if let view = view(index, layer, tensors) {
                output = view
            } else {
                let inputs = layer.inputs.compactMap { tensors[$0]?.contiguous(pool: pool) }
                let made = newOutput(index)
                output = made
                if counting {
                    var probe = CountingProbe(inputSizes: inputs.map(\.elements),
                                              parameterSizes: parameters[index].tensors.map(\.data.elements),
                                              outputSize: made.elements)
                    execute(index, inputs: inputs, output: made, path: path, probe: &probe)
                    counts[index] = count(probe, parameters[index])
                } else {
                    var probe = NoProbe()
                    execute(index, inputs: inputs, output: made, path: path, probe: &probe)
                }
            }
            if timed { seconds[index] = Double(DispatchTime.now().uptimeNanoseconds - begin) * 1e-9 }
            tensors[index] = output
            if keepAll || index == layers.count - 1 { kept[index] = output }
            if counting && counts[index] == nil { counts[index] = LayerCount() }
            for dropped in dropAfter[index] ?? [] { tensors[dropped] = nil }
        }
        let total = Double(DispatchTime.now().uptimeNanoseconds - start) * 1e-9
        return RunResult(outputs: kept, counts: counts, seconds: seconds, totalSeconds: total, starts: starts, began: start)
    }

    private func count(_ probe: CountingProbe, _ parameters: LayerParameters) -> LayerCount {
        var result = LayerCount()
        result.macs = probe.macs
        result.inputReads = probe.inputs.reduce(0) { $0 + $1.population }
        for (slot, marks) in probe.parameters.enumerated() {
            result.weightReads += marks.population
            if !parameters.tensors[slot].role.isBuffer { result.params += marks.population }
        }
        result.outputWrites = probe.output.population
        result.outOfRange = probe.outOfRange
        return result
    }
}
