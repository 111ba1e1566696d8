/// Entry points for the coverage-guided fuzzers (`fuzz/`, `scripts/fuzz.sh`,
/// docs/robustness.md). Each takes arbitrary bytes and runs them through everything a
/// command would do with such a file; it must come back, with a result or an
/// `InputError`, and never trap, hang or allocate without bound. The tests replay the
/// seed corpora and every reproducer through the same functions.
public enum FuzzTargets {
    /// Small enough that one input costs milliseconds, large enough for real networks' blocks.
    public static let limits = ModelLimits(layers: 2_000, elements: 1 << 26)

    /// A JSON spec: loaded, analysed, fused, checked (with its scaling probes) and
    /// rendered in every format. Returns whether it loaded.
    @discardableResult
    public static func spec(_ bytes: [UInt8]) -> Bool {
        let file = "fuzz.json"
        let overrides = SpecOverrides(limits: limits)
        guard let model = try? SpecLoader.load(bytes: bytes, file: file, overrides: overrides) else { return false }
        let rebuild = { (changes: SpecOverrides) throws(InputError) -> LoadedModel in
            try SpecLoader.load(bytes: bytes, file: file, overrides: overrides.rescaled(by: changes))
        }
        exercise(model, rebuild: rebuild)
        return true
    }

    /// An ONNX model: imported, analysed, fused, checked and rendered. Returns whether it imported.
    @discardableResult
    public static func onnx(_ bytes: UnsafeRawBufferPointer) -> Bool {
        guard let imported = try? ONNXImporter.load(bytes: bytes, file: "fuzz.onnx", limits: limits) else { return false }
        exercise(imported.model, rebuild: nil)
        return true
    }

    /// A TensorFlow Lite flatbuffer: decoded, its TFLite Micro arena planned and rendered,
    /// and its subgraph imported, analysed, checked and rendered like an ONNX model.
    /// Returns whether it decoded.
    @discardableResult
    public static func tflite(_ bytes: UnsafeRawBufferPointer) -> Bool {
        guard let model = try? TFLiteLoader.decode(bytes, file: "fuzz.tflite") else { return false }
        if let report = try? TFLiteArenaReport(file: "fuzz.tflite", model: model) {
            _ = report.text()
            _ = report.json.documentText
        }
        if let loaded = try? TFLiteLoader.graphModel(model, file: "fuzz.tflite", limits: limits) { exercise(loaded, rebuild: nil) }
        return true
    }

    /// What the commands do with a loaded model. Errors are expected answers here; only a
    /// trap or a hang is a finding.
    private static func exercise(_ model: LoadedModel, rebuild: ((SpecOverrides) throws(InputError) -> LoadedModel)?) {
        guard let analysis = try? Analysis(model.graph) else { return }
        let deployed = (try? Fusion.deploy(model.graph)).flatMap { try? Analysis($0) }
        let report = CostReport(model: model, analysis: analysis, deployed: deployed,
                                storage: StorageModel(bits: 6, density: 0.5, codebook: true))
        for format in ReportFormat.allCases { _ = try? report.render(format) }
        _ = try? CostReport(model: model, analysis: analysis, selection: RowSelection(flat: true)).render(.text)
        let checks = try? Checker.check(model, rebuild: rebuild)
        let visual = VisualReport(report: report, checks: checks)
        _ = try? visual.render(.html)
        for chart in ChartKind.allCases { _ = try? visual.render(.svg, chart: chart) }
    }
}
