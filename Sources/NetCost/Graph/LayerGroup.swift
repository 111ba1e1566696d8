/// A block, a stage, a spec's list of entries or a module: the layers, and the smaller
/// groups, whose names start with the group's name and a dot.
///
/// `features.3` (an inverted residual) holds `features.3.expand` (a conv unit, holding
/// the layers `features.3.expand.conv`, `.bn`, `.act`), `features.3.dw`,
/// `features.3.project` and the layer `features.3.add`. What a group holds is in its
/// graph's `GroupTree`: each layer knows its group, each group its parent.
public struct LayerGroup: Sendable {
    /// One thing a group holds (`GroupTree.members(of:)`).
    public enum Member: Sendable, Hashable {
        /// A layer, by its index in `Graph.layers`.
        case layer(Int)
        /// A smaller group, by its index in `Graph.groups`.
        case group(Int)
    }

    public var kind: GroupKind
    /// The full dotted name, `features.3`. A slice of the name of the group's first layer,
    /// so that a hostile name of a million parts is not copied once per part.
    public let name: Substring
    /// The part of the name after its parent's and the dot: `3` of `features.3`.
    public let label: Substring
    /// The group that holds this one; nil at the top level.
    public let parent: Int?
    /// 1 for a top-level group, 2 for a group inside it, and so on.
    public let depth: Int
    /// The first layer, in graph order, that it holds at any depth: the one that made it.
    public let firstLayer: Int
}

/// What a group of layers is, as the spec expander and the importers know it.
public enum GroupKind: Sendable, Hashable {
    /// A spec's nested list of entries: `{"name": "classifier", "layers": [...]}`.
    case list
    /// A stage table: a block entry with `rows`, holding the blocks it expands to.
    case stageTable
    /// One row of a stage table numbered `nested` (`layer1`), holding its blocks.
    case stage
    /// One instance of a built-in block.
    case block(BlockKind)
    /// One instance of a block the spec defines under `"blocks"`, by the spec's name for it.
    case userBlock(String)
    /// A name prefix that nothing declares as one of the above: PyTorch's module path
    /// `features` in AlexNet's `features.0` …, a block's part such as ShuffleNet's
    /// `stage2.0.branch`, or a module scope of an ONNX file.
    case module

    /// The kind as reports print it.
    public var name: String {
        switch self {
        case .list, .module: "group"
        case .stageTable: "stages"
        case .stage: "stage"
        case .block(let block): block.rawValue
        case .userBlock(let name): name
        }
    }
}

/// The built-in blocks (`BlockTable`), by the names specs give them.
public enum BlockKind: String, Sendable, CaseIterable {
    /// A convolution with the normalization and activation after it: the `conv` block,
    /// and each such unit inside the other blocks (`features.3.expand`).
    case conv
    case depthwiseSeparable = "depthwise_separable"
    case invertedResidual = "inverted_residual"
    case mbconv
    case squeezeExcite = "squeeze_excite"
    case fire
    case shuffleNetV2 = "shufflenet_v2"
    case resnetBasic = "resnet_basic"
    case resnetBottleneck = "resnet_bottleneck"
}
