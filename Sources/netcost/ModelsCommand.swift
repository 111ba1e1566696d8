import ArgumentParsing
import NetCost

/// `netcost models`: the built-in specs.
struct ModelsCommand: Subcommand {
    static let spec = CommandSpec(
        name: "models",
        abstract: "List the built-in models, which every command accepts by name.",
        options: [SharedOptions.format(["text", "markdown", "csv", "json"])],
        examples: ["netcost models", "netcost report efficientnet_b3"])

    let format: String

    init(_ arguments: ParsedArguments) throws(UsageError) {
        format = arguments.string("format") ?? "text"
    }

    func run() throws -> ExitStatus {
        var table = Table(columns: [Table.Column("Model"), Table.Column("Input"), Table.Column("Params", right: true),
                                    Table.Column("MACs", right: true), Table.Column("Description")])
        var json = JSONWriter()
        json.beginArray()
        for name in BuiltinModels.names {
            let model = try BuiltinModels.load(name)
            let totals = try Analysis(model.graph).totals
            let machine = format == "csv" || format == "json"
            table.append([name, model.input.description,
                          machine ? String(totals.params) : NumberFormat.count(totals.params),
                          machine ? String(totals.macs) : NumberFormat.count(totals.macs),
                          machine || format == "markdown" ? model.description ?? "" : Self.abbreviated(model.description ?? "")])
            json.beginObject()
            json.field("name", name)
            json.field("input", integers: model.input.sample)
            json.field("params", totals.params)
            json.field("macs", totals.macs)
            json.field("description", model.description ?? "")
            json.endObject()
        }
        json.endArray()
        let text = switch format {
        case "json": json.text
        case "csv": table.csv()
        case "markdown": table.markdown()
        default: table.text()
        }
        print(text)
        return .success
    }

    /// A description cut to its first clause for a one-line table.
    static func abbreviated(_ text: String, limit: Int = 72) -> String {
        let clause = text.prefix { $0 != ":" && $0 != ";" }
        let cut = clause.count > limit ? String(clause.prefix(limit - 1)) + "…" : String(clause)
        return cut.hasSuffix(",") ? String(cut.dropLast()) : cut
    }
}
