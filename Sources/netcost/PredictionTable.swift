import NetCost
import NetCostExecutor

/// `netcost predict`'s text and markdown: per layer the predicted time (and, with
/// `--validate`, the measured one and the error), then the totals.
struct PredictionTable {
    let prediction: LatencyPrediction
    let comparison: PredictionComparison?
    let profile: LatencyProfile?

    func render(markdown: Bool) -> String {
        var columns = [Table.Column("Layer"), Table.Column("Op"), Table.Column("Class"), Table.Column("predicted ms", right: true),
                       Table.Column("roofline ms", right: true)]
        if comparison != nil { columns += [Table.Column("measured ms", right: true), Table.Column("error", right: true)] }
        var table = Table(columns: columns)
        let rows = Dictionary(comparison?.rows.map { ($0.name, $0) } ?? [], uniquingKeysWith: { first, _ in first })
        for layer in prediction.layers where layer.basis != .free {
            let predicted = switch layer.basis {
            case .unknown: "unknown op"
            case .merged: "merged"
            default: milliseconds(layer.seconds)
            }
            var cells = [layer.name, layer.op, layer.latencyClass.rawValue, predicted, milliseconds(layer.rooflineSeconds)]
            if comparison != nil {
                let row = rows[layer.name]
                if let row, row.measured == nil, row.mergedWith == nil {
                    cells += ["merged", "-"]
                } else {
                    cells += [row?.measured.map(milliseconds) ?? "-", row?.error.map(percent) ?? "-"]
                }
            }
            table.append(cells)
        }
        var lines = [(markdown ? "## " : "") + "\(prediction.model): predicted latency, deployed graph, \(Plural.count(prediction.threads, "thread")), batch \(prediction.batch)", ""]
        lines.append(markdown ? table.markdown() : table.text())
        lines.append("")
        if let comparison {
            var byClass = Table(columns: [Table.Column("Class"), Table.Column("layers", right: true), Table.Column("predicted ms", right: true),
                                          Table.Column("measured ms", right: true), Table.Column("error", right: true)])
            for total in comparison.classes {
                byClass.append([total.latencyClass.rawValue, String(total.layers), milliseconds(total.predicted), milliseconds(total.measured),
                                total.error.map(percent) ?? "-"])
            }
            lines.append(markdown ? byClass.markdown() : byClass.text())
            lines.append("")
        }
        if let profile {
            lines.append("Profile: \(profile.machine), \(profile.kernels) kernels, calibrated \(profile.created)")
        } else {
            lines.append("Uncalibrated: every time is the roofline's, at \(NumberFormat.fixed(prediction.device.peakGFLOPS, 1)) GFLOP/s and "
                + "\(NumberFormat.fixed(prediction.device.bandwidthGBps, 1)) GB/s (a lower bound; netcost calibrate writes a profile)")
        }
        let roofline = prediction.layers.filter { $0.basis == .roofline }.count
        if profile != nil, roofline > 0 {
            lines.append("\(Plural.count(roofline, "layer")) of a kind the profile has not measured: the roofline's time")
        }
        let pairs = prediction.layers.filter { $0.mergedWith != nil }.count
        if pairs > 0 {
            lines.append("Merged pairs (\(pairs)): the executor runs them as one, so the first row's time is the pair's (1×1 and depthwise, "
                + "or a convolution and the add it writes into)")
        }
        if let residency = prediction.residency, residency.lastLevelCacheBytes > 0 {
            let weights = NumberFormat.bytes(Double(residency.weightBytes), precision: 1)
            let arena = NumberFormat.bytes(Double(residency.activationBytes), precision: 1)
            let cache = NumberFormat.bytes(Double(residency.lastLevelCacheBytes), precision: 1)
            let share = residency.fraction >= 1 ? "all" : residency.fraction <= 0 ? "none" : "\(NumberFormat.fixed(100 * residency.fraction, 0))%"
            lines.append("Cache: \(weights) of weights and a \(arena) arena against a \(cache) last-level cache; the share counted as cached "
                + "from one pass to the next, its layers at their warm-cache times: \(share)")
        }
        lines.append("Predicted: \(milliseconds(prediction.totalSeconds)) ms per pass; roofline \(milliseconds(prediction.rooflineSeconds)) ms")
        if let comparison {
            lines.append("Measured: \(milliseconds(comparison.measuredSeconds)) ms (the passes' lower quartile in the fastest round, \(comparison.kernels) kernels); "
                + "error \(percent(comparison.error))")
            if let speed = comparison.machineSpeed, let adjusted = comparison.adjustedError {
                lines.append("This machine's peak now: \(NumberFormat.fixed(speed, 2))× the profile's; the prediction scaled by it: "
                    + "\(milliseconds(comparison.prediction.totalSeconds / speed)) ms, error \(percent(adjusted))")
            }
            let merged = comparison.rows.filter { $0.mergedWith != nil }.count
            if merged > 0, pairs == 0 {
                lines.append("Merged pairs (\(merged)): the first row compares the pair's times, as the executor runs them together; "
                    + "this profile predicts their layers apart")
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    private func milliseconds(_ seconds: Double) -> String { NumberFormat.fixed(seconds * 1e3, 3) }
    private func percent(_ fraction: Double) -> String { (fraction >= 0 ? "+" : "") + NumberFormat.fixed(fraction * 100, 1) + "%" }
}
