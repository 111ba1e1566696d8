/// `report MODEL.onnx --format netron`: netcost's numbers for each node of an ONNX file,
/// as the attachment file the Netron model viewer reads beside a model it has open
/// (docs/onnx.md, "Costs inside Netron").
///
/// The file is one JSON object, `{"signature": "netron:attachment", "metadata": [...],
/// "metrics": [...]}`, whose entries are `{"kind": "node", "target": NAME, "name": LABEL,
/// "value": V}`: Netron matches `target` against each node's `name` and lists the entries
/// in the node's sidebar, under Metadata (what netcost made of the node: its layer, op,
/// output shape, receptive field) and Metrics (params, buffers, MACs, FLOPs, memory
/// access). Netron shows values as written, so they are text, exact and grouped first
/// (`8,128,512 (8.13M)`); `report --format json` has the same numbers as integers.
/// Entries of kind `model` give the totals, in Netron's model properties.
///
/// Which node shows which layer (`ONNXNodeOrigin`): a node that added layers shows their
/// costs summed; a pattern of several nodes that became one layer shows it at its first
/// node, and each other node of the pattern says which layer it is part of; a node
/// folded at import time, or one that passes its input through, says so. Nodes without a
/// name cannot be targeted, and nodes that share a name cannot be told apart: both get
/// no numbers, and `warnings` counts them. The layers are the file's own graph, never
/// `--fuse`'s deployed one.
public struct NetronAttachment: Sendable {
    public let report: CostReport
    let nodes: [ONNXNodeOrigin]

    /// The attachment for an ONNX report; specs and built-in models have no file that
    /// Netron opens, and `--fuse`'s deployed graph has no nodes of the file.
    public init(report: CostReport) throws(InputError) {
        guard let nodes = report.model.onnxNodes else {
            throw InputError("--format netron annotates the nodes of an ONNX file, which Netron opens beside it; \(report.model.name) is a spec or a built-in model: export it to ONNX first, or use --format json",
                             field: "format")
        }
        guard report.deployed == nil else {
            throw InputError("--format netron annotates the file's own nodes; --fuse's deployed graph has none of its own", field: "format")
        }
        self.report = report
        self.nodes = nodes
    }

