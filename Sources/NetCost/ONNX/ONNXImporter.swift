import Foundation

/// An ONNX op type that netcost could not count, with how many nodes use it.
public struct ONNXUnsupportedOp: Sendable, Equatable {
    /// The op type, qualified by its domain when that is not the default one.
    public var opType: String
    /// Why a known op type was not mapped (`"mode reflect"`), nil for an unknown op.
    public var reason: String?
    /// Nodes of this op type and reason.
    public var count: Int
    /// Their layers' names, in graph order.
    public var layers: [String]
}

/// An ONNX model imported as a layer graph, with what the reports need to say about it.
public struct ONNXImport: Sendable {
    /// The graph and its input, as every command consumes it.
    public var model: LoadedModel
    /// Ops netcost could not count, by op type and reason, in order of first
    /// appearance. When not empty, the totals are partial.
    public var unsupported: [ONNXUnsupportedOp]
    /// The opset of the default (`ai.onnx`) domain.
    public var opsetVersion: Int
    public var irVersion: Int
    /// `producer_name` and `producer_version`: `pytorch 2.11.0`.
    public var producer: String
    /// Notes about the import: an opset outside 11–21, initializers no node reads.
    public var warnings: [String]
    /// Layers whose work depends on data, not on shapes (`ONNXImporter.dataDependentOps`),
    /// and the layers that read their results, directly or not: a detector's
    /// post-processing. Both are among the unsupported layers or after them.
    public var dataDependent: (layers: [String], dependents: Int) = ([], 0)

    /// True when some op could not be counted: the totals then leave it out.
    public var isPartial: Bool { !unsupported.isEmpty }
}

/// The first graph input as a caller wants it: one sample's shape (nil for the file's
/// own) and the batch (nil for the file's, else 1).
public struct ONNXInputChoice: Sendable {
    public var sample: [Int]?
    public var batch: Int?

    public init(sample: [Int]? = nil, batch: Int? = nil) {
        self.sample = sample
        self.batch = batch
    }
}

/// Reads ONNX models (docs/onnx.md).
///
/// The file is mapped, not read: the decoder steps over weight payloads by their
/// length, so it touches only the pages that hold the graph, and an import takes
/// time and memory in proportion to the number of nodes, not to the weight bytes.
/// Weights in a side file (external data) are never read: their dims are enough; only
/// small integer tensors (indices, shapes) are read from it.
public enum ONNXImporter {
    /// Control flow and post-processing: ops whose work depends on the values they see
    /// (how many boxes pass a threshold, which branch runs), so no shape rule can count
    /// them. They are named as such, with the part of the graph after them.
    public static let dataDependentOps: Set<String> = ["If", "Loop", "Scan", "NonZero", "NonMaxSuppression", "TopK",
                                                       "RoiAlign", "MaxRoiPool", "Unique", "SequenceAt", "SequenceInsert",
                                                       "SequenceConstruct", "SequenceEmpty", "SplitToSequence", "ConcatFromSequence"]

    /// The opsets netcost maps; others are read with a warning.
    public static let supportedOpsets = 11...21

    /// The op types netcost maps (some only when their inputs are known at import time).
    public static var supportedOpTypes: [String] { ONNXOps.opTypes }

    /// Whether a command-line input names an ONNX file (by its extension) rather than a
    /// JSON spec or a built-in model.
    public static func isONNXPath(_ path: String) -> Bool {
        path.lowercased().hasSuffix(".onnx")
    }

    /// Imports the model in `path`. `input` replaces the first graph input's
    /// per-sample shape (`[C, H, W]`, no batch), for models exported with symbolic sizes.
    public static func load(file path: String, input: [Int]? = nil, limits: ModelLimits = ModelLimits()) throws(InputError) -> ONNXImport {
        try load(file: path, limits: limits) { (_: ONNXDeclaredInput) throws(InputError) -> ONNXInputChoice in ONNXInputChoice(sample: input) }
    }

    /// Imports the model in `path` at the input that `choosingInput` makes of the first
    /// graph input as the file declares it (`ONNXDeclaredInput`): a per-sample shape to
    /// replace it with (nil for the file's own) and a batch. The file is read and imported once.
    public static func load(file path: String, limits: ModelLimits = ModelLimits(),
                            choosingInput: (ONNXDeclaredInput) throws(InputError) -> ONNXInputChoice) throws(InputError) -> ONNXImport {
        try InputFile.withMappedBytes(of: path, kind: "an ONNX model") { (bytes: UnsafeRawBufferPointer) throws(InputError) -> ONNXImport in
            try load(bytes: bytes, file: path, sideFiles: (path as NSString).deletingLastPathComponent, limits: limits, choosingInput: choosingInput)
        }
    }

    /// Imports a model from its bytes; `file` names it in messages and reports.
    public static func load(bytes: [UInt8], file: String, input: [Int]? = nil, limits: ModelLimits = ModelLimits()) throws(InputError) -> ONNXImport {
        // `withUnsafeBytes` rethrows untyped errors; only InputError can come out of it.
        do {
            return try bytes.withUnsafeBytes { (buffer: UnsafeRawBufferPointer) throws(InputError) -> ONNXImport in
                try load(bytes: buffer, file: file, input: input, limits: limits)
            }
        } catch let error as InputError {
            throw error
        } catch {
            throw InputError("\(error)", file: file)
        }
    }

    /// Imports a model from bytes that stay valid for the duration of the call.
    public static func load(bytes: UnsafeRawBufferPointer, file: String, input: [Int]? = nil, limits: ModelLimits = ModelLimits()) throws(InputError) -> ONNXImport {
        try load(bytes: bytes, file: file, limits: limits) { (_: ONNXDeclaredInput) throws(InputError) -> ONNXInputChoice in ONNXInputChoice(sample: input) }
    }

