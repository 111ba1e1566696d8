/// `netcost memory --training`: what one training step keeps, per layer and in total,
/// and with a budget the largest batch that fits.
public struct TrainingReport: Sendable {
    /// The largest batch whose training step fits a budget.
    public struct BudgetFit: Sendable, Equatable {
        public let budgetBytes: Int
        /// Nil when not even one sample fits.
        public let largestBatch: Int?
        /// The total at `largestBatch`.
        public let totalBytes: Int?
        /// What one more sample adds.
        public let bytesPerSample: Int
    }

    public let graph: Graph
    public let memory: TrainingMemory
    public let dataType: DataType
    /// The inference peak at the same batch (`netcost memory`), for scale.
    public let inferencePeakBytes: Int
    public let budget: BudgetFit?

    public init(_ graph: Graph, memory: TrainingMemory, dataType: DataType, inferencePeakBytes: Int, budget: BudgetFit?) {
        self.graph = graph
        self.memory = memory
        self.dataType = dataType
        self.inferencePeakBytes = inferencePeakBytes
        self.budget = budget
    }

    /// The training memory of `graph`, reading its parameters from an analysis.
    public static func memory(of graph: Graph, dataType: DataType, optimizer: TrainingMemory.Optimizer) throws(InputError) -> TrainingMemory {
        let totals = try Analysis(graph).totals
        do {
            return try TrainingMemory(graph, bytesPerElement: dataType.bytes, params: totals.params, buffers: totals.buffers, optimizer: optimizer)
        } catch {
            throw InputError("the training memory passes 2⁶³ − 1 bytes at \(dataType.rawValue)", field: "dtype")
        }
    }

    /// The largest batch from 1 to `maximum` whose total fits `budget`, given the total at
    /// any batch. Totals grow with the batch (linearly, but for per-channel statistics), so
    /// the line through batches 1 and 2 gives a guess, which is then checked: a guess that
    /// does not fit, or whose model cannot be built (past `--max-elements`), is narrowed
    /// by bisection, and one that fits is moved up while the next batch fits too.
    public static func largestBatch(within budget: Int, maximum: Int, totalAt: (Int) throws(InputError) -> Int) throws(InputError) -> BudgetFit {
        let one = try totalAt(1)
        let perSample = maximum > 1 ? max(0, try totalAt(2) - one) : 0
        guard one <= budget else {
            return BudgetFit(budgetBytes: budget, largestBatch: nil, totalBytes: nil, bytesPerSample: perSample)
        }
        func fitting(_ batch: Int) -> Int? {
            guard let total = try? totalAt(batch), total <= budget else { return nil }
            return total
        }
        var (good, goodTotal) = (1, one)
        var bad = maximum + 1
        // The guess first, then its neighbour above (a right guess ends the search at
        // once), then bisection between the largest batch known to fit and the smallest
        // known not to.
        var probe = perSample == 0 ? maximum : min(maximum, 1 + (budget - one) / perSample)
        var probedAbove = false
        while bad - good > 1 {
            if probe <= good || probe >= bad { probe = good + (bad - good) / 2 }
            if let total = fitting(probe) {
                (good, goodTotal) = (probe, total)
                probe = probedAbove ? good + (bad - good) / 2 : good + 1
                probedAbove = true
            } else {
                bad = probe
                probe = good + (bad - good) / 2
            }
        }
        return BudgetFit(budgetBytes: budget, largestBatch: good, totalBytes: goodTotal, bytesPerSample: perSample)
    }


    // MARK: Text

