/// Reads one layer's (or block's) fields from a spec object.
///
/// Every getter checks the JSON type and range and throws an `InputError` naming the
/// layer and the field. The reader remembers which fields it read, so that `finish()`
/// can reject the ones nobody read: a typo such as `"kernal"` is an error, not a
/// silently ignored field.
public struct LayerFields {
    public let object: JSONObject
    /// The layer's name, or its position (`layers[3]`); empty for the spec's top level.
    public let layer: String
    public let context: SpecContext
    /// Per entry of `object`, whether a getter read it. An array, not a set of names:
    /// objects are small and this keeps 100,000-layer specs free of hashing.
    private var read: [Bool]
    /// Names asked for, present or not, for "did you mean" suggestions.
    private var asked: [String] = []
    /// Set by `netcost ops NAME`, which runs an op's decoder on an empty object: every
    /// field asked for is noted with its default, and a required one gets a stand-in
    /// value instead of an error, so the decoder goes on to ask for the rest.
    public var probe: FieldProbe?

    /// The largest size netcost accepts in a field: sizes beyond this are mistakes.
    public static let maximumSize = Int(Int32.max)

    public init(_ object: JSONObject, layer: String, context: SpecContext, alreadyRead: [String] = []) {
        self.object = object
        self.layer = layer
        self.context = context
        self.read = object.entries.map { alreadyRead.contains($0.key) }
        self.asked = alreadyRead
        asked.reserveCapacity(16)
    }

    public func has(_ key: String) -> Bool { object[key] != nil }

    /// An error at the field's own line (or the object's, for a field not given).
    public func error(_ message: String, field: String? = nil) -> InputError {
        let line = field.map { object.line(of: $0) } ?? object.line
        return InputError(message, line: line == 0 ? nil : line, layer: layer.isEmpty ? nil : layer, field: field)
    }

    /// `is required`, and when an unread field is spelt like it, `did you mean`.
    public func missing(_ key: String, _ detail: String = "") -> InputError {
        let unread = object.entries.indices.filter { !read[$0] }.map { object.entries[$0].key }
        if let near = Suggestion.nearest(to: key, among: unread) {
            return InputError("is required\(detail); \"\(near)\" is given: did you mean \"\(key)\"?",
                              line: object.line(of: near) == 0 ? nil : object.line(of: near), layer: layer.isEmpty ? nil : layer, field: key)
        }
        return error("is required" + detail, field: key)
    }

    /// Marks a field as read without decoding it (it was handled elsewhere).
    public mutating func markRead(_ key: String) {
        asked.append(key)
        if let index = object.entries.firstIndex(where: { $0.key == key }) { read[index] = true }
    }

    // MARK: Scalars

    /// The raw value of a field, marking it read.
    public mutating func value(_ key: String) -> JSONValue? {
        asked.append(key)
        guard let index = object.entries.firstIndex(where: { $0.key == key }) else {
            probe?.note(key, .optional)
            return nil
        }
        read[index] = true
        return object.entries[index].value
    }

    /// A whole number in `minimum...maximumSize`.
    public mutating func int(_ key: String, default fallback: Int? = nil, minimum: Int = 1) throws(InputError) -> Int {
        guard let value = value(key) else {
            if let fallback { return noted(key, fallback) }
            if let probe { probe.note(key, .required); return max(minimum, 1) }
            throw missing(key)
        }
        return try integer(value, key: key, minimum: minimum)
    }

    public mutating func optionalInt(_ key: String, minimum: Int = 1) throws(InputError) -> Int? {
        guard let value = value(key) else { return nil }
        return try integer(value, key: key, minimum: minimum)
    }

    public mutating func double(_ key: String, default fallback: Double? = nil) throws(InputError) -> Double {
        switch value(key) {
        case .integer(let integer)?: return Double(integer)
        case .number(let number)?: return number
        case nil:
            if let fallback { return noted(key, fallback) }
            if let probe { probe.note(key, .required); return 1 }
            throw missing(key)
        case let other?: throw error("expected a number, got \(other.typeDescription)", field: key)
        }
    }

