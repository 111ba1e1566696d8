import Foundation

/// A map from data values to pixels along one axis, with the ticks to label it.
///
/// Linear scales start at zero and end at a "nice" value (1, 2, 2.5 or 5 × 10ⁿ steps);
/// logarithmic scales cover whole decades, with 2 and 5 ticks in between when they
/// span three decades or fewer.
struct ChartScale {
    enum Kind { case linear, log }

    let kind: Kind
    /// Data values at the two ends; positive for a log scale.
    let lower: Double
    let upper: Double
    /// Pixels at `lower` and `upper` (upper < lower on a y axis, which grows upwards).
    let start: Double
    let end: Double
    let ticks: [Double]

    /// From 0 to a nice value at or above `maximum`.
    static func linear(maximum: Double, from start: Double, to end: Double) -> ChartScale {
        let top = maximum > 0 && maximum.isFinite ? maximum : 1
        let step = niceStep(top / 5)
        let count = Int((top / step).rounded(.up))
        let ticks = (0...max(count, 1)).map { Double($0) * step }
        return ChartScale(kind: .linear, lower: 0, upper: ticks.last ?? top, start: start, end: end, ticks: ticks)
    }

    /// Whole decades around `minimum ... maximum` (both positive).
    static func log(minimum: Double, maximum: Double, from start: Double, to end: Double) -> ChartScale {
        let low = minimum > 0 && minimum.isFinite ? minimum : 1
        let high = maximum > low && maximum.isFinite ? maximum : low * 10
        let first = Int(Foundation.log10(low).rounded(.down))
        var last = Int(Foundation.log10(high).rounded(.up))
        if last <= first { last = first + 1 }
        var ticks: [Double] = []
        for exponent in first...last {
            let decade = Foundation.pow(10, Double(exponent))
            ticks.append(decade)
            if last - first <= 3 && exponent < last { ticks += [2 * decade, 5 * decade] }
        }
        return ChartScale(kind: .log, lower: Foundation.pow(10, Double(first)), upper: Foundation.pow(10, Double(last)),
                          start: start, end: end, ticks: ticks)
    }

    /// 1, 2, 2.5 or 5 × 10ⁿ: the smallest at or above `rough`.
    static func niceStep(_ rough: Double) -> Double {
        guard rough > 0, rough.isFinite else { return 1 }
        let magnitude = Foundation.pow(10, Foundation.log10(rough).rounded(.down))
        for multiple in [1.0, 2, 2.5, 5, 10] where multiple * magnitude >= rough * (1 - 1e-9) {
            return multiple * magnitude
        }
        return 10 * magnitude
    }

    /// The pixel of a value, clamped to the axis.
    func position(_ value: Double) -> Double {
        let fraction: Double
        switch kind {
        case .linear:
            fraction = upper > lower ? (value - lower) / (upper - lower) : 0
        case .log:
            let clamped = min(max(value, lower), upper)
            fraction = Foundation.log10(clamped / lower) / Foundation.log10(upper / lower)
        }
        return start + min(max(fraction, 0), 1) * (end - start)
    }

    /// The value at a pixel (the inverse of `position`).
    func value(at pixel: Double) -> Double {
        let fraction = end != start ? (pixel - start) / (end - start) : 0
        switch kind {
        case .linear: return lower + fraction * (upper - lower)
        case .log: return lower * Foundation.pow(upper / lower, fraction)
        }
    }

    /// A tick label: `0`, `2.5`, `0.01`, `20K`, `1.5M`.
    static func tickLabel(_ value: Double) -> String {
        let magnitude = abs(value)
        switch magnitude {
        case 0: return "0"
        case 1e9...: return SVGWriter.number(value / 1e9) + "G"
        case 1e6...: return SVGWriter.number(value / 1e6) + "M"
        case 1e4...: return SVGWriter.number(value / 1e3) + "K"
        case 1...: return SVGWriter.number(value)
        default:
            var decimals = 2
            while decimals < 9 && magnitude < Foundation.pow(10, Double(-decimals + 1)) { decimals += 1 }
            let text = NumberFormat.fixed(value, decimals)
            return text.contains(".") ? String(text.reversed().drop { $0 == "0" }.reversed()) : text
        }
    }
}

