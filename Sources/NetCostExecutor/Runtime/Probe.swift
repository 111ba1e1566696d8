/// What a kernel reports as it runs: the multiply-adds it executes and the elements it
/// reads and writes. Kernels are generic over the probe; with `NoProbe` every call
/// specializes away, so the same loops serve the plain run and the counting run.
protocol Probe {
    /// `count` multiply-accumulates just executed.
    mutating func multiplyAdds(_ count: Int)
    /// Element `index` of input `slot` was read.
    mutating func readInput(_ slot: Int, _ index: Int)
    /// Elements `range` of input `slot` were read.
    mutating func readInputs(_ slot: Int, _ range: Range<Int>)
    /// Element `index` of parameter tensor `tensor` (see `LayerParameters`) was read.
    mutating func readParameter(_ tensor: Int, _ index: Int)
    /// Elements `range` of parameter tensor `tensor` were read.
    mutating func readParameters(_ tensor: Int, _ range: Range<Int>)
    /// Output element `index` was written.
    mutating func write(_ index: Int)
    /// Output elements `range` were written.
    mutating func writes(_ range: Range<Int>)
    /// False for `NoProbe`: lets a kernel skip bookkeeping loops that only feed the probe.
    static var isCounting: Bool { get }
}

/// The probe of the plain and timed runs: records nothing.
struct NoProbe: Probe {
    @inline(__always) mutating func multiplyAdds(_ count: Int) {}
    @inline(__always) mutating func readInput(_ slot: Int, _ index: Int) {}
    @inline(__always) mutating func readInputs(_ slot: Int, _ range: Range<Int>) {}
    @inline(__always) mutating func readParameter(_ tensor: Int, _ index: Int) {}
    @inline(__always) mutating func readParameters(_ tensor: Int, _ range: Range<Int>) {}
    @inline(__always) mutating func write(_ index: Int) {}
    @inline(__always) mutating func writes(_ range: Range<Int>) {}
    static var isCounting: Bool { false }
}

/// The probe of `verify`: a multiply-add counter and one bitset per input, per parameter
/// tensor and for the output, so that an element touched twice counts once (the ideal
/// cache of ShuffleNet V2's memory access cost).
struct CountingProbe: Probe {
    var macs = 0
    var inputs: [Bitset]
    var parameters: [Bitset]
    var output: Bitset

    init(inputSizes: [Int], parameterSizes: [Int], outputSize: Int) {
        inputs = inputSizes.map(Bitset.init(count:))
        parameters = parameterSizes.map(Bitset.init(count:))
        output = Bitset(count: outputSize)
    }

    mutating func multiplyAdds(_ count: Int) { macs &+= count }
    mutating func readInput(_ slot: Int, _ index: Int) { inputs[slot].insert(index) }
    mutating func readInputs(_ slot: Int, _ range: Range<Int>) { inputs[slot].insert(range) }
    mutating func readParameter(_ tensor: Int, _ index: Int) { parameters[tensor].insert(index) }
    mutating func readParameters(_ tensor: Int, _ range: Range<Int>) { parameters[tensor].insert(range) }
    mutating func write(_ index: Int) { output.insert(index) }
    mutating func writes(_ range: Range<Int>) { output.insert(range) }
    static var isCounting: Bool { true }

    /// True when some kernel marked an index outside its tensor: a kernel bug, reported
    /// as a mismatch rather than a crash.
    var outOfRange: Bool {
        output.outOfRange || inputs.contains(where: \.outOfRange) || parameters.contains(where: \.outOfRange)
    }
}

/// A fixed-size set of element indices, one bit each. A class over raw words, so that a
/// mark from the innermost loop of a counting kernel is a bounds check and an OR.
final class Bitset {
    private let words: UnsafeMutablePointer<UInt64>
    private let wordCount: Int
    let count: Int
    private(set) var outOfRange = false

    init(count: Int) {
        self.count = count
        wordCount = (count + 63) / 64
        words = UnsafeMutablePointer<UInt64>.allocate(capacity: max(wordCount, 1))
        words.initialize(repeating: 0, count: max(wordCount, 1))
    }

    deinit { words.deallocate() }

    @inline(__always)
    func insert(_ index: Int) {
        guard index >= 0, index < count else {
            outOfRange = true
            return
        }
        words[index >> 6] |= 1 << UInt64(index & 63)
    }

    func insert(_ range: Range<Int>) {
        if range.isEmpty { return }
        guard range.lowerBound >= 0, range.upperBound <= count else {
            outOfRange = true
            return
        }
        // Whole words at a time: a mask for the partial words at either end.
        var index = range.lowerBound
        while index < range.upperBound {
            let word = index >> 6, bit = index & 63
            let span = min(64 - bit, range.upperBound - index)
            words[word] |= span == 64 ? ~0 : ((1 << UInt64(span)) - 1) << UInt64(bit)
            index += span
        }
    }

    /// How many indices are in the set.
    var population: Int {
        var total = 0
        for word in 0..<wordCount { total += words[word].nonzeroBitCount }
        return total
    }
}

/// The probe of one sample's run of a per-sample kernel: indices into the sample's input
/// and output are moved to where the sample lies in the whole tensors.
struct SampleProbe<Inner: Probe>: Probe {
    var inner: Inner
    let inputOffsets: [Int]
    let outputOffset: Int

    mutating func multiplyAdds(_ count: Int) { inner.multiplyAdds(count) }
    mutating func readInput(_ slot: Int, _ index: Int) { inner.readInput(slot, index + inputOffsets[slot]) }
    mutating func readInputs(_ slot: Int, _ range: Range<Int>) {
        inner.readInputs(slot, (range.lowerBound + inputOffsets[slot])..<(range.upperBound + inputOffsets[slot]))
    }
    mutating func readParameter(_ tensor: Int, _ index: Int) { inner.readParameter(tensor, index) }
    mutating func readParameters(_ tensor: Int, _ range: Range<Int>) { inner.readParameters(tensor, range) }
    mutating func write(_ index: Int) { inner.write(index + outputOffset) }
    mutating func writes(_ range: Range<Int>) { inner.writes((range.lowerBound + outputOffset)..<(range.upperBound + outputOffset)) }
    static var isCounting: Bool { Inner.isCounting }
}