    public mutating func bool(_ key: String, default fallback: Bool) throws(InputError) -> Bool {
        switch value(key) {
        case .bool(let bool)?: return bool
        case nil: return noted(key, fallback)
        case let other?: throw error("expected true or false, got \(other.typeDescription) \(other.compactText)", field: key)
        }
    }

    public mutating func string(_ key: String) throws(InputError) -> String? {
        switch value(key) {
        case .string(let string)?: return string
        case nil: return nil
        case let other?: throw error("expected a string, got \(other.typeDescription)", field: key)
        }
    }

    /// One of a closed set of words; the error lists them.
    public mutating func choice(_ key: String, from choices: [String], default fallback: String? = nil) throws(InputError) -> String {
        guard let text = try string(key) else {
            probe?.note(key, fallback.map { .value($0 + " (or " + choices.filter { $0 != fallback }.joined(separator: ", ") + ")") }
                ?? .requiredOneOf(choices))
            if let fallback { return fallback }
            if probe != nil, let first = choices.first { return first }
            throw missing(key, "; one of \(choices.joined(separator: ", "))")
        }
        guard choices.contains(text) else {
            throw error("\"\(text)\" is not one of \(choices.joined(separator: ", "))\(Suggestion.phrase(for: text, among: choices))", field: key)
        }
        return text
    }

    // MARK: Sizes

    /// A size given as one number (square) or `[height, width]`.
    public mutating func size2D(_ key: String, default fallback: Size2D? = nil, minimum: Int = 1) throws(InputError) -> Size2D {
        guard let value = value(key) else {
            if let fallback { return noted(key, fallback) }
            if let probe { probe.note(key, .required); return .square(max(minimum, 1)) }
            throw missing(key)
        }
        return try size2DValue(value, key: key, minimum: minimum)
    }

    /// Padding as a number, `[height, width]`, `{"top", "bottom", "left", "right"}`, `"same"` or `"valid"`.
    public mutating func padding(_ key: String = "padding", default fallback: Padding) throws(InputError) -> Padding {
        switch value(key) {
        case nil: return noted(key, fallback == .zero ? "0" : "same", fallback)
        case .string("same")?: return .same
        case .string("valid")?: return .zero
        case .object(let sides)?:
            let allowed = ["top", "bottom", "left", "right"]
            if let unknown = sides.keys.first(where: { !allowed.contains($0) }) {
                throw error("unknown side \"\(unknown)\"; padding sides are top, bottom, left, right", field: key)
            }
            func side(_ name: String) throws(InputError) -> Int {
                guard let value = sides[name] else { return 0 }
                return try integer(value, key: key, minimum: 0)
            }
            return .explicit(top: try side("top"), bottom: try side("bottom"), left: try side("left"), right: try side("right"))
        case .string(let other)?:
            throw error("\"\(other)\" is not a padding; use a number, [height, width], {\"top\", \"bottom\", \"left\", \"right\"}, \"same\" or \"valid\"", field: key)
        case let other?:
            let size = try size2DValue(other, key: key, minimum: 0)
            return .symmetric(size.height, size.width)
        }
    }

    private func size2DValue(_ value: JSONValue, key: String, minimum: Int) throws(InputError) -> Size2D {
        if case .array(let elements) = value {
            guard elements.count == 2 else {
                throw error("expected one number or [height, width], got an array of \(elements.count)", field: key)
            }
            return Size2D(try integer(elements[0], key: key, minimum: minimum), try integer(elements[1], key: key, minimum: minimum))
        }
        return .square(try integer(value, key: key, minimum: minimum))
    }

