import Foundation

/// Measured per-layer latencies, read from `netcost bench --format json`.
///
/// The reader needs only this much of that output (other keys are ignored):
///
///     { "layers": [ { "name": "features.0.conv", "seconds": 0.00042 }, … ],
///       "total_seconds": 0.0061,                                  (optional)
///       "machine": { "peak_gflops": 150.2, "bandwidth_gbps": 18.5 } } (optional)
///
/// Layers are matched by name; a layer the file does not name has no timing. The
/// machine, when present, becomes the roofline's device unless `--peak-gflops` or
/// `--bandwidth` is given.
public struct LayerTimings: Sendable, Equatable {
    /// Median seconds per layer name.
    public var seconds: [String: Double]
    public var totalSeconds: Double?
    /// The machine the timings were taken on, when the file says.
    public var machine: RooflineDevice?
    /// Where the times come from: `bench` measured them, or `predict` predicted them
    /// (its JSON has `"calibrated"`), from a profile or from the roofline alone.
    public enum Source: Sendable, Equatable {
        case measured, predicted, roofline

        /// How the page titles the times.
        public var label: String {
            switch self {
            case .measured: "Measured"
            case .predicted: "Predicted"
            case .roofline: "Roofline estimate"
            }
        }

        /// The command that wrote them.
        public var command: String { self == .measured ? "netcost bench" : "netcost predict" }
    }

    public var source: Source
    public var label: String { source.label }

    public init(seconds: [String: Double], totalSeconds: Double? = nil, machine: RooflineDevice? = nil, source: Source = .measured) {
        self.seconds = seconds
        self.totalSeconds = totalSeconds
        self.machine = machine
        self.source = source
    }

    /// Reads and parses a file written by `netcost bench --format json`.
    public static func load(file path: String) throws(InputError) -> LayerTimings {
        try parse(try InputFile.read(path, kind: "the output of `netcost bench --format json`"), file: path)
    }

    /// Parses the JSON text; `file` names it in errors.
    public static func parse(_ bytes: [UInt8], file: String) throws(InputError) -> LayerTimings {
        let value: JSONValue
        do {
            value = try JSONParser.parse(bytes)
        } catch {
            throw InputError("malformed JSON at column \(error.column): \(error.message)", file: file, line: error.line)
        }
        guard case .object(let top) = value else {
            throw InputError("expected the JSON object `netcost bench --format json` writes, got \(value.typeDescription)", file: file)
        }
        guard case .array(let layers)? = top["layers"] else {
            throw InputError("expected an array of {\"name\", \"seconds\"} objects", file: file, line: top.line, field: "layers")
        }
        var seconds: [String: Double] = [:]
        for (offset, entry) in layers.enumerated() {
            guard case .object(let layer) = entry, case .string(let name)? = layer["name"],
                  let time = number(layer["seconds"]), time >= 0, time.isFinite else {
                throw InputError("expected {\"name\": string, \"seconds\": non-negative number}", file: file,
                                 line: lineOf(entry) ?? top.line, field: "layers[\(offset)]")
            }
            seconds[name] = time
        }
        var machine: RooflineDevice?
        if case .object(let object)? = top["machine"] {
            guard let peak = number(object["peak_gflops"]), let bandwidth = number(object["bandwidth_gbps"]), peak > 0, bandwidth > 0 else {
                throw InputError("expected positive \"peak_gflops\" and \"bandwidth_gbps\"", file: file, line: object.line, field: "machine")
            }
            machine = RooflineDevice(peakGFLOPS: peak, bandwidthGBps: bandwidth, name: "the machine netcost bench measured")
        }
        var source = Source.measured
        if case .bool(let calibrated)? = top["calibrated"] { source = calibrated ? .predicted : .roofline }
        return LayerTimings(seconds: seconds, totalSeconds: number(top["total_seconds"]), machine: machine, source: source)
    }

    private static func number(_ value: JSONValue?) -> Double? {
        switch value {
        case .integer(let integer)?: Double(integer)
        case .number(let number)?: number
        default: nil
        }
    }

    private static func lineOf(_ value: JSONValue) -> Int? {
        if case .object(let object) = value { return object.line }
        return nil
    }
}
