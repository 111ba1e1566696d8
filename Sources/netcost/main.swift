import NetCost
let path = CommandLine.arguments[1]
do {
    let model = try SpecLoader.load(file: path)
    let analysis = try Analysis(model.graph)
    for (i, layer) in model.graph.layers.enumerated() {
        let c = analysis.costs[i]
        print(layer.name, layer.operation.kind, layer.outputShape, c.params, c.macs, c.memoryAccess, analysis.receptiveFields[i].map { "\($0.height.size)/\($0.height.jump)/\($0.height.padding)" } ?? "-")
    }
    print(analysis.totals)
} catch { print("error: \(error)") }
