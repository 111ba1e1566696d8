/// The execution order with the smallest activation peak (`netcost memory`'s best order).
///
/// Graphs with branches may run their layers in many orders, and the peak depends on
/// which: a branch that ends in a small tensor is better run to its end before a branch
/// that keeps a large one alive. The search is SERENITY's (Ahn et al., MLSys 2020):
/// dynamic programming over the sets of layers already run. The buffers alive after a
/// set has run depend only on the set, so of all the orders that reach a set only the
/// one with the lowest peak so far matters; the sets grow one layer at a time, level by
/// level. It is exact when the sets stay few (`stateLimit`); beyond that a stated
/// heuristic runs instead: at each step, of the layers whose inputs are ready, the one
/// that leaves the fewest bytes alive after it, ties to the one that allocates least,
/// then to the file's order; its order is kept only where it peaks lower than the
/// model's own.
///
/// Liveness follows `MemorySchedule` without `--in-place`: views and stored tensors cost
/// nothing and are placed right before their first reader.
public struct PeakMinimizingOrder: Sendable {
    /// Sets of run layers one segment's search may visit before it gives up being exact.
    public static let stateLimit = 100_000
    /// Nodes of a segment past which the search is not tried, and past which the
    /// heuristic keeps the model's own order (both cost more than linear time).
    public static let searchedNodes = 1_024, heuristicNodes = 5_000

    /// The layers in the order found (every layer of the graph, views and constants included).
    public let order: [Int]
    /// Whether the order is proven best (every segment searched to its end).
    public let isExact: Bool
    /// The layers that allocate a buffer in each segment between cuts, in order.
    public let segmentSizes: [Int]

    /// The graph is cut where every layer before a node has run by the time it runs and
    /// every layer after it depends on it (no buffer is read across it but its own):
    /// each segment between cuts is ordered on its own, as the buffers alive at a cut do
    /// not depend on the order before it.
    public init(_ graph: Graph, bytesPerElement: Int) throws(SizeOverflow) {
        let model = try BufferGraph(graph, bytesPerElement: bytesPerElement)
        var nodes: [Int] = []
        var exact = true
        let segments = model.segments()
        segmentSizes = segments.map(\.count)
        for segment in segments {
            if segment.count <= Self.searchedNodes, let found = try Self.search(model, segment) {
                nodes += found
            } else {
                exact = false
                // The heuristic's order only where it does better than the model's own.
                let own = Array(segment)
                if segment.count <= Self.heuristicNodes {
                    let guess = try Self.heuristic(model, segment)
                    nodes += try model.peak(guess, segment) < model.peak(own, segment) ? guess : own
                } else {
                    nodes += own
                }
            }
        }
        order = model.fullOrder(nodes)
        isExact = exact
    }

    /// The dynamic programme over the sets of a segment's nodes already run; nil past
    /// `stateLimit` sets. Nodes before the segment have run, nodes after it have not.
    private static func search(_ model: BufferGraph, _ segment: Range<Int>) throws(SizeOverflow) -> [Int]? {
        struct State {
            var set: [UInt64]
            var live: Int
            var peak: Int
            /// The previous level's state and the node run last, to rebuild the order.
            var parent: Int
            var node: Int
        }
        let words = (segment.count + 63) / 64
        let start = model.liveBefore(segment.lowerBound)
        var levels: [[State]] = [[State(set: Array(repeating: 0, count: words), live: start, peak: 0, parent: -1, node: -1)]]
        var total = 1
        for _ in segment {
            var next: [State] = []
            var index: [[UInt64]: Int] = [:]
            for (parentIndex, state) in levels[levels.count - 1].enumerated() {
                let done = { (node: Int) in node < segment.lowerBound || (node < segment.upperBound && state.set.hasBit(node - segment.lowerBound)) }
                for node in segment where !done(node) && model.predecessors[node].allSatisfy(done) {
                    var set = state.set
                    set.setBit(node - segment.lowerBound)
                    let during = try state.live.adding(model.bytes[node])
                    let after = { (other: Int) in done(other) || other == node }
                    let live = during - model.freed(by: node, isDone: after)
                    let peak = max(state.peak, during)
                    if let existing = index[set] {
                        if peak < next[existing].peak { next[existing] = State(set: set, live: live, peak: peak, parent: parentIndex, node: node) }
                    } else {
                        index[set] = next.count
                        next.append(State(set: set, live: live, peak: peak, parent: parentIndex, node: node))
                        total += 1
                        if total > stateLimit { return nil }
                    }
                }
            }
            levels.append(next)
        }
        guard var best = levels.last?.indices.min(by: { levels[levels.count - 1][$0].peak < levels[levels.count - 1][$1].peak }) else { return [] }
        var order: [Int] = []
        for level in stride(from: levels.count - 1, to: 0, by: -1) {
            let state = levels[level][best]
            order.append(state.node)
            best = state.parent
        }
        return order.reversed()
    }

