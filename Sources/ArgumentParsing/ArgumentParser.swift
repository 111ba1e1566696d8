/// A command line misused: unknown option, missing value, bad number. The program
/// prints it with the command's usage line and exits with status 2.
public struct UsageError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String
    /// The subcommand whose usage to show, if known.
    public var command: String?

    public init(_ message: String, command: String? = nil) {
        self.message = message
        self.command = command
    }

    public var description: String { message }
}

/// What the user asked for.
public enum ParseResult: Sendable, Equatable {
    /// Run a subcommand.
    case run(ParsedArguments)
    /// Print help: the overview (nil) or one subcommand's.
    case help(command: String?)
    case version
}

/// Parses `program SUBCOMMAND [ARGS]` against declared subcommands.
///
/// Accepted forms: `--name value`, `--name=value`, `-n value`, flags, `--` to end
/// options; `--help`/`-h` anywhere and `help SUBCOMMAND` ask for help.
public enum ArgumentParser {
    /// Finds the known name nearest a misspelt one, for "did you mean" hints; the
    /// caller provides it so that this module stays free of policy.
    public typealias Suggester = @Sendable (_ word: String, _ candidates: [String]) -> String?

    public static func parse(_ arguments: [String], commands: [CommandSpec], suggest: Suggester? = nil) throws(UsageError) -> ParseResult {
        guard let first = arguments.first else { return .help(command: nil) }
        switch first {
        case "--help", "-h": return .help(command: nil)
        case "--version": return .version
        case "help":
            // `help help` is the overview, which says how help works.
            guard let topic = arguments.dropFirst().first, topic != "help" else { return .help(command: nil) }
            guard commands.contains(where: { $0.name == topic }) else { throw unknownCommand(topic, commands, suggest) }
            return .help(command: topic)
        default: break
        }
        guard let command = commands.first(where: { $0.name == first }) else {
            throw unknownCommand(first, commands, suggest)
        }
        let rest = Array(arguments.dropFirst())
        if rest.prefix(while: { $0 != "--" }).contains(where: { $0 == "--help" || $0 == "-h" }) {
            return .help(command: command.name)
        }
        return .run(try parse(rest, for: command, suggest: suggest))
    }

    /// Parses the arguments that follow the subcommand's name.
    public static func parse(_ arguments: [String], for command: CommandSpec, suggest: Suggester? = nil) throws(UsageError) -> ParsedArguments {
        var values: [String: String] = [:]
        var flags: Set<String> = []
        var positionals: [String] = []
        var index = 0
        var optionsEnded = false

        func fail(_ message: String) -> UsageError { UsageError(message, command: command.name) }

        while index < arguments.count {
            let argument = arguments[index]
            index += 1
            if optionsEnded || argument == "-" || !argument.hasPrefix("-") || isNegativeNumber(argument) {
                positionals.append(argument)
                continue
            }
            if argument == "--" {
                optionsEnded = true
                continue
            }
            let option: OptionSpec
            var inlineValue: String?
            if argument.hasPrefix("--") {
                let body = argument.dropFirst(2)
                let name = String(body.prefix { $0 != "=" })
                if let equals = body.firstIndex(of: "=") { inlineValue = String(body[body.index(after: equals)...]) }
                guard let found = command.option(named: name) else {
                    let hint = suggest?(name, command.options.map(\.name)).map { "; did you mean --\($0)?" } ?? ""
                    throw fail("unknown option --\(name)\(hint)")
                }
                option = found
            } else {
                let letters = Array(argument.dropFirst())
                guard letters.count == 1, let found = command.option(short: letters[0]) else {
                    throw fail("unknown option \(argument)")
                }
                option = found
            }
            if option.isFlag {
                guard inlineValue == nil else { throw fail("--\(option.name) is a flag and takes no value") }
                flags.insert(option.name)
                continue
            }
            var value: String
            if let inlineValue {
                value = inlineValue
            } else {
                guard index < arguments.count else { throw fail("--\(option.name) needs a value (\(option.valueName ?? "VALUE"))") }
                value = arguments[index]
                index += 1
            }
            if let choices = option.choices {
                // Choices are names, not spellings: `--format JSON` and `--units m` work.
                guard let choice = choices.first(where: { $0.lowercased() == value.lowercased() }) else {
                    throw fail("--\(option.name) must be one of \(choices.joined(separator: ", ")); got \"\(value)\"")
                }
                value = choice
            }
            guard values[option.name] == nil else { throw fail("--\(option.name) is given twice") }
            values[option.name] = value
        }

        let required = command.arguments.filter { !$0.isOptional }
        guard positionals.count >= required.count else {
            let missing = required[positionals.count...].map(\.name).joined(separator: " ")
            throw fail("missing \(missing)")
        }
        guard positionals.count <= command.arguments.count else {
            throw fail("unexpected argument \"\(positionals[command.arguments.count])\"")
        }
        var named: [String: String] = [:]
        for (spec, value) in zip(command.arguments, positionals) { named[spec.name] = value }
        return ParsedArguments(command: command.name, positionals: named, values: values, flags: flags)
    }

    private static func isNegativeNumber(_ text: String) -> Bool {
        text.count > 1 && text.hasPrefix("-") && Double(text) != nil
    }

    private static func unknownCommand(_ name: String, _ commands: [CommandSpec], _ suggest: Suggester?) -> UsageError {
        let hint = suggest?(name, commands.map(\.name)).map { "; did you mean \"\($0)\"?" } ?? ""
        return UsageError("unknown subcommand \"\(name)\"\(hint)")
    }
}