    /// One number, or one per axis of a `rank`-axis window.
    public mutating func sizes(_ key: String, rank: Int, default fallback: [Int]? = nil, minimum: Int = 1) throws(InputError) -> [Int] {
        guard let value = value(key) else {
            if let fallback { return noted(key, fallback.count > 1 && Set(fallback).count == 1 ? "\(fallback[0])" : "\(fallback)", fallback) }
            if let probe { probe.note(key, .required); return Array(repeating: max(minimum, 1), count: rank) }
            throw missing(key)
        }
        if case .array(let elements) = value {
            guard elements.count == rank else { throw error("expected one number or \(rank), got an array of \(elements.count)", field: key) }
            var result: [Int] = []
            for element in elements { result.append(try integer(element, key: key, minimum: minimum)) }
            return result
        }
        return Array(repeating: try integer(value, key: key, minimum: minimum), count: rank)
    }

    /// `kernel`, `stride` (1, or the kernel for pooling), `dilation` (1) and `padding`
    /// (0; a number, one per axis, `"same"` or `"valid"`) of a `rank`-axis window.
    mutating func windowND(rank: Int, strideDefaultsToKernel: Bool = false, kernel given: [Int]? = nil) throws(InputError) -> WindowND {
        let kernel = if let given { given } else { try sizes("kernel", rank: rank) }
        let stride = try sizes("stride", rank: rank, default: strideDefaultsToKernel ? kernel : Array(repeating: 1, count: rank))
        let dilation = try sizes("dilation", rank: rank, default: Array(repeating: 1, count: rank))
        let padding: WindowND.Padding
        switch value("padding") {
        case .string("same")?: padding = .same
        case .string("valid")?, nil: padding = .explicit(before: Array(repeating: 0, count: rank), after: Array(repeating: 0, count: rank))
        default:
            let pads = try sizes("padding", rank: rank, minimum: 0)
            padding = .explicit(before: pads, after: pads)
        }
        return WindowND(kernel: kernel, stride: stride, dilation: dilation, padding: padding)
    }

    /// An array of whole numbers, each at least `minimum`.
    public mutating func intArray(_ key: String, minimum: Int = 1) throws(InputError) -> [Int]? {
        switch value(key) {
        case nil: return nil
        case .array(let elements)?:
            var result: [Int] = []
            for element in elements { result.append(try integer(element, key: key, minimum: minimum)) }
            return result
        case let other?: throw error("expected an array of numbers, got \(other.typeDescription)", field: key)
        }
    }

    /// A name or an array of names.
    public mutating func stringArray(_ key: String) throws(InputError) -> [String]? {
        switch value(key) {
        case nil: return nil
        case .string(let text)?: return [text]
        case .array(let elements)?:
            var result: [String] = []
            for element in elements {
                guard case .string(let text) = element else { throw error("expected names, got \(element.compactText)", field: key) }
                result.append(text)
            }
            return result
        case let other?: throw error("expected a name or an array of names, got \(other.typeDescription)", field: key)
        }
    }

    // MARK: Channels

    /// Output channels, scaled by the spec's width multiplier and rounding rule.
    ///
    /// The layer opts out with `"scale_width": false`, or scales only upward with
    /// `"scale_width": "grow_only"` (MobileNetV2's last 1280-channel conv).
    /// `"classes"` stands for the spec's class count and is never scaled (SqueezeNet's
    /// final convolution).
    public mutating func channels(_ key: String = "out") throws(InputError) -> Int {
        if case .string("classes")? = object[key] { return try features(key) }
        let base = try int(key)
        return try scaled(base)
    }

    /// Scales a channel count by the width multiplier, honouring the layer's `scale_width`.
    public mutating func scaled(_ base: Int) throws(InputError) -> Int {
        let rule: WidthRule
        switch value("scale_width") {
        case nil:
            rule = noted("scale_width", "true (or false, \"grow_only\")", .scaled)
        case .bool(true)?: rule = .scaled
        case .bool(false)?: rule = .fixed
        case .string("grow_only")?: rule = .growOnly
        case let other?:
            throw error("expected true, false or \"grow_only\", got \(other.compactText)", field: "scale_width")
        }
        return context.scaling.channels(base, rule)
    }

    /// Output features of a linear layer: a number, or `"classes"` for the spec's class count.
    public mutating func features(_ key: String = "out") throws(InputError) -> Int {
        if case .string("classes")? = object[key] {
            markRead(key)
            guard let classes = context.classes else {
                throw error("\"classes\" is used but the spec sets no \"classes\"", field: key)
            }
            return classes
        }
        return try int(key)
    }