    /// Imports a model from bytes that stay valid for the duration of the call, at the
    /// input that `choosingInput` makes of the declared one (see `load(file:limits:choosingInput:)`).
    /// `sideFiles` is the directory of the model's external data, if any is to be read:
    /// only small integer tensors are read from it (index and shape constants), never weights.
    public static func load(bytes: UnsafeRawBufferPointer, file: String, sideFiles: String? = nil, limits: ModelLimits = ModelLimits(),
                            choosingInput: (ONNXDeclaredInput) throws(InputError) -> ONNXInputChoice) throws(InputError) -> ONNXImport {
        // A file of another kind (a checkpoint, an archive, a web page) is named as such
        // before the protobuf reader fails on its first bytes.
        if let other = FileSignature.identify(bytes, expecting: .onnxModel) { throw other.error(expecting: .onnxModel, file: file) }
        var model: ONNXModel
        do {
            var reader = ProtobufReader(bytes, range: 0..<bytes.count, message: "ModelProto")
            model = try ONNXModel.decode(&reader)
        } catch {
            throw error.inputError(file: file)
        }
        if let sideFiles {
            for index in model.graph.initializers.indices where model.graph.initializers[index].dataLocation == 1 {
                model.graph.initializers[index].values = model.graph.initializers[index].externalIntegers(directory: sideFiles)
            }
        }
        do throws(InputError) {
            guard !model.graph.nodes.isEmpty || !model.graph.inputs.isEmpty else {
                // ir_version but no graph: the file begins as a model does and stops before its graph.
                guard model.irVersion == 0 else {
                    throw InputError("is truncated (a download or copy cut short?): it begins as an ONNX model (ir_version \(model.irVersion)) "
                        + "and ends after \(bytes.count) bytes, before its graph; fetch the file again")
                }
                throw InputError("is not an ONNX model: it has no graph (a ModelProto with nodes and inputs)")
            }
            let choice = try choosingInput(try model.graph.declaredInput())
            return try build(model, file: file, choice: choice, limits: limits)
        } catch {
            throw error.inFile(file)
        }
    }

    private static func build(_ model: ONNXModel, file: String, choice: ONNXInputChoice, limits: ModelLimits) throws(InputError) -> ONNXImport {
        var warnings: [String] = []
        let opset: Int
        if let declared = model.defaultOpset {
            opset = declared
            if !supportedOpsets.contains(declared) {
                warnings.append("opset \(declared) is outside the opsets netcost maps (\(supportedOpsets.lowerBound) to \(supportedOpsets.upperBound)); the import may be wrong where an op changed")
            }
        } else {
            opset = supportedOpsets.upperBound
            warnings.append("the model imports no default-domain opset; read as opset \(opset)")
        }
        let stem = ((file as NSString).lastPathComponent as NSString).deletingPathExtension
        let name = model.graph.name.isEmpty || model.graph.name == "main_graph" ? stem : model.graph.name
        var importer = ONNXGraphImporter(graph: model.graph, opset: opset, name: name, limits: limits)
        try importer.run(inputShape: choice.sample, batch: choice.batch)
        warnings += importer.warnings
        let unread = model.graph.initializers.filter { importer.consumers[$0.name] == nil }.count
        if unread > 0 { warnings.append("\(unread) initializer\(unread == 1 ? "" : "s") no node reads (not counted)") }

        let graph = importer.builder.build()
        guard let first = graph.layers.first(where: { if case .input = $0.operation { true } else { false } }) else {
            throw InputError("the graph has no input", field: "input")
        }
        let producer = [model.producerName, model.producerVersion].filter { !$0.isEmpty }.joined(separator: " ")
        let description = "ONNX, opset \(opset)" + (producer.isEmpty ? "" : ", from \(producer)")
        var loaded = LoadedModel(graph: graph, name: name, description: description, input: first.outputShape,
                                 scaling: Scaling(rounding: .floor))
        loaded.batch = first.outputShape.batch
        loaded.onnxNodes = importer.nodeOrigins()
        var result = ONNXImport(model: loaded, unsupported: group(importer.unsupported), opsetVersion: opset,
                                irVersion: model.irVersion, producer: producer, warnings: warnings)
        result.dataDependent = dataDependentPart(of: graph, unsupported: importer.unsupported)
        return result
    }

    /// The unsupported layers of a data-dependent op type, and how many layers read
    /// their results, directly or through others.
    private static func dataDependentPart(of graph: Graph, unsupported: [(opType: String, reason: String?, layer: String)]) -> (layers: [String], dependents: Int) {
        let names = unsupported.filter { dataDependentOps.contains($0.opType) }.map(\.layer)
        guard !names.isEmpty else { return ([], 0) }
        let roots = Set(names)
        var reached = graph.layers.map { roots.contains($0.name) }
        for (index, layer) in graph.layers.enumerated() where !reached[index] && layer.inputs.contains(where: { reached[$0] }) {
            reached[index] = true
        }
        return (names, reached.filter { $0 }.count - names.count)
    }

    /// Unsupported nodes grouped by op type and reason, in order of first appearance.
    private static func group(_ records: [(opType: String, reason: String?, layer: String)]) -> [ONNXUnsupportedOp] {
        var groups: [ONNXUnsupportedOp] = []
        for record in records {
            if let index = groups.firstIndex(where: { $0.opType == record.opType && $0.reason == record.reason }) {
                groups[index].count += 1
                groups[index].layers.append(record.layer)
            } else {
                groups.append(ONNXUnsupportedOp(opType: record.opType, reason: record.reason, count: 1, layers: [record.layer]))
            }
        }
        return groups
    }
}
