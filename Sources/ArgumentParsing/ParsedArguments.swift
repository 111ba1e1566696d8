/// The arguments of one subcommand invocation, with typed accessors that turn a bad
/// value into a `UsageError` naming the option.
public struct ParsedArguments: Sendable, Equatable {
    public var command: String
    public var positionals: [String: String]
    public var values: [String: String]
    public var flags: Set<String>

    public init(command: String, positionals: [String: String] = [:], values: [String: String] = [:], flags: Set<String> = []) {
        self.command = command
        self.positionals = positionals
        self.values = values
        self.flags = flags
    }

    public func flag(_ name: String) -> Bool { flags.contains(name) }

    public func argument(_ name: String) -> String? { positionals[name] }

    public func string(_ name: String) -> String? { values[name] }

    /// A whole number in `range`, or nil when the option is absent.
    public func int(_ name: String, in range: ClosedRange<Int> = 0...Int(Int32.max)) throws(UsageError) -> Int? {
        guard let text = values[name] else { return nil }
        guard let value = Int(text) else { throw fail("--\(name) expects a whole number, got \"\(text)\"") }
        guard range.contains(value) else { throw fail("--\(name) must be between \(range.lowerBound) and \(range.upperBound), got \(value)") }
        return value
    }

    /// A finite number in `range`, or nil when the option is absent.
    public func double(_ name: String, in range: ClosedRange<Double>) throws(UsageError) -> Double? {
        guard let text = values[name] else { return nil }
        guard let value = Double(text), value.isFinite else { throw fail("--\(name) expects a number, got \"\(text)\"") }
        guard range.contains(value) else { throw fail("--\(name) must be between \(range.lowerBound) and \(range.upperBound), got \(text)") }
        return value
    }

    /// Powers of 1000 for counts (`100G` MACs) and of 1024 for memory (`512M` bytes).
    public static let decimalUnits: [Character: Int] = ["K": 1_000, "M": 1_000_000, "G": 1_000_000_000, "T": 1_000_000_000_000]
    public static let binaryUnits: [Character: Int] = ["K": 1 << 10, "M": 1 << 20, "G": 1 << 30, "T": 1 << 40]

    /// A whole number with an optional unit letter from `units` (`100G`, `512M`), in
    /// `range`, or nil when the option is absent; `example` shows the form in errors.
    public func quantity(_ name: String, units: [Character: Int], in range: ClosedRange<Int>, example: String) throws(UsageError) -> Int? {
        guard let given = values[name] else { return nil }
        // Memory sizes may end in B or iB: 16GB and 16GiB are 16G.
        var text = given
        for suffix in ["iB", "B"] where units == Self.binaryUnits && text.count > suffix.count + 1 && text.hasSuffix(suffix) {
            let letter = text.dropLast(suffix.count).last.map { Character($0.uppercased()) }
            if let letter, units[letter] != nil {
                text = String(text.dropLast(suffix.count))
                break
            }
        }
        let unit = text.last.flatMap { units[Character($0.uppercased())] }
        let digits = unit == nil ? text : String(text.dropLast())
        guard let number = Int(digits) else { throw fail("--\(name) expects a number such as \(example), got \"\(given)\"") }
        let (value, overflow) = number.multipliedReportingOverflow(by: unit ?? 1)
        guard !overflow, range.contains(value) else {
            throw fail("--\(name) must be between \(range.lowerBound) and \(range.upperBound), got \"\(given)\"")
        }
        return value
    }

    /// A comma-separated list, each element converted by `parse` (nil means invalid).
    public func list<T>(_ name: String, element: String, _ parse: (String) -> T?) throws(UsageError) -> [T]? {
        guard let text = values[name] else { return nil }
        var result: [T] = []
        for part in text.split(separator: ",", omittingEmptySubsequences: false) {
            let trimmed = part.trimmingCharacters(in: " ")
            guard let value = parse(trimmed) else { throw fail("--\(name) expects a comma-separated list of \(element), got \"\(trimmed)\" in \"\(text)\"") }
            result.append(value)
        }
        return result
    }

    /// Sizes written `3x224x224`.
    public func dimensions(_ name: String) throws(UsageError) -> [Int]? {
        guard let text = values[name] else { return nil }
        let parts = text.split(separator: "x", omittingEmptySubsequences: false).map { Int($0) }
        guard !parts.isEmpty, parts.allSatisfy({ ($0 ?? 0) >= 1 && ($0 ?? 0) <= Int(Int32.max) }) else {
            throw fail("--\(name) expects sizes like 3x224x224, got \"\(text)\"")
        }
        return parts.compactMap { $0 }
    }

    public func fail(_ message: String) -> UsageError { UsageError(message, command: command) }
}

private extension Substring {
    func trimmingCharacters(in character: Character) -> String {
        String(drop(while: { $0 == character }).reversed().drop(while: { $0 == character }).reversed())
    }
}
