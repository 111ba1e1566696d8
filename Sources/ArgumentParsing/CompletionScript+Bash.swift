extension CompletionScript {
    /// A bash script: one function per subcommand, chosen by the word after the program's
    /// name. An option's value is completed from the word before the cursor (`--name=value`
    /// too, which bash splits at `=`); a positional argument from how many came before it.
    static func bash(program: String, commands: [CommandSpec]) -> String {
        let function = "_" + identifier(program)
        let names = commands.map(\.name).joined(separator: " ")
        var lines = [
            "# bash completion for \(program), written by `\(program) completions bash` from its option declarations.",
            "# Load it with: \(installLine(for: .bash, program: program))",
            "",
            "# File paths matching $1, added to the replies.",
            "\(function)_files() {",
            "    local IFS=$'\\n'",
            "    COMPREPLY+=($(compgen -f -- \"$1\"))",
            "}",
            "",
            "# The number of the positional argument at the cursor; $1 lists the options that take a value.",
            "\(function)_position() {",
            "    local valued=\" $1 \" position=1 i=2",
            "    while (( i < COMP_CWORD )); do",
            "        if [[ ${COMP_WORDS[i+1]} == \"=\" ]]; then (( i += 3 ))",
            "        elif [[ $valued == *\" ${COMP_WORDS[i]} \"* ]]; then (( i += 2 ))",
            "        elif [[ ${COMP_WORDS[i]} == -* ]]; then (( i += 1 ))",
            "        else (( position += 1, i += 1 )); fi",
            "    done",
            "    echo \"$position\"",
            "}",
            "",
        ]
        for command in commands { lines += bash(command, function: function) + [""] }
        lines += [
            "\(function)() {",
            "    local cur=${COMP_WORDS[COMP_CWORD]} prev=\"\"",
            "    (( COMP_CWORD > 0 )) && prev=${COMP_WORDS[COMP_CWORD-1]}",
            "    # --name=value arrives as three words: --name, =, value.",
            "    if [[ $cur == \"=\" ]]; then cur=\"\"",
            "    elif [[ $prev == \"=\" ]] && (( COMP_CWORD > 1 )); then prev=${COMP_WORDS[COMP_CWORD-2]}; fi",
            "    COMPREPLY=()",
            "    if (( COMP_CWORD == 1 )); then",
            "        COMPREPLY=($(compgen -W \"\(names) help -h --help --version\" -- \"$cur\"))",
            "        return 0",
            "    fi",
            "    case ${COMP_WORDS[1]} in",
        ]
        lines += commands.map { "        \($0.name)) \(function)_\(identifier($0.name)) ;;" }
        lines += [
            "        help) (( COMP_CWORD == 2 )) && COMPREPLY=($(compgen -W \"\(names)\" -- \"$cur\")) ;;",
            "    esac",
            "    return 0",
            "}",
            "",
            "complete -o filenames -F \(function) \(program)",
        ]
        return lines.joined(separator: "\n") + "\n"
    }

    /// One subcommand's function; `cur` and `prev` are the caller's.
    private static func bash(_ command: CommandSpec, function: String) -> [String] {
        let valued = command.options.filter { !$0.isFlag }
        var lines = ["\(function)_\(identifier(command.name))() {"]
        if !valued.isEmpty {
            // Options that complete alike share one pattern.
            var groups: [(completion: ValueCompletion, spellings: [String])] = []
            for option in valued {
                if let index = groups.firstIndex(where: { $0.completion == option.completion }) {
                    groups[index].spellings += spellings(option)
                } else {
                    groups.append((option.completion, spellings(option)))
                }
            }
            lines.append("    case $prev in")
            for group in groups {
                let reply = bashReply(group.completion, function: function)
                lines.append("        \(group.spellings.joined(separator: "|"))) \(reply.isEmpty ? "" : reply + "; ")return ;;")
            }
            lines.append("    esac")
        }
        let everyOption = command.options.flatMap(spellings).joined(separator: " ")
        lines += [
            "    if [[ $cur == -* ]]; then",
            "        COMPREPLY=($(compgen -W \"\(everyOption)\" -- \"$cur\"))",
            "        return",
            "    fi",
        ]
        if !command.arguments.isEmpty {
            lines.append("    case $(\(function)_position \"\(valued.flatMap(spellings).joined(separator: " "))\") in")
            for (index, argument) in command.arguments.enumerated() {
                let reply = bashReply(argument.completion, function: function)
                lines.append("        \(index + 1)) \(reply.isEmpty ? ":" : reply) ;;")
            }
            lines.append("    esac")
        }
        lines.append("}")
        return lines
    }

    /// The commands that fill COMPREPLY for a completion; empty for none.
    private static func bashReply(_ completion: ValueCompletion, function: String) -> String {
        var parts: [String] = []
        if !completion.words.isEmpty { parts.append("COMPREPLY=($(compgen -W \"\(completion.words.joined(separator: " "))\" -- \"$cur\"))") }
        if completion.offersFiles { parts.append("\(function)_files \"$cur\"") }
        return parts.joined(separator: "; ")
    }
}
