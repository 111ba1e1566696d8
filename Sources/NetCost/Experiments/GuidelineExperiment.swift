// MARK: The experiments

/// ShuffleNet V2's four controlled experiments (Ma et al., ECCV 2018, Sec. 2, Tables 1–4):
/// small networks whose rows have the same FLOPs (the paper's FLOPs are multiply-adds)
/// and differ in one design choice, timed to show that FLOPs alone do not predict speed.
///
/// Every network takes a 56×56 input and stacks ten blocks; the channel numbers are the
/// paper's (`ExperimentChannels`), multiplied by the table's ×1/×2/×4 scale.
public enum Guideline: String, CaseIterable, Sendable {
    case g1, g2, g3, g4

    /// `G1` … `G4`.
    public var id: String { rawValue.uppercased() }

    /// The table of the paper that holds the experiment.
    public var paperTable: Int {
        switch self {
        case .g1: 1
        case .g2: 2
        case .g3: 3
        case .g4: 4
        }
    }

    /// The guideline, as the paper states it.
    public var statement: String {
        switch self {
        case .g1: "equal channel width minimizes memory access cost"
        case .g2: "excessive group convolution increases memory access cost"
        case .g3: "network fragmentation reduces the degree of parallelism"
        case .g4: "element-wise operations are non-negligible"
        }
    }

    /// What the paper measured, in the terms of the rows.
    public var expectation: String {
        switch self {
        case .g1: "1:1 is fastest"
        case .g2: "g=1 is fastest"
        case .g3: "1-fragment is fastest"
        case .g4: "neither (ReLU and shortcut removed) is fastest"
        }
    }
}

/// Which of the paper's two channel columns a table is built from: the GPU columns use
/// wider layers than the ARM ones (Table 1: (128,128) on the GPU, (32,32) on ARM).
public enum ExperimentChannels: String, CaseIterable, Sendable {
    case gpu, arm
}

/// How Table 3's parallel branches are joined. The appendix figure draws the branches,
/// the text does not say how they meet; see docs/guidelines.md.
public enum ParallelJoin: String, CaseIterable, Sendable {
    /// Inception-style: each of the k branches maps the c input channels to c/k, and the
    /// outputs are concatenated back to c (FLOPs equal the 1-fragment block's exactly).
    case concat
    /// Each branch maps c′ to c′ channels, c′ = ⌊c/√k⌋, and the outputs are summed.
    case add
}

// MARK: Rows and tables

/// One row of a table: a network, its configuration, netcost's costs, and the paper's
/// speeds for it (at ×1 only: the reference numbers hold the ×1 columns).
public struct ExperimentRow: Sendable {
    /// The paper's row name: `1:2`, `g=4`, `2-fragment-series`, `ReLU only`.
    public let label: String
    /// The channel numbers built, such as `c1=90 c2=180`.
    public let configuration: String
    public let graph: Graph
    /// netcost's symbolic costs of the whole network (per image).
    public let totals: Totals
    /// Table speeds: GPU batches/s and ARM images/s; nil when not published at this scale.
    public let paperGPU: Double?
    public let paperARM: Double?
    /// The channel numbers of the paper's GPU and ARM columns for this row.
    public let paperGPUChannels: String
    public let paperARMChannels: String
}

/// A table of the paper rebuilt: its rows, the row the guideline says is fastest, and how
/// the networks were built.
public struct ExperimentTable: Sendable {
    /// The paper's input: 56×56.
    public static let paperResolution = 56
    /// Blocks (or layers, for Table 2) stacked in every network.
    public static let blocks = 10
    /// The ×1/×2/×4 channel multipliers of the paper's columns.
    public static let scales = [1, 2, 4]

    public let guideline: Guideline
    public let scale: Int
    public let channels: ExperimentChannels
    public let join: ParallelJoin
    /// Input height and width: the paper's 56 unless asked otherwise (a smaller map makes
    /// a quick run; the FLOPs stay equal across rows at any size).
    public let resolution: Int
    /// One line on the block structure.
    public let structure: String
    public let rows: [ExperimentRow]
    /// The row the guideline predicts to be fastest.
    public let expectedFastest: Int

