/// What a shell offers in place of an argument or an option's value.
public enum ValueCompletion: Sendable, Equatable {
    /// Nothing: a number or a size the shell cannot guess.
    case nothing
    /// File paths.
    case files
    /// These words only: an option's fixed choices.
    case words([String])
    /// These words, or a file path: a model given by name or by file.
    case wordsAndFiles([String])

    var words: [String] {
        switch self {
        case .nothing, .files: []
        case .words(let words), .wordsAndFiles(let words): words
        }
    }

    var offersFiles: Bool {
        switch self {
        case .files, .wordsAndFiles: true
        case .nothing, .words: false
        }
    }
}

/// The shells `completions` writes scripts for.
public enum Shell: String, CaseIterable, Sendable {
    case bash, zsh, fish
}

/// Shell completion scripts derived from the command declarations, as the help screens
/// are: a subcommand or option added to a `CommandSpec` is completed without another line.
///
/// Each script completes the subcommands (and `help SUBCOMMAND`), each subcommand's
/// options, their choices, file paths after `FILE` options, and each positional
/// argument's `ValueCompletion` (a model: the built-in names and files).
public enum CompletionScript {
    public static func script(for shell: Shell, program: String, commands: [CommandSpec]) -> String {
        let commands = commands.map(withHelpOption)
        return switch shell {
        case .bash: bash(program: program, commands: commands)
        case .zsh: zsh(program: program, commands: commands)
        case .fish: fish(program: program, commands: commands)
        }
    }

    /// How to load each shell's script, for the help and the docs.
    public static func installLine(for shell: Shell, program: String) -> String {
        switch shell {
        case .bash: "source <(\(program) completions bash)    # in ~/.bashrc"
        case .zsh: "source <(\(program) completions zsh)     # in ~/.zshrc, after compinit"
        case .fish: "\(program) completions fish > ~/.config/fish/completions/\(program).fish"
        }
    }

    // MARK: Shared by the generators

    /// The option every subcommand takes without declaring it.
    static let helpOption = OptionSpec.flag("help", short: "h", help: "this help")

    static func withHelpOption(_ command: CommandSpec) -> CommandSpec {
        var command = command
        command.options.append(helpOption)
        return command
    }

    /// `--format` and, when it has one, `-f`.
    static func spellings(_ option: OptionSpec) -> [String] {
        (option.short.map { ["-\($0)"] } ?? []) + ["--" + option.name]
    }

    /// A name fit for a shell function: `netcost-bench` becomes `netcost_bench`.
    static func identifier(_ text: String) -> String {
        String(text.map { $0.isLetter || $0.isNumber ? $0 : "_" })
    }

    /// Text inside single quotes, in every shell here but fish: `'` becomes `'\''`.
    static func singleQuoted(_ text: String) -> String {
        "'" + text.replacingAll("'", with: "'\\''") + "'"
    }
}

extension String {
    func replacingAll(_ target: Character, with replacement: String) -> String {
        var result = ""
        for character in self { if character == target { result += replacement } else { result.append(character) } }
        return result
    }
}
