/// A check finding or ratio, as the visual report places it beside a layer.
struct Annotation: Sendable {
    var rule: String
    var severity: Severity
    /// The layer or block the check named (a block's annotation sits on its first layer).
    var subject: String
    var message: String
    /// True for a measured ratio (DW-RATIO's), false for a finding.
    var isRatio = false
}

/// The findings of `netcost check` sorted by the layer they name, so the table and the
/// cost bars can show them beside that layer.
///
/// A finding about a layer goes to that layer; one about a block (G3 names blocks) to
/// the block's first layer in graph order. Findings about the whole network, and those
/// naming a layer the shown graph no longer has (a batch norm under `--fuse`), stay in
/// `network`. Ratios placed on a layer (DW-RATIO) read as `info` annotations; the
/// per-layer details of the scaling ratios are left out, as in `check`'s own text.
struct FindingIndex: Sendable {
    private(set) var byLayer: [Int: [Annotation]] = [:]
    private(set) var network: [Annotation] = []
    /// Every finding and ratio in `check`'s order, with the layer it was placed on.
    private(set) var ordered: [(annotation: Annotation, layer: Int?)] = []

    init(_ report: CheckReport?, graph: Graph) {
        guard let report else { return }
        var indexByName: [String: Int] = [:]
        for (index, layer) in graph.layers.enumerated() where indexByName[layer.name] == nil {
            indexByName[layer.name] = index
        }
        var annotations = report.findings.map {
            Annotation(rule: $0.rule, severity: $0.severity, subject: $0.layer ?? "", message: $0.message)
        }
        for ratio in report.ratios where !ratio.name.hasSuffix("-layer-macs") {
            annotations.append(Annotation(rule: ratio.rule, severity: .info, subject: ratio.layer ?? "",
                                          message: "\(ratio.name): measured \(NumberFormat.fixed(ratio.measured, 4)), predicted \(NumberFormat.fixed(ratio.predicted, 4))",
                                          isRatio: true))
        }
        for annotation in annotations {
            // A block's annotation sits on the block's first layer.
            let block = indexByName[annotation.subject] == nil ? graph.groups.index(named: annotation.subject) : nil
            guard !annotation.subject.isEmpty, let index = indexByName[annotation.subject] ?? block.map({ graph.groups[$0].firstLayer }) else {
                network.append(annotation)
                ordered.append((annotation, nil))
                continue
            }
            byLayer[index, default: []].append(annotation)
            ordered.append((annotation, index))
        }
    }

    /// The annotations on a set of layers (a bar's members), in graph order.
    func annotations(_ layers: [Int]) -> [Annotation] {
        layers.flatMap { byLayer[$0] ?? [] }
    }
}
