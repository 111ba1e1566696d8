/// Hyper-parameters given on the command line, each replacing the spec's own, and the
/// limits the model must keep within. The rules they feed are `Scaling`'s.
public struct SpecOverrides: Sendable, Equatable {
    public var width: Double?
    public var depth: Double?
    /// Input height and width.
    public var resolution: Int?
    /// The whole input shape, `[C, H, W]`.
    public var input: [Int]?
    public var classes: Int?
    /// Samples per pass (`--batch`).
    public var batch: Int?
    /// `--max-layers` and `--max-elements`.
    public var limits: ModelLimits

    public init(width: Double? = nil, depth: Double? = nil, resolution: Int? = nil, input: [Int]? = nil, classes: Int? = nil,
                batch: Int? = nil, limits: ModelLimits = ModelLimits()) {
        self.batch = batch
        self.width = width
        self.depth = depth
        self.resolution = resolution
        self.input = input
        self.classes = classes
        self.limits = limits
    }

    // MARK: What the command line accepts

    /// `--width` and `--depth-multiplier` (a spec may set any multiplier above 0).
    public static let multiplierRange = 0.01...Scaling.maximumMultiplier
    /// `--resolution`.
    public static let resolutionRange = 1...65536
    /// `--classes`.
    public static let classesRange = 1...100_000_000
    /// The largest batch: `--batch`, a spec's `"batch"` and a leading axis of `--input` alike.
    public static let maximumBatch = 1 << 20

    /// The overrides that were given, in command-line order: the JSON key, the option
    /// and the value as typed. The header's `as given:` line and the JSON's `overrides`
    /// both read this one list.
    public var given: [(key: String, option: String, text: String, value: JSONValue)] {
        var given: [(key: String, option: String, text: String, value: JSONValue)] = []
        if let width { given.append(("width", "--width", NumberFormat.shortest(width), .number(width))) }
        if let depth { given.append(("depth", "--depth-multiplier", NumberFormat.shortest(depth), .number(depth))) }
        if let resolution { given.append(("resolution", "--resolution", String(resolution), .integer(resolution))) }
        if let input { given.append(("input", "--input", input.map(String.init).joined(separator: "x"), .array(input.map { .integer($0) }))) }
        if let classes { given.append(("classes", "--classes", String(classes), .integer(classes))) }
        if let batch { given.append(("batch", "--batch", String(batch), .integer(batch))) }
        return given
    }

    /// The overrides that were given, as `--width 0.5 --resolution 160`; empty when none were.
    public var commandLine: String {
        given.map { "\($0.option) \($0.text)" }.joined(separator: " ")
    }

    /// These overrides with another setting's width, depth and resolution on top (a
    /// resolution replaces `--input`'s height and width): how sweeps and the checks' probes rebuild a model
    /// over what the command line gave.
    public func rescaled(by changes: SpecOverrides) -> SpecOverrides {
        var merged = self
        if let width = changes.width { merged.width = width }
        if let depth = changes.depth { merged.depth = depth }
        if let resolution = changes.resolution {
            // `--input 1x224x224` keeps its channels (and batch) at another resolution.
            if let input = merged.input, input.count >= 3 {
                merged.input = input.dropLast(2) + [resolution, resolution]
            } else {
                merged.resolution = resolution
                merged.input = nil
            }
        }
        return merged
    }

    // MARK: Applying them to a spec

    /// The spec's multipliers with these on top, each above 0 and at most 64; the
    /// rounding rule is the spec's to set.
    func scaling(specWidth: Double, specDepth: Double) throws(InputError) -> Scaling {
        let scaling = Scaling(width: width ?? specWidth, depth: depth ?? specDepth)
        guard scaling.width > 0, scaling.width <= Scaling.maximumMultiplier else {
            throw InputError("width multiplier \(scaling.width) is out of range (0, 64]", field: "width")
        }
        guard scaling.depth > 0, scaling.depth <= Scaling.maximumMultiplier else {
            throw InputError("depth multiplier \(scaling.depth) is out of range (0, 64]", field: "depth")
        }
        return scaling
    }

