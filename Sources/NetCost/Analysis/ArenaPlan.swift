/// Offsets for every activation buffer of a schedule in one arena, so that buffers alive
/// at the same step never overlap (`netcost memory`'s arena plan).
///
/// Each buffer is placed in turn at an offset that clears every buffer already placed
/// whose lifetime meets its own, offsets and sizes rounded up to `alignment`. The arena
/// is the highest end. No plan can be smaller than the schedule's peak: that is the
/// lower bound the plans are measured against.
public struct ArenaPlan: Sendable, Equatable {
    public enum Strategy: String, Sendable, CaseIterable {
        /// Largest buffer first, each at the lowest offset where it fits (first fit): the
        /// order TensorFlow Lite Micro's greedy planner places them in.
        case greedyBySize = "greedy"
        /// The smallest of several placements: four orders (largest first, first used
        /// first, longest lived first, largest size × lifetime first), each placed
        /// first fit and best fit (the smallest gap that holds the buffer).
        case best = "netcost"
    }

    /// Buffers past which plans are not computed: placing is quadratic in their number.
    public static let bufferLimit = 10_000

    /// The offset of each buffer of the schedule, by buffer index.
    public let offsets: [Int]
    /// The arena's size: the highest offset plus its buffer's aligned size.
    public let bytes: Int
    public let alignment: Int
    /// How the winning placement ordered and fitted the buffers (`"largest first, first fit"`).
    public let method: String

    /// The plan of `schedule` by `strategy`; nil when the schedule has more than
    /// `bufferLimit` buffers.
    public init?(_ schedule: MemorySchedule, strategy: Strategy, alignment: Int = 16) throws(SizeOverflow) {
        try self.init(schedule.buffers, strategy: strategy, alignment: alignment)
    }

    /// The plan of any buffers with their lifetimes in steps.
    public init?(_ buffers: [MemorySchedule.Buffer], strategy: Strategy, alignment: Int = 16) throws(SizeOverflow) {
        guard buffers.count <= Self.bufferLimit, alignment >= 1 else { return nil }
        var sizes: [Int] = []
        for buffer in buffers { sizes.append(try Self.aligned(buffer.bytes, alignment)) }
        let lifetime = buffers.map { $0.last - $0.first + 1 }
        let bySize = { (a: Int, b: Int) in sizes[a] != sizes[b] ? sizes[a] > sizes[b] : a < b }
        var orders: [(String, [Int])] = [("largest first", buffers.indices.sorted(by: bySize))]
        if strategy == .best {
            orders.append(("first used first", buffers.indices.sorted { buffers[$0].first != buffers[$1].first ? buffers[$0].first < buffers[$1].first : bySize($0, $1) }))
            orders.append(("longest lived first", buffers.indices.sorted { lifetime[$0] != lifetime[$1] ? lifetime[$0] > lifetime[$1] : bySize($0, $1) }))
            var area: [Int] = []
            for id in buffers.indices { area.append(try sizes[id].multiplied(by: lifetime[id])) }
            orders.append(("largest size × lifetime first", buffers.indices.sorted { area[$0] != area[$1] ? area[$0] > area[$1] : bySize($0, $1) }))
        }
        var best: (offsets: [Int], bytes: Int, method: String)?
        for (name, order) in orders {
            for bestFit in strategy == .best ? [false, true] : [false] {
                let placed = try Self.place(order, buffers, sizes, alignment: alignment, bestFit: bestFit)
                if placed.bytes < best?.bytes ?? .max {
                    best = (placed.offsets, placed.bytes, name + (bestFit ? ", best fit" : ", first fit"))
                }
            }
        }
        guard let best else { return nil }
        self.offsets = best.offsets
        self.bytes = best.bytes
        self.alignment = alignment
        self.method = best.method
    }

    static func aligned(_ bytes: Int, _ alignment: Int) throws(SizeOverflow) -> Int {
        let (padded, overflow) = bytes.addingReportingOverflow(alignment - 1)
        guard !overflow else { throw SizeOverflow() }
        return padded / alignment * alignment
    }

    /// Places the buffers in `order`. A buffer goes into a gap between the buffers already
    /// placed whose lifetimes meet its own, sorted by offset: the first that holds it, or
    /// with `bestFit` the smallest; else after the last of them.
    private static func place(_ order: [Int], _ buffers: [MemorySchedule.Buffer], _ sizes: [Int], alignment: Int,
                              bestFit: Bool) throws(SizeOverflow) -> (offsets: [Int], bytes: Int) {
        var offsets = Array(repeating: 0, count: buffers.count)
        // Placed buffers kept sorted by offset (ties by index), so their neighbours come sorted.
        var placed: [Int] = []
        var arena = 0
        for id in order {
            let size = sizes[id]
            let neighbours = placed.filter { buffers[$0].first <= buffers[id].last && buffers[id].first <= buffers[$0].last }
            var candidate = 0
            var chosen: (offset: Int, gap: Int)?
            for other in neighbours {
                let gap = offsets[other] - candidate
                if gap >= size {
                    if !bestFit { chosen = (candidate, gap); break }
                    if gap < chosen?.gap ?? .max { chosen = (candidate, gap) }
                }
                candidate = max(candidate, try offsets[other].adding(sizes[other]))
            }
            let offset = chosen?.offset ?? candidate
            offsets[id] = offset
            arena = max(arena, try offset.adding(size))
            var low = 0, high = placed.count
            while low < high {
                let middle = (low + high) / 2
                let other = placed[middle]
                if offsets[other] < offset || (offsets[other] == offset && other < id) { low = middle + 1 } else { high = middle }
            }
            placed.insert(id, at: low)
        }
        return (offsets, arena)
    }
}
