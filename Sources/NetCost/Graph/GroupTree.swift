/// The groups of a graph, built once, as the graph builder adds each layer.
///
/// A layer's dotted name is its path: `features.3.dw.conv` sits in `features.3.dw`, in
/// `features.3`, in `features`, the way PyTorch names modules and specs name the layers
/// of their blocks. This is the one place that reads structure from names; whoever adds
/// the layers says what each group is (`GraphBuilder.setKind`), and a name prefix
/// nobody describes is a `.module`. Reports, checks and charts read the groups, never
/// the names' dots.
///
/// Each layer knows the group that holds it and each group its parent; what a group
/// holds is found from those. A layer may share its name with a group (a layer `a`
/// beside a layer `a.b`): the layer then sits beside the group, as the names say.
public struct GroupTree: Sendable, RandomAccessCollection {
    private var groups: [LayerGroup] = []
    /// For each layer, the innermost group that holds it; nil at the top level.
    private var groupOfLayer: [Int?] = []
    /// Groups by their parent and the last part of their name, so that placing a layer
    /// costs one look-up per part of its name, however long the name.
    private var childIndex: [ChildKey: Int] = [:]
    /// The group the newest layer went into, if any: consecutive layers mostly share it
    /// or one around it (`x.expand.act`, then `x.dw.conv`), and comparing names with
    /// it is cheaper than looking each part up.
    private var lastGroup: Int?

    private struct ChildKey: Hashable {
        /// The parent group, -1 for the top level.
        var parent: Int
        /// A `String`, not a slice: parts of names are short, and short strings hash
        /// and compare without touching the heap.
        var label: String
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

    /// The layers and groups that `group` holds directly (nil: those no group holds),
    /// in the order their first layers come in the graph. A pass over every layer and
    /// group: ask once per group, not once per layer.
    public func members(of group: Int?) -> [LayerGroup.Member] {
        var members: [(first: Int, member: LayerGroup.Member)] = []
        for (layer, holder) in groupOfLayer.enumerated() where holder == group { members.append((layer, .layer(layer))) }
        for (index, child) in groups.enumerated() where child.parent == group { members.append((child.firstLayer, .group(index))) }
        return members.sorted { $0.first < $1.first }.map(\.member)
    }

    /// The layers and groups no group holds, in graph order.
    public var topLevel: [LayerGroup.Member] { members(of: nil) }

    /// Every layer the group holds, at any depth, in graph order.
    public func layers(in index: Int) -> [Int] {
        groupOfLayer.indices.filter { layer in
            var current = groupOfLayer[layer]
            while let group = current, groups[group].depth >= groups[index].depth {
                if group == index { return true }
                current = groups[group].parent
            }
            return false
        }
    }

    /// The group whose full name is `name`, if some layer's name extends it.
    public func index<Name: StringProtocol>(named name: Name) -> Int? {
        var group = -1
        var start = name.startIndex
        while true {
            let end = name[start...].firstIndex(of: ".") ?? name.endIndex
            guard let child = childIndex[ChildKey(parent: group, label: String(name[start..<end]))] else { return nil }
            group = child
            guard end < name.endIndex else { return group }
            start = name.index(after: end)
        }
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
        if let (group, rest) = nearestGroup(beginning: name) { (parent, start) = (group, rest) }
        while let dot = name[start...].firstIndex(of: ".") {
            let key = ChildKey(parent: parent ?? -1, label: String(name[start..<dot]))
            if let existing = childIndex[key] {
                parent = existing
            } else {
                let group = groups.count
                groups.append(LayerGroup(kind: .module, name: name[..<dot], label: name[start..<dot], parent: parent,
                                         depth: parent.map { groups[$0].depth + 1 } ?? 1, firstLayer: index))
                childIndex[key] = group
                parent = group
            }
            start = name.index(after: dot)
        }
        groupOfLayer.append(parent)
        lastGroup = parent
    }

    /// The deepest group around the newest layer whose name and a dot begin `name`, with
    /// the position after that dot. Four steps up cover a block's parts and stages; the
    /// look-ups do the rest, so a name of many parts costs no more than its length.
    private func nearestGroup(beginning name: String) -> (group: Int, rest: String.Index)? {
        var current = lastGroup
        for _ in 0..<4 {
            guard let group = current else { break }
            let prefix = groups[group].name.utf8
            // The same bytes, then a dot that is a character of its own (not one that a
            // combining mark extends), as the part-by-part search would find it.
            let same = name.utf8.withContiguousStorageIfAvailable { whole in
                prefix.withContiguousStorageIfAvailable { part in whole.count > part.count && whole.starts(with: part) }
            }
            if same == true {
                let dot = name.utf8.index(name.startIndex, offsetBy: prefix.count)
                if dot < name.endIndex, name[dot...].first == "." { return (group, name.index(after: dot)) }
            }
            current = groups[group].parent
        }
        return nil
    }

    /// Gives the group of each name its kind; the others stay modules.
    mutating func setKinds(_ kinds: [String: GroupKind]) {
        // Found part by part, not by hashing every group's whole name, which a name of
        // many parts would make quadratic.
        for (name, kind) in kinds {
            if let index = index(named: name) { groups[index].kind = kind }
        }
    }
}
