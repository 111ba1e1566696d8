/// One bar of the cost chart: a layer, a block folded into one row, or a run of
/// consecutive rows merged when even the top-level blocks are too many to draw.
struct BarGroup: Sendable {
    /// The row's full name (`features.3`), or `first … last` for a merged run.
    var name: String
    var kind: String
    var details: String
    /// Graph indices of the layers it holds, in graph order.
    var layers: [Int]
    /// The groups that hold the bar's layer or group, outermost first; empty for a run.
    var enclosingGroups: [Int] = []
    var cost = LayerCost()
    /// The cost split by `ChartFamily`, indexed by its raw value: the bar's stacked segments.
    var byFamily = Array(repeating: LayerCost(), count: ChartFamily.allCases.count)

    var firstLayer: Int { layers.first ?? 0 }
}

/// The bars at one level of folding, and how they were chosen.
struct BarLevel: Sendable {
    var bars: [BarGroup]
    /// `one bar per layer`, `one bar per block at depth 2`, `runs of 7 top-level rows`.
    var description: String
    /// True when each bar is a single layer.
    var isPerLayer: Bool
    /// The tree depth the rows were folded at (the deepest row's depth when unfolded).
    var depth: Int
}

/// Chooses the bars of the cost chart so that at most `maximumBars` are drawn.
///
/// Every layer when they fit; otherwise the `ReportTree` rows at the deepest depth whose
/// row count fits (blocks folded into one bar each); when even depth 1 has too many
/// rows (a long network without hierarchical names), runs of consecutive rows.
enum BarGrouping {
    /// The default limit: about what a 1,000-pixel-wide plot shows as separate bars.
    static let defaultMaximumBars = 160

    /// The finest level that fits, starting from `depth` (`--depth`) when given.
    static func finest(_ analysis: Analysis, depth: Int?, maximumBars: Int) throws(InputError) -> BarLevel {
        let limit = max(maximumBars, 1)
        let leaves = try ReportTree.rows(analysis, RowSelection(depth: depth, flat: true))
        if leaves.count <= limit { return try level(analysis, rows: leaves, depth: depth) }
        let deepest = leaves.map(\.depth).max() ?? 1
        var candidate = min(depth ?? deepest, deepest) - 1
        while candidate >= 1 {
            let rows = try ReportTree.rows(analysis, RowSelection(depth: candidate, flat: true))
            if rows.count <= limit { return try level(analysis, rows: rows, depth: candidate) }
            candidate -= 1
        }
        let top = try level(analysis, rows: try ReportTree.rows(analysis, RowSelection(depth: 1, flat: true)), depth: 1)
        return merged(top, limit: limit)
    }

    /// The folded view beside `finest`: the deepest depth with fewer bars than `finest`
    /// and at least 2.5 layers per bar on average (whole blocks rather than their
    /// parts); else depth 1, merged into runs if too long; nil when nothing folds.
    static func blocks(_ analysis: Analysis, finest: BarLevel, maximumBars: Int) throws(InputError) -> BarLevel? {
        let limit = max(maximumBars, 1)
        let layers = finest.bars.reduce(0) { $0 + $1.layers.count }
        var chosen: BarLevel?
        for depth in stride(from: 1, to: finest.depth, by: 1) {
            let rows = try ReportTree.rows(analysis, RowSelection(depth: depth, flat: true))
            if rows.count < finest.bars.count && rows.count <= limit && 2 * layers >= 5 * rows.count {
                chosen = try level(analysis, rows: rows, depth: depth)
            }
        }
        if let chosen { return chosen }
        let top = try level(analysis, rows: try ReportTree.rows(analysis, RowSelection(depth: 1, flat: true)), depth: 1)
        let folded = top.bars.count <= limit ? top : merged(top, limit: limit)
        return folded.bars.count < finest.bars.count ? folded : nil
    }

