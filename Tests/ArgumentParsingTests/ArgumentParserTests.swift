import ArgumentParsing
import Testing

@Suite("Argument parser")
struct ArgumentParserTests {
    static let report = CommandSpec(
        name: "report", abstract: "Print costs.",
        arguments: [ArgumentSpec("MODEL", help: "a model")],
        options: [.value("depth", "N", help: "fold depth"),
                  .flag("flat", help: "no tree"),
                  .value("format", short: "f", "FORMAT", help: "output format", choices: ["text", "json"], default: "text"),
                  .value("width", "ALPHA", help: "width multiplier")])
    static let models = CommandSpec(name: "models", abstract: "List models.")
    static let commands = [report, models]

    private func run(_ arguments: [String]) throws -> ParsedArguments {
        guard case .run(let parsed) = try ArgumentParser.parse(arguments, commands: Self.commands) else {
            throw UsageError("not a run")
        }
        return parsed
    }

    @Test func optionsInEveryForm() throws {
        let parsed = try run(["report", "net.json", "--depth", "2", "--flat", "-f", "json", "--width=0.5"])
        #expect(parsed.argument("MODEL") == "net.json")
        #expect(try parsed.int("depth") == 2)
        #expect(parsed.flag("flat"))
        #expect(parsed.string("format") == "json")
        #expect(try parsed.double("width", in: 0...2) == 0.5)
    }

    @Test func quantitiesTakeAUnitLetter() throws {
        let parsed = ParsedArguments(command: "verify", values: ["macs": "100G", "memory": "512m", "plain": "7", "bad": "1X", "huge": "9999999999T"])
        let decimal = ParsedArguments.decimalUnits, binary = ParsedArguments.binaryUnits
        #expect(try parsed.quantity("macs", units: decimal, in: 1...Int.max, example: "5G") == 100_000_000_000)
        #expect(try parsed.quantity("memory", units: binary, in: 1...Int.max, example: "8G") == 512 * 1_048_576)
        #expect(try parsed.quantity("plain", units: decimal, in: 1...Int.max, example: "5G") == 7)
        #expect(try parsed.quantity("absent", units: decimal, in: 1...Int.max, example: "5G") == nil)
        #expect(throws: UsageError("--bad expects a number such as 5G, got \"1X\"", command: "verify")) {
            try parsed.quantity("bad", units: decimal, in: 1...Int.max, example: "5G")
        }
        // 9,999,999,999 × 10¹² overflows 64 bits: refused, not trapped.
        #expect(throws: UsageError("--huge must be between 1 and 1000, got \"9999999999T\"", command: "verify")) {
            try parsed.quantity("huge", units: decimal, in: 1...1000, example: "5G")
        }
        #expect(throws: UsageError("--plain must be between 10 and 1000, got \"7\"", command: "verify")) {
            try parsed.quantity("plain", units: decimal, in: 10...1000, example: "5G")
        }
    }

    @Test func doubleDashEndsOptions() throws {
        let parsed = try run(["report", "--", "--odd-name.json"])
        #expect(parsed.argument("MODEL") == "--odd-name.json")
    }

    @Test func helpAnywhereAsksForTheCommandsHelp() throws {
        #expect(try ArgumentParser.parse(["report", "x", "--help"], commands: Self.commands) == .help(command: "report"))
        #expect(try ArgumentParser.parse(["help", "models"], commands: Self.commands) == .help(command: "models"))
        #expect(try ArgumentParser.parse([], commands: Self.commands) == .help(command: nil))
        #expect(try ArgumentParser.parse(["--version"], commands: Self.commands) == .version)
    }

    @Test(arguments: [
        (["report"], "missing MODEL"),
        (["report", "a", "b"], "unexpected argument \"b\""),
        (["report", "a", "--depth"], "--depth needs a value"),
        (["report", "a", "--format", "yaml"], "must be one of text, json"),
        (["report", "a", "--flat=yes"], "is a flag"),
        (["report", "a", "--depht", "2"], "unknown option --depht"),
        (["report", "a", "--depth", "1", "--depth", "2"], "given twice"),
        (["reprot"], "unknown subcommand \"reprot\""),
    ])
    func misuseIsAUsageError(_ arguments: [String], _ expected: String) {
        do {
            _ = try ArgumentParser.parse(arguments, commands: Self.commands)
            Issue.record("accepted \(arguments)")
        } catch {
            #expect(error.message.contains(expected), "\(arguments): \(error.message)")
        }
    }

    @Test func suggestionsComeFromTheCaller() {
        do {
            _ = try ArgumentParser.parse(["reprot"], commands: Self.commands, suggest: { word, names in names.first { $0.count == word.count } })
            Issue.record("accepted")
        } catch {
            #expect(error.message.contains("did you mean \"report\""))
        }
    }

    @Test func typedAccessorsNameTheOption() {
        let parsed = ParsedArguments(command: "report", values: ["depth": "two", "width": "9", "input": "3x0x8"])
        #expect(throws: UsageError("--depth expects a whole number, got \"two\"", command: "report")) { try parsed.int("depth") }
        #expect(throws: UsageError("--width must be between 0.0 and 2.0, got 9", command: "report")) { try parsed.double("width", in: 0...2) }
        #expect(throws: UsageError.self) { try parsed.dimensions("input") }
    }

    @Test func helpLists() {
        let help = Help.command(Self.report, program: "netcost")
        #expect(help.hasPrefix("Print costs.\n\nUSAGE: netcost report [options] MODEL"))
        #expect(help.contains("-f, --format FORMAT"))
        #expect(help.contains("(text|json) (default: text)"))
        let overview = Help.overview(program: "netcost", abstract: "netcost.", commands: Self.commands)
        #expect(overview.contains("report  Print costs."))
    }
}
