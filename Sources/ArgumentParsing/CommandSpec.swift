/// A subcommand's declared interface: its name, one-sentence abstract, positional
/// arguments and options, each with help text. The parser and the help screen are
/// both derived from this one declaration.
public struct CommandSpec: Sendable {
    public var name: String
    /// One sentence, ending in a full stop.
    public var abstract: String
    /// Longer help shown after the usage line; may be empty.
    public var discussion: String
    public var arguments: [ArgumentSpec]
    public var options: [OptionSpec]
    /// Example invocations shown in `--help`.
    public var examples: [String]

    public init(name: String, abstract: String, discussion: String = "", arguments: [ArgumentSpec] = [],
                options: [OptionSpec] = [], examples: [String] = []) {
        self.name = name
        self.abstract = abstract
        self.discussion = discussion
        self.arguments = arguments
        self.options = options
        self.examples = examples
    }

    func option(named name: String) -> OptionSpec? {
        options.first { $0.name == name }
    }

    func option(short: Character) -> OptionSpec? {
        options.first { $0.short == short }
    }
}

/// A positional argument.
public struct ArgumentSpec: Sendable {
    /// Shown in usage as `SPEC`; also the key to read it back.
    public var name: String
    /// A noun phrase.
    public var help: String
    public var isOptional: Bool
    /// What a shell completes in its place (default: file paths).
    public var completion: ValueCompletion

    public init(_ name: String, help: String, optional: Bool = false, completes completion: ValueCompletion = .files) {
        self.name = name
        self.help = help
        self.isOptional = optional
        self.completion = completion
    }
}

/// An option: a flag (`--flat`) or an option with a value (`--depth N`, `--depth=N`).
public struct OptionSpec: Sendable {
    /// The long name without dashes: `depth` for `--depth`.
    public var name: String
    public var short: Character?
    /// For options with a value, its placeholder (`N`); nil for flags.
    public var valueName: String?
    /// A noun phrase.
    public var help: String
    /// The accepted values, when the set is closed; checked by the parser.
    public var choices: [String]?
    /// Shown in help as `(default: …)`.
    public var defaultValue: String?

    /// A flag: present or absent.
    public static func flag(_ name: String, short: Character? = nil, help: String) -> OptionSpec {
        OptionSpec(name: name, short: short, valueName: nil, help: help, choices: nil, defaultValue: nil)
    }

    /// An option taking a value.
    public static func value(_ name: String, short: Character? = nil, _ valueName: String, help: String,
                             choices: [String]? = nil, default defaultValue: String? = nil) -> OptionSpec {
        OptionSpec(name: name, short: short, valueName: valueName, help: help, choices: choices, defaultValue: defaultValue)
    }

    public var isFlag: Bool { valueName == nil }

    /// What a shell completes after the option: its choices when the set is closed, file
    /// paths for a `FILE`, and nothing for other values (numbers, sizes).
    public var completion: ValueCompletion {
        if let choices { return .words(choices) }
        return valueName == "FILE" ? .files : .nothing
    }

    /// `-o, --output FILE`.
    var signature: String {
        var text = short.map { "-\($0), " } ?? "    "
        text += "--" + name
        if let valueName { text += " " + valueName }
        return text
    }
}
