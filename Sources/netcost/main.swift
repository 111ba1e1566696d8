import ArgumentParsing
import Foundation
import NetCost

let program = "netcost"
let version = "0.1.0"
let abstract = "netcost: what a neural-network architecture costs (params, MACs, FLOPs, memory access, receptive field) before you train or ship it."

@MainActor
func main() -> ExitStatus {
    let specs = subcommands.map { $0.spec }
    do {
        switch try ArgumentParser.parse(Array(CommandLine.arguments.dropFirst()), commands: specs, suggest: Suggestion.nearest) {
        case .help(nil):
            print(Help.overview(program: program, abstract: abstract, commands: specs))
        case .help(let name?):
            if let spec = specs.first(where: { $0.name == name }) { print(Help.command(spec, program: program)) }
        case .version:
            print("\(program) \(version)")
        case .run(let arguments):
            guard let command = subcommands.first(where: { $0.spec.name == arguments.command }) else { return .usage }
            do {
                return try command.init(arguments).run()
            } catch let error as InputError {
                // An error found after loading (in the analysis, the executor) names the model it came from.
                throw arguments.argument("MODEL").map { error.inFile($0) } ?? error
            }
        }
        return .success
    } catch let error as UsageError {
        Diagnostics.error(error.message)
        if let name = error.command, let spec = specs.first(where: { $0.name == name }) {
            Diagnostics.note("usage: " + Help.usage(spec, program: program))
            Diagnostics.note("see '\(program) \(name) --help'")
        } else {
            Diagnostics.note("see '\(program) --help'")
        }
        return .usage
    } catch let error as InputError {
        Diagnostics.error(error.description)
        return .failure
    } catch {
        Diagnostics.error("\(error)")
        return .failure
    }
}

exit(main().rawValue)
