import ArgumentParsing
import NetCost

/// `netcost ops`: the op table and the block table.
struct OpsCommand: Subcommand {
    static let spec = CommandSpec(
        name: "ops",
        abstract: "List the ops and blocks a spec may use, with what each computes.",
        discussion: "Formulas for every op's params, MACs, FLOPs, memory access and receptive field: docs/counting.md.",
        options: [SharedOptions.format(["text", "markdown"])])

    let markdown: Bool

    init(_ arguments: ParsedArguments) throws(UsageError) {
        markdown = arguments.string("format") == "markdown"
    }

    func run() throws -> ExitStatus {
        var ops = Table(columns: [Table.Column("Op"), Table.Column("Family"), Table.Column("What it is")])
        for entry in OpTable.entries { ops.append([entry.name, entry.family.rawValue, entry.summary]) }
        var blocks = Table(columns: [Table.Column("Block"), Table.Column("What it expands to")])
        for entry in BlockTable.entries { blocks.append([entry.name, entry.summary]) }
        print(markdown ? ops.markdown() : ops.text())
        print()
        print(markdown ? blocks.markdown() : blocks.text())
        return .success
    }
}
