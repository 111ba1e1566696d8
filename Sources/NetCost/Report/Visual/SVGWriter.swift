/// A small SVG (and HTML) text builder: elements with escaped attributes and text,
/// numbers printed with at most two decimals so golden files stay stable.
///
/// Every string that may come from a model (layer names, op kinds, messages) goes
/// through `escape`, so a name such as `a<b&"c"` cannot break the markup. Characters
/// XML 1.0 forbids (most control characters) become U+FFFD.
struct SVGWriter {
    private(set) var text = ""

    init(capacity: Int = 16_384) {
        text.reserveCapacity(capacity)
    }

    // MARK: Escaping and numbers

    /// `&`, `<`, `>`, `"` and `'` as entities; control characters other than tab and
    /// newline replaced, since no XML parser accepts them.
    static func escape(_ string: String) -> String {
        // Most names need nothing: a byte scan decides (0xEF leads U+FFFE and U+FFFF).
        let needsWork = string.utf8.contains { byte in
            byte < 0x20 || byte == UInt8(ascii: "&") || byte == UInt8(ascii: "<") || byte == UInt8(ascii: ">")
                || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "'") || byte == 0xEF
        }
        guard needsWork else { return string }
        var result = ""
        result.reserveCapacity(string.utf8.count + 16)
        for scalar in string.unicodeScalars {
            switch scalar {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "\"": result += "&quot;"
            case "'": result += "&#39;"
            case "\t", "\n": result.unicodeScalars.append(scalar)
            default:
                if scalar.value < 0x20 || scalar.value == 0xFFFE || scalar.value == 0xFFFF {
                    result += "\u{FFFD}"
                } else {
                    result.unicodeScalars.append(scalar)
                }
            }
        }
        return result
    }

    /// A coordinate or length: two decimals at most, trailing zeros dropped (`12`, `12.5`, `0.25`).
    static func number(_ value: Double) -> String {
        guard value.isFinite else { return "0" }
        var text = NumberFormat.fixed(value, 2)
        if text.contains(".") {
            while text.last == "0" { text.removeLast() }
            if text.last == "." { text.removeLast() }
        }
        return text == "-0" ? "0" : text
    }

    // MARK: Elements

    /// An attribute value: numbers through `number`, strings escaped.
    enum Value {
        case number(Double)
        case text(String)
    }

    mutating func open(_ name: String, _ attributes: [(String, Value)] = []) {
        text += "<" + name
        append(attributes)
        text += ">"
    }

    mutating func close(_ name: String) {
        text += "</" + name + ">"
    }

    /// A self-closing element.
    mutating func element(_ name: String, _ attributes: [(String, Value)]) {
        text += "<" + name
        append(attributes)
        text += "/>"
    }

    /// An element holding escaped text: `<text x="1">a &lt; b</text>`.
    mutating func element(_ name: String, _ attributes: [(String, Value)], content: String) {
        open(name, attributes)
        text += Self.escape(content)
        close(name)
    }

    /// A `<title>` child: the tooltip browsers show over its parent.
    mutating func title(_ content: String) {
        element("title", [], content: content)
    }

    /// Escaped character data.
    mutating func content(_ string: String) {
        text += Self.escape(string)
    }

    /// Markup written as is: only for literals of this module, never for model strings.
    mutating func raw(_ markup: String) {
        text += markup
    }

    mutating func newline() {
        text += "\n"
    }

    private mutating func append(_ attributes: [(String, Value)]) {
        for (key, value) in attributes {
            text += " " + key + "=\""
            switch value {
            case .number(let number): text += Self.number(number)
            case .text(let string): text += Self.escape(string)
            }
            text += "\""
        }
    }

    // MARK: Shapes

    mutating func line(_ x1: Double, _ y1: Double, _ x2: Double, _ y2: Double, stroke: String, width: Double = 1, dash: String? = nil) {
        var attributes: [(String, Value)] = [("x1", .number(x1)), ("y1", .number(y1)), ("x2", .number(x2)), ("y2", .number(y2)),
                                             ("stroke", .text(stroke)), ("stroke-width", .number(width))]
        if let dash { attributes.append(("stroke-dasharray", .text(dash))) }
        element("line", attributes)
    }

    mutating func rect(_ x: Double, _ y: Double, _ width: Double, _ height: Double, fill: String, extra: [(String, Value)] = []) {
        element("rect", [("x", .number(x)), ("y", .number(y)), ("width", .number(max(width, 0))), ("height", .number(max(height, 0))),
                         ("fill", .text(fill))] + extra)
    }

    /// Text at a point; `anchor` is `start`, `middle` or `end`.
    mutating func label(_ string: String, x: Double, y: Double, anchor: String = "start", size: Double = 11,
                        fill: String = Palette.text, weight: String? = nil, rotate: Double? = nil) {
        var attributes: [(String, Value)] = [("x", .number(x)), ("y", .number(y))]
        if anchor != "start" { attributes.append(("text-anchor", .text(anchor))) }
        attributes.append(("font-size", .number(size)))
        if fill != Palette.text { attributes.append(("fill", .text(fill))) }
        if let weight { attributes.append(("font-weight", .text(weight))) }
        if let rotate { attributes.append(("transform", .text("rotate(\(Self.number(rotate)) \(Self.number(x)) \(Self.number(y)))"))) }
        element("text", attributes, content: string)
    }

    /// A polyline through the points.
    mutating func polyline(_ points: [(Double, Double)], stroke: String, width: Double = 1.5, dash: String? = nil) {
        guard points.count > 1 else { return }
        let list = points.map { Self.number($0.0) + "," + Self.number($0.1) }.joined(separator: " ")
        var attributes: [(String, Value)] = [("points", .text(list)), ("fill", .text("none")), ("stroke", .text(stroke)),
                                             ("stroke-width", .number(width))]
        if let dash { attributes.append(("stroke-dasharray", .text(dash))) }
        element("polyline", attributes)
    }

    /// Opens a standalone or inline `<svg>` of the given size, with a white background
    /// so that the chart reads the same on a dark page.
    mutating func openDocument(width: Double, height: Double, standalone: Bool, label: String) {
        var attributes: [(String, Value)] = []
        if standalone { attributes.append(("xmlns", .text("http://www.w3.org/2000/svg"))) }
        attributes += [("viewBox", .text("0 0 \(Self.number(width)) \(Self.number(height))")),
                       ("width", .number(width)), ("height", .number(height)),
                       ("font-family", .text("system-ui, -apple-system, 'Segoe UI', 'DejaVu Sans', sans-serif")),
                       ("role", .text("img")), ("aria-label", .text(label))]
        open("svg", attributes)
        newline()
        rect(0, 0, width, height, fill: "#ffffff")
        newline()
    }
}

/// The colours the charts share: the Okabe–Ito palette, which colour-blind readers can tell apart.
enum Palette {
    static let text = "#222222"
    static let muted = "#666666"
    static let grid = "#e4e4e4"
    static let axis = "#444444"
    static let memoryBound = "#0072b2"
    static let computeBound = "#d55e00"
    static let warning = "#e69f00"
    static let error = "#c00000"
    static let info = "#7f7f7f"
    static let measured = "#000000"
    static let ribbon = ["#f2f2f2", "#e2e2e2"]

    static func severity(_ severity: Severity) -> String {
        switch severity {
        case .info: info
        case .warning: warning
        case .error: error
        }
    }
}
