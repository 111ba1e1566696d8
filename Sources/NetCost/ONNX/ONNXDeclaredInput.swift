/// One axis of a tensor as an ONNX file declares it in a `TensorShapeProto`.
public enum ONNXDimension: Sendable, Hashable, CustomStringConvertible {
    /// A size (`dim_value`).
    case fixed(Int)
    /// A size the file leaves open under a name (`dim_param`): `N`, `batch_size`, `height`.
    case symbolic(String)
    /// Neither, or a `dim_value` below 1.
    case unknown

    /// The size, or nil when the file leaves it open.
    public var size: Int? {
        if case .fixed(let size) = self { size } else { nil }
    }

    /// The size, the symbol, or `?`.
    public var description: String {
        switch self {
        case .fixed(let size): String(size)
        case .symbolic(let symbol): symbol
        case .unknown: "?"
        }
    }
}

/// The graph input that an input override replaces, as the file declares it in
/// `graph.input`: the first input that is not an initializer (exporters before IR 4
/// list every weight among the inputs too).
///
/// Axis 0 is the batch (docs/onnx.md, "The batch"): a size, or a symbol that `--batch`
/// (else 1) fills. The axes after it are one sample's shape, and each needs a size,
/// from the file or from the caller.
public struct ONNXDeclaredInput: Sendable, Equatable {
    public var name: String
    /// The ONNX dims, batch first; nil when the file declares no shape.
    public var dims: [ONNXDimension]?

    public init(name: String, dims: [ONNXDimension]?) {
        self.name = name
        self.dims = dims
    }

    /// The rank without the batch; nil when the file declares no shape or a scalar.
    public var sampleRank: Int? {
        guard let dims, !dims.isEmpty else { return nil }
        return dims.count - 1
    }

    /// The per-sample dims as `--input` writes a shape, symbols included: `3xHxW`.
    /// Nil when the file declares no shape or a scalar.
    public var sampleText: String? {
        guard let dims, !dims.isEmpty else { return nil }
        return dims.dropFirst().map(\.description).joined(separator: "x")
    }

    /// The ONNX dims as `[N, 3, H, W]`, or `of no declared shape`.
    public var shapeText: String {
        guard let dims else { return "of no declared shape" }
        return "[" + dims.map(\.description).joined(separator: ", ") + "]"
    }

    /// The whole shape, batch first: the batch the file fixes, else `batch`, else 1,
    /// then `sampleShape(given:)`. A file that fixes its batch refuses another.
    public func wholeShape(given: [Int]? = nil, batch: Int? = nil) throws(InputError) -> [Int] {
        let sample = try sampleShape(given: given)
        if let fixed = dims?.first?.size {
            if let batch, batch != fixed {
                throw InputError("graph input \"\(name)\" \(shapeText) fixes a batch of \(fixed), not \(batch): drop --batch or export with a dynamic batch", field: "input")
            }
            return [fixed] + sample
        }
        return [batch ?? 1] + sample
    }

    /// The per-sample shape: `given` (per sample, no batch) when there is one, else
    /// the file's own.
    ///
    /// Refuses a scalar input, a `given` shape of another rank than the file's, and,
    /// with nothing given, an input without a shape or with an axis after the batch that
    /// has no size. `remedy` ends the message of the last two: what the caller can do.
    public func sampleShape(given: [Int]? = nil, remedy: String = "give the input size") throws(InputError) -> [Int] {
        if let dims, dims.isEmpty {
            throw InputError("graph input \"\(name)\" is a scalar; netcost needs a batch axis first", field: "input")
        }
        if let given {
            if let rank = sampleRank, given.count != rank {
                throw InputError("the input \(TensorShape.format(given)) has \(given.count) axes, but graph input \"\(name)\" \(shapeText) has \(rank) after the batch", field: "input")
            }
            return given
        }
        guard let dims else {
            throw InputError("graph input \"\(name)\" has no shape; \(remedy)", field: "input")
        }
        var shape: [Int] = []
        for (axis, dimension) in dims.enumerated().dropFirst() {
            guard let size = dimension.size else {
                throw InputError("\(unsized(axis: axis)); \(remedy)", field: "input")
            }
            shape.append(size)
        }
        return shape
    }

    /// What is wrong with an axis that has no size: `dimension 2 of graph input "x" is
    /// symbolic (H in [N, 3, H, W])`.
    func unsized(axis: Int) -> String {
        guard let dims, dims.indices.contains(axis) else { return "graph input \"\(name)\" has no dimension \(axis)" }
        return switch dims[axis] {
        case .symbolic(let symbol): "dimension \(axis) of graph input \"\(name)\" is symbolic (\(symbol) in \(shapeText))"
        case .unknown, .fixed: "dimension \(axis) of graph input \"\(name)\" has no size (\(shapeText))"
        }
    }
}

extension ONNXGraph {
    /// The input that an input override replaces: the first graph input that is not
    /// an initializer, which is the first input `ONNXGraphImporter` adds.
    func declaredInput() throws(InputError) -> ONNXDeclaredInput {
        let stored = Set(initializers.map(\.name))
        guard let info = inputs.first(where: { !stored.contains($0.name) }) else {
            throw InputError("the graph has no input besides its initializers", field: "input")
        }
        guard !info.name.isEmpty else { throw InputError("a graph input has no name", field: "input") }
        return ONNXDeclaredInput(name: info.name, dims: info.shape)
    }
}
