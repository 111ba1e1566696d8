import ArgumentParsing
import Foundation
import NetCost

/// `netcost sweep MODEL`: totals over a grid of width and resolution, or along
/// EfficientNet's compound scaling.
struct SweepCommand: Subcommand {
    static let spec = CommandSpec(
        name: "sweep",
        abstract: "Tabulate params and MACs over width multipliers and resolutions, or along compound scaling.",
        discussion: """
        With --width and --resolution, every width at every resolution, each beside the \
        α²·ρ² the MobileNets paper predicts relative to the first point (Tables 6 and 7 are \
        a row and a column of this grid). With --phi, the model scaled by the compound rule \
        (depth α^φ, width β^φ, resolution γ^φ) and its MACs growth beside 2^φ; for \
        efficientnet_b0 the released B1–B7 are printed beside each φ.
        """,
        arguments: [SharedOptions.model],
        options: [
            .value("width", "LIST", help: "width multipliers, comma-separated", default: "the spec's"),
            .value("resolution", "LIST", help: "input resolutions, comma-separated", default: "the spec's"),
            .value("convention", "NAME", help: "add each point's total under this tool's rules (docs/conventions.md)", choices: CountingConvention.allCases.map(\.rawValue)),
            .value("phi", "LIST", help: "compound-scaling exponents, comma-separated (instead of --width and --resolution)"),
            .value("alpha", "A", help: "depth coefficient of compound scaling", default: NumberFormat.shortest(CompoundScaling.efficientNet.alpha)),
            .value("beta", "B", help: "width coefficient of compound scaling", default: NumberFormat.shortest(CompoundScaling.efficientNet.beta)),
            .value("gamma", "G", help: "resolution coefficient of compound scaling", default: NumberFormat.shortest(CompoundScaling.efficientNet.gamma)),
        ] + SharedOptions.overrides.filter { !["width", "resolution", "batch"].contains($0.name) } + [
            SharedOptions.format(["text", "markdown", "csv", "json"]),
            SharedOptions.output,
        ],
        examples: [
            "netcost sweep mobilenet_v1 --width 1,0.75,0.5,0.25 --resolution 224,192,160,128",
            "netcost sweep efficientnet_b0 --phi 0,1,2,3,4,5,6,7",
        ])

    let model: String
    let widths: [Double]?
    let resolutions: [Int]?
    let phis: [Double]?
    let scaling: CompoundScaling
    /// The rest of the command line's overrides, under every point of the sweep.
    let overrides: SpecOverrides
    let format: String
    let output: String?
    let convention: CountingConvention?

    init(_ arguments: ParsedArguments) throws(UsageError) {
        model = arguments.argument("MODEL") ?? ""
        let (widthRange, resolutionRange) = (SpecOverrides.multiplierRange, SpecOverrides.resolutionRange)
        widths = try arguments.list("width", element: "numbers between \(NumberFormat.shortest(widthRange.lowerBound)) and \(NumberFormat.shortest(widthRange.upperBound))") {
            Double($0).flatMap { widthRange.contains($0) ? $0 : nil }
        }
        resolutions = try arguments.list("resolution", element: "sizes between \(resolutionRange.lowerBound) and \(resolutionRange.upperBound)") {
            Int($0).flatMap { resolutionRange.contains($0) ? $0 : nil }
        }
        phis = try arguments.list("phi", element: "numbers between -8 and 16") { Double($0).flatMap { $0 >= -8 && $0 <= 16 ? $0 : nil } }
        if phis != nil && (widths != nil || resolutions != nil) {
            throw arguments.fail("--phi sets width and resolution itself; give it alone, or --width and --resolution")
        }
        let rule = CompoundScaling.efficientNet, coefficients = CompoundScaling.coefficientRange
        scaling = CompoundScaling(alpha: try arguments.double("alpha", in: coefficients) ?? rule.alpha,
                                  beta: try arguments.double("beta", in: coefficients) ?? rule.beta,
                                  gamma: try arguments.double("gamma", in: coefficients) ?? rule.gamma)
        overrides = try SharedOptions.overrides(arguments, except: ["width", "resolution"])
        format = arguments.string("format") ?? "text"
        output = arguments.string("output")
        convention = arguments.string("convention").flatMap(CountingConvention.init(rawValue:))
    }

    func run() throws -> ExitStatus {
        let reference = model, given = overrides
        let load = { (point: SpecOverrides) throws(InputError) -> LoadedModel in
            try ModelLoader.load(reference, overrides: given.rescaled(by: point))
        }
        let base = try load(SpecOverrides())
        guard base.graph.layers.contains(where: { if case .input = $0.operation { true } else { false } }), !reference.lowercased().hasSuffix(".onnx") else {
            throw InputError("sweeps rebuild the model at each setting, which needs a spec, not an ONNX file", file: reference)
        }
        let table: SweepTable
        if let phis {
            let points = try Sweep.compound(load, base: base, phis: phis, scaling: scaling, convention: convention)
            let released = base.name == "efficientnet_b0" ? try Sweep.releasedEfficientNets(at: phis) : []
            table = SweepTable(model: base.name, compound: scaling, points: points, released: released, convention: convention)
        } else {
            let widths = widths ?? [base.width]
            let resolutions = resolutions ?? [base.input.isFeatureMap ? base.input.dims[2] : 1]
            table = SweepTable(model: base.name, compound: nil, points: try Sweep.grid(load, widths: widths, resolutions: resolutions, convention: convention),
                               released: [], convention: convention)
        }
        try SharedOptions.write(table.render(format), to: output)
        return .success
    }
}
