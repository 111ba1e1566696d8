/// Turns a spec's `layers` list into a graph.
///
/// Entries are ops (`"op"`), blocks (`"block"`, with `"rows"` a stage table) or groups
/// (`"layers"`, a nested list whose names take the group's name as prefix). An entry
/// reads the previous entry's output unless it names its `inputs`. Inputs may name any
/// layer, block or group, even one written further down: entries wait until what they
/// read exists, so the order of the file does not matter, and what never comes is
/// reported as an unknown name or a cycle. Each entry is expanded once: linear time.
struct SpecExpander {
    var builder: GraphBuilder
    let context: SpecContext

    /// Block, stage and group names, each standing for its last layer.
    private var aliases: [String: Int] = [:]
    /// Aliases defined while expanding the current item, to wake what waits on them.
    private var newAliases: [String] = []
    /// Leaf entries in document order, groups flattened.
    private var items: [Item] = []
    /// Names every item or group declares, for resolving names inside groups (and
    /// skipped by a stage table's numbering).
    private(set) var declared: Set<String> = []
    /// Group names to define once their last item is expanded, keyed by that item's name.
    private var groupEnds: [String: [String]] = [:]
    /// Items waiting for a name, keyed by the name.
    private var waiting: [String: [Int]] = [:]
    private var done: [Bool] = []
    /// The user blocks being expanded, outermost first, to refuse a block that uses itself.
    var blockPath: [String] = []

    /// One entry to expand.
    struct Item {
        var name: String
        var object: JSONObject
        /// Names it reads: its `inputs`, or the previous entry.
        var inputs: [String]
        /// Enclosing group prefixes, innermost first, for resolving names the user wrote;
        /// empty when `inputs` is the implicit previous entry, already a full name.
        var scopes: [String]
        /// The layer or block whose weights it reuses (`"share"`), resolved in the enclosing groups.
        var share: (name: String, scopes: [String])?

        /// Every name that must exist before it expands, with the scopes to resolve it in: its inputs, then its share.
        var dependencies: [(name: String, scopes: [String])] {
            inputs.map { ($0, scopes) } + (share.map { [$0] } ?? [])
        }
    }

    static let inputName = "input"

    init(builder: GraphBuilder, context: SpecContext) {
        self.builder = builder
        self.context = context
    }

    // MARK: Collecting entries

    /// Expands `entries` reading from the graph input; returns the index of the last layer.
    mutating func expand(_ entries: [JSONValue]) throws(InputError) -> Int {
        guard !entries.isEmpty else { throw InputError("the spec has no layers", field: "layers") }
        declared.reserveCapacity(entries.count)
        items.reserveCapacity(entries.count)
        builder.reserveCapacity(entries.count + 1)
        _ = try collect(entries, prefix: "", scopes: [], position: "layers", previous: Self.inputName, previousScopes: [])
        return try expandCollected()
    }

    /// Expands a user block's layers under `prefix`, its inputs known by the block's
    /// names for them; returns the index of its last entry's output.
    mutating func expandBlockBody(_ entries: [JSONValue], prefix: String, inputs: [(name: String, layer: Int)]) throws(InputError) -> Int {
        for input in inputs {
            declared.insert(prefix + input.name)
            aliases[prefix + input.name] = input.layer
        }
        _ = try collect(entries, prefix: prefix, scopes: [prefix], position: "blocks.\(blockPath.last ?? "").layers",
                        previous: prefix + inputs[0].name, previousScopes: [])
        return try expandCollected()
    }

    /// Expands the collected items, each once everything it reads exists.
    private mutating func expandCollected() throws(InputError) -> Int {
        done = Array(repeating: false, count: items.count)
        // Woken items run before the next item in document order; a stack, not
        // recursion, so a long chain of forward references cannot exhaust the stack.
        for index in items.indices {
            var ready = [index]
            while let next = ready.popLast() {
                ready += try attempt(next).reversed()
            }
        }
        if let stuck = done.firstIndex(of: false) { throw unresolved(stuck) }
        guard let last = items.last, let output = lookup(last.name, scopes: []) else {
            throw InputError("the spec has no layers", field: "layers")
        }
        return output
    }

