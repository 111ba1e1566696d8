/// One row of a report: a layer, or a block or group folding several layers.
public struct ReportRow: Sendable {
    /// The full hierarchical name (`features.3.expand.conv`, or `features.3` for a block).
    public var name: String
    /// What the tree shows: the last part of the name (the full name in flat tables).
    public var label: String
    /// 0 for the model row, 1 for top-level entries, and so on.
    public var depth: Int
    /// The op kind for a layer (`conv2d`), the block kind for a fold (`inverted_residual`).
    public var kind: String
    public var details: String
    /// The layer's cost, or the sum over the folded layers.
    public var cost: LayerCost
    /// The output of the row's last layer in graph order.
    public var outputShape: TensorShape?
    /// The inputs of the row's first layer in graph order.
    public var inputShapes: [TensorShape]
    /// For a layer row, the layers that feed it, by name.
    public var inputsFrom: [String]
    public var receptiveField: ReceptiveField?
    public var layerCount: Int
    public var isLayer: Bool
    /// The layer the row stands for (a layer row, or a group that shares a layer's name).
    public var layer: Int?
    /// The group (`Graph.groups`) the row folds; nil for a layer row and the model row.
    public var group: Int?
    /// True when the row holds a layer netcost could not cost.
    public var isPartial: Bool
    /// Tree glyphs drawn before the label (`│  ├─ `); empty in flat tables.
    public var prefix: String
}

/// What to sort rows by: `--sort`.
public enum SortKey: String, CaseIterable, Sendable {
    case macs, params, memory, flops

    func value(_ cost: LayerCost) -> Int {
        switch self {
        case .macs: cost.macs
        case .params: cost.params
        case .memory: cost.memoryAccess
        case .flops: cost.flops
        }
    }

    /// `items` by this cost, largest first; ties keep their order.
    func sorted<Item>(_ items: [Item], cost: (Item) -> LayerCost) -> [Item] {
        items.enumerated().sorted {
            let (a, b) = (value(cost($0.element)), value(cost($1.element)))
            return a != b ? a > b : $0.offset < $1.offset
        }.map(\.element)
    }
}

/// Which rows a report shows: `--depth`, `--flat`, `--sort`, `--top`.
public struct RowSelection: Sendable {
    /// Fold everything below this depth into its ancestor at this depth.
    public var depth: Int?
    /// One row per layer (or per folded block with `depth`), full names, no tree.
    public var flat = false
    /// Order siblings (tree) or rows (flat) by this cost, largest first.
    public var sort: SortKey?
    /// Only the `top` largest rows, flat.
    public var top: Int?

    public init(depth: Int? = nil, flat: Bool = false, sort: SortKey? = nil, top: Int? = nil) {
        self.depth = depth
        self.flat = flat
        self.sort = sort
        self.top = top
    }
}

/// Builds report rows from a graph's groups (`Graph.groups`): `features.3.dw.conv`
/// sits under `features.3.dw` under `features.3` under `features`, each row labelled
/// with the part of its name after its parent's. Linear in the number of layers.
public enum ReportTree {
    private final class Node {
        let name: String
        let label: String
        let depth: Int
        var children: [Node] = []
        var childByLabel: [Substring: Node] = [:]
        var layer: Int?
        var group: Int?
        var cost = LayerCost()
        var firstLayer = -1
        var lastLayer = -1
        var layerCount = 0
        var isPartial = false

        init(name: String, label: String, depth: Int) {
            self.name = name
            self.label = label
            self.depth = depth
        }
    }

    public static func rows(_ analysis: Analysis, _ selection: RowSelection) throws(InputError) -> [ReportRow] {
        let root: Node
        do {
            root = try buildTree(analysis)
        } catch {
            throw error.inputError(layer: analysis.graph.name)
        }
        var rows: [ReportRow] = []
        if selection.flat || selection.top != nil {
            var nodes: [Node] = []
            collectFlat(root, maximumDepth: selection.depth, into: &nodes)
            var flat = nodes.map { row($0, analysis, label: $0.name, prefix: "") }
            if let key = selection.sort ?? (selection.top != nil ? .macs : nil) {
                flat = key.sorted(flat) { $0.cost }
            }
            if let top = selection.top { flat = Array(flat.prefix(top)) }
            return flat
        }
        var model = row(root, analysis, label: analysis.graph.name, prefix: "")
        // Stored tensors shared between layers count once: the model row is the totals.
        model.cost.params = analysis.totals.params
        model.cost.buffers = analysis.totals.buffers
        // The model's output and field are the footer's, whatever the order of the layers.
        let outputs = analysis.graph.outputs
        model.outputShape = outputs.count == 1 ? analysis.graph.layers[outputs[0]].outputShape : nil
        if outputs.count > 1 { model.details += ", \(Plural.count(outputs.count, "output"))" }
        model.receptiveField = analysis.finalReceptiveField?.field
        rows.append(model)
        appendChildren(of: root, analysis, selection, indent: "", into: &rows)
        return rows
    }

