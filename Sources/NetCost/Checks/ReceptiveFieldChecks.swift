/// Receptive-field findings: misaligned branches, dilated convolutions, and how much of
/// the input the final feature map sees.
enum ReceptiveFieldChecks {
    static func run(_ network: NetworkView, input: TensorShape, into report: inout CheckReport) {
        let analysis = network.analysis
        for misalignment in analysis.misalignments {
            let layer = network.layers[misalignment.layer]
            let centres = misalignment.fields.map { "(\(NumberFormat.field($0.height.center)), \(NumberFormat.field($0.width.center)))" }
            let jumps = misalignment.fields.map { NumberFormat.field($0.height.jump) }
            report.findings.append(Finding("RF", .error, layer: layer.name,
                "inputs see differently placed fields: centres \(centres.joined(separator: " vs ")), strides \(jumps.joined(separator: " vs ")); the branches' padding or strides do not line up",
                values: misalignment.fields.enumerated().flatMap { [("center_\($0.offset)", $0.element.height.center), ("stride_\($0.offset)", $0.element.height.jump)] }))
        }
        for (index, conv, _) in network.convolutions where conv.dilation != .square(1) {
            let effective = Size2D(conv.dilation.height * (conv.kernel.height - 1) + 1, conv.dilation.width * (conv.kernel.width - 1) + 1)
            report.findings.append(Finding("RF", .info, layer: network.layers[index].name,
                "\(conv.kernel.text()) with dilation \(conv.dilation.text(compact: true)) sees as far as a \(effective.text()) with \(conv.kernel.height * conv.kernel.width) of its \(effective.height * effective.width) weights",
                values: [("kernel", Double(conv.kernel.height)), ("dilation", Double(conv.dilation.height)), ("effective_kernel", Double(effective.height))]))
        }
        guard let (layer, field) = analysis.finalReceptiveField, input.isFeatureMap else { return }
        let (height, width) = (Double(input.dims[2]), Double(input.dims[3]))
        let coverage = min(field.height.size / height, field.width.size / width)
        let name = network.layers[layer].name
        let severity: Severity = coverage < 1 ? .warning : .info
        report.findings.append(Finding("RF", severity, layer: name,
            "the final feature map's field is \(NumberFormat.field(field.height.size))x\(NumberFormat.field(field.width.size)) with stride \(NumberFormat.field(field.height.jump)) and padding \(NumberFormat.field(field.height.padding)): \(NumberFormat.fixed(coverage, 2))× the \(input.dims[2])x\(input.dims[3]) input\(coverage < 1 ? "; each output sees only part of the image" : "")",
            values: [("size", field.height.size), ("stride", field.height.jump), ("padding", field.height.padding), ("input", height), ("coverage", coverage)]))
    }
}