    /// Flattens a list of entries into items; returns the name of the list's last entry.
    /// `previous` is what the first entry reads by default, resolved in `previousScopes`.
    private mutating func collect(_ entries: [JSONValue], prefix: String, scopes: [String], position: String,
                                  previous: String, previousScopes: [String]) throws(InputError) -> String {
        var previous = previous
        var previousScopes = previousScopes
        for (offset, entry) in entries.enumerated() {
            // Where the entry sits, for messages: `layers[3].layers[1]`; built only when needed.
            let here = { "\(position)[\(offset)]" }
            guard case .object(let object) = entry else {
                throw InputError("expected a layer object, got \(entry.typeDescription)", line: nil, layer: here())
            }
            let name: String
            switch object["name"] {
            case nil: name = prefix + String(offset)
            case .string(let given)? where !given.isEmpty && !given.utf8.contains(where: { $0 <= 0x20 }): name = prefix + given
            case let other?:
                throw InputError("expected a non-empty name without spaces, got \(other.compactText)", line: object.line, layer: here(), field: "name")
            }
            guard name != Self.inputName, declared.insert(name).inserted else {
                throw InputError("the name \"\(name)\" is used twice; names must be unique", line: object.line, layer: here(), field: "name")
            }
            let inputs = try Self.inputNames(object, default: previous, position: here())
            let explicit = object["inputs"] != nil
            if case .array(let children)? = object["layers"] {
                let allowed: Set<String> = ["name", "layers", "inputs"]
                if let unknown = object.keys.first(where: { !allowed.contains($0) }) {
                    throw InputError("unknown field in a group (a group has name, inputs and layers)", line: object.line, layer: name, field: unknown)
                }
                guard !children.isEmpty else { throw InputError("a group needs at least one layer", line: object.line, layer: name, field: "layers") }
                // The group's first entry reads what the group reads.
                let first = inputs.count == 1 ? inputs[0] : nil
                guard let first else {
                    throw InputError("a group reads one input; put multi-input layers inside it", line: object.line, layer: name, field: "inputs")
                }
                builder.setKind(.list, ofGroup: name)
                let last = try collect(children, prefix: name + ".", scopes: [name + "."] + scopes, position: here() + ".layers",
                                       previous: first, previousScopes: explicit ? scopes : previousScopes)
                groupEnds[last, default: []].append(name)
            } else {
                var share: (name: String, scopes: [String])?
                switch object["share"] {
                case nil: break
                case .string(let owner)?: share = (owner, scopes)
                case let other?:
                    throw InputError("expected the name of a layer or block, got \(other.compactText)", line: object.line, layer: name, field: "share")
                }
                items.append(Item(name: name, object: object, inputs: inputs, scopes: explicit ? scopes : previousScopes, share: share))
            }
            previous = name
            previousScopes = []
        }
        return previous
    }

    /// The names an entry reads: its `inputs` (a name or a list of names), or `previous`.
    private static func inputNames(_ object: JSONObject, default previous: String, position: @autoclosure () -> String) throws(InputError) -> [String] {
        switch object["inputs"] {
        case nil: return [previous]
        case .string(let name)?: return [name]
        case .array(let names)?:
            var result: [String] = []
            for name in names {
                guard case .string(let text) = name else {
                    throw InputError("expected layer names, got \(name.compactText)", line: object.line, layer: position(), field: "inputs")
                }
                result.append(text)
            }
            guard !result.isEmpty else { throw InputError("an empty list reads nothing", line: object.line, layer: position(), field: "inputs") }
            return result
        case let other?:
            throw InputError("expected a layer name or a list of names, got \(other.typeDescription)", line: object.line, layer: position(), field: "inputs")
        }
    }

    // MARK: Resolving and expanding

