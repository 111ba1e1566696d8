/// How a report writes counts: `--units` and `--precision`, as ptflops' `units=` and
/// `precision=`.
public struct CountStyle: Sendable, Equatable {
    /// A fixed SI prefix for every count, or nil to pick one per number.
    public enum Unit: String, CaseIterable, Sendable {
        case auto, exact, K, M, G, T, P

        /// The prefix's power of ten; nil for `auto` and `exact`.
        var scale: Double? {
            switch self {
            case .auto, .exact: nil
            case .K: 1e3
            case .M: 1e6
            case .G: 1e9
            case .T: 1e12
            case .P: 1e15
            }
        }

        /// `--units m` works as well as `--units M`.
        public init?(name: String) {
            if let unit = Unit(rawValue: name) ?? Unit(rawValue: name.uppercased()) ?? Unit(rawValue: name.lowercased()) { self = unit } else { return nil }
        }
    }

    public var unit: Unit
    /// Digits after the point.
    public var precision: Int

    public init(unit: Unit = .auto, precision: Int = 2) {
        self.unit = unit
        self.precision = precision
    }

    public static let standard = CountStyle()
}

/// Number formats for human-readable reports. Machine formats (JSON, CSV) print exact integers.
public enum NumberFormat {
    private static let siPrefixes: [(Double, String)] = [(1e18, "E"), (1e15, "P"), (1e12, "T"), (1e9, "G"), (1e6, "M"), (1e3, "K")]

    /// `864`, `10.84K`, `300.77M`, `15.47G`, `94.60P`: SI prefixes up to exa, two decimals;
    /// or as `style` says (`--units M --precision 1`: `300.8M`; `--units exact`: `300,774,272`).
    public static func count(_ value: Int, style: CountStyle = .standard) -> String {
        let magnitude = Double(value.magnitude)
        let sign = value < 0 ? "-" : ""
        if style.unit == .exact { return grouped(value) }
        if let scale = style.unit.scale { return sign + fixed(magnitude / scale, style.precision) + style.unit.rawValue }
        for (scale, prefix) in siPrefixes where magnitude >= scale {
            return sign + fixed(magnitude / scale, style.precision) + prefix
        }
        return String(value)
    }

    /// Bytes in decimal units, as torchinfo and ptflops print them: megabytes up to a
    /// gigabyte (`14.16 MB`, `0.02 MB`), then `1.23 GB`, `4.56 TB`, `7.89 PB`.
    public static func bytes(_ bytes: Double, precision: Int = 2) -> String {
        let units: [(Double, String)] = [(1e15, "PB"), (1e12, "TB"), (1e9, "GB")]
        for (scale, name) in units where bytes.magnitude >= scale { return fixed(bytes / scale, precision) + " " + name }
        return fixed(bytes / 1e6, precision) + " MB"
    }

    /// `3,504,872`.
    public static func grouped(_ value: Int) -> String {
        let digits = String(value.magnitude)
        var result = ""
        for (offset, digit) in digits.enumerated() {
            if offset > 0 && (digits.count - offset) % 3 == 0 { result += "," }
            result.append(digit)
        }
        return value < 0 ? "-" + result : result
    }


    /// Bytes in binary units with two decimals: `13.50 MiB`, `1.15 GiB`.
    public static func binaryUnits(_ bytes: Double) -> String {
        let units: [(Double, String)] = [(1_125_899_906_842_624, "PiB"), (1_099_511_627_776, "TiB"), (1_073_741_824, "GiB")]
        for (scale, name) in units where bytes.magnitude >= scale { return fixed(bytes / scale, 2) + " " + name }
        return fixed(bytes / 1_048_576, 2) + " MiB"
    }

    /// Bytes in binary units for messages about limits: `64 MiB`, `1.5 GiB`, `512 bytes`.
    public static func binaryBytes(_ bytes: Int) -> String {
        let units = [(1 << 40, "TiB"), (1 << 30, "GiB"), (1 << 20, "MiB"), (1 << 10, "KiB")]
        for (size, name) in units where bytes >= size {
            let value = Double(bytes) / Double(size)
            return fixed(value, value == value.rounded() ? 0 : 1) + " " + name
        }
        return "\(bytes) bytes"
    }

    /// `63.36%` of `total`; `-` when the total is zero.
    public static func percent(_ part: Int, of total: Int) -> String {
        guard total != 0 else { return "-" }
        return fixed(100 * Double(part) / Double(total), 2) + "%"
    }

    /// A number with exactly `decimals` digits after the point, without Foundation's `String(format:)`.
    public static func fixed(_ value: Double, _ decimals: Int) -> String {
        guard value.isFinite else { return value.isNaN ? "nan" : (value < 0 ? "-inf" : "inf") }
        var scale = 1.0
        for _ in 0..<decimals { scale *= 10 }
        let scaled = (abs(value) * scale).rounded()
        guard scaled < 9e18 else { return String(value) }
        let units = Int(scaled)
        let whole = units / Int(scale)
        let sign = value < 0 && units != 0 ? "-" : ""
        guard decimals > 0 else { return sign + String(whole) }
        let fraction = String(units % Int(scale))
        return sign + String(whole) + "." + String(repeating: "0", count: decimals - fraction.count) + fraction
    }

    /// `0.5`, `2`, `1.15`: a multiplier as the user would type it.
    public static func shortest(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : String(value)
    }

    /// A receptive-field number: integral values without decimals, others with two.
    public static func field(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : fixed(value, 2)
    }
}
