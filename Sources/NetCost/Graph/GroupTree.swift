/// The groups of a graph, built once, as the graph builder adds each layer.
///
/// A layer's dotted name is its path: `features.3.dw.conv` sits in `features.3.dw`, in
/// `features.3`, in `features`, the way PyTorch names modules and specs name the layers
/// of their blocks. This is the one place that reads structure from names; whoever adds
/// the layers says what each group is (`GraphBuilder.setKind`), and a name prefix
/// nobody describes is a `.module`. Reports, checks and charts read the groups, never
/// the names' dots.
///
/// A layer may share its name with a group (a layer `a` beside a layer `a.b`): the layer
/// then sits beside the group, in the group's parent, as the names say.
public struct GroupTree: Sendable, RandomAccessCollection {
    private var groups: [LayerGroup] = []
    /// The layers and groups no group holds, in graph order.
    public private(set) var topLevel: [LayerGroup.Member] = []
    /// For each layer, the innermost group that holds it; nil at the top level.
    private var groupOfLayer: [Int?] = []
    /// Groups by their parent and the last part of their name, so that placing a layer
    /// costs one look-up per part of its name, however long the name.
    private var childIndex: [ChildKey: Int] = [:]

    private struct ChildKey: Hashable {
        /// The parent group, -1 for the top level.
        var parent: Int
        var label: Substring
    }

    public init() {}

    public var startIndex: Int { 0 }
    public var endIndex: Int { groups.count }
    public subscript(index: Int) -> LayerGroup { groups[index] }

    // MARK: Reading

    /// The group that holds layer `index` directly; nil at the top level.
    public func group(ofLayer index: Int) -> Int? {
        groupOfLayer.indices.contains(index) ? groupOfLayer[index] : nil
    }

    /// The groups that hold layer `index`, outermost first.
    public func ancestors(ofLayer index: Int) -> [Int] {
        guard let group = group(ofLayer: index) else { return [] }
        return ancestors(ofGroup: group) + [group]
    }

    /// The groups that hold group `index`, outermost first, the group itself left out.
    public func ancestors(ofGroup index: Int) -> [Int] {
        var chain: [Int] = []
        var current = groups[index].parent
        while let group = current {
            chain.append(group)
            current = groups[group].parent
        }
        return chain.reversed()
    }

    /// The first layer, in graph order, that the group holds at any depth.
    public func firstLayer(in index: Int) -> Int? {
        switch groups[index].members.first {
        case .layer(let layer)?: layer
        case .group(let group)?: firstLayer(in: group)
        case nil: nil
        }
    }

    /// Every layer the group holds, at any depth, in graph order.
    public func layers(in index: Int) -> [Int] {
        var layers: [Int] = []
        var pending = [index]
        while let group = pending.popLast() {
            for member in groups[group].members {
                switch member {
                case .layer(let layer): layers.append(layer)
                case .group(let inner): pending.append(inner)
                }
            }
        }
        return layers.sorted()
    }

    // MARK: Building

    mutating func reserveCapacity(layers count: Int) {
        groupOfLayer.reserveCapacity(count)
    }

    /// Files layer `index`, the graph's newest, under the groups its name forms, making
    /// those that do not exist yet.
    mutating func place(layer index: Int, named name: String) {
        var parent: Int?
        var start = name.startIndex
        while let dot = name[start...].firstIndex(of: ".") {
            let key = ChildKey(parent: parent ?? -1, label: name[start..<dot])
            if let existing = childIndex[key] {
                parent = existing
            } else {
                let group = groups.count
                groups.append(LayerGroup(kind: .module, name: name[..<dot], parent: parent, depth: parent.map { groups[$0].depth + 1 } ?? 1))
                append(.group(group), to: parent)
                childIndex[key] = group
                parent = group
            }
            start = name.index(after: dot)
        }
        append(.layer(index), to: parent)
        groupOfLayer.append(parent)
    }

    /// Gives each group the kind named for it; the others stay modules.
    mutating func setKinds(_ kinds: [Substring: GroupKind]) {
        guard !kinds.isEmpty else { return }
        for index in groups.indices {
            if let kind = kinds[groups[index].name] { groups[index].kind = kind }
        }
    }

    private mutating func append(_ member: LayerGroup.Member, to group: Int?) {
        if let group {
            groups[group].members.append(member)
        } else {
            topLevel.append(member)
        }
    }
}