    /// The layer a name stands for: a layer, a block or group alias, or the graph input.
    /// Inside a group, the group's own names are tried first.
    private func lookup(_ name: String, scopes: [String]) -> Int? {
        for scope in scopes where declared.contains(scope + name) {
            return builder.index(of: scope + name) ?? aliases[scope + name]
        }
        // Inside a user block only the block's own names resolve: a layer outside it may
        // not exist yet when the block expands, and the answer must not hang on the file's order.
        if let prefix = blockPath.isEmpty ? nil : scopes.last, !name.hasPrefix(prefix) { return nil }
        return builder.index(of: name) ?? aliases[name]
    }

    /// Expands the item if everything it reads exists, else parks it on the first
    /// missing name. Returns the items that its new names woke.
    private mutating func attempt(_ index: Int) throws(InputError) -> [Int] {
        guard !done[index] else { return [] }
        let item = items[index]
        // What it reads, and the layer or block whose weights it shares: both must exist first.
        var inputs: [Int] = []
        for (name, scopes) in item.dependencies {
            guard let layer = lookup(name, scopes: scopes) else {
                waiting[fullName(name, scopes: scopes), default: []].append(index)
                return []
            }
            if inputs.count < item.inputs.count { inputs.append(layer) }
        }
        done[index] = true
        let before = builder.layers.count
        let output: Int
        do {
            output = try expandItem(item, inputs: inputs)
            if let share = item.share {
                try shareWeights(of: item.name, from: fullName(share.name, scopes: share.scopes), layers: before..<builder.layers.count)
            }
        } catch {
            var located = error
            if located.line == nil { located.line = item.object.line == 0 ? nil : item.object.line }
            throw located
        }
        defineAlias(item.name, output)
        // Wake what waited on the new names; a group is defined when its last item is.
        // In a spec read top to bottom nothing waits: skip the bookkeeping.
        if waiting.isEmpty && groupEnds.isEmpty {
            newAliases.removeAll(keepingCapacity: true)
            return []
        }
        var woken: [Int] = []
        var defined = newAliases
        newAliases.removeAll()
        for layer in builder.layers[before...] { defined.append(layer.name) }
        var cursor = 0
        while cursor < defined.count {
            let name = defined[cursor]
            cursor += 1
            if !groupEnds.isEmpty, let groups = groupEnds[name] {
                for group in groups {
                    aliases[group] = output
                    defined.append(group)
                }
            }
            if !waiting.isEmpty, let waiters = waiting.removeValue(forKey: name) { woken += waiters }
        }
        return woken.sorted()
    }

    private mutating func expandItem(_ item: Item, inputs: [Int]) throws(InputError) -> Int {
        let object = item.object
        var fields = LayerFields(object, layer: item.name, context: context, alreadyRead: ["name", "inputs", "share"])
        if case .string(let op)? = fields.value("op") {
            guard let entry = OpTable.byName[op] else {
                throw fields.error("unknown op \"\(op)\"\(Suggestion.phrase(for: op, among: OpTable.names)); `netcost ops` lists them", field: "op")
            }
            let operation = try entry.decode(&fields, inputs.map { builder.shape(of: $0) })
            let call = try fields.choice("pytorch", from: PyTorchCall.allCases.map(\.rawValue), default: "module")
            try fields.finish()
            let index = try builder.add(name: item.name, operation: operation, inputs: inputs)
            builder.setPyTorchCall(PyTorchCall(rawValue: call) ?? .module, ofLayer: index)
            return index
        }
        if case .string(let block)? = fields.value("block") {
            let expand: BlockExpander, kind: GroupKind
            if let user = context.blocks[block] {
                expand = { (expander: inout SpecExpander, fields: inout LayerFields, name: String, inputs: [Int]) throws(InputError) -> Int in
                    try expander.expandUserBlock(user, &fields, name, inputs)
                }
                kind = .userBlock(block)
            } else if let builtin = BlockTable.byName[block] {
                (expand, kind) = (builtin.expand, .block(builtin.kind))
            } else {
                let known = BlockTable.names + context.blocks.keys.sorted()
                throw fields.error("unknown block \"\(block)\"\(Suggestion.phrase(for: block, among: known)); `netcost ops` lists the built-in ones", field: "block")
            }
            if fields.has("rows") {
                builder.setKind(.stageTable, ofGroup: item.name)
                return try expandStages(&fields, kind: kind, expand: expand, input: try single(inputs, fields))
            }
            builder.setKind(kind, ofGroup: item.name)
            let output = try expand(&self, &fields, item.name, inputs)
            try fields.finish()
            return output
        }
        if let kind = object["op"] ?? object["block"] {
            throw fields.error("expected a name, got \(kind.typeDescription)", field: object["op"] != nil ? "op" : "block")
        }
        throw fields.error("each entry needs \"op\" (one layer), \"block\" (a block or stage table) or \"layers\" (a group)")
    }

