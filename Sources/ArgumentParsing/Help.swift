/// Help screens derived from the command declarations.
public enum Help {
    /// The program's overview: what it is and its subcommands, one line each.
    public static func overview(program: String, abstract: String, commands: [CommandSpec]) -> String {
        var lines = [abstract, "", "USAGE: \(program) <subcommand> [options]", "", "SUBCOMMANDS:"]
        let width = (commands.map(\.name.count).max() ?? 0) + 2
        for command in commands {
            lines.append("  " + command.name.padding(width) + command.abstract)
        }
        lines += ["", "See '\(program) help <subcommand>' or '\(program) <subcommand> --help' for details."]
        return lines.joined(separator: "\n")
    }

    /// One subcommand's help: abstract, usage, discussion, arguments, options, examples.
    public static func command(_ command: CommandSpec, program: String) -> String {
        var lines = [command.abstract, "", "USAGE: " + usage(command, program: program)]
        if !command.discussion.isEmpty { lines += ["", command.discussion] }
        let rows = command.arguments.map { ($0.name, $0.help) }
            + command.options.map { option -> (String, String) in
                var help = option.help
                if let choices = option.choices { help += " (\(choices.joined(separator: "|")))" }
                if let value = option.defaultValue { help += " (default: \(value))" }
                return (option.signature, help)
            }
            + [("-h, --help", "this help")]
        let width = (rows.map(\.0.count).max() ?? 0) + 2
        if !command.arguments.isEmpty {
            lines += ["", "ARGUMENTS:"]
            lines += rows.prefix(command.arguments.count).map { "  " + $0.0.padding(width) + $0.1 }
        }
        lines += ["", "OPTIONS:"]
        lines += rows.dropFirst(command.arguments.count).map { "  " + $0.0.padding(width) + $0.1 }
        if !command.examples.isEmpty {
            lines += ["", "EXAMPLES:"]
            lines += command.examples.map { "  " + $0 }
        }
        return lines.joined(separator: "\n")
    }

    /// `netcost report [options] SPEC`.
    public static func usage(_ command: CommandSpec, program: String) -> String {
        let arguments = command.arguments.map { $0.isOptional ? "[\($0.name)]" : $0.name }
        return ([program, command.name, "[options]"] + arguments).joined(separator: " ")
    }
}

private extension String {
    func padding(_ width: Int) -> String {
        count >= width ? self + "  " : self + String(repeating: " ", count: width - count)
    }
}
