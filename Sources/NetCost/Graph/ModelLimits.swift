/// How large a model netcost agrees to build: a bound on its layers and on the elements
/// of any one tensor, so that a few bytes of input (a stage row repeated 2³¹ times, an
/// ONNX dimension of 2⁶²) get an error naming the limit instead of memory that grows
/// without end. `--max-layers` and `--max-elements` raise them.
///
/// The defaults sit far above any published network: the largest ONNX exports of
/// language models have tens of thousands of nodes, and the largest activation of a
/// 4K-input CNN has about 10⁹ elements.
public struct ModelLimits: Sendable, Equatable {
    /// 250,000 layers: a spec of that many ReLUs peaks at 334 MB for `report --format json`.
    public static let defaultLayers = 250_000
    /// 10¹⁴ elements in one tensor (400 TB at fp32).
    public static let defaultElements = 100_000_000_000_000

    /// No bounds: for graphs derived from one that already kept within its own (fusion).
    public static let unlimited = ModelLimits(layers: .max, elements: .max)

    public var layers: Int
    public var elements: Int

    public init(layers: Int = defaultLayers, elements: Int = defaultElements) {
        self.layers = layers
        self.elements = elements
    }

    /// The message for a model that would pass the layer limit; `detail` says how.
    func tooManyLayers(_ detail: String = "") -> String {
        "\(detail)the model would have more than \(NumberFormat.grouped(layers)) \(layers == 1 ? "layer" : "layers"), the limit; --max-layers raises it"
    }

    /// Throws when a tensor of `shape` passes the element limit.
    func check(_ shape: TensorShape, layer: String, field: String? = nil) throws(InputError) {
        guard shape.elements > elements else { return }
        throw InputError("shape \(shape) has \(NumberFormat.grouped(shape.elements)) elements, more than the limit of \(NumberFormat.grouped(elements)) in one tensor; --max-elements raises it",
                         layer: layer, field: field)
    }
}
