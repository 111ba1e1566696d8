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

    /// Bytes to store `params` parameters and `buffers` buffers held by `weightedLayers`
    /// layers, rounded up to a whole byte; `SizeOverflow` past 2⁶³ − 1 bytes.
    public func bytes(params: Int, buffers: Int, weightedLayers: Int) throws(SizeOverflow) -> Int {
        // Kept weights never exceed `params`, so the conversion below cannot leave Int's range.
        let kept = density >= 1 ? params : min(params, Int((Double(params) * max(density, 0)).rounded(.up)))
        var bits = BitCount()
        try bits.add(kept, each: self.bits + (density < 1 ? indexBits : 0))
        try bits.add(buffers, each: self.bits)
        var total = try bits.wholeBytes()
        if codebook { total = try total.adding(try product(weightedLayers, 4, 1 << min(self.bits, 24))) }
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
    /// Layers that hold parameters of their own (each gets its own codebook under weight
    /// sharing); a layer that reuses another's weights reuses its codebook too.
    public var weightedLayerCount: Int { costs.indices.filter { costs[$0].params > 0 && sharedWeights[$0] == nil }.count }

    /// The stored size under `storage`, in bytes; an error when it passes 2⁶³ − 1.
    public func storedBytes(_ storage: StorageModel) throws(InputError) -> Int {
        do {
            return try storage.bytes(params: totals.params, buffers: totals.buffers, weightedLayers: weightedLayerCount)
        } catch {
            throw InputError("the stored model size passes 2⁶³ − 1 bytes: the parameters are too many to size", field: "bits")
        }
    }
}

/// A count of bits kept as whole bytes plus leftover bits, so that `elements × bits`
/// is summed without forming a product eight times larger than the bytes it stands for.
private struct BitCount {
    var bytes = 0
    var bits = 0

    /// Adds `elements` values of `each` bits.
    mutating func add(_ elements: Int, each: Int) throws(SizeOverflow) {
        // elements × each / 8, split so that no intermediate exceeds the result.
        bytes = try bytes.adding(try (elements / 8).multiplied(by: each))
        bits = try bits.adding(try (elements % 8).multiplied(by: each))
    }

    /// The total rounded up to whole bytes.
    func wholeBytes() throws(SizeOverflow) -> Int {
        try bytes.adding(bits / 8 + (bits % 8 == 0 ? 0 : 1))
    }
}