/// A power of 1000 to divide an axis by, so its ticks read 0–999 with the prefix in the
/// axis title: `MACs (M)`, `memory access (MB)`.
struct UnitPrefix {
    let divisor: Double
    let prefix: String

    static func choose(maximum: Double) -> UnitPrefix {
        switch maximum {
        case 1e12...: UnitPrefix(divisor: 1e12, prefix: "T")
        case 1e9...: UnitPrefix(divisor: 1e9, prefix: "G")
        case 1e6...: UnitPrefix(divisor: 1e6, prefix: "M")
        case 1e3...: UnitPrefix(divisor: 1e3, prefix: "K")
        default: UnitPrefix(divisor: 1, prefix: "")
        }
    }
}

/// The rectangle the data is drawn in, inside a chart's margins.
struct PlotArea {
    var left: Double
    var top: Double
    var width: Double
    var height: Double

    var right: Double { left + width }
    var bottom: Double { top + height }
}

extension SVGWriter {
    /// A y axis on the left of `area`: grid lines at the ticks, labels, and the title
    /// written upwards beside them.
    mutating func yAxis(_ scale: ChartScale, area: PlotArea, title: String, divisor: Double = 1) {
        for tick in scale.ticks {
            let y = scale.position(tick)
            line(area.left, y, area.right, y, stroke: Palette.grid)
            line(area.left - 4, y, area.left, y, stroke: Palette.axis)
            label(ChartScale.tickLabel(tick / divisor), x: area.left - 6, y: y + 4, anchor: "end", size: 10, fill: Palette.muted)
        }
        line(area.left, area.top, area.left, area.bottom, stroke: Palette.axis)
        let middle = area.top + area.height / 2
        label(title, x: area.left - 46, y: middle, anchor: "middle", size: 11, rotate: -90)
    }

    /// An x axis under `area` with grid lines, tick labels and a title.
    mutating func xAxis(_ scale: ChartScale, area: PlotArea, title: String) {
        for tick in scale.ticks {
            let x = scale.position(tick)
            line(x, area.top, x, area.bottom, stroke: Palette.grid)
            line(x, area.bottom, x, area.bottom + 4, stroke: Palette.axis)
            label(ChartScale.tickLabel(tick), x: x, y: area.bottom + 16, anchor: "middle", size: 10, fill: Palette.muted)
        }
        line(area.left, area.bottom, area.right, area.bottom, stroke: Palette.axis)
        label(title, x: area.left + area.width / 2, y: area.bottom + 34, anchor: "middle", size: 11)
    }

    /// A row of legend entries (a swatch and a label each) starting at `x`, `y`;
    /// returns the x after the last entry.
    @discardableResult
    mutating func legend(_ entries: [(color: String, label: String, circle: Bool)], x: Double, y: Double) -> Double {
        var cursor = x
        for entry in entries {
            if entry.circle {
                element("circle", [("cx", .number(cursor + 5)), ("cy", .number(y - 4)), ("r", .number(4.5)), ("fill", .text(entry.color))])
            } else {
                rect(cursor, y - 9, 10, 10, fill: entry.color)
            }
            label(entry.label, x: cursor + 14, y: y, size: 11)
            cursor += 14 + TextMetrics.width(entry.label, size: 11) + 14
        }
        return cursor
    }
}

/// Rough text widths, to decide whether a label fits: SVG text has no layout engine
/// here, so labels that would not fit are shortened or left to the tooltip.
enum TextMetrics {
    /// Average advance of a sans-serif glyph, as a fraction of the font size.
    static let averageAdvance = 0.58

    static func width(_ text: String, size: Double) -> Double {
        Double(text.count) * size * averageAdvance
    }

    /// `text` cut to fit `width` with an ellipsis, or nil when not even two characters fit.
    static func fit(_ text: String, width: Double, size: Double) -> String? {
        let capacity = Int(width / (size * averageAdvance))
        if text.count <= capacity { return text }
        guard capacity >= 3 else { return nil }
        return String(text.prefix(capacity - 1)) + "…"
    }
}
