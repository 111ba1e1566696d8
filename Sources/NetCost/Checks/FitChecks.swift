/// Rule FIT: whether a model fits a microcontroller at its dtype. The activations need
/// an arena (`ArenaPlan`, netcost's placement of the model's own order, as a runtime
/// runs it) no larger than the SRAM; the weights (the stored model size at the dtype's
/// bits) no larger than the flash.
enum FitChecks {
    static func run(_ network: NetworkView, options: CheckOptions, into report: inout CheckReport) throws(InputError) {
        let bytes = options.dataType.bytes
        if let file = options.deviceFile {
            if let sram = options.sramBytes {
                let what = "TFLite Micro's arena (head \(NumberFormat.grouped(file.arenaHeadBytes)) planned + tail about \(NumberFormat.grouped(file.arenaTailBytes)), 32-bit)"
                report.findings.append(Self.finding(what: what, needed: file.arenaHeadBytes.saturatingPlus(file.arenaTailBytes), capacity: sram, memory: "SRAM", dataType: options.dataType))
            }
            if let flash = options.flashBytes {
                report.findings.append(Self.finding(what: "the weights, as the .tflite file", needed: file.fileBytes, capacity: flash, memory: "flash", dataType: options.dataType))
            }
            return
        }
        if let sram = options.sramBytes {
            let schedule: MemorySchedule, arena: ArenaPlan?
            do {
                schedule = try MemorySchedule(network.graph, bytesPerElement: bytes)
                arena = try ArenaPlan(schedule, strategy: .best)
            } catch {
                throw InputError("the activation bytes pass 2⁶³ − 1 at \(options.dataType.rawValue)", field: "dtype")
            }
            let needed = arena?.bytes ?? schedule.peakBytes
            let what = arena == nil ? "the activation peak" : "the activation arena"
            report.findings.append(Self.finding(what: what, needed: needed, capacity: sram, memory: "SRAM", dataType: options.dataType))
        }
        if let flash = options.flashBytes {
            let weights = try network.analysis.storedBytes(StorageModel(bits: 8 * bytes))
            report.findings.append(Self.finding(what: "the weights", needed: weights, capacity: flash, memory: "flash", dataType: options.dataType))
        }
    }

    private static func finding(what: String, needed: Int, capacity: Int, memory: String, dataType: DataType) -> Finding {
        let margin = capacity - needed
        let share = capacity == 0 ? 0 : Double(needed) / Double(capacity)
        let verb = what.hasPrefix("the weights") ? "need" : "needs"
        let text = "\(what) at \(dataType.rawValue) \(verb) \(NumberFormat.grouped(needed)) bytes of \(NumberFormat.grouped(capacity)) of \(memory) ("
            + NumberFormat.fixed(share * 100, 1) + "%): "
            + (margin >= 0 ? "fits, \(NumberFormat.grouped(margin)) bytes to spare" : "does not fit, \(NumberFormat.grouped(-margin)) bytes over")
        return Finding("FIT", margin >= 0 ? .info : .error, text,
                       values: [(memory == "SRAM" ? "arena_bytes" : "weight_bytes", Double(needed)), ("\(memory.lowercased())_bytes", Double(capacity)),
                                ("margin_bytes", Double(margin))])
    }
}
