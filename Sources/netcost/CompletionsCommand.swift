import ArgumentParsing

/// `netcost completions bash|zsh|fish`: a shell completion script, derived from the
/// subcommands' declarations.
struct CompletionsCommand: Subcommand {
    static let spec = CommandSpec(
        name: "completions",
        abstract: "Print a shell completion script for bash, zsh or fish.",
        discussion: """
        The script completes the subcommands, each one's options, the options' choices, \
        the built-in model names and file paths where a model or a FILE goes. It is made \
        from the same declarations as --help, so it knows the options of this build. \
        Load it with one line:
        """ + "\n" + Shell.allCases.map { "  " + CompletionScript.installLine(for: $0, program: program) }.joined(separator: "\n"),
        arguments: [ArgumentSpec("SHELL", help: "the shell: bash, zsh or fish", completes: .words(Shell.allCases.map(\.rawValue)))],
        examples: ["source <(netcost completions bash)", "netcost completions fish > ~/.config/fish/completions/netcost.fish"])

    let shell: Shell

    init(_ arguments: ParsedArguments) throws(UsageError) {
        let name = arguments.argument("SHELL") ?? ""
        guard let shell = Shell(rawValue: name) else {
            throw arguments.fail("SHELL must be one of \(Shell.allCases.map(\.rawValue).joined(separator: ", ")); got \"\(name)\"")
        }
        self.shell = shell
    }

    func run() throws -> ExitStatus {
        print(CompletionScript.script(for: shell, program: program, commands: subcommands.map { $0.spec }), terminator: "")
        return .success
    }
}
