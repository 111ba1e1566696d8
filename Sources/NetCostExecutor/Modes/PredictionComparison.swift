import NetCost

/// `predict --validate`: a prediction beside the same graph timed by `Benchmark`.
public struct PredictionComparison: Sendable {
    public struct Row: Sendable {
        public let name: String
        public let op: String
        public let predicted: Double
        /// Nil for the second layer of a pair the executor merges: its time is in the first's.
        public let measured: Double?
        /// The layer it is merged with, on the first row of a merged pair.
        public let mergedWith: String?

        /// (predicted − measured) / measured.
        public var error: Double? {
            guard let measured, measured > 0 else { return nil }
            return (predicted - measured) / measured
        }
    }

    /// One class of layer: its compared layers' predicted and measured times, summed.
    public struct ClassTotal: Sendable {
        public let latencyClass: LatencyClass
        public let layers: Int
        public let predicted: Double
        public let measured: Double

        /// (predicted − measured) / measured.
        public var error: Double? { measured > 0 ? (predicted - measured) / measured : nil }
    }

    public let prediction: LatencyPrediction
    public let rows: [Row]
    public let measuredSeconds: Double
    public let kernels: String
    /// This machine's peak arithmetic now over the profile's at calibration: below 1 when
    /// the host is busier than it was (another guest on a shared host).
    public let machineSpeed: Double?

    public var error: Double { measuredSeconds > 0 ? (prediction.totalSeconds - measuredSeconds) / measuredSeconds : 0 }

    /// Per class, in the order the classes first come, the rows with a measured time: where
    /// a network's error lies (a merged pair counts in its first layer's class).
    public var classes: [ClassTotal] {
        let classOf = Dictionary(prediction.layers.map { ($0.name, $0.latencyClass) }, uniquingKeysWith: { first, _ in first })
        var order: [LatencyClass] = []
        var sums: [LatencyClass: (layers: Int, predicted: Double, measured: Double)] = [:]
        for row in rows {
            guard let measured = row.measured, let latencyClass = classOf[row.name] else { continue }
            if sums[latencyClass] == nil { order.append(latencyClass) }
            let sum = sums[latencyClass] ?? (0, 0, 0)
            sums[latencyClass] = (sum.layers + 1, sum.predicted + row.predicted, sum.measured + measured)
        }
        return order.compactMap { latencyClass in
            sums[latencyClass].map { ClassTotal(latencyClass: latencyClass, layers: $0.layers, predicted: $0.predicted, measured: $0.measured) }
        }
    }

    /// The error with the prediction scaled by `machineSpeed`.
    public var adjustedError: Double? {
        guard let machineSpeed, machineSpeed > 0, measuredSeconds > 0 else { return nil }
        return (prediction.totalSeconds / machineSpeed - measuredSeconds) / measuredSeconds
    }

    /// `rounds`: the same graph timed in rounds some time apart; each time is the faster
    /// round's lower quartile, as calibration measures (`Calibration.quantile`).
    public init(_ prediction: LatencyPrediction, rounds: [BenchmarkReport], machineSpeed: Double? = nil) {
        self.prediction = prediction
        self.machineSpeed = machineSpeed
        let quantile = Calibration.quantile
        let measured = rounds[0]
        func fastest(_ time: (BenchmarkReport) -> Double) -> Double { rounds.map(time).min() ?? 0 }
        measuredSeconds = fastest { $0.passes.isEmpty ? $0.totalSeconds : $0.quantile(quantile) }
        kernels = measured.kernels.name
        let timings = Dictionary(measured.layers.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        func seconds(_ timing: LayerTiming?) -> Double? {
            guard let timing else { return nil }
            return fastest { $0.passes.isEmpty ? timing.seconds : $0.quantile(quantile, layer: timing.index) }
        }
        let predicted = Dictionary(prediction.layers.map { ($0.name, $0.seconds) }, uniquingKeysWith: { first, _ in first })
        var rows: [Row] = []
        for layer in prediction.layers where layer.basis != .free {
            let timing = timings[layer.name]
            if let merge = timing?.merge {
                if merge.isFirst {
                    // The pair runs as one: compare the pair.
                    rows.append(Row(name: layer.name, op: layer.op, predicted: layer.seconds + (predicted[merge.partner] ?? 0),
                                    measured: seconds(timing), mergedWith: merge.partner))
                } else {
                    rows.append(Row(name: layer.name, op: layer.op, predicted: layer.seconds, measured: nil, mergedWith: nil))
                }
            } else {
                rows.append(Row(name: layer.name, op: layer.op, predicted: layer.seconds, measured: seconds(timing), mergedWith: nil))
            }
        }
        self.rows = rows
    }

    /// The prediction's JSON with `"validation": {"measured_seconds", "error", "kernels",
    /// "layers": [{"name", "predicted_seconds", "measured_seconds", "error"}],
    /// "classes": [{"class", "layers", "predicted_seconds", "measured_seconds"}]}`.
    public var json: JSONValue {
        guard case .object(var top) = prediction.json else { return prediction.json }
        top.entries.append(("validation", .object(JSONObject([
            ("measured_seconds", .number(measuredSeconds)), ("error", .number(error)), ("kernels", .string(kernels)),
            ("machine_speed", machineSpeed.map { .number($0) } ?? .null), ("adjusted_error", adjustedError.map { .number($0) } ?? .null),
            ("layers", .array(rows.map { row in
                var entries: [(key: String, value: JSONValue)] = [("name", .string(row.name)), ("predicted_seconds", .number(row.predicted))]
                entries.append(("measured_seconds", row.measured.map { .number($0) } ?? .null))
                entries.append(("error", row.error.map { .number($0) } ?? .null))
                if let partner = row.mergedWith { entries.append(("merged_with", .string(partner))) }
                return .object(JSONObject(entries))
            })),
            ("classes", .array(classes.map { total in
                .object(JSONObject([
                    ("class", .string(total.latencyClass.rawValue)), ("layers", .integer(total.layers)),
                    ("predicted_seconds", .number(total.predicted)), ("measured_seconds", .number(total.measured)),
                ]))
            })),
        ]))))
        return .object(top)
    }
}
