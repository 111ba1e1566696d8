/// How weights are stored on disk or in flash: `--dtype`, `--bits`, `--density`,
/// `--index-bits`, `--codebook`.
///
/// - Dense: every parameter at `bits` bits (32 for fp32, 16 for fp16, 8 for int8),
///   buffers too at the dense width (a deployed model folds them away; `--fuse` shows that).
/// - Sparse, after Deep Compression (Han et al. 2016), which SqueezeNet's 0.47 MB comes
///   from: a fraction `density` of the weights is kept, each stored at `bits` bits with a
///   relative index of `indexBits` bits (the gap to the previous non-zero).
/// - With `codebook`, weights are shared through a per-layer codebook of `2^bits`
///   float32 centroids (k-means quantization), which adds `4·2^bits` bytes per weighted layer.
///
/// What the model leaves out, and why a published size can be smaller: Huffman coding
/// of the weights and indices (Deep Compression's last stage), and per-layer densities
/// (the model assumes one density for all layers).
public struct StorageModel: Sendable, Equatable {
    public var bits: Int
    public var density: Double
    public var indexBits: Int
    public var codebook: Bool

    public init(bits: Int, density: Double = 1, indexBits: Int = 4, codebook: Bool = false) {
        self.bits = bits
        self.density = density
        self.indexBits = indexBits
        self.codebook = codebook
    }

    public var isDense: Bool { density >= 1 && !codebook }

    /// Bytes to store `params` parameters and `buffers` buffers held by `weightedLayers` layers.
    public func bytes(params: Int, buffers: Int, weightedLayers: Int) -> Double {
        let kept = (Double(params) * min(density, 1)).rounded(.up)
        let bitsPerWeight = Double(bits + (density < 1 ? indexBits : 0))
        var total = kept * bitsPerWeight / 8 + Double(buffers) * Double(bits) / 8
        if codebook { total += Double(weightedLayers) * 4 * Double(1 << min(bits, 24)) }
        return total
    }

    /// `32-bit dense`, `6-bit, 33% dense, 4-bit indices, codebook`.
    public var summary: String {
        var parts = ["\(bits)-bit"]
        if density < 1 {
            parts.append(NumberFormat.fixed(density * 100, density * 100 == (density * 100).rounded() ? 0 : 1) + "% dense")
            parts.append("\(indexBits)-bit indices")
        } else {
            parts.append("dense")
        }
        if codebook { parts.append("per-layer codebook") }
        return parts.joined(separator: ", ")
    }
}

extension Analysis {
    /// Layers that hold parameters (each gets its own codebook under weight sharing).
    public var weightedLayerCount: Int { costs.filter { $0.params > 0 }.count }

    /// The stored size under `storage`, in bytes.
    public func storedBytes(_ storage: StorageModel) -> Double {
        storage.bytes(params: totals.params, buffers: totals.buffers, weightedLayers: weightedLayerCount)
    }
}
