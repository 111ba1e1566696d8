/// A parsed JSON document: netcost reads specs with its own small parser so that
/// integers stay exact (no detour through `Double`), booleans never pass for
/// numbers, and every object remembers the line it started on for error messages.
public enum JSONValue: Sendable, Equatable {
    case null
    case bool(Bool)
    /// A number written without fraction or exponent that fits in `Int`.
    case integer(Int)
    /// Any other number.
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object(JSONObject)

    /// A short name of the value's type, for error messages ("expected an integer, got a string").
    public var typeDescription: String {
        switch self {
        case .null: "null"
        case .bool: "a boolean"
        case .integer, .number: "a number"
        case .string: "a string"
        case .array: "an array"
        case .object: "an object"
        }
    }

    /// The value written back as compact JSON, for quoting it in messages.
    /// The value on one line for messages, cut at about 100 bytes (`[1, 2, 3, …]`), so
    /// that a huge value costs no more to quote than a small one.
    public var compactText: String {
        var text = ""
        appendCompact(to: &text, budget: 100)
        return text
    }

    private func appendCompact(to text: inout String, budget: Int) {
        guard text.utf8.count < budget else { text += "…"; return }
        switch self {
        case .array(let elements):
            text += "["
            for (offset, element) in elements.enumerated() {
                if offset > 0 { text += ", " }
                guard text.utf8.count < budget else { text += "…"; break }
                element.appendCompact(to: &text, budget: budget)
            }
            text += "]"
        case .object(let object):
            text += "{"
            for (offset, entry) in object.entries.enumerated() {
                if offset > 0 { text += ", " }
                guard text.utf8.count < budget else { text += "…"; break }
                JSONValue.string(entry.key).appendCompact(to: &text, budget: budget)
                text += ": "
                entry.value.appendCompact(to: &text, budget: budget)
            }
            text += "}"
        default:
            var writer = JSONWriter(pretty: false)
            writer.value(self)
            let scalar = writer.text
            text += scalar.utf8.count > budget ? String(scalar.prefix(budget)) + "…" : scalar
        }
    }

    /// The value written as a whole pretty-printed document ending in a newline: a command's JSON output.
    public var documentText: String {
        var writer = JSONWriter()
        writer.value(self)
        writer.finishLine()
        return writer.text
    }
}

/// A JSON object with its keys in document order and the line it started on.
public struct JSONObject: Sendable, Equatable {
    public var entries: [(key: String, value: JSONValue)]
    /// 1-based line of the opening brace in the source text; 0 when built in code.
    public var line: Int
    /// The 1-based line of each entry's key, in `entries`' order; empty when built in code.
    public private(set) var keyLines: [Int]

    public init(_ entries: [(key: String, value: JSONValue)] = [], line: Int = 0, keyLines: [Int] = []) {
        self.entries = entries
        self.line = line
        self.keyLines = keyLines.count == entries.count ? keyLines : []
    }

    /// The line `key` is written on, or the object's own line when that is not known.
    public func line(of key: String) -> Int {
        guard keyLines.count == entries.count, let index = entries.firstIndex(where: { $0.key == key }) else { return line }
        return keyLines[index]
    }

    public subscript(key: String) -> JSONValue? {
        get { entries.first(where: { $0.key == key })?.value }
        set {
            if let index = entries.firstIndex(where: { $0.key == key }) {
                if let newValue {
                    entries[index].value = newValue
                } else {
                    entries.remove(at: index)
                    if keyLines.count == entries.count + 1 { keyLines.remove(at: index) }
                }
            } else if let newValue {
                entries.append((key, newValue))
                if keyLines.count == entries.count - 1 { keyLines.append(line) }
            }
        }
    }

    public var keys: [String] { entries.map(\.key) }

    public static func == (lhs: JSONObject, rhs: JSONObject) -> Bool {
        lhs.entries.count == rhs.entries.count
            && zip(lhs.entries, rhs.entries).allSatisfy { $0.key == $1.key && $0.value == $1.value }
    }
}

extension JSONValue {
    /// The object, or nil for any other value.
    public var objectValue: JSONObject? { if case .object(let object) = self { object } else { nil } }
    /// The array, or nil for any other value.
    public var arrayValue: [JSONValue]? { if case .array(let elements) = self { elements } else { nil } }
}