    /// Of the segment's ready nodes, the one that leaves the fewest bytes alive after it
    /// runs; ties to the one that allocates least, then to the model's order.
    private static func heuristic(_ model: BufferGraph, _ segment: Range<Int>) throws(SizeOverflow) -> [Int] {
        var done = Array(repeating: false, count: segment.count)
        let isDone = { (node: Int) in node < segment.lowerBound || (node < segment.upperBound && done[node - segment.lowerBound]) }
        var live = model.liveBefore(segment.lowerBound)
        var order: [Int] = []
        for _ in segment {
            var choice: (node: Int, after: Int)?
            for node in segment where !isDone(node) && model.predecessors[node].allSatisfy(isDone) {
                let after = try live.adding(model.bytes[node]) - model.freed(by: node, isDone: { isDone($0) || $0 == node })
                if let best = choice, (best.after, model.bytes[best.node]) <= (after, model.bytes[node]) { continue }
                choice = (node, after)
            }
            guard let choice else { break }
            done[choice.node - segment.lowerBound] = true
            live = choice.after
            order.append(choice.node)
        }
        return order
    }
}

/// The graph as the search sees it: the layers that allocate a buffer (graph inputs and
/// every layer but views and stored tensors), the ones each waits for, and who reads
/// each buffer, through views.
struct BufferGraph {
    /// Layer index of each node.
    let layers: [Int]
    let bytes: [Int]
    let predecessors: [[Int]]
    /// Nodes that read each node's buffer (directly or through views).
    let readers: [[Int]]
    /// Nodes whose buffer must outlive the graph: an output, or viewed by one.
    let kept: [Bool]
    /// The buffers each node reads.
    let reads: [[Int]]
    /// The bytes alive after the first k nodes have run in the model's order, by k.
    let prefixLive: [Int]
    let graph: Graph

    var count: Int { layers.count }

    init(_ graph: Graph, bytesPerElement: Int) throws(SizeOverflow) {
        self.graph = graph
        let layers = graph.layers
        // Each layer's buffer owner: itself, its source's for a view, none for a constant.
        var owner = [Int?](repeating: nil, count: layers.count)
        var node = [Int?](repeating: nil, count: layers.count)
        var nodeLayers: [Int] = []
        var bytes: [Int] = []
        for (index, layer) in layers.enumerated() {
            switch ActivationRole(layer) {
            case .stored: continue
            case .view:
                owner[index] = layer.inputs.first.flatMap { owner[$0] }
                continue
            case .allocates: break
            }
            owner[index] = index
            node[index] = nodeLayers.count
            nodeLayers.append(index)
            bytes.append(try layer.outputBytes(orElse: bytesPerElement))
        }
        var predecessors = Array(repeating: [Int](), count: nodeLayers.count)
        var readers = Array(repeating: [Int](), count: nodeLayers.count)
        var reads = Array(repeating: [Int](), count: nodeLayers.count)
        // Dependencies pass through views and constants to the nodes behind them.
        var behind = Array(repeating: [Int](), count: layers.count)
        for (index, layer) in layers.enumerated() {
            if let n = node[index] {
                var found = Set<Int>()
                for input in layer.inputs { found.formUnion(behind[input]) }
                predecessors[n] = found.sorted()
                for input in layer.inputs {
                    if let source = owner[input], let s = node[source], !reads[n].contains(s) {
                        reads[n].append(s)
                        readers[s].append(n)
                    }
                }
                behind[index] = [n]
            } else {
                var found = Set<Int>()
                for input in layer.inputs { found.formUnion(behind[input]) }
                behind[index] = found.sorted()
            }
        }
        var kept = Array(repeating: false, count: nodeLayers.count)
        for output in graph.outputs { if let source = owner[output], let n = node[source] { kept[n] = true } }
        self.layers = nodeLayers
        self.bytes = bytes
        self.predecessors = predecessors
        self.readers = readers
        self.kept = kept
        self.reads = reads
        var prefixLive = [0]
        for node in nodeLayers.indices {
            let freed = reads[node].filter { !kept[$0] && readers[$0].allSatisfy { $0 <= node } }.reduce(0) { $0 + bytes[$1] }
                + (readers[node].isEmpty && !kept[node] ? bytes[node] : 0)
            prefixLive.append(try prefixLive[node].adding(bytes[node]) - freed)
        }
        self.prefixLive = prefixLive
    }