    /// Builds the networks of `guideline`'s table at `scale` × the paper's channel numbers.
    ///
    /// `join` matters for Table 3 only. Throws for a scale outside 1…64 or a resolution
    /// outside 1…4096.
    public init(_ guideline: Guideline, scale: Int = 1, channels: ExperimentChannels = .gpu,
                join: ParallelJoin = .concat, resolution: Int = ExperimentTable.paperResolution) throws(InputError) {
        guard (1...64).contains(scale) else { throw InputError("must be between 1 and 64, got \(scale)", field: "scale") }
        guard (1...4096).contains(resolution) else { throw InputError("must be between 1 and 4096, got \(resolution)", field: "resolution") }
        self.guideline = guideline
        self.resolution = resolution
        self.scale = scale
        self.channels = channels
        self.join = join
        let built: (structure: String, rows: [ExperimentRow])
        let setup = ExperimentSetup(scale: scale, channels: channels, resolution: resolution)
        switch guideline {
        case .g1: built = try ChannelRatioExperiment.rows(setup)
        case .g2: built = try GroupConvolutionExperiment.rows(setup)
        case .g3: built = try FragmentationExperiment.rows(setup, join: join)
        case .g4: built = try ElementwiseExperiment.rows(setup)
        }
        structure = built.structure
        rows = built.rows
        expectedFastest = guideline == .g4 ? rows.count - 1 : 0
    }
}

// MARK: Building blocks

/// What every table's builder needs: the channel multiplier, the paper's column, the map size.
struct ExperimentSetup {
    let scale: Int
    let channels: ExperimentChannels
    let resolution: Int

    /// A builder holding the input map with `channels` channels.
    func builder(_ name: String, channels: Int) throws(InputError) -> (GraphBuilder, Int) {
        var builder = GraphBuilder(name: name)
        let input = try builder.addInput(name: "input", shape: TensorShape([1, channels, resolution, resolution], batchAxis: 0))
        return (builder, input)
    }
}

extension ExperimentRow {
    /// A row from a finished graph: analyses it and looks up the paper's numbers.
    init(_ guideline: Guideline, index: Int, label: String, configuration: String, builder: GraphBuilder, setup: ExperimentSetup) throws(InputError) {
        let graph = builder.build()
        let published = PublishedGuidelineSpeeds.table(guideline)
        self.label = label
        self.configuration = configuration
        self.graph = graph
        self.totals = try Analysis(graph).totals
        // The paper's numbers stand beside the paper's setup only.
        let paperSetup = setup.scale == 1 && setup.resolution == ExperimentTable.paperResolution
        paperGPU = paperSetup ? published.gpu[index] : nil
        paperARM = paperSetup ? published.arm[index] : nil
        paperGPUChannels = published.gpuChannels[index]
        paperARMChannels = published.armChannels[index]
    }
}

extension GraphBuilder {
    /// A bias-free k×k convolution with stride 1 and same padding, as the convolutions
    /// of the networks the paper studies are (a batch norm follows them in training).
    mutating func convolution(_ name: String, _ input: Int, out: Int, kernel: Int = 1, groups: Int = 1) throws(InputError) -> Int {
        let pad = (kernel - 1) / 2
        let op = Convolution(outChannels: out, kernel: .square(kernel), padding: .symmetric(pad, pad), groups: groups, bias: false)
        return try add(name: name, operation: .convolution(op), inputs: [input])
    }
}

/// The widest channel count c′ whose k convolutions c′→c′ do not exceed the FLOPs of one
/// c→c convolution: ⌊c/√k⌋, computed exactly (c′²·k ≤ c²). The paper rounds down the same
/// way: 128/√2 → 90 and 128/√12 → 36 in Table 1.
func equalFLOPsWidth(_ channels: Int, parts: Int) -> Int {
    var width = 0
    while (width + 1) * (width + 1) * parts <= channels * channels { width += 1 }
    return width
}
