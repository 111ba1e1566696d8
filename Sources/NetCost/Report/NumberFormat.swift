/// Number formats for human-readable reports. Machine formats (JSON, CSV) print exact integers.
public enum NumberFormat {
    /// `864`, `10.84K`, `300.77M`, `15.47G`: SI prefixes, two decimals.
    public static func count(_ value: Int) -> String {
        let magnitude = Double(value.magnitude)
        let sign = value < 0 ? "-" : ""
        switch magnitude {
        case ..<1_000: return String(value)
        case ..<1_000_000: return sign + fixed(magnitude / 1e3, 2) + "K"
        case ..<1_000_000_000: return sign + fixed(magnitude / 1e6, 2) + "M"
        case ..<1e12: return sign + fixed(magnitude / 1e9, 2) + "G"
        default: return sign + fixed(magnitude / 1e12, 2) + "T"
        }
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

    /// Bytes in decimal megabytes (10⁶ bytes, as torchinfo and ptflops print them): `14.16 MB`.
    public static func megabytes(_ bytes: Double) -> String {
        fixed(bytes / 1e6, 2) + " MB"
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
