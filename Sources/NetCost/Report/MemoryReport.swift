import Foundation

/// `netcost memory`: the inference schedule of a model as text or JSON: each step's
/// layer, what it allocates and frees and the bytes alive while it runs, and the peak
/// with the buffers alive at it.
public struct MemoryReport: Sendable {
    public let graph: Graph
    public let schedule: MemorySchedule
    public let dataType: DataType
    public let inPlace: Bool
    /// TensorFlow Lite Micro's order (largest first, first fit) and netcost's best; nil
    /// past `ArenaPlan.bufferLimit` buffers.
    public let greedyArena: ArenaPlan?
    public let arena: ArenaPlan?
    /// The model's own order's schedule, and the order with the smallest peak's.
    public let ownOrder: MemorySchedule
    public let bestOrder: MemorySchedule
    /// Whether `bestOrder` is proven best or the heuristic's (`PeakMinimizingOrder`).
    public let bestOrderIsExact: Bool
    /// Whether the steps shown (and the arena planned) follow the best order.
    public let showsBestOrder: Bool

    /// The schedule of `graph` in its own order, or with `bestOrder` in the order with the
    /// smallest peak; both peaks are reported either way.
    /// Whose rules free the buffers: a runtime's, or PyTorch's eager forward.
    public let rules: MemorySchedule.Rules

    /// Whether inverted residual blocks are computed in splits (MobileNetV2, Section 5.1).
    public let splitExpansions: Bool

    /// With `--training`: what a training step keeps, written into the JSON as `training`.
    public var training: TrainingReport?

    /// Whether the first convolution's run of per-channel layers is computed a channel at a time.
    public let firstLayerTrick: Bool

    public init(_ graph: Graph, dataType: DataType, inPlace: Bool, bestOrder showBest: Bool = false, rules: MemorySchedule.Rules = .netcost,
                splitExpansions: Bool = false, firstLayerTrick: Bool = false, alignment: Int = 16) throws(InputError) {
        self.graph = graph
        self.dataType = dataType
        self.inPlace = inPlace
        self.rules = rules
        self.splitExpansions = splitExpansions
        self.firstLayerTrick = firstLayerTrick
        showsBestOrder = showBest
        do {
            ownOrder = try MemorySchedule(graph, bytesPerElement: dataType.bytes, inPlace: inPlace, rules: rules, splitExpansions: splitExpansions,
                                      firstLayerTrick: firstLayerTrick)
            let search = try PeakMinimizingOrder(graph, bytesPerElement: dataType.bytes)
            bestOrder = try MemorySchedule(graph, order: search.order, bytesPerElement: dataType.bytes, inPlace: inPlace, rules: rules,
                                           splitExpansions: splitExpansions, firstLayerTrick: firstLayerTrick)
            bestOrderIsExact = search.isExact
            schedule = showBest ? bestOrder : ownOrder
            greedyArena = try ArenaPlan(schedule, strategy: .greedyBySize, alignment: alignment)
            arena = try ArenaPlan(schedule, strategy: .best, alignment: alignment)
        } catch {
            throw InputError("the activation bytes pass 2⁶³ − 1 at \(dataType.rawValue)", field: "dtype")
        }
    }

    /// Layers netcost has no rules for (from an ONNX file): their output sizes may be
    /// guesses, so the schedule is partial.
    public var unsupportedLayers: Int {
        graph.layers.filter { type(of: $0.operation.rules).family == .unknown }.count
    }

    /// The layer at the peak, if the graph has a step.
    public var peakLayer: String? {
        schedule.steps.indices.contains(schedule.peakStep) ? graph.layers[schedule.steps[schedule.peakStep].layer].name : nil
    }

    /// The buffers alive at the peak step, largest first (stable on ties).
    public var aliveAtPeak: [Int] {
        let step = schedule.peakStep
        let bytes = schedule.buffers.map(\.bytes)
        return schedule.buffers.indices.filter { schedule.buffers[$0].first <= step && schedule.buffers[$0].last >= step }
            .sorted { bytes[$0] != bytes[$1] ? bytes[$0] > bytes[$1] : $0 < $1 }
    }

    // MARK: Text

