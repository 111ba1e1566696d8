extension CompletionScript {
    /// A fish script: one `complete` line per subcommand, option and argument, each
    /// option with its help as the description. An option's value is required (`-r`);
    /// files are offered only where a `FILE` or a model goes (`-F`), nowhere else (`-f`).
    static func fish(program: String, commands: [CommandSpec]) -> String {
        let using = "__fish_\(identifier(program))_using"
        let names = commands.map(\.name).joined(separator: " ")
        var lines = [
            "# fish completion for \(program), written by `\(program) completions fish` from its option declarations.",
            "# Install it with: \(installLine(for: .fish, program: program))",
            "",
            "# Whether the subcommand on the command line is $argv[1] (\"\" for none yet).",
            "function \(using)",
            "    set -l words (commandline -opc)",
            "    if test (count $words) -lt 2",
            "        test -z \"$argv[1]\"",
            "    else",
            "        test \"$words[2]\" = \"$argv[1]\"",
            "    end",
            "end",
            "",
            "complete -c \(program) -f",
            "complete -c \(program) -n '\(using) \"\"' -s h -l help -d 'show the overview'",
            "complete -c \(program) -n '\(using) \"\"' -l version -d 'print the version'",
        ]
        lines += commands.map { "complete -c \(program) -n '\(using) \"\"' -a \($0.name) -d \(fishQuoted($0.abstract))" }
        lines += [
            "complete -c \(program) -n '\(using) \"\"' -a help -d 'Explain a subcommand.'",
            "complete -c \(program) -n '\(using) help' -a '\(names)'",
        ]
        for command in commands {
            lines += ["", "# \(program) \(command.name)"]
            let condition = "-n '\(using) \(command.name)'"
            for option in command.options {
                var line = "complete -c \(program) \(condition)"
                if let short = option.short { line += " -s \(short)" }
                line += " -l \(option.name)"
                if !option.isFlag { line += fishValue(option.completion) }
                lines.append(line + " -d \(fishQuoted(option.help))")
            }
            // Positional arguments: fish does not tell them apart by position.
            for argument in command.arguments {
                var line = "complete -c \(program) \(condition)"
                if !argument.completion.words.isEmpty { line += " -a '\(argument.completion.words.joined(separator: " "))'" }
                if argument.completion.offersFiles { line += " -F" }
                lines.append(line)
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// ` -r -F`, ` -x -a 'a b'` or ` -x`: what follows an option with a value.
    private static func fishValue(_ completion: ValueCompletion) -> String {
        let words = completion.words.isEmpty ? "" : " -a '\(completion.words.joined(separator: " "))'"
        return (completion.offersFiles ? " -r -F" : " -x") + words
    }

    /// Text in single quotes for fish, where only `\` and `'` are escaped.
    private static func fishQuoted(_ text: String) -> String {
        "'" + text.replacingAll("\\", with: "\\\\").replacingAll("'", with: "\\'") + "'"
    }
}
