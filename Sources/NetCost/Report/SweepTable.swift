import Foundation

/// What `netcost sweep` prints: each point's totals beside the ratio the documents predict.
public struct SweepTable: Sendable {
    public var model: String
    /// Set for a compound-scaling sweep.
    public var compound: CompoundScaling?
    public var points: [SweepPoint]
    /// Released models printed beside the compound points (EfficientNet B0–B7), where known.
    public var released: [SweepPoint?]
    /// With `--convention`: whose total the points carry.
    public var convention: CountingConvention?

    public init(model: String, compound: CompoundScaling?, points: [SweepPoint], released: [SweepPoint?], convention: CountingConvention? = nil) {
        self.convention = convention
        self.model = model
        self.compound = compound
        self.points = points
        self.released = released
    }

    /// MACs relative to the first point.
    func growth(_ point: SweepPoint) -> Double {
        guard let first = points.first, first.totals.macs > 0 else { return 0 }
        return Double(point.totals.macs) / Double(first.totals.macs)
    }

    /// What the documents predict for that ratio, both against the first point:
    /// `2^(φ − φ₀)` along compound scaling, `(α/α₀)²·(ρ/ρ₀)²` on a width × resolution grid.
    func predicted(_ index: Int) -> Double {
        let point = points[index], first = points[0]
        if let phi = point.phi { return pow(2, phi - (first.phi ?? 0)) }
        let width = point.width / first.width, resolution = Double(point.resolution) / Double(first.resolution)
        return width * width * resolution * resolution
    }

    public func render(_ format: String) -> String {
        switch format {
        case "json": return json()
        case "csv": return table(machine: true).csv() + "\n"
        case "markdown": return header(markdown: true) + table(machine: false).markdown() + "\n"
        default: return header(markdown: false) + table(machine: false).text() + "\n"
        }
    }

    private func header(markdown: Bool) -> String {
        var lines: [String] = []
        if let compound {
            let baseline = fmt(points.first?.phi ?? 0)
            lines.append("\(model) scaled by compound scaling: depth \(fmt(compound.alpha))^φ, width \(fmt(compound.beta))^φ, resolution \(fmt(compound.gamma))^φ; α·β²·γ² = \(NumberFormat.fixed(compound.flopsGrowthPerStep, 3)), so MACs should grow about 2^φ")
            lines.append("growth and 2^(φ−\(baseline)) are against the first row, φ = \(baseline)")
        } else {
            lines.append("\(model): params and MACs over width × resolution; \"predicted\" is (width ratio)²·(resolution ratio)² against the first row")
        }
        return (markdown ? "## " : "") + lines.joined(separator: "\n") + "\n\n"
    }

    private func fmt(_ value: Double) -> String { JSONWriter.format(value) }

    private func table(machine: Bool) -> Table {
        let compoundColumns = ["phi", "depth", "width", "resolution", "params", "macs", "growth", "2^(phi-\(fmt(points.first?.phi ?? 0)))"]
        let releasedColumns = ["released", "released_depth", "released_width", "released_resolution", "released_params", "released_macs", "released_growth"]
        let gridColumns = ["width", "resolution", "params", "macs", "flops", "macs_ratio", "predicted"]
        var names = compound == nil ? gridColumns : compoundColumns + (released.contains { $0 != nil } ? releasedColumns : [])
        if let convention { names.append(convention.rawValue) }
        if !machine { names = names.map { $0.replacingAll("_", with: " ") } }
        var table = Table(columns: names.enumerated().map { Table.Column($0.element, right: $0.offset > 0 || compound != nil) })
        let baseMacs = Double(points.first?.totals.macs ?? 1)
        for (index, point) in points.enumerated() {
            let count: (Int) -> String = { machine ? String($0) : NumberFormat.count($0) }
            if compound != nil {
                var row = [fmt(point.phi ?? 0), NumberFormat.fixed(point.depth, 3), NumberFormat.fixed(point.width, 3),
                           String(point.resolution), count(point.totals.params), count(point.totals.macs),
                           NumberFormat.fixed(growth(point), 2), NumberFormat.fixed(predicted(index), 2)]
                if released.contains(where: { $0 != nil }) {
                    if let model = released[index] {
                        row += [model.label, NumberFormat.fixed(model.depth, 1), NumberFormat.fixed(model.width, 1), String(model.resolution),
                                count(model.totals.params), count(model.totals.macs), NumberFormat.fixed(Double(model.totals.macs) / baseMacs, 2)]
                    } else {
                        row += Array(repeating: "", count: releasedColumns.count)
                    }
                }
                if convention != nil { row.append(point.conventionTotal.map(count) ?? "") }
                table.append(row)
            } else {
                table.append([fmt(point.width), String(point.resolution), count(point.totals.params), count(point.totals.macs),
                              count(point.totals.flops), NumberFormat.fixed(growth(point), 3), NumberFormat.fixed(predicted(index), 3)]
                             + (convention != nil ? [point.conventionTotal.map(count) ?? ""] : []))
            }
        }
        return table
    }

    private func json() -> String {
        var json = JSONWriter()
        json.beginObject()
        json.field("model", model)
        json.field("mode", compound == nil ? "grid" : "compound")
        if let convention {
            json.key("convention")
            json.beginObject()
            json.field("name", convention.rawValue)
            json.field("unit", convention.rules.unit)
            json.endObject()
        }
        if let compound {
            json.key("scaling")
            json.beginObject()
            json.field("alpha", compound.alpha)
            json.field("beta", compound.beta)
            json.field("gamma", compound.gamma)
            json.field("alpha_beta2_gamma2", compound.flopsGrowthPerStep)
            json.endObject()
        }
        // What macs_ratio and predicted are measured against.
        json.key("baseline")
        json.beginObject()
        if let phi = points.first?.phi { json.field("phi", phi) }
        json.field("width", points.first?.width ?? 1)
        json.field("resolution", points.first?.resolution ?? 0)
        json.endObject()
        json.key("points")
        json.beginArray()
        for (index, point) in points.enumerated() {
            json.beginObject()
            if let phi = point.phi { json.field("phi", phi) }
            json.field("width", point.width)
            json.field("depth", point.depth)
            json.field("resolution", point.resolution)
            json.field("params", point.totals.params)
            json.field("macs", point.totals.macs)
            if let total = point.conventionTotal { json.field("convention_total", total) }
            json.field("flops", point.totals.flops)
            json.field("memory_access", point.totals.memoryAccess)
            json.field("macs_ratio", growth(point))
            json.field("predicted", predicted(index))
            if index < released.count, let model = released[index] {
                json.key("released")
                json.beginObject()
                json.field("name", model.label)
                json.field("width", model.width)
                json.field("depth", model.depth)
                json.field("resolution", model.resolution)
                json.field("params", model.totals.params)
                json.field("macs", model.totals.macs)
                json.endObject()
            }
            json.endObject()
        }
        json.endArray()
        json.endObject()
        return json.text + "\n"
    }
}