    /// Nodes that show no numbers because Netron cannot target them.
    public var warnings: [String] {
        var result: [String] = []
        let unnamed = nodes.filter { $0.name.isEmpty }.count
        if unnamed > 0 {
            result.append("\(unnamed) node\(unnamed == 1 ? " has" : "s have") no name; Netron finds attachment entries by node name, so \(unnamed == 1 ? "it shows" : "they show") no netcost numbers")
        }
        let shared = sharedNames
        if !shared.isEmpty {
            let count = nodes.filter { shared.contains($0.name) }.count
            let examples = nodes.map(\.name).filter(shared.contains).reduce(into: [String]()) { if !$0.contains($1) { $0.append($1) } }
            result.append("\(count) nodes share \(shared.count) name\(shared.count == 1 ? "" : "s") (\(examples.prefix(3).map { "\"\($0)\"" }.joined(separator: ", "))\(examples.count > 3 ? ", …" : "")); Netron cannot tell them apart, so they show no netcost numbers")
        }
        return result
    }

    /// Names given to more than one node.
    private var sharedNames: Set<String> {
        var seen: Set<String> = [], shared: Set<String> = []
        for node in nodes where !node.name.isEmpty && !seen.insert(node.name).inserted { shared.insert(node.name) }
        return shared
    }

    /// One sidebar line: a node's (or the model's) label and value.
    struct Entry {
        var kind = "node"
        var target: String
        var name: String
        var value: JSONValue
    }

    /// The sidecar as UTF-8 JSON, deterministic.
    public func render() -> [UInt8] {
        var metadata: [Entry] = [], metrics: [Entry] = []
        let shared = sharedNames
        var noted: Set<String> = []
        let analysis = report.analysis
        for node in nodes where !node.name.isEmpty {
            let target = node.name
            func note(_ text: String) { metadata.append(Entry(target: target, name: "netcost", value: .string(text))) }
            if shared.contains(target) {
                // One note for all the nodes of the name: Netron shows it on each.
                guard !noted.contains(target) else { continue }
                noted.insert(target)
                note("\(nodes.filter { $0.name == target }.count) nodes have this name; Netron cannot tell them apart, so netcost's numbers are not shown (report --format json has them by layer)")
                continue
            }
            switch node.fate {
            case .layers(let layers, let outputs):
                let counted = layers.filter { if case .unsupported = analysis.graph.layers[$0].operation { false } else { true } }
                if counted.isEmpty {
                    // Its output shape may be a guess: only what is known is said.
                    metadata.append(Entry(target: target, name: "layer", value: .string(layers.map { analysis.graph.layers[$0].name }.joined(separator: ", "))))
                    note("not counted: netcost has no rule for this \(node.opType) node")
                    continue
                }
                metadata += describe(layers, outputs: outputs, target: target)
                if counted.count < layers.count { note("partly counted: netcost has no rule for one of its outputs; the numbers are its other layers'") }
                metrics += costs(counted, target: target)
            case .merged(let layer, let shownAt):
                let name = analysis.graph.layers[layer].name
                metadata.append(Entry(target: target, name: "layer", value: .string(name)))
                let shown = nodes[shownAt].name.isEmpty ? "the pattern's first node" : "node \"\(nodes[shownAt].name)\""
                let size = 1 + nodes.filter { if case .merged(layer, _) = $0.fate { true } else { false } }.count
                note("one of \(size) nodes that netcost counts as one \(analysis.graph.layers[layer].operation.kind) layer; its numbers are on \(shown)")
            case .folded:
                note("computed at import time from constants: no layer, no cost")
            case .passedThrough:
                note("adds no layer: its output is its input, unchanged")
            }
        }
        metrics += totals()
        var json = JSONWriter()
        json.beginObject()
        json.field("signature", "netron:attachment")
        json.field("producer", "netcost")
        json.field("model", report.model.name)
        json.field("dtype", report.dataType.rawValue)
        json.field("conventions", CostReport.conventions)
        write(metadata, as: "metadata", &json)
        write(metrics, as: "metrics", &json)
        json.endObject()
        json.finishLine()
        return json.bytes
    }

    /// The layers' names, ops, output shapes and the receptive field of the first output.
    private func describe(_ layers: [Int], outputs: [Int], target: String) -> [Entry] {
        let graph = report.analysis.graph
        let ops = layers.map { index in
            let layer = graph.layers[index]
            return (layer.operation.kind + " " + layer.operation.rules.details(graph.inputShapes(of: index))).trimmedRight()
        }
        var entries = [
            Entry(target: target, name: "layer", value: .string(layers.map { graph.layers[$0].name }.joined(separator: ", "))),
            Entry(target: target, name: "op", value: .string(ops.joined(separator: ", "))),
            Entry(target: target, name: "output shape", value: .string(outputs.map { graph.layers[$0].outputShape.description }.joined(separator: ", "))),
        ]
        let field = outputs.first.flatMap { report.analysis.receptiveFields[$0] }
        entries.append(Entry(target: target, name: "receptive field", value: .string(field.map(report.fieldText) ?? "none: the output has no spatial axes")))
        return entries
    }

    /// The layers' costs, summed.
    private func costs(_ layers: [Int], target: String) -> [Entry] {
        // A node's layers are a part of the totals, which stay below 2⁶⁰: no sum overflows.
        let costs = layers.map { report.analysis.costs[$0] }
        func sum(_ value: (LayerCost) -> Int) -> Int { costs.reduce(0) { $0 + value($1) } }
        return metrics(params: sum(\.params), buffers: sum(\.buffers), macs: sum(\.macs), flops: sum(\.flops),
                       memoryAccess: sum(\.memoryAccess), kind: "node", target: target)
    }

    /// The model's totals, shown in Netron's model properties.
    private func totals() -> [Entry] {
        let totals = report.analysis.totals
        var entries = metrics(params: totals.params, buffers: totals.buffers, macs: totals.macs, flops: totals.flops,
                              memoryAccess: totals.memoryAccess, kind: "model", target: "")
        entries.append(Entry(kind: "model", target: "", name: "activations", value: .string(elements(totals.activations))))
        return entries
    }

    /// The sidebar's Metrics lines; buffers only where there are some.
    private func metrics(params: Int, buffers: Int, macs: Int, flops: Int, memoryAccess: Int, kind: String, target: String) -> [Entry] {
        var entries = [Entry(kind: kind, target: target, name: "params", value: .string(Self.readable(params)))]
        if buffers > 0 { entries.append(Entry(kind: kind, target: target, name: "buffers", value: .string(Self.readable(buffers)))) }
        entries += [
            Entry(kind: kind, target: target, name: "MACs", value: .string(Self.readable(macs))),
            Entry(kind: kind, target: target, name: "FLOPs", value: .string(Self.readable(flops))),
            Entry(kind: kind, target: target, name: "memory access", value: .string(elements(memoryAccess))),
        ]
        return entries
    }

    /// `8,128,512 (8.13M)`; `672`. Netron shows a value as it is written, so the exact
    /// count comes first, grouped, and the short form after it.
    static func readable(_ value: Int) -> String {
        value < 1_000 ? NumberFormat.grouped(value) : NumberFormat.grouped(value) + " (" + NumberFormat.count(value) + ")"
    }

    /// `452,256 elements = 1.81 MB at fp32`; `1,504 elements = 6.02 kB at fp32`.
    private func elements(_ count: Int) -> String {
        // Totals stay below 2⁶⁰: times at most 4 bytes they fit.
        let bytes = count * report.dataType.bytes
        let size = switch bytes {
        case ..<1_000: "\(bytes) bytes"
        case ..<1_000_000: NumberFormat.fixed(Double(bytes) / 1e3, 2) + " kB"
        case ..<1_000_000_000: NumberFormat.bytes(Double(bytes))
        default: NumberFormat.fixed(Double(bytes) / 1e9, 2) + " GB"
        }
        return NumberFormat.grouped(count) + " elements = " + size + " at \(report.dataType.rawValue)"
    }

    private func write(_ entries: [Entry], as key: StaticString, _ json: inout JSONWriter) {
        json.key(key)
        json.beginArray()
        for entry in entries {
            json.beginObject()
            json.field("kind", entry.kind)
            json.field("target", entry.target)
            json.field("name", entry.name)
            json.key("value")
            json.value(entry.value)
            json.endObject()
        }
        json.endArray()
    }
}