    /// Bars for flat report rows: a layer belongs to its own row, or else to the row of
    /// the innermost group around it that has one.
    private static func level(_ analysis: Analysis, rows: [ReportRow], depth: Int?) throws(InputError) -> BarLevel {
        let graph = analysis.graph
        var bars = rows.map { row in
            BarGroup(name: row.name, kind: row.kind, details: row.details, layers: [],
                     enclosingGroups: row.group.map(graph.groups.ancestors(ofGroup:)) ?? row.layer.map(graph.groups.ancestors(ofLayer:)) ?? [])
        }
        var rowOfLayer: [Int: Int] = [:], rowOfGroup: [Int: Int] = [:]
        for (offset, row) in rows.enumerated() {
            if let layer = row.layer { rowOfLayer[layer] = offset }
            if let group = row.group { rowOfGroup[group] = offset }
        }
        for (index, layer) in graph.layers.enumerated() {
            if case .input = layer.operation { continue }
            let row = rowOfLayer[index] ?? graph.groups.ancestors(ofLayer: index).reversed().lazy.compactMap { rowOfGroup[$0] }.first
            guard let row else { continue }
            let input = layer.inputs.first.map { graph.layers[$0].outputShape }
            let family = ChartFamily(layer.operation, input: input).rawValue
            let cost = analysis.costs[index]
            bars[row].layers.append(index)
            do {
                bars[row].cost = try bars[row].cost.adding(cost)
                bars[row].byFamily[family] = try bars[row].byFamily[family].adding(cost)
            } catch {
                throw error.inputError(layer: layer.name)
            }
        }
        bars.removeAll { $0.layers.isEmpty }
        let perLayer = bars.allSatisfy { $0.layers.count == 1 }
        let folded = depth ?? rows.map(\.depth).max() ?? 1
        let description = perLayer ? "one bar per layer" : "one bar per block at depth \(folded)"
        return BarLevel(bars: bars, description: description, isPerLayer: perLayer, depth: folded)
    }

    /// Consecutive bars merged into runs of equal length, at most `limit` of them.
    static func merged(_ level: BarLevel, limit: Int) -> BarLevel {
        let size = (level.bars.count + limit - 1) / limit
        guard size > 1 else { return level }
        var runs: [BarGroup] = []
        var start = 0
        while start < level.bars.count {
            let members = level.bars[start..<min(start + size, level.bars.count)]
            guard let first = members.first, let last = members.last else { break }
            var run = BarGroup(name: members.count == 1 ? first.name : first.name + " … " + last.name,
                               kind: "run", details: "\(members.count) rows", layers: [])
            for member in members {
                run.layers += member.layers
                // Sums of bars that each summed without overflow; saturate rather than trap.
                run.cost = (try? run.cost.adding(member.cost)) ?? run.cost
                for family in run.byFamily.indices {
                    run.byFamily[family] = (try? run.byFamily[family].adding(member.byFamily[family])) ?? run.byFamily[family]
                }
            }
            runs.append(run)
            start += size
        }
        return BarLevel(bars: runs, description: "runs of \(size) consecutive top-level rows", isPerLayer: false, depth: level.depth)
    }
}

/// Spans of consecutive items that share a group: the band of block names under a
/// chart's x axis.
enum BlockRibbon {
    /// One position along the axis: a layer, a folded group or a run of rows.
    struct Item {
        var name: String
        /// The names of the groups that hold it, outermost first.
        var groupNames: [Substring]

        /// The group that holds it at `depth`, or the item itself when it sits higher.
        func span(atDepth depth: Int) -> String {
            depth <= groupNames.count ? String(groupNames[depth - 1]) : name
        }
    }

    struct Span: Equatable {
        var name: String
        var first: Int
        var last: Int
    }

    /// The items of layers or bars, from the graph's groups.
    static func items(_ names: [String], enclosingGroups: [[Int]], _ graph: Graph) -> [Item] {
        zip(names, enclosingGroups).map { Item(name: $0, groupNames: $1.map { graph.groups[$0].name }) }
    }

    /// The deepest group depth whose spans are at most `maximumSpans` and hold at
    /// least `minimumAverage` items on average (so most spans are wide enough to name);
    /// nil when no depth groups anything.
    static func spans(_ items: [Item], maximumSpans: Int = 30, minimumAverage: Double = 2.5) -> [Span]? {
        let deepest = items.map { $0.groupNames.count + 1 }.max() ?? 1
        var best: [Span]?
        for depth in 1..<max(deepest, 2) {
            let spans = spans(items, depth: depth)
            if spans.count <= maximumSpans && spans.count < items.count && Double(items.count) >= minimumAverage * Double(spans.count) {
                best = spans
            }
        }
        return best
    }

    static func spans(_ items: [Item], depth: Int) -> [Span] {
        var spans: [Span] = []
        for (offset, item) in items.enumerated() {
            let prefix = item.span(atDepth: depth)
            if let last = spans.last, last.name == prefix, last.last == offset - 1 {
                spans[spans.count - 1].last = offset
            } else {
                spans.append(Span(name: prefix, first: offset, last: offset))
            }
        }
        return spans
    }
}