    public func text() -> String {
        var lines: [String] = []
        lines.append("\(graph.name): training memory at batch \(graph.batch), \(dataType.rawValue) (\(dataType.bytes) byte\(dataType.bytes == 1 ? "" : "s") per element)")
        lines.append("Saved tensors follow PyTorch's autograd rules on CPU, activations in place as torchvision runs them; a tensor kept by several layers counts once, for the first (docs/memory.md).")
        lines.append("")
        var table = Table(columns: [.init("Layer"), .init("Op"), .init("Keeps"), .init("Bytes", right: true)])
        for (layer, entries) in memory.savedByLayer {
            // Each entry's bytes and their sum were checked when the total was made.
            let bytes = entries.reduce(0) { $0 + $1.bytes }
            table.append([graph.layers[layer].name, graph.layers[layer].operation.kind,
                          entries.map { "\($0.what) \(NumberFormat.grouped($0.bytes))" }.joined(separator: ", "), NumberFormat.grouped(bytes)])
        }
        lines.append(table.text())
        lines.append("")
        if !memory.unknownLayers.isEmpty {
            let names = memory.unknownLayers.prefix(5).map { graph.layers[$0].name }.joined(separator: ", ")
            lines.append("PARTIAL: netcost has no training rules for \(memory.unknownLayers.count) layer\(memory.unknownLayers.count == 1 ? "" : "s") (\(names)); what they keep is not counted")
        }
        let optimizerState = switch memory.optimizer {
        case .sgd: "plain SGD keeps none"
        case .momentum: "one velocity per parameter"
        case .adam: "two moment estimates per parameter"
        }
        let parameters = memory.parameterBytes / max(dataType.bytes, 1)
        var summary = Table(columns: [.init("Training step"), .init("Bytes", right: true), .init("")])
        summary.append(["saved activations", NumberFormat.grouped(memory.savedActivationBytes), NumberFormat.binaryUnits(Double(memory.savedActivationBytes))])
        summary.append(["parameters", NumberFormat.grouped(memory.parameterBytes), "\(NumberFormat.grouped(parameters)) × \(dataType.bytes) bytes"])
        summary.append(["buffers", NumberFormat.grouped(memory.bufferBytes), "running statistics"])
        summary.append(["gradients", NumberFormat.grouped(memory.gradientBytes), "one per parameter"])
        summary.append(["optimizer state (\(memory.optimizer.rawValue))", NumberFormat.grouped(memory.optimizerBytes), optimizerState])
        summary.append(["total", NumberFormat.grouped(memory.totalBytes), NumberFormat.binaryUnits(Double(memory.totalBytes))])
        lines.append(summary.text())
        lines.append("")
        lines.append("Not counted: the backward pass's own temporaries (each layer's input gradient while it is computed), the framework's workspace and its allocator's caching.")
        lines.append("Inference at this batch peaks at \(NumberFormat.grouped(inferencePeakBytes)) bytes of activations (netcost memory without --training).")
        if let budget {
            let budgetText = "\(NumberFormat.grouped(budget.budgetBytes)) bytes (\(NumberFormat.binaryUnits(Double(budget.budgetBytes))))"
            if let largest = budget.largestBatch, let total = budget.totalBytes {
                lines.append("Budget \(budgetText): the largest batch that fits is \(NumberFormat.grouped(largest)), at \(NumberFormat.grouped(total)) bytes; each sample adds \(NumberFormat.grouped(budget.bytesPerSample)).")
            } else {
                lines.append("Budget \(budgetText): not even a batch of 1 fits.")
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    // MARK: JSON

    /// The `training` object of `netcost memory --training --format json`.
    public func writeJSON(_ json: inout JSONWriter) {
        json.key("training")
        json.beginObject()
        json.field("rules", "pytorch")
        json.field("partial", !memory.unknownLayers.isEmpty)
        json.field("saved_activation_bytes", memory.savedActivationBytes)
        json.field("parameter_bytes", memory.parameterBytes)
        json.field("buffer_bytes", memory.bufferBytes)
        json.field("gradient_bytes", memory.gradientBytes)
        json.field("optimizer", memory.optimizer.rawValue)
        json.field("optimizer_bytes", memory.optimizerBytes)
        json.field("total_bytes", memory.totalBytes)
        if let budget {
            json.field("budget_bytes", budget.budgetBytes)
            if let largest = budget.largestBatch { json.field("largest_batch", largest) } else { json.key("largest_batch"); json.null() }
            json.field("bytes_per_sample", budget.bytesPerSample)
        }
        json.key("layers")
        json.beginArray()
        for (layer, entries) in memory.savedByLayer {
            json.beginObject()
            json.field("layer", graph.layers[layer].name)
            json.field("op", graph.layers[layer].operation.kind)
            json.field("bytes", entries.reduce(0) { $0 + $1.bytes })
            json.key("saved")
            json.beginArray()
            for entry in entries {
                json.beginObject()
                json.field("what", entry.what)
                json.field("bytes", entry.bytes)
                json.endObject()
            }
            json.endArray()
            json.endObject()
        }
        json.endArray()
        json.field("unknown_layers", strings: memory.unknownLayers.map { graph.layers[$0].name })
        json.endObject()
    }
}