    private static func buildTree(_ analysis: Analysis) throws(SizeOverflow) -> Node {
        let graph = analysis.graph
        let root = Node(name: graph.name, label: graph.name, depth: 0)
        var groupNodes = [Node?](repeating: nil, count: graph.groups.count)
        for (index, layer) in graph.layers.enumerated() {
            if case .input = layer.operation { continue }
            // Weights count where they are held: a shared layer's row holds none, so rows add up to the totals.
            var cost = analysis.costs[index]
            if let owned = analysis.ownedWeights[index] { (cost.params, cost.buffers) = owned }
            let partial: Bool = if case .unsupported = layer.operation { true } else { false }
            let group = graph.groups.group(ofLayer: index)
            let parent = group.map { node(forGroup: $0, graph.groups, &groupNodes, root: root) } ?? root
            // A layer named like a group beside it (`a` beside `a.b`) shares the group's row.
            let label = group.map { layer.name.dropFirst(graph.groups[$0].name.count + 1) } ?? Substring(layer.name)
            let leaf = child(of: parent, labelled: label)
            leaf.layer = index
            var path = [leaf, root]
            var current = group
            while let enclosing = current {
                if let row = groupNodes[enclosing] { path.append(row) }
                current = graph.groups[enclosing].parent
            }
            for member in path {
                member.cost = try member.cost.adding(cost)
                if member.firstLayer < 0 { member.firstLayer = index }
                member.lastLayer = index
                member.layerCount += 1
                member.isPartial = member.isPartial || partial
            }
        }
        return root
    }

    /// The row of group `index`, made with those of its enclosing groups that are new.
    private static func node(forGroup index: Int, _ groups: GroupTree, _ nodes: inout [Node?], root: Node) -> Node {
        var missing: [Int] = []
        var current: Int? = index
        while let group = current, nodes[group] == nil {
            missing.append(group)
            current = groups[group].parent
        }
        var parent = current.flatMap { nodes[$0] } ?? root
        for group in missing.reversed() {
            parent = child(of: parent, labelled: groups[group].label)
            parent.group = group
            nodes[group] = parent
        }
        return parent
    }

    /// The child of `node` called `label`, made if it is new.
    private static func child(of node: Node, labelled label: Substring) -> Node {
        if let child = node.childByLabel[label] { return child }
        let child = Node(name: node.depth == 0 ? String(label) : node.name + "." + label, label: String(label), depth: node.depth + 1)
        node.children.append(child)
        node.childByLabel[label] = child
        return child
    }

    private static func appendChildren(of node: Node, _ analysis: Analysis, _ selection: RowSelection, indent: String, into rows: inout [ReportRow]) {
        if let maximum = selection.depth, node.depth >= maximum { return }
        var children = node.children
        if let key = selection.sort { children = key.sorted(children) { $0.cost } }
        for (offset, first) in children.enumerated() {
            // A chain of single children (`conv1` holding only `conv1.conv`) shows as one row.
            var child = first, label = first.label
            while child.layer == nil, child.children.count == 1, let only = child.children.first,
                  selection.depth.map({ only.depth <= $0 }) ?? true {
                child = only
                label += "." + only.label
            }
            let isLast = offset == children.count - 1
            rows.append(row(child, analysis, label: label, prefix: indent + (isLast ? "└─ " : "├─ ")))
            appendChildren(of: child, analysis, selection, indent: indent + (isLast ? "   " : "│  "), into: &rows)
        }
    }

    /// Layers, or folded blocks at `maximumDepth`, in graph order.
    private static func collectFlat(_ node: Node, maximumDepth: Int?, into nodes: inout [Node]) {
        for child in node.children {
            if child.children.isEmpty || child.depth == maximumDepth {
                nodes.append(child)
            } else {
                if child.layer != nil { nodes.append(child) }
                collectFlat(child, maximumDepth: maximumDepth, into: &nodes)
            }
        }
    }

    private static func row(_ node: Node, _ analysis: Analysis, label: String, prefix: String) -> ReportRow {
        let graph = analysis.graph
        let kind: String, details: String
        if let layer = node.layer, node.children.isEmpty || node.depth == 0 {
            let operation = graph.layers[layer].operation
            kind = operation.kind
            details = operation.rules.details(graph.inputShapes(of: layer))
                + (analysis.sharedWeights[layer].map { " (weights of \(graph.layers[$0].name))" } ?? "")
        } else if node.depth == 0 {
            (kind, details) = ("model", Plural.count(node.layerCount, "layer"))
        } else {
            (kind, details) = (node.group.map { graph.groups[$0].kind.name } ?? "group", Plural.count(node.layerCount, "layer"))
        }
        let last = node.lastLayer >= 0 ? node.lastLayer : nil
        let isLayer = node.layer != nil && node.children.isEmpty
        return ReportRow(name: node.name, label: label, depth: node.depth, kind: kind, details: details, cost: node.cost,
                         outputShape: last.map { graph.layers[$0].outputShape },
                         inputShapes: node.firstLayer >= 0 ? graph.inputShapes(of: node.firstLayer) : [],
                         inputsFrom: isLayer ? graph.layers[node.layer ?? 0].inputs.map { graph.layers[$0].name } : [],
                         receptiveField: last.flatMap { analysis.receptiveFields[$0] },
                         layerCount: node.layerCount, isLayer: isLayer,
                         layer: node.layer, group: node.group, isPartial: node.isPartial, prefix: prefix)
    }
}
