import NetCost

/// The outcome of `netcost experiment`: the tables timed, how, and on what machine, as
/// text or JSON.
public struct ExperimentReport: Sendable {
    public let tables: [TableMeasurement]
    public let settings: ExperimentSettings
    public let threads: Int
    /// The machine before the first table and after the last.
    public let before: MachineState
    public let after: MachineState
    /// The vector width's kernels the tables ran with.
    public let kernels: KernelSet

    public init(tables: [TableMeasurement], settings: ExperimentSettings, threads: Int, before: MachineState, after: MachineState,
                kernels: KernelSet = .inUse) {
        self.kernels = kernels
        self.tables = tables
        self.settings = settings
        self.threads = threads
        self.before = before
        self.after = after
    }

    // MARK: Text

    public func text() -> String {
        var lines = ["ShuffleNet V2's guideline experiments (Ma et al. 2018, Tables 1-4), timed with netcost's executor",
                     "machine: \(before.cpu ?? "unknown CPU"), \(before.activeProcessors) processors, \(threads) worker threads, \(kernels.name) kernels; "
                         + "load average \(Self.load(before)) before, \(Self.load(after)) after",
                     "timing: \(settings.rounds) rounds, each row per round \(settings.warmup) untimed + at least \(settings.repetitions) timed passes "
                         + "(the \(settings.statistic.rawValue) pass stands for the round); rows interleaved; batch 1; "
                         + "ms = median over rounds, IQR and min-max across rounds",
                     "verdicts: paired by round; one row is faster than another beyond the noise when the interquartile range "
                         + "of their per-round time ratio lies wholly on one side of 1"]
        for measurement in tables {
            lines.append("")
            lines.append(contentsOf: Self.text(measurement))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    static func text(_ measurement: TableMeasurement) -> [String] {
        let table = measurement.table, verdict = measurement.verdict
        let predicted = measurement.predictedSeconds
        var grid = Table(columns: [
            Table.Column("row"), Table.Column("channels"), Table.Column("ms", right: true)] + (predicted == nil ? [] : [Table.Column("predicted ms", right: true)]) + [
            Table.Column("IQR ms", right: true),
            Table.Column("min-max ms", right: true), Table.Column("images/s", right: true), Table.Column("MACs", right: true),
            Table.Column("FLOPs", right: true), Table.Column("memory access", right: true), Table.Column("bytes", right: true),
            Table.Column("paper GPU b/s", right: true), Table.Column("paper ARM img/s", right: true),
        ])
        for (index, row) in measurement.rows.enumerated() {
            let s = row.seconds, r = row.row
            grid.append([r.label, r.configuration, ms(s.median)] + (predicted.map { [ms($0[index])] } ?? []) + [ms(s.lowerQuartile) + "-" + ms(s.upperQuartile),
                         ms(s.minimum) + "-" + ms(s.maximum), NumberFormat.fixed(row.imagesPerSecond, 1),
                         NumberFormat.count(r.totals.macs), NumberFormat.count(r.totals.flops), NumberFormat.count(r.totals.memoryAccess),
                         NumberFormat.bytes(Double(r.totals.memoryAccess) * 4),
                         paper(r.paperGPU, r.paperGPUChannels), paper(r.paperARM, r.paperARMChannels)])
        }
        let labels = measurement.rows.map(\.row.label)
        let published = PublishedGuidelineSpeeds.table(table.guideline)
        let source = table.channels == .gpu ? "GPU" : "ARM"
        var lines = ["\(table.guideline.id) (ShuffleNet V2 Table \(table.guideline.paperTable)): \(table.guideline.statement)",
                     "\(table.structure); \(table.resolution)x\(table.resolution) input; channels x\(table.scale) of the paper's \(source) columns"]
        lines.append(contentsOf: grid.text().split(separator: "\n", omittingEmptySubsequences: false).map(String.init))
        lines.append("paper order:   GPU " + order(published.gpuOrder, labels) + "   ARM " + order(published.armOrder, labels))
        lines.append("this machine:  " + order(verdict.order, labels)
                     + (verdict.matches(published.gpuOrder) ? "  (the GPU order)" : "")
                     + (verdict.matches(published.armOrder) ? "  (the ARM order)" : ""))
        if let predicted {
            let byPrediction = predicted.indices.sorted { predicted[$0] < predicted[$1] }
            lines.append("predicted:     " + order(byPrediction, labels) + (byPrediction == verdict.order ? "  (the measured order)" : ""))
        }
        let byMemory = measurement.rows.indices.sorted { measurement.rows[$0].row.totals.memoryAccess < measurement.rows[$1].row.totals.memoryAccess }
        lines.append("by memory access (netcost, least first): " + order(byMemory, labels))
        lines.append("claim:   " + table.guideline.expectation)
        lines.append("verdict: " + sentence(verdict, labels))
        lines.append("\(labels[verdict.expected]) against each row: its speed over theirs by the medians, per round (IQR), rounds won")
        for comparison in verdict.comparisons {
            var text = "  \(labels[comparison.row]): \(NumberFormat.fixed(comparison.speedup, 2))x"
            if let ratios = comparison.roundRatios {
                text += ", per round \(NumberFormat.fixed(ratios.lowerQuartile, 2))-\(NumberFormat.fixed(ratios.upperQuartile, 2))x"
                    + ", \(comparison.roundsWon)/\(comparison.roundsCompared) rounds"
            }
            lines.append(text + ": " + comparison.relation.rawValue)
        }
        return lines
    }

    static func sentence(_ verdict: GuidelineVerdict, _ labels: [String]) -> String {
        let expected = labels[verdict.expected], runnerUp = labels[verdict.runnerUp]
        let ratio = NumberFormat.fixed(verdict.speedupOverRunnerUp, 2) + "x"
        let spread = "fastest/slowest " + NumberFormat.fixed(verdict.fastestOverSlowest, 2) + "x"
        switch verdict.outcome {
        case .reproduced:
            return "reproduced: \(expected) runs at \(ratio) the speed of the next-best row, \(runnerUp), "
                + "and is faster than every row beyond the noise; \(spread)"
        case .notReproduced:
            let faster = verdict.comparisons.filter { $0.relation == .slower }.map { labels[$0.row] }
            return "not reproduced: \(faster.joined(separator: ", ")) faster than \(expected) beyond the noise; "
                + "\(expected) runs at \(ratio) the speed of \(runnerUp); \(spread)"
        case .inconclusive:
            let overlapping = verdict.comparisons.filter { $0.relation == .overlapping }.map { labels[$0.row] }
            return "inconclusive: \(expected) overlaps \(overlapping.joined(separator: ", ")); "
                + "\(expected) runs at \(ratio) the speed of \(runnerUp) by the medians; \(spread)"
        }
    }

    static func ms(_ seconds: Double) -> String { NumberFormat.fixed(seconds * 1e3, seconds < 0.01 ? 3 : 2) }

    static func paper(_ speed: Double?, _ channels: String) -> String {
        guard let speed else { return "-" }
        // The paper prints whole batches per second and tenths of images per second.
        let number = speed == speed.rounded() ? NumberFormat.field(speed) : NumberFormat.fixed(speed, 1)
        return number + " " + channels
    }

    static func order(_ indices: [Int], _ labels: [String]) -> String {
        indices.map { labels[$0] }.joined(separator: " > ")
    }

    static func load(_ state: MachineState) -> String {
        state.loadAverage.map { $0.map { NumberFormat.fixed($0, 2) }.joined(separator: " ") } ?? "unknown"
    }

    // MARK: JSON

    public var json: JSONValue {
        .object(JSONObject([
            ("settings", .object(JSONObject([
                ("rounds", .integer(settings.rounds)), ("repetitions", .integer(settings.repetitions)),
                ("warmup", .integer(settings.warmup)), ("minimum_round_seconds", .number(settings.minimumRoundSeconds)),
                ("statistic", .string(settings.statistic.rawValue)),
                ("threads", .integer(threads)), ("batch", .integer(1)),
            ]))),
            ("machine", .object(JSONObject([
                ("cpu", before.cpu.map(JSONValue.string) ?? .null), ("processors", .integer(before.activeProcessors)),
                ("kernels", .string(kernels.name)),
                ("load_average_before", Self.loadJSON(before)), ("load_average_after", Self.loadJSON(after)),
            ]))),
            ("tables", .array(tables.map(Self.json))),
        ]))
    }

    static func json(_ measurement: TableMeasurement) -> JSONValue {
        let table = measurement.table, verdict = measurement.verdict
        let labels = measurement.rows.map { JSONValue.string($0.row.label) }
        let published = PublishedGuidelineSpeeds.table(table.guideline)
        let rows = measurement.rows.enumerated().map { index, row -> JSONValue in
            let s = row.seconds, r = row.row
            return .object(JSONObject([
                ("predicted_seconds", measurement.predictedSeconds.map { .number($0[index]) } ?? .null),
                ("label", .string(r.label)), ("configuration", .string(r.configuration)),
                ("macs", .integer(r.totals.macs)), ("flops", .integer(r.totals.flops)), ("params", .integer(r.totals.params)),
                ("memory_access", .integer(r.totals.memoryAccess)), ("memory_access_bytes", .integer(r.totals.memoryAccess &* 4)),
                ("seconds", .object(JSONObject([
                    ("median", .number(s.median)), ("q1", .number(s.lowerQuartile)), ("q3", .number(s.upperQuartile)),
                    ("min", .number(s.minimum)), ("max", .number(s.maximum)), ("rounds", .array(row.roundSeconds.map(JSONValue.number))),
                ]))),
                ("images_per_second", .number(row.imagesPerSecond)), ("passes", .integer(row.passes)),
                ("paper", .object(JSONObject([
                    ("gpu_batches_per_second", r.paperGPU.map(JSONValue.number) ?? .null), ("gpu_channels", .string(r.paperGPUChannels)),
                    ("arm_images_per_second", r.paperARM.map(JSONValue.number) ?? .null), ("arm_channels", .string(r.paperARMChannels)),
                ]))),
            ]))
        }
        return .object(JSONObject([
            ("id", .string(table.guideline.id)), ("paper_table", .integer(table.guideline.paperTable)),
            ("guideline", .string(table.guideline.statement)), ("claim", .string(table.guideline.expectation)),
            ("structure", .string(table.structure)), ("resolution", .integer(table.resolution)),
            ("blocks", .integer(ExperimentTable.blocks)), ("scale", .integer(table.scale)),
            ("channels", .string(table.channels.rawValue)), ("join", table.guideline == .g3 ? .string(table.join.rawValue) : .null),
            ("rows", .array(rows)),
            ("paper_order", .object(JSONObject([("gpu", .array(published.gpuOrder.map { labels[$0] })),
                                                ("arm", .array(published.armOrder.map { labels[$0] }))]))),
            ("measured_order", .array(verdict.order.map { labels[$0] })),
            ("memory_access_order", .array(measurement.rows.indices.sorted {
                measurement.rows[$0].row.totals.memoryAccess < measurement.rows[$1].row.totals.memoryAccess
            }.map { labels[$0] })),
            ("verdict", .object(JSONObject([
                ("outcome", .string(verdict.outcome.rawValue)), ("expected_fastest", labels[verdict.expected]),
                ("fastest", labels[verdict.order[0]]), ("runner_up", labels[verdict.runnerUp]),
                ("speedup_over_runner_up", .number(verdict.speedupOverRunnerUp)),
                ("fastest_over_slowest", .number(verdict.fastestOverSlowest)),
                ("matches_gpu_order", .bool(verdict.matches(published.gpuOrder))),
                ("matches_arm_order", .bool(verdict.matches(published.armOrder))),
                ("comparisons", .array(verdict.comparisons.map { comparison in
                    .object(JSONObject([
                        ("row", labels[comparison.row]), ("speedup", .number(comparison.speedup)),
                        ("relation", .string(comparison.relation.rawValue)),
                        ("round_ratio", comparison.roundRatios.map { ratios in
                            .object(JSONObject([("median", .number(ratios.median)), ("q1", .number(ratios.lowerQuartile)),
                                                ("q3", .number(ratios.upperQuartile))]))
                        } ?? .null),
                        ("rounds_won", .integer(comparison.roundsWon)), ("rounds_compared", .integer(comparison.roundsCompared)),
                        ("row_ranges_apart", .bool(comparison.rangesApart)),
                    ]))
                })),
            ]))),
        ]))
    }

    static func loadJSON(_ state: MachineState) -> JSONValue {
        state.loadAverage.map { .array($0.map(JSONValue.number)) } ?? .null
    }
}
