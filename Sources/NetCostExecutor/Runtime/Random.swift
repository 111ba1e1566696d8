/// A small seeded generator (SplitMix64): the same seed gives the same weights and
/// inputs on every machine, so a verification or a benchmark can be repeated exactly.
struct SeededRandom {
    private var state: UInt64

    init(seed: UInt64) {
        state = seed
    }

    /// A generator for one layer of a run: independent of the order layers are visited.
    init(seed: UInt64, stream: Int) {
        var mixer = SeededRandom(seed: seed ^ (UInt64(truncatingIfNeeded: stream) &* 0xD1B5_4A32_D192_ED03))
        state = mixer.next()
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform in `[low, high)`, from the top 24 bits.
    mutating func uniform(_ low: Float, _ high: Float) -> Float {
        let unit = Float(next() >> 40) * (1.0 / 16_777_216.0)
        return low + (high - low) * unit
    }

    /// Fills `count` floats from `pointer` with uniform values in `[low, high)`.
    mutating func fill(_ pointer: UnsafeMutablePointer<Float>, count: Int, _ low: Float, _ high: Float) {
        for index in 0..<count { pointer[index] = uniform(low, high) }
    }
}
