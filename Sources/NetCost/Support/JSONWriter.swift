/// A streaming JSON writer: reports write straight into one string instead of
/// building a tree first, which keeps a 100,000-layer report fast.
///
/// Pretty output puts each object key on its own line; arrays of scalars stay on
/// one line (`[3, 224, 224]`) so shapes remain readable.
public struct JSONWriter {
    public private(set) var text = ""
    private let pretty: Bool
    /// One entry per open container: whether it already holds an element, and
    /// whether it is an array of scalars written on one line.
    private var open: [(hasElement: Bool, inline: Bool)] = []
    private var afterKey = false

    public init(pretty: Bool = true) {
        self.pretty = pretty
    }

    // MARK: Containers

    public mutating func beginObject() {
        separate()
        text += "{"
        open.append((false, false))
    }

    public mutating func endObject() {
        let container = open.removeLast()
        if container.hasElement { newline() }
        text += "}"
    }

    /// Opens an array; `inline` keeps it on one line (for short arrays of scalars).
    public mutating func beginArray(inline: Bool = false) {
        separate()
        text += "["
        open.append((false, inline))
    }

    public mutating func endArray() {
        let container = open.removeLast()
        if container.hasElement && !container.inline { newline() }
        text += "]"
    }

    public mutating func key(_ name: String) {
        separate()
        appendQuoted(name)
        text += pretty ? ": " : ":"
        afterKey = true
    }

    // MARK: Scalars

    public mutating func value(_ integer: Int) {
        separate()
        text += String(integer)
    }

    /// Writes a double; integral values print without a fraction, non-finite ones as null.
    public mutating func value(_ number: Double) {
        separate()
        text += Self.format(number)
    }

    public mutating func value(_ string: String) {
        separate()
        appendQuoted(string)
    }

    public mutating func value(_ bool: Bool) {
        separate()
        text += bool ? "true" : "false"
    }

    public mutating func null() {
        separate()
        text += "null"
    }

    public mutating func value(_ json: JSONValue) {
        switch json {
        case .null: null()
        case .bool(let bool): value(bool)
        case .integer(let integer): value(integer)
        case .number(let number): value(number)
        case .string(let string): value(string)
        case .array(let elements):
            let scalars = elements.allSatisfy {
                if case .array = $0 { return false }
                if case .object = $0 { return false }
                return true
            }
            beginArray(inline: scalars)
            for element in elements { value(element) }
            endArray()
        case .object(let object):
            beginObject()
            for (name, element) in object.entries {
                key(name)
                value(element)
            }
            endObject()
        }
    }

    // MARK: Conveniences

    public mutating func field(_ name: String, _ integer: Int) { key(name); value(integer) }
    public mutating func field(_ name: String, _ number: Double) { key(name); value(number) }
    public mutating func field(_ name: String, _ string: String) { key(name); value(string) }
    public mutating func field(_ name: String, _ bool: Bool) { key(name); value(bool) }

    public mutating func field(_ name: String, integers: [Int]) {
        key(name)
        beginArray(inline: true)
        for integer in integers { value(integer) }
        endArray()
    }

    public mutating func field(_ name: String, numbers: [Double]) {
        key(name)
        beginArray(inline: true)
        for number in numbers { value(number) }
        endArray()
    }

    public mutating func field(_ name: String, strings: [String]) {
        key(name)
        beginArray(inline: true)
        for string in strings { value(string) }
        endArray()
    }

    /// Integral doubles print as integers (`32`, not `32.0`); others with up to 17 significant digits.
    public static func format(_ number: Double) -> String {
        guard number.isFinite else { return "null" }
        if number == number.rounded(), abs(number) < 1e15 { return String(Int(number)) }
        return "\(number)"
    }

    // MARK: Layout

    private mutating func separate() {
        if afterKey {
            afterKey = false
            return
        }
        guard let last = open.last else { return }
        if last.hasElement { text += last.inline && pretty ? ", " : "," }
        open[open.count - 1].hasElement = true
        if !last.inline { newline() }
    }

    private mutating func newline() {
        guard pretty else { return }
        text += "\n"
        text += String(repeating: "  ", count: open.count)
    }

    private mutating func appendQuoted(_ string: String) {
        text += "\""
        var needsEscaping = false
        for byte in string.utf8 where byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") {
            needsEscaping = true
            break
        }
        if !needsEscaping {
            text += string
        } else {
            for scalar in string.unicodeScalars {
                switch scalar {
                case "\"": text += "\\\""
                case "\\": text += "\\\\"
                case "\n": text += "\\n"
                case "\r": text += "\\r"
                case "\t": text += "\\t"
                case let control where control.value < 0x20:
                    let hex = String(control.value, radix: 16)
                    text += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                default: text.unicodeScalars.append(scalar)
                }
            }
        }
        text += "\""
    }
}