    /// Bytes freed once `node` has run (`isDone` says which nodes have, `node` included):
    /// the buffers it read whose readers have all run, and its own if nothing reads it and
    /// it is no output.
    func freed(by node: Int, isDone: (Int) -> Bool) -> Int {
        var bytes = 0
        for source in reads[node] where !kept[source] && readers[source].allSatisfy(isDone) { bytes += self.bytes[source] }
        if readers[node].isEmpty && !kept[node] { bytes += self.bytes[node] }
        return bytes
    }

    /// The bytes alive once the nodes before `node` have run in the model's order.
    func liveBefore(_ node: Int) -> Int { prefixLive[node] }

    /// The peak of running a segment's nodes in `order`, the nodes before it having run.
    func peak(_ order: [Int], _ segment: Range<Int>) throws(SizeOverflow) -> Int {
        var done = Array(repeating: false, count: segment.count)
        let isDone = { (node: Int) in node < segment.lowerBound || (node < segment.upperBound && done[node - segment.lowerBound]) }
        var live = liveBefore(segment.lowerBound), peak = 0
        for node in order {
            let during = try live.adding(bytes[node])
            peak = max(peak, during)
            done[node - segment.lowerBound] = true
            live = during - freed(by: node, isDone: isDone)
        }
        return peak
    }

    /// The node ranges between cuts: a node is a cut when no node before it has a reader
    /// after it and every node after it waits for some node (so all wait for the cut).
    func segments() -> [Range<Int>] {
        var furthest = Array(repeating: -1, count: count)
        for node in 0..<count { for source in predecessors[node] { furthest[source] = max(furthest[source], node) } }
        var sinceStart = Array(repeating: true, count: count + 1)
        for node in stride(from: count - 1, through: 0, by: -1) { sinceStart[node] = sinceStart[node + 1] && !predecessors[node].isEmpty }
        var ranges: [Range<Int>] = []
        var lower = 0, reach = -1
        for node in 0..<count {
            // `reach`: the furthest reader of any node before this one.
            if reach <= node && sinceStart[node + 1] && node + 1 < count {
                ranges.append(lower..<(node + 1))
                lower = node + 1
            }
            reach = max(reach, furthest[node])
        }
        if lower < count { ranges.append(lower..<count) }
        return ranges
    }

    /// Every layer of the graph in an order that runs the nodes in `nodes`' order, each
    /// view and constant right before the first layer that needs it.
    func fullOrder(_ nodes: [Int]) -> [Int] {
        var done = Array(repeating: false, count: graph.layers.count)
        var order: [Int] = []
        func schedule(_ index: Int) {
            guard !done[index] else { return }
            for input in graph.layers[index].inputs { schedule(input) }
            done[index] = true
            order.append(index)
        }
        for node in nodes { schedule(layers[node]) }
        for index in graph.layers.indices { schedule(index) }
        return order
    }
}

/// A set of nodes as bits.
private extension [UInt64] {
    func hasBit(_ bit: Int) -> Bool { self[bit >> 6] & (1 << UInt64(bit & 63)) != 0 }
    mutating func setBit(_ bit: Int) { self[bit >> 6] |= 1 << UInt64(bit & 63) }
}
