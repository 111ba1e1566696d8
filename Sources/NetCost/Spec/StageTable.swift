extension SpecExpander {
    /// Column names as the papers print them.
    static let columnAliases = ["t": "expand", "c": "out", "n": "repeat", "s": "stride", "k": "kernel"]

    /// A stage table: the papers' `(t, c, n, s)` rows. Each row adds `ceil(n·d)` blocks
    /// (d the depth multiplier); the first block of a row takes the row's stride, the
    /// others stride 1. Every other field of the entry is shared by all blocks, but for
    /// `stochastic_depth`, the rate of the last block: block `i` of `b` gets `rate·i/b`,
    /// rising from 0 as torchvision's EfficientNet sets it.
    ///
    /// Block names: with `"numbering": "continuous"` (default) `name.k`, k counting on
    /// from `first_index` (0) across rows (`features.1` … `features.17`), skipping a name
    /// another entry declares; with
    /// `"nested"` `name{first_index + row}.i` (`layer1.0`, `stage2.3`; a name ending in
    /// "." gives `features.1.0`).
    mutating func expandStages(_ fields: inout LayerFields, kind: GroupKind, expand: BlockExpander, input: Int) throws(InputError) -> Int {
        let name = fields.layer
        guard case .array(let columnValues)? = fields.value("columns") else {
            throw fields.error("a stage table needs \"columns\", the field each row value sets (t, c, n, s or field names)", field: "columns")
        }
        var columns: [String] = []
        for column in columnValues {
            guard case .string(let text) = column else { throw fields.error("expected column names, got \(column.compactText)", field: "columns") }
            columns.append(Self.columnAliases[text] ?? text)
        }
        guard case .array(let rows)? = fields.value("rows"), !rows.isEmpty else {
            throw fields.error("expected a non-empty array of rows", field: "rows")
        }
        let nested = try fields.choice("numbering", from: ["continuous", "nested"], default: "continuous") == "nested"
        let firstIndex = try fields.int("first_index", default: 0, minimum: 0)
        let tableKeys: Set<String> = ["name", "inputs", "block", "rows", "columns", "numbering", "first_index", "share"]
        let shared = fields.object.entries.filter { !tableKeys.contains($0.key) && $0.key != "stochastic_depth" }
        let dropRate = try fields.double("stochastic_depth", default: 0)
        guard dropRate >= 0, dropRate < 1 else { throw fields.error("expected a probability from 0 up to 1", field: "stochastic_depth") }
        var blocks = 0.0, block = 0.0
        if dropRate > 0 {
            guard columns.contains("repeat") else {
                throw fields.error("a rate over the blocks needs their count: add a repeat (n) column", field: "stochastic_depth")
            }
        }
        if dropRate > 0, let repeatColumn = columns.firstIndex(of: "repeat") {
            for case .array(let values) in rows where values.count == columns.count {
                if case .integer(let count) = values[repeatColumn] { blocks += context.scaling.repeats(min(max(count, 1), LayerFields.maximumSize)).rounded(.down) }
            }
        }

        var last = input
        var counter = firstIndex
        for (rowIndex, rowValue) in rows.enumerated() {
            guard case .array(let values) = rowValue, values.count == columns.count else {
                throw fields.error("row \(rowIndex) must be an array of \(columns.count) values (\(columns.joined(separator: ", ")))", field: "rows")
            }
            var rowEntries = shared
            var repeats = 1
            for (column, value) in zip(columns, values) {
                if column == "repeat" {
                    guard case .integer(let count) = value, count >= 1, count <= LayerFields.maximumSize else {
                        throw fields.error("row \(rowIndex): repeat must be a positive whole number, got \(value.compactText)", field: "rows")
                    }
                    repeats = count
                } else {
                    rowEntries.removeAll { $0.key == column }
                    rowEntries.append((column, value))
                }
            }
            let scaled = context.scaling.repeats(repeats)
            guard scaled >= 1, scaled <= Double(LayerFields.maximumSize) else {
                throw fields.error("row \(rowIndex): depth multiplier \(context.scaling.depth) gives \(scaled) repeats", field: "rows")
            }
            // Each repeat adds at least one layer: refuse a row that cannot fit before expanding any of it.
            guard scaled <= Double(builder.limits.layers - builder.layers.count) else {
                throw fields.error("row \(rowIndex): \(NumberFormat.grouped(Int(scaled))) repeats: " + builder.limits.tooManyLayers(), field: "rows")
            }
            for repeatIndex in 0..<Int(scaled) {
                var entries = rowEntries
                if blocks > 0 {
                    entries.append(("stochastic_depth", .number(dropRate * block / blocks)))
                    block += 1
                }
                // Later blocks of a row take stride 1, where the row sets one (a user block may have no stride).
                if repeatIndex > 0, entries.contains(where: { $0.key == "stride" }) {
                    entries.removeAll { $0.key == "stride" }
                    entries.append(("stride", .integer(1)))
                }
                // Continuous numbers skip a name another entry declares: MobileNetV2's head
                // is `features.18`, and a depth multiplier numbers the blocks past 17.
                while !nested && declared.contains("\(name).\(counter)") { counter += 1 }
                let blockName = nested ? "\(name)\(firstIndex + rowIndex).\(repeatIndex)" : "\(name).\(counter)"
                counter += 1
                var blockFields = LayerFields(JSONObject(entries, line: fields.object.line), layer: blockName, context: context)
                builder.setKind(kind, ofGroup: blockName)
                last = try expand(&self, &blockFields, blockName, [last])
                try blockFields.finish()
                defineAlias(blockName, last)
            }
            if nested {
                defineAlias("\(name)\(firstIndex + rowIndex)", last)
                builder.setKind(.stage, ofGroup: "\(name)\(firstIndex + rowIndex)")
            }
        }
        for key in shared.map(\.key) { fields.markRead(key) }
        return last
    }
}