    /// The full name a name written inside `scopes` stands for.
    private func fullName(_ name: String, scopes: [String]) -> String {
        scopes.first(where: { declared.contains($0 + name) }).map { $0 + name } ?? name
    }

    /// The layer a full name stands for (a layer, or a block's or group's output), after expansion.
    func resolve(_ name: String) -> Int? { lookup(name, scopes: []) }

    /// Lets `name` stand for layer `index` (a block's or stage's output), unless a layer has that name.
    mutating func defineAlias(_ name: String, _ index: Int) {
        guard builder.index(of: name) == nil, aliases[name] == nil else { return }
        aliases[name] = index
        newAliases.append(name)
    }

    /// The one input of a layer that takes one.
    func single(_ inputs: [Int], _ fields: LayerFields) throws(InputError) -> Int {
        guard inputs.count == 1 else { throw fields.error("takes 1 input, got \(inputs.count)", field: "inputs") }
        return inputs[0]
    }

    // MARK: Unresolved names

    /// Why item `index` never ran: a cycle among waiting items, or a name nothing defines.
    private func unresolved(_ index: Int) -> InputError {
        var chain: [Int] = []
        var current = index
        while !chain.contains(current) {
            chain.append(current)
            let item = items[current]
            guard let (missing, scopes) = item.dependencies.first(where: { lookup($0.name, scopes: $0.scopes) == nil }) else { break }
            guard let next = pendingItem(defining: missing, scopes: scopes) else {
                // Inside a block, only the block's own names are candidates for "did you mean".
                let inBlock = blockPath.isEmpty ? nil : scopes.last
                let known = (Array(declared) + builder.layers.map(\.name) + [Self.inputName]).filter { inBlock.map($0.hasPrefix) ?? true }
                let isShare = item.share?.name == missing && !item.inputs.contains(missing)
                let hint = blockPath.isEmpty ? "" : "; a block's layers read and share only its inputs and its own layers"
                return InputError("\(isShare ? "shares the weights of" : "reads") \"\(missing)\", which no layer\(isShare ? " or block" : "") is called\(Suggestion.phrase(for: missing, among: known))\(hint)",
                                  line: item.object.line, layer: item.name, field: isShare ? "share" : "inputs")
            }
            current = next
        }
        let loop = chain.drop(while: { $0 != current }).map { items[$0].name } + [items[current].name]
        let reads = zip(loop, loop.dropFirst()).map { "\($0) reads \($1)" }
        let sharing = chain.contains { items[$0].share != nil }
        return InputError("the inputs\(sharing ? " and shared weights" : "") form a cycle: \(reads.joined(separator: ", "))",
                          line: items[current].object.line, layer: items[current].name, field: "inputs")
    }

    /// The pending item that would define `name`: an item of that name, the last item
    /// of a group of that name, or a block whose sub-layers carry it as a prefix. The
    /// full names are tried in the order `lookup` resolves them (innermost scope first),
    /// and the pending items in document order, never in `groupEnds`' hashed order: the
    /// explanation must not change from run to run.
    private func pendingItem(defining name: String, scopes: [String]) -> Int? {
        let candidates = scopes.map { $0 + name } + [name]
        let pending = items.indices.filter { !done[$0] }
        for candidate in candidates {
            if let item = pending.first(where: { items[$0].name == candidate }) { return item }
            if let item = pending.first(where: { groupEnds[items[$0].name]?.contains(candidate) ?? false }) { return item }
        }
        return pending.first { item in candidates.contains { $0.hasPrefix(items[item].name + ".") } }
    }
}
