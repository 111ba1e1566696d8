import ArgumentParsing
import NetCost

/// `netcost check MODEL`: the documents' reasoning as numbers about one network.
struct CheckCommand: Subcommand {
    static let spec = CommandSpec(
        name: "check",
        abstract: "Check a network against ShuffleNet V2's guidelines, the MobileNet and EfficientNet scaling ratios, SqueezeNet's strategies and its receptive field.",
        discussion: """
        Rules: G1 (1x1 convs' memory access over the equal-width bound), G2 (group convs \
        against g = 1), G3 (fragments in series and in parallel per block), G4 (element-wise \
        share of memory access and FLOPs, and what --fuse saves), DW-RATIO (depthwise separable \
        vs standard: 1/N + 1/Dk²), WIDTH-SCALING (α²), RESOLUTION-SCALING (ρ²), COMPOUND-SCALING \
        (α·β²·γ² and 2^φ), SQUEEZE (SqueezeNet's three strategies) and RF (misaligned branches, \
        dilation, the final field against the input), and with --sram or --flash FIT (the \
        activation arena against SRAM, the weights against flash, at --dtype). Severities and \
        thresholds: docs/checks.md. \
        With --fail-on the exit status is 1 when a finding reaches that severity: a CI gate \
        for architecture changes.
        """,
        arguments: [SharedOptions.model],
        options: SharedOptions.singleSampleOverrides + [
            .value("rules", "LIST", help: "the rules to run, comma-separated", default: "all"),
            .value("fail-on", "SEVERITY", help: "exit with status 1 when a finding is at least this severe", choices: ["warning", "error"]),
            .value("width-probe", "ALPHA", help: "the width multiplier WIDTH-SCALING compares with", default: "0.5, else the first of 0.75, 0.25, 2 the network rebuilds at"),
            .value("resolution-probe", "N", help: "the resolution RESOLUTION-SCALING compares with", default: "5/7 of the input, else a multiple of the network's stride"),
            .value("phi", "LIST", help: "the compound-scaling exponents COMPOUND-SCALING measures", default: "1,2,3"),
            .value("sram", "SIZE", help: "rule FIT: the SRAM the activation arena must fit, such as 256K or 1M"),
            .value("flash", "SIZE", help: "rule FIT: the flash the weights must fit, such as 1M"),
            SharedOptions.dtype,
            .value("show", "SEVERITY", help: "the least severe findings the text lists", choices: Severity.allCases.map(\.rawValue), default: "info"),
            SharedOptions.format(["text", "markdown", "json"]),
            SharedOptions.output,
        ],
        examples: [
            "netcost check mobilenet_v2",
            "netcost check my_net.json --fail-on warning",
            "netcost check shufflenet_v2_x1_0 --rules G1,G2,G3,G4 --format json",
            "netcost check mobilenet_v1 --width 0.25 --resolution 128 --dtype int8 --sram 320K --flash 1M --rules FIT --fail-on error",
        ])

    let model: String
    let overrides: SpecOverrides
    let options: CheckOptions
    let givenDataType: DataType?
    let failOn: Severity?
    let show: Severity
    let format: String
    let output: String?

    init(_ arguments: ParsedArguments) throws(UsageError) {
        model = arguments.argument("MODEL") ?? ""
        overrides = try SharedOptions.overrides(arguments)
        var options = CheckOptions()
        if let rules = try arguments.list("rules", element: "rule ids (\(Checker.rules.joined(separator: ", ")))", { id in
            Checker.rules.first { $0.lowercased() == id.lowercased() }
        }) {
            options.rules = Set(rules)
        }
        options.widthProbe = try arguments.double("width-probe", in: 0.01...8)
        options.resolutionProbe = try arguments.int("resolution-probe", in: SpecOverrides.resolutionRange)
        if let phis = try arguments.list("phi", element: "numbers between 0.1 and 8", { Double($0).flatMap { $0 >= 0.1 && $0 <= 8 ? $0 : nil } }) {
            options.phis = phis
        }
        options.sramBytes = try arguments.quantity("sram", units: ParsedArguments.binaryUnits, in: 0...(1 << 50), example: "256K or 1M")
        options.flashBytes = try arguments.quantity("flash", units: ParsedArguments.binaryUnits, in: 0...(1 << 50), example: "1M")
        givenDataType = SharedOptions.dataType(arguments)
        self.options = options
        failOn = arguments.string("fail-on").flatMap(Severity.init(rawValue:))
        show = arguments.string("show").flatMap(Severity.init(rawValue:)) ?? .info
        format = arguments.string("format") ?? "text"
        output = arguments.string("output")
    }

    func run() throws -> ExitStatus {
        var loaded = try ModelLoader.load(model, overrides: overrides)
        for warning in loaded.warnings { Diagnostics.warn(warning) }
        var options = self.options
        options.dataType = SharedOptions.dataType(givenDataType, &loaded)
        // A .tflite file fits a device as TFLite Micro runs it: its arena and the file itself.
        if let file = loaded.tflite, options.sramBytes != nil || options.flashBytes != nil {
            let arena = try TFLiteMicroArena(file)
            options.deviceFile = CheckOptions.DeviceFile(arenaHeadBytes: arena.headBytes, arenaTailBytes: arena.tail32, fileBytes: file.fileBytes)
        }
        let report = try Checker.check(loaded, rebuild: loaded.isRebuildable ? SharedOptions.rebuilder(model, overrides) : nil, options: options)
        try SharedOptions.write(report.render(format, minimum: show), to: output)
        if let failOn, let worst = report.worst, worst >= failOn {
            Diagnostics.note("check: a finding reached \(failOn.rawValue) severity (--fail-on \(failOn.rawValue))")
            return .failure
        }
        return .success
    }
}
