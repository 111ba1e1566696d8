import ArgumentParsing
import NetCost

/// `netcost ops`: the op table and the block table; `netcost ops NAME`: one op's fields.
struct OpsCommand: Subcommand {
    static let spec = CommandSpec(
        name: "ops",
        abstract: "List the ops and blocks a spec may use, with what each computes.",
        discussion: """
        With a NAME, that op's spec fields in the order netcost reads them, each with its \
        default or "required", and where docs/counting.md gives its formulas. Formulas for \
        every op's params, MACs, FLOPs, memory access and receptive field: docs/counting.md.
        """,
        arguments: [ArgumentSpec("NAME", help: "an op or block, such as conv2d or inverted_residual", optional: true,
                                 completes: .words(OpTable.entries.map(\.name) + BlockTable.entries.map(\.name)))],
        options: [SharedOptions.format(["text", "markdown"])],
        examples: ["netcost ops", "netcost ops conv2d", "netcost ops avgpool2d --format markdown"])

    let name: String?
    let markdown: Bool

    init(_ arguments: ParsedArguments) throws(UsageError) {
        name = arguments.argument("NAME")
        markdown = arguments.string("format") == "markdown"
    }

    func run() throws -> ExitStatus {
        if let name { return try describe(name) }
        var ops = Table(columns: [Table.Column("Op"), Table.Column("Family"), Table.Column("What it is")])
        for entry in OpTable.entries { ops.append([entry.name, entry.family.rawValue, entry.summary]) }
        var blocks = Table(columns: [Table.Column("Block"), Table.Column("What it expands to")])
        for entry in BlockTable.entries { blocks.append([entry.name, entry.summary]) }
        print(markdown ? ops.markdown() : ops.text())
        print()
        print(markdown ? blocks.markdown() : blocks.text())
        return .success
    }

    /// One op: its summary, family, fields and where its formulas are.
    private func describe(_ name: String) throws(InputError) -> ExitStatus {
        if let block = BlockTable.entries.first(where: { $0.name.lowercased() == name.lowercased() }) {
            print("\(block.name): a block. \(block.summary)")
            print("Its fields and what it expands to: docs/spec-format.md#blocks.")
            return .success
        }
        guard let entry = OpTable.entries.first(where: { $0.name.lowercased() == name.lowercased() }) else {
            let names = OpTable.entries.map(\.name) + BlockTable.entries.map(\.name)
            throw InputError("no op or block is called \"\(name)\"\(Suggestion.phrase(for: name, among: names)); `netcost ops` lists them",
                             field: "NAME")
        }
        // The decoder, run on no fields, asks for every field it reads; the probe notes
        // each with its default. The inputs are a feature map (two, for joins).
        let probe = FieldProbe()
        var fields = LayerFields(JSONObject(), layer: entry.name, context: SpecContext())
        fields.probe = probe
        let map = try TensorShape([1, 32, 56, 56], batchAxis: 0)
        _ = try? entry.decode(&fields, [map, map])
        var table = Table(columns: [Table.Column("Field"), Table.Column("Default")])
        for field in probe.fields where field.name != "name" {
            let text: String
            switch field.fallback {
            case .required: text = "required"
            case .requiredOneOf(let choices): text = "required: " + choices.joined(separator: ", ")
            case .optional: text = "none"
            case .value(let value): text = value
            }
            table.append([field.name, text])
        }
        let heading = "\(entry.name): \(entry.summary)"
        print(markdown ? "## " + heading : heading)
        print("Family: \(entry.family.rawValue). Params, MACs, FLOPs, memory access and receptive field: docs/counting.md#\(Self.section(entry.family)).")
        print()
        if table.rows.isEmpty {
            print("No fields besides \"name\", \"op\" and \"inputs\".")
        } else {
            print(markdown ? table.markdown() : table.text())
            print()
            print("Every op also takes \"name\", \"op\" and \"inputs\" (docs/spec-format.md).")
        }
        return .success
    }

    /// The heading of docs/counting.md that gives the family's formulas.
    private static func section(_ family: OpFamily) -> String {
        switch family {
        case .source: "shape-rules"
        case .convolution: "convolutions"
        case .linear: "linear-algebra"
        case .normalization: "normalization"
        case .activation: "activations"
        case .pooling: "pooling"
        case .elementwise: "element-wise"
        case .joining, .reshaping, .resampling: "data-movement"
        case .fused: "the-deployed-graph---fuse"
        case .unknown: "unknown-ops"
        }
    }
}