    /// `fallback`, noted as the field's default when probing.
    private func noted<Value>(_ key: String, _ fallback: Value) -> Value {
        noted(key, "\(fallback)", fallback)
    }

    private func noted<Value>(_ key: String, _ text: String, _ fallback: Value) -> Value {
        probe?.note(key, .value(text))
        return fallback
    }

    // MARK: Finishing

    /// Throws if the object has a field that no getter read, suggesting the nearest known one.
    public func finish(known: [String] = []) throws(InputError) {
        for (index, entry) in object.entries.enumerated() where !read[index] {
            let key = entry.key
            let candidates = asked + known
            throw error("unknown field\(Suggestion.phrase(for: key, among: candidates))", field: key)
        }
    }

    private func integer(_ value: JSONValue, key: String, minimum: Int) throws(InputError) -> Int {
        let integer: Int
        switch value {
        case .integer(let exact): integer = exact
        case .number(let number) where number == number.rounded() && abs(number) < 9e15: integer = Int(number)
        case .number(let number): throw error("expected a whole number, got \(number)", field: key)
        case .string(let text) where Int(text) != nil:
            throw error("expected a number, got the string \"\(text)\" (remove the quotes)", field: key)
        default: throw error("expected a whole number, got \(value.typeDescription) \(value.compactText)", field: key)
        }
        guard integer >= minimum else {
            throw error("\(integer) is too small: must be at least \(minimum)", field: key)
        }
        guard integer <= Self.maximumSize else {
            throw error("\(integer) is too large: sizes are limited to \(Self.maximumSize)", field: key)
        }
        return integer
    }
}

/// "Did you mean" suggestions for misspelt names.
/// The fields an op's decoder asks for, in the order it asks: `netcost ops NAME`.
public final class FieldProbe: @unchecked Sendable {
    public enum Default: Equatable, Sendable {
        case required
        case requiredOneOf([String])
        /// Asked for through a getter that takes no default: absent means none.
        case optional
        case value(String)
    }

    public private(set) var fields: [(name: String, fallback: Default)] = []

    public init() {}

    /// A later, typed getter knows more than the raw look-up before it.
    func note(_ name: String, _ fallback: Default) {
        if let index = fields.firstIndex(where: { $0.name == name }) {
            if fallback != .optional { fields[index].fallback = fallback }
        } else {
            fields.append((name, fallback))
        }
    }
}

public enum Suggestion {
    /// `; did you mean "kernel"?` when a candidate is within a small edit distance, else "".
    public static func phrase(for word: String, among candidates: [String]) -> String {
        guard let best = nearest(to: word, among: candidates) else { return "" }
        return "; did you mean \"\(best)\"?"
    }

    public static func nearest(to word: String, among candidates: [String]) -> String? {
        let limit = max(1, word.count / 3)
        var best: (name: String, distance: Int)?
        for candidate in candidates.sorted() {
            let distance = distance(word.lowercased(), candidate.lowercased())
            if distance <= limit && distance < (best?.distance ?? Int.max) { best = (candidate, distance) }
        }
        return best?.name
    }

    /// Edit distance counting insertions, deletions, substitutions and swaps of two
    /// neighbouring letters ("rleu" is one edit from "relu").
    public static func distance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        guard !a.isEmpty, !b.isEmpty else { return max(a.count, b.count) }
        var table = Array(repeating: Array(repeating: 0, count: b.count + 1), count: a.count + 1)
        for i in 0...a.count { table[i][0] = i }
        for j in 0...b.count { table[0][j] = j }
        for i in 1...a.count {
            for j in 1...b.count {
                let substitution = table[i - 1][j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)
                var best = min(table[i - 1][j] + 1, table[i][j - 1] + 1, substitution)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                    best = min(best, table[i - 2][j - 2] + 1)
                }
                table[i][j] = best
            }
        }
        return table[a.count][b.count]
    }
}
