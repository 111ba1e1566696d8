import NetCost

/// One count of a layer, as netcost's formulas give it and as the kernels counted it.
public struct CountComparison: Sendable, Equatable {
    public let symbolic: Int
    public let counted: Int

    public init(symbolic: Int, counted: Int) {
        self.symbolic = symbolic
        self.counted = counted
    }

    public var match: Bool { symbolic == counted }
}

/// A layer's symbolic costs beside what its kernel counted while it ran.
public struct LayerVerification: Sendable, Equatable {
    /// The layer's position in `Graph.layers`.
    public let index: Int
    public let name: String
    /// The op's kind: `conv2d`, `relu6`, `conv2d+bn+relu6`.
    public let op: String
    /// Multiply-accumulates executed.
    public let macs: CountComparison
    /// Distinct elements read (inputs, parameters, buffers) plus written (output).
    public let memoryAccess: CountComparison
    /// Learned parameters read (buffers excluded).
    public let params: CountComparison
    /// True when a kernel marked an element outside its tensor (a kernel bug).
    public let outOfRange: Bool

    public var match: Bool { macs.match && memoryAccess.match && params.match && !outOfRange }
}

/// The outcome of `netcost verify`: every layer that computes or copies something
/// (inputs, constants and views are left out: they run no kernel and cost nothing).
public struct VerificationReport: Sendable, Equatable {
    public let model: String
    public let layers: [LayerVerification]
    /// The vector width's kernels that ran.
    public let kernels: KernelSet

    public var allMatch: Bool { layers.allSatisfy(\.match) }

    /// The `verify` JSON of DESIGN-NOTES: `all_match` and per layer `name`, `op`, `macs`,
    /// `memory_access`, `params` (each `symbolic` and `counted`) and `match`.
    public var json: JSONValue {
        func pair(_ comparison: CountComparison) -> JSONValue {
            .object(JSONObject([("symbolic", .integer(comparison.symbolic)), ("counted", .integer(comparison.counted))]))
        }
        let rows: [JSONValue] = layers.map { layer in
            .object(JSONObject([
                ("name", .string(layer.name)), ("op", .string(layer.op)),
                ("macs", pair(layer.macs)), ("memory_access", pair(layer.memoryAccess)), ("params", pair(layer.params)),
                ("match", .bool(layer.match)),
            ]))
        }
        return .object(JSONObject([("model", .string(model)), ("kernels", .string(kernels.name)), ("all_match", .bool(allMatch)),
                                   ("layers", .array(rows))]))
    }
}

/// Runs a graph with counting kernels and compares what they executed and touched with
/// the symbolic costs of `Analysis`.
public enum Verifier {
    /// Verifies every layer of `graph` on inputs and weights drawn from `seed`.
    ///
    /// Throws `InputError` for a graph that cannot run (an unsupported op) or whose
    /// tensors or work would pass `limits`; nothing is allocated before those checks.
    /// `kernels` default to this process's set (`KernelSet.forThisProcess`).
    public static func verify(_ graph: Graph, seed: UInt64 = 0, limits: RunLimits = RunLimits(),
                              kernels: KernelSet? = nil) throws(InputError) -> VerificationReport {
        // Validated first: Analysis trusts a graph's indices and shapes.
        try PreparedGraph.validate(graph)
        let analysis = try Analysis(graph)
        let prepared = try PreparedGraph(graph, seed: seed, limits: limits, totals: analysis.totals, kernels: kernels)
        let result = prepared.run(counting: true)
        var layers: [LayerVerification] = []
        for (index, layer) in graph.layers.enumerated() where layer.operation.rules.family != .source {
            let symbolic = analysis.costs[index]
            let counted = result.counts[index] ?? LayerCount()
            layers.append(LayerVerification(
                index: index, name: layer.name, op: layer.operation.kind,
                macs: CountComparison(symbolic: symbolic.macs, counted: counted.macs),
                memoryAccess: CountComparison(symbolic: symbolic.memoryAccess, counted: counted.memoryAccess),
                // Parameters read: all that are stored, or fewer where the op's memory rule
                // reads fewer (an embedding reads only the rows its indices name).
                params: CountComparison(symbolic: min(symbolic.params, symbolic.weightReads), counted: counted.params),
                outOfRange: counted.outOfRange))
        }
        return VerificationReport(model: graph.name, layers: layers, kernels: prepared.kernels)
    }
}