    /// The spec's input at `--resolution`, else at the spec's `"resolution"`, if either is given.
    func input(_ dims: [Int], specResolution: Int?) throws(InputError) -> [Int] {
        guard let resolution = resolution ?? specResolution else { return dims }
        guard dims.count == 3 else { throw InputError("a resolution needs a [C, H, W] input", field: "resolution") }
        return [dims[0], resolution, resolution]
    }

    /// The input and batch after `--batch` and `--input` replace the spec's; an `--input`
    /// with one axis more than the spec's leads with the batch.
    func batched(_ dims: [Int], specBatch: Int) throws(InputError) -> (input: [Int], batch: Int) {
        guard specBatch <= Self.maximumBatch else {
            throw InputError("\(specBatch) is more than the \(Self.maximumBatch) netcost counts", field: "batch")
        }
        guard let input else { return (dims, batch ?? specBatch) }
        guard input.count == dims.count + 1 else { return (input, batch ?? specBatch) }
        return try Self.splitBatch(input, rank: dims.count, batch: batch)
    }

    /// What an ONNX file takes of the overrides: its layers are fixed, so only the input
    /// may change. Returns the per-sample input that `--resolution` or `--input` makes of
    /// the input the file declares, and the batch asked for (nil: the file's); nil for the file's own shape, which
    /// must then be complete. `--input` with one axis more than the file's per-sample
    /// rank leads with the batch, as for specs (`splitBatch`). `--resolution` keeps the
    /// file's channels, so they must be a size, not a symbol.
    func fixedLayersInput(_ declared: ONNXDeclaredInput) throws(InputError) -> (input: [Int]?, batch: Int?) {
        if width != nil || depth != nil || classes != nil {
            throw InputError("an ONNX file fixes its layers: --width, --depth-multiplier and --classes need a spec; --input and --resolution work")
        }
        if let resolution {
            guard let dims = declared.dims, dims.count == 4 else {
                throw InputError("--resolution needs a [C, H, W] input; graph input \"\(declared.name)\" is \(declared.shapeText)", field: "input")
            }
            guard let channels = dims[1].size else {
                throw InputError("\(declared.unsized(axis: 1)), and --resolution keeps the channels; give the whole input with --input (per sample: \(dims[1])x\(resolution)x\(resolution))", field: "input")
            }
            return (try declared.sampleShape(given: [channels, resolution, resolution]), batch)
        }
        if let input {
            let rank = declared.sampleRank ?? input.count
            let (sample, batch) = try Self.splitBatch(input, rank: rank, batch: self.batch)
            return (try declared.sampleShape(given: sample), input.count == rank + 1 ? batch : self.batch)
        }
        _ = try declared.sampleShape(remedy: "give the input size with --input" + (declared.sampleText.map { " (per sample: \($0))" } ?? ""))
        return (nil, batch)
    }

    /// `--input` as given and the model's input rank (batch excluded): a shape with one
    /// axis more leads with the batch, as PyTorch and ONNX write it (`1x3x224x224`).
    /// Returns the per-sample shape and the batch.
    /// `batch` is the explicit `--batch`, if any: it must agree with the shape's.
    static func splitBatch(_ input: [Int], rank: Int, batch: Int?) throws(InputError) -> ([Int], Int) {
        guard input.count == rank + 1 else { return (input, batch ?? 1) }
        guard input[0] <= maximumBatch else {
            throw InputError("\(TensorShape.format(input)) leads with a batch of \(input[0]), more than the \(maximumBatch) netcost counts", field: "input")
        }
        if let batch, batch != input[0] {
            throw InputError("\(TensorShape.format(input)) leads with a batch of \(input[0]), but the batch is \(batch); drop the batch axis or give one batch", field: "input")
        }
        return (Array(input.dropFirst()), input[0])
    }
}
