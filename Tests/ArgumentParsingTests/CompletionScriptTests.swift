import ArgumentParsing
import Testing

/// Completion scripts are derived from the declarations: an option, a choice or a
/// subcommand declared once shows up in every shell's script without another line.
@Suite("Completion scripts")
struct CompletionScriptTests {
    static let commands = ArgumentParserTests.commands + [
        CommandSpec(name: "new-command", abstract: "A command added later.",
                    arguments: [ArgumentSpec("NET", help: "a net", completes: .wordsAndFiles(["net_a", "net_b"]))],
                    options: [.value("fresh", "MODE", help: "a new option's help", choices: ["one", "two"]),
                              .value("log", "FILE", help: "a file to write"),
                              .flag("quiet", short: "q", help: "say less")]),
    ]

    @Test(arguments: Shell.allCases)
    func newDeclarationsAppearInEveryScript(shell: Shell) {
        let script = CompletionScript.script(for: shell, program: "tool", commands: Self.commands)
        for word in ["new-command", "fresh", "one two", "quiet", "net_a net_b", "report", "json", "log"] {
            #expect(script.contains(word), "\(shell): \(word)")
        }
    }

    @Test func optionValuesCompleteByKind() {
        let options = Self.commands[2].options
        #expect(options[0].completion == .words(["one", "two"]))
        #expect(options[1].completion == .files)
        #expect(options[2].completion == .nothing)
        #expect(ArgumentSpec("SPEC", help: "a spec").completion == .files)
    }

    /// Help text with quotes and brackets stays inside its quotes.
    @Test func helpTextIsQuoted() {
        let command = CommandSpec(name: "odd", abstract: "It's [odd]: very.", options: [.flag("x", help: "the model's [first] 'word'")])
        let zsh = CompletionScript.script(for: .zsh, program: "tool", commands: [command])
        #expect(zsh.contains(#"'(--x)--x[the model'\''s \[first\] '\''word'\'']'"#))
        let fish = CompletionScript.script(for: .fish, program: "tool", commands: [command])
        #expect(fish.contains(#"-l x -d 'the model\'s [first] \'word\''"#))
    }
}