    public func text() -> String {
        var lines: [String] = []
        let batch = graph.batch
        lines.append("\(graph.name): activation memory at batch \(batch), \(dataType.rawValue) (\(dataType.bytes) byte\(dataType.bytes == 1 ? "" : "s") per element)\(inPlace && rules == .netcost ? ", in-place ops writing over their inputs" : "")")
        if firstLayerTrick {
            lines.append("The first convolution and the per-channel layers after it run one channel at a time, summed into the 1×1 convolution that reads them where one does (MobileNetV2, Section 5's first-layer trick).")
        }
        if splitExpansions {
            lines.append("Inverted residual blocks run in t splits (t their expansion factor): a tensor t times wider than the block's input is one split at a time (MobileNetV2, Section 5.1).")
        }
        if rules == .pytorch {
            lines.append("PyTorch's eager forward under torch.no_grad(): a module holds its input until it returns, the caller holds the input image, activations run in place (docs/memory.md).")
        } else {
            lines.append("Views share their source's buffer; stored tensors are weights, not activations; a buffer is freed after its last reader (docs/memory.md).")
        }
        lines.append("")
        var table = Table(columns: [.init("Step", right: true), .init("Layer"), .init("Op"), .init("Output", right: true),
                                    .init("Live", right: true), .init("Freed after")])
        for (number, step) in schedule.steps.enumerated() {
            let layer = graph.layers[step.layer]
            var output = "view"
            if let id = step.allocated {
                output = NumberFormat.grouped(schedule.buffers[id].bytes)
            } else if let id = step.reused {
                output = "reuses " + graph.layers[schedule.buffers[id].layer].name
            } else if schedule.bufferOfLayer[step.layer] == nil {
                output = "stored"
            }
            // A join of thousands frees them all at once: the text names the first few.
            let freed = step.freed.prefix(6).map { graph.layers[schedule.buffers[$0].layer].name }
                + (step.freed.count > 6 ? ["and \(step.freed.count - 6) more"] : [])
            table.append([String(number + 1), layer.name, layer.operation.kind, output, NumberFormat.grouped(step.liveBytes),
                          freed.joined(separator: ", ")])
        }
        lines.append(table.text())
        lines.append("")
        if unsupportedLayers > 0 {
            lines.append("PARTIAL: \(unsupportedLayers) layer\(unsupportedLayers == 1 ? "" : "s") netcost cannot count; their buffers are sized from shapes that may be guesses")
        }
        if let peakLayer {
            let peak = schedule.peakBytes
            lines.append("Peak: \(NumberFormat.grouped(peak)) bytes (\(NumberFormat.bytes(Double(peak)))) at step \(schedule.peakStep + 1), \(peakLayer)")
            let alive = aliveAtPeak.map { id in
                "\(graph.layers[schedule.buffers[id].layer].name) \(NumberFormat.grouped(schedule.buffers[id].bytes))"
            }
            lines.append("Alive at the peak: " + alive.joined(separator: ", "))
        }
        let ownPeak = NumberFormat.grouped(ownOrder.peakBytes), bestPeak = NumberFormat.grouped(bestOrder.peakBytes)
        let how = bestOrderIsExact ? "the best of every order (exact search)" : "a heuristic's order (too many orders to search)"
        if showsBestOrder {
            lines.append("These steps run in \(how); the model's own order peaks at \(ownPeak) bytes")
        } else if bestOrder.peakBytes < ownOrder.peakBytes {
            lines.append("Best order: \(bestPeak) bytes, \(how); --order best shows its steps")
        } else {
            lines.append("Best order: \(bestPeak) bytes, \(how): no order of these layers peaks lower than the model's own")
        }
        if let greedyArena, let arena {
            let bound = schedule.peakBytes
            let over = { (bytes: Int) in bound == 0 ? "" : String(format: " (%+.1f%% over the peak)", 100 * Double(bytes - bound) / Double(bound)) }
            lines.append("Arena, offsets aligned to \(arena.alignment) bytes: greedy by size (TensorFlow Lite Micro's order) \(NumberFormat.grouped(greedyArena.bytes))\(over(greedyArena.bytes)); "
                         + "netcost's \(NumberFormat.grouped(arena.bytes))\(over(arena.bytes)), \(arena.method); the peak, \(NumberFormat.grouped(bound)), is the lower bound")
        } else {
            lines.append("Arena: not planned, more than \(NumberFormat.grouped(ArenaPlan.bufferLimit)) buffers")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    // MARK: JSON

    public func json() -> String {
        var json = JSONWriter()
        json.beginObject()
        json.field("model", graph.name)
        json.field("dtype", dataType.rawValue)
        json.field("dtype_bytes", dataType.bytes)
        json.field("convention", rules.rawValue)
        json.field("in_place", inPlace)
        json.field("split_expansions", splitExpansions)
        json.field("first_layer_trick", firstLayerTrick)
        json.field("partial", unsupportedLayers > 0)
        json.field("peak_bytes", schedule.peakBytes)
        if let peakLayer { json.field("peak_layer", peakLayer) }
        json.field("peak_step", schedule.peakStep + 1)
        json.field("alive_at_peak", strings: aliveAtPeak.map { graph.layers[schedule.buffers[$0].layer].name })
        json.field("order", showsBestOrder ? "best" : "model")
        json.field("model_order_peak_bytes", ownOrder.peakBytes)
        json.field("best_order_peak_bytes", bestOrder.peakBytes)
        json.field("best_order_exact", bestOrderIsExact)
        if let greedyArena, let arena {
            json.key("arena")
            json.beginObject()
            json.field("greedy_bytes", greedyArena.bytes)
            json.field("bytes", arena.bytes)
            json.field("lower_bound_bytes", schedule.peakBytes)
            json.field("alignment", arena.alignment)
            json.field("method", arena.method)
            json.key("plan")
            json.beginArray()
            for (id, buffer) in schedule.buffers.enumerated() {
                json.beginObject()
                json.field("layer", graph.layers[buffer.layer].name)
                json.field("offset", arena.offsets[id])
                json.field("bytes", buffer.bytes)
                json.field("first_step", buffer.first + 1)
                json.field("last_step", buffer.last + 1)
                json.endObject()
            }
            json.endArray()
            json.endObject()
        }
        json.key("by_resolution")
        json.beginArray()
        for row in largestByResolution {
            json.beginObject()
            json.field("resolution", row.resolution)
            json.field("layer", graph.layers[row.layer].name)
            json.field("channels", row.channels)
            json.field("bytes", row.bytes)
            json.endObject()
        }
        json.endArray()
        json.key("steps")
        json.beginArray()
        for step in schedule.steps {
            json.beginObject()
            json.field("layer", graph.layers[step.layer].name)
            json.field("op", graph.layers[step.layer].operation.kind)
            json.field("allocated_bytes", step.allocated.map { schedule.buffers[$0].bytes } ?? 0)
            if let id = step.reused { json.field("writes_over", graph.layers[schedule.buffers[id].layer].name) }
            json.field("live_bytes", step.liveBytes)
            json.field("freed", strings: step.freed.map { graph.layers[schedule.buffers[$0].layer].name })
            json.endObject()
        }
        json.endArray()
        training?.writeJSON(&json)
        json.endObject()
        json.finishLine()
        return json.text
    }
}
