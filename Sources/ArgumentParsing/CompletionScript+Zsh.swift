extension CompletionScript {
    /// A zsh script for the completion system (compinit): `_arguments` per subcommand,
    /// with each option's help as its description. It works from a directory on `fpath`
    /// (as `_PROGRAM`) and when sourced.
    static func zsh(program: String, commands: [CommandSpec]) -> String {
        let function = "_" + identifier(program)
        let described = commands.map { singleQuoted(zshEscaped($0.name, colons: true) + ":" + $0.abstract) }
        var lines = [
            "#compdef \(program)",
            "# zsh completion for \(program), written by `\(program) completions zsh` from its option declarations.",
            "# Load it with: \(installLine(for: .zsh, program: program))",
            "",
            "\(function)() {",
            "    local state line",
            "    _arguments -C \\",
            "        '(- *)'{-h,--help}'[show the overview]' \\",
            "        '(- *)--version[print the version]' \\",
            "        '1: :->command' \\",
            "        '*:: :->argument'",
            "    case $state in",
            "        command)",
            "            local -a commands=(",
        ]
        lines += described.map { "                \($0)" }
        lines += [
            "                'help:Explain a subcommand.'",
            "            )",
            "            _describe -t commands '\(program) subcommand' commands ;;",
            "        argument)",
            "            case $line[1] in",
        ]
        lines += commands.map { "                \($0.name)) \(function)_\(identifier($0.name)) ;;" }
        lines += [
            "                help) _arguments '1:subcommand:(\(commands.map(\.name).joined(separator: " ")))' ;;",
            "            esac ;;",
            "    esac",
            "}",
            "",
        ]
        for command in commands {
            lines.append("\(function)_\(identifier(command.name))() {")
            let specs = command.options.map(zshOption) + command.arguments.enumerated().map { index, argument in
                singleQuoted("\(index + 1)" + (argument.isOptional ? "::" : ":") + zshEscaped(argument.name, colons: true) + ":" + zshAction(argument.completion))
            }
            lines.append("    _arguments \\")
            lines += specs.enumerated().map { "        " + $1 + ($0 == specs.count - 1 ? "" : " \\") }
            lines += ["}", ""]
        }
        lines += [
            "# Autoloaded from fpath, complete now; sourced, register for \(program).",
            "if [[ $zsh_eval_context[-1] == loadautofunc ]]; then",
            "    \(function) \"$@\"",
            "else",
            "    compdef \(function) \(program)",
            "fi",
        ]
        return lines.joined(separator: "\n") + "\n"
    }

    /// `'(-f --format)'{-f,--format}'[output format]:FORMAT:(text json)'`.
    private static func zshOption(_ option: OptionSpec) -> String {
        let description = "[" + zshEscaped(option.help, colons: false) + "]"
        let value = option.valueName.map { ":" + zshEscaped($0, colons: true) + ":" + zshAction(option.completion) } ?? ""
        let names = spellings(option)
        // -h and --help end completion; the other options each once.
        let exclusions = option.name == helpOption.name ? "(- *)" : "(" + names.joined(separator: " ") + ")"
        guard names.count > 1 else { return singleQuoted(exclusions + names[0] + description + value) }
        return singleQuoted(exclusions) + "{" + names.joined(separator: ",") + "}" + singleQuoted(description + value)
    }

    private static func zshAction(_ completion: ValueCompletion) -> String {
        switch completion {
        case .nothing: " "
        case .files: "_files"
        case .words(let words): "(" + words.joined(separator: " ") + ")"
        case .wordsAndFiles(let words): "{_alternative 'names:name:(" + words.joined(separator: " ") + ")' 'files:file:_files'}"
        }
    }

    /// Help text made safe inside `_arguments`' brackets and fields.
    private static func zshEscaped(_ text: String, colons: Bool) -> String {
        var result = ""
        for character in text {
            if character == "[" || character == "]" || (colons && character == ":") || character == "\\" { result.append("\\") }
            result.append(character)
        }
        return result
    }
}
