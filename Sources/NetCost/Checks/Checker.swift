/// What `netcost check` probes the network with.
public struct CheckOptions: Sendable {
    /// The width multiplier compared with the spec's own (α in α²); nil tries 0.5, then
    /// 0.75, 0.25 and 2 until the network rebuilds (group counts must still divide).
    public var widthProbe: Double?
    /// The resolution compared with the spec's own; nil: 5/7 of it (224 → 160, MobileNets' ρ = 0.714),
    /// or, if the network does not rebuild there, the nearest multiple of its total stride.
    public var resolutionProbe: Int?
    /// Compound-scaling exponents to measure.
    public var phis: [Double] = [1, 2, 3]
    public var scaling = CompoundScaling.efficientNet
    /// Rules to run; nil runs all.
    public var rules: Set<String>?
    /// Rule FIT: the SRAM the activation arena must fit, the flash the weights must, and
    /// the element type of both. FIT runs only when one of the two is given.
    public var sramBytes: Int?
    public var flashBytes: Int?
    /// For a `.tflite` file: what it needs on the device, read from the file itself (the
    /// FIT rule then uses these instead of netcost's arena and the weights' bytes).
    public var deviceFile: DeviceFile?

    public struct DeviceFile: Sendable {
        /// TFLite Micro's planned head and the 32-bit estimate of its tail.
        public var arenaHeadBytes: Int
        public var arenaTailBytes: Int
        /// The flatbuffer's size: what flash holds.
        public var fileBytes: Int

        public init(arenaHeadBytes: Int, arenaTailBytes: Int, fileBytes: Int) {
            self.arenaHeadBytes = arenaHeadBytes
            self.arenaTailBytes = arenaTailBytes
            self.fileBytes = fileBytes
        }
    }
    public var dataType: DataType = .fp32

    public init() {}

    func wants(_ rule: String) -> Bool { rules?.contains(rule) ?? true }
}

/// Runs the documents' reasoning on a network: ShuffleNet V2's guidelines (G1–G4),
/// the depthwise-separable, width, resolution and compound-scaling ratios, SqueezeNet's
/// strategies and the receptive field. Thresholds are in docs/checks.md.
public enum Checker {
    /// Every rule id, in the order reports list them.
    public static let rules = ["G1", "G2", "G3", "G4", "DW-RATIO", "WIDTH-SCALING", "RESOLUTION-SCALING", "COMPOUND-SCALING", "SQUEEZE", "RF", "FIT"]

    /// `rebuild` makes the model again with other hyper-parameters (a spec can, an ONNX
    /// file cannot: pass nil and the scaling rules say they were skipped).
    public static func check(_ model: LoadedModel, rebuild: ((SpecOverrides) throws(InputError) -> LoadedModel)?,
                             options: CheckOptions = CheckOptions()) throws(InputError) -> CheckReport {
        let analysis = try Analysis(model.graph)
        var report = CheckReport(model: model.name)
        let network = NetworkView(analysis)
        if options.wants("G1") { GuidelineChecks.g1(network, into: &report) }
        if options.wants("G2") { GuidelineChecks.g2(network, into: &report) }
        if options.wants("G3") { GuidelineChecks.g3(network, into: &report) }
        if options.wants("G4") { try GuidelineChecks.g4(network, into: &report) }
        if options.wants("DW-RATIO") { RatioChecks.depthwiseSeparable(network, into: &report) }
        let scalingRules = ["WIDTH-SCALING", "RESOLUTION-SCALING", "COMPOUND-SCALING"].filter(options.wants)
        if let rebuild {
            // A network may not rebuild at every setting (a ShuffleNet unit cannot split an
            // odd channel count): that is a finding about the network, not a failed check.
            let rules: [(String, (NetworkView, LoadedModel, (SpecOverrides) throws(InputError) -> LoadedModel, CheckOptions, inout CheckReport) throws(InputError) -> Void)] = [
                ("WIDTH-SCALING", RatioChecks.width), ("RESOLUTION-SCALING", RatioChecks.resolution), ("COMPOUND-SCALING", RatioChecks.compound),
            ]
            for (rule, run) in rules where options.wants(rule) {
                do {
                    try run(network, model, rebuild, options, &report)
                } catch {
                    report.findings.append(Finding(rule, .info, layer: error.layer, "cannot be probed: the network does not rebuild at any probed setting: \(error.message)"))
                }
            }
        } else {
            for rule in scalingRules {
                report.findings.append(Finding(rule, .info, "skipped: scaling rebuilds the network from a spec, and this model is not one"))
            }
        }
        if options.wants("SQUEEZE") { SqueezeNetChecks.strategies(network, into: &report) }
        if options.wants("RF") { ReceptiveFieldChecks.run(network, input: model.input, into: &report) }
        if options.wants("FIT") { try FitChecks.run(network, options: options, into: &report) }
        return report
    }
}

/// An analysed graph with the look-ups the checks share.
struct NetworkView {
    let analysis: Analysis
    let consumers: [[Int]]
    private let indexByName: [String: Int]

    init(_ analysis: Analysis) {
        self.analysis = analysis
        self.consumers = analysis.graph.consumers()
        self.indexByName = Dictionary(analysis.graph.layers.enumerated().map { ($0.element.name, $0.offset) }, uniquingKeysWith: { first, _ in first })
    }

    func index(of name: String) -> Int? { indexByName[name] }

    var graph: Graph { analysis.graph }
    var layers: [Layer] { analysis.graph.layers }

    func inputShape(_ index: Int) -> TensorShape? {
        layers[index].inputs.first.map { layers[$0].outputShape }
    }

    /// Convolutions with their input shape.
    var convolutions: [(index: Int, conv: Convolution, input: TensorShape)] {
        layers.indices.compactMap { index in
            guard case .convolution(let conv) = layers[index].operation, let input = inputShape(index) else { return nil }
            return (index, conv, input)
        }
    }

    /// The layer that alone reads `index`'s output, if exactly one does.
    func soleConsumer(_ index: Int) -> Int? {
        consumers[index].count == 1 ? consumers[index][0] : nil
    }
}
