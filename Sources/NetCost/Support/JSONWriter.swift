/// A streaming JSON writer: reports write straight into one string instead of
/// building a tree first, which keeps a 100,000-layer report fast.
///
/// Pretty output puts each object key on its own line; arrays of scalars stay on
/// one line (`[3, 224, 224]`) so shapes remain readable.
public struct JSONWriter: Sendable {
    /// The UTF-8 output so far.
    public private(set) var bytes: [UInt8] = []
    private let pretty: Bool
    /// One entry per open container: whether it already holds an element, and
    /// whether it is an array of scalars written on one line.
    private var open: [(hasElement: Bool, inline: Bool)] = []
    private var afterKey = false

    public init(pretty: Bool = true) {
        self.pretty = pretty
        bytes.reserveCapacity(1 << 16)
    }

    /// A writer that continues inside `depth` open containers, so that parts of one long
    /// array can be written on several threads and joined with `append(fragment:)`.
    public init(pretty: Bool = true, insideContainers depth: Int) {
        self.init(pretty: pretty)
        open = Array(repeating: (false, false), count: depth)
    }

    /// Appends the elements a writer made with `insideContainers:` at this writer's depth
    /// wrote, with the comma that separates them from elements already here.
    public mutating func append(fragment: JSONWriter) {
        guard let wrote = fragment.open.last?.hasElement, wrote, !open.isEmpty else { return }
        if open[open.count - 1].hasElement { bytes.append(UInt8(ascii: ",")) }
        bytes.append(contentsOf: fragment.bytes)
        open[open.count - 1].hasElement = true
    }

    /// How many containers are open.
    public var depth: Int { open.count }

    /// Makes room for `count` more bytes, so that a long report grows its buffer once.
    public mutating func reserveCapacity(_ count: Int) {
        bytes.reserveCapacity(bytes.count + count)
    }

    /// Ends the document with a line break.
    public mutating func finishLine() {
        bytes.append(UInt8(ascii: "\n"))
    }

    /// The output as a string.
    public var text: String { String(decoding: bytes, as: UTF8.self) }

    // MARK: Containers

    public mutating func beginObject() {
        separate()
        bytes.append(UInt8(ascii: "{"))
        open.append((false, false))
    }

    public mutating func endObject() {
        let container = open.removeLast()
        if container.hasElement { newline() }
        bytes.append(UInt8(ascii: "}"))
    }

    /// Opens an array; `inline` keeps it on one line (for short arrays of scalars).
    public mutating func beginArray(inline: Bool = false) {
        separate()
        bytes.append(UInt8(ascii: "["))
        open.append((false, inline))
    }

    public mutating func endArray() {
        let container = open.removeLast()
        if container.hasElement && !container.inline { newline() }
        bytes.append(UInt8(ascii: "]"))
    }

    public mutating func key(_ name: String) {
        separate()
        appendQuoted(name)
        bytes.append(UInt8(ascii: ":"))
        if pretty { bytes.append(UInt8(ascii: " ")) }
        afterKey = true
    }

    // MARK: Scalars

    public mutating func value(_ integer: Int) {
        separate()
        appendInteger(integer)
    }

    /// Writes a double; integral values print without a fraction, non-finite ones as null.
    public mutating func value(_ number: Double) {
        separate()
        if number == number.rounded(), abs(number) < 1e15 {
            appendInteger(Int(number))
        } else {
            bytes.append(contentsOf: Self.format(number).utf8)
        }
    }

    public mutating func value(_ string: String) {
        separate()
        appendQuoted(string)
    }

    public mutating func value(_ bool: Bool) {
        separate()
        bytes.append(contentsOf: (bool ? "true" : "false").utf8)
    }

    public mutating func null() {
        separate()
        bytes.append(contentsOf: "null".utf8)
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

    // The conveniences take their keys as literals (`StaticString`), which are written
    // without scanning for characters to escape: a report writes millions of them.
    // Keys computed at run time go through `key(_:)`.

    public mutating func field(_ name: StaticString, _ integer: Int) { key(name); value(integer) }
    public mutating func field(_ name: StaticString, _ number: Double) { key(name); value(number) }
    public mutating func field(_ name: StaticString, _ string: String) { key(name); value(string) }
    public mutating func field(_ name: StaticString, _ bool: Bool) { key(name); value(bool) }

    public mutating func field(_ name: StaticString, integers: [Int]) {
        key(name)
        beginArray(inline: true)
        for integer in integers { value(integer) }
        endArray()
    }

    public mutating func field(_ name: StaticString, numbers: Double...) {
        key(name)
        beginArray(inline: true)
        for number in numbers { value(number) }
        endArray()
    }

    public mutating func field(_ name: StaticString, strings: [String]) {
        key(name)
        beginArray(inline: true)
        for string in strings { value(string) }
        endArray()
    }

    /// Writes a literal key, which must need no escaping (plain ASCII, no quotes or backslashes).
    public mutating func key(_ name: StaticString) {
        separate()
        bytes.append(UInt8(ascii: "\""))
        name.withUTF8Buffer { bytes.append(contentsOf: $0) }
        bytes.append(UInt8(ascii: "\""))
        bytes.append(UInt8(ascii: ":"))
        if pretty { bytes.append(UInt8(ascii: " ")) }
        afterKey = true
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
        if last.hasElement {
            bytes.append(UInt8(ascii: ","))
            if last.inline && pretty { bytes.append(UInt8(ascii: " ")) }
        }
        open[open.count - 1].hasElement = true
        if !last.inline { newline() }
    }

    private mutating func newline() {
        guard pretty else { return }
        bytes.append(UInt8(ascii: "\n"))
        for _ in 0..<open.count * 2 { bytes.append(UInt8(ascii: " ")) }
    }

    /// Decimal digits without an intermediate string.
    private mutating func appendInteger(_ integer: Int) {
        if integer < 0 { bytes.append(UInt8(ascii: "-")) }
        var magnitude = integer.magnitude
        var digits: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                     UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) =
            (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var count = 0
        withUnsafeMutableBytes(of: &digits) { buffer in
            repeat {
                buffer[count] = UInt8(ascii: "0") + UInt8(magnitude % 10)
                magnitude /= 10
                count += 1
            } while magnitude > 0
            for index in stride(from: count - 1, through: 0, by: -1) { bytes.append(buffer[index]) }
        }
    }

    private mutating func appendQuoted(_ string: String) {
        bytes.append(UInt8(ascii: "\""))
        // Fast path: native strings are contiguous UTF-8; most need no escaping.
        let copied = string.utf8.withContiguousStorageIfAvailable { (utf8: UnsafeBufferPointer<UInt8>) -> Bool in
            for byte in utf8 where byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") { return false }
            bytes.append(contentsOf: utf8)
            return true
        }
        if copied == true {
            bytes.append(UInt8(ascii: "\""))
            return
        }
        for byte in string.utf8 {
            switch byte {
            case UInt8(ascii: "\""): bytes.append(contentsOf: "\\\"".utf8)
            case UInt8(ascii: "\\"): bytes.append(contentsOf: "\\\\".utf8)
            case 0x0A: bytes.append(contentsOf: "\\n".utf8)
            case 0x0D: bytes.append(contentsOf: "\\r".utf8)
            case 0x09: bytes.append(contentsOf: "\\t".utf8)
            case ..<0x20:
                let hex = String(byte, radix: 16)
                bytes.append(contentsOf: ("\\u" + String(repeating: "0", count: 4 - hex.count) + hex).utf8)
            default: bytes.append(byte)
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }
}
