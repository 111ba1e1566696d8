@testable import NetCostExecutor
import Testing

/// How a parallel loop's work is cut.
struct ParallelChunkTests {
    /// 98 tiles (a 56×56 map in 32-column tiles) for two workers: each chunk a quarter of
    /// what is left, at least 2: 98/4 → 24, 74/4 → 18, 56/4 → 14, 42/4 → 10, 32/4 → 8,
    /// 24/4 → 6, 18/4 → 4, 14/4 → 3, 11/4 → 2, then 2s, and the last tile alone.
    @Test func guidedChunksShrinkAndCoverEverything() {
        let chunks = Parallel.guidedChunks(98, grain: 2, workers: 2)
        #expect(chunks.map(\.count) == [24, 18, 14, 10, 8, 6, 4, 3, 2, 2, 2, 2, 2, 1])
        #expect(chunks.first?.lowerBound == 0 && chunks.last?.upperBound == 98)
        #expect(zip(chunks, chunks.dropFirst()).allSatisfy { $0.upperBound == $1.lowerBound })
    }

    @Test func guidedChunksOfLittleWork() {
        #expect(Parallel.guidedChunks(0, grain: 2, workers: 2).isEmpty)
        #expect(Parallel.guidedChunks(2, grain: 2, workers: 2) == [0..<2])
        #expect(Parallel.guidedChunks(10, grain: 2, workers: 1) == [0..<10])
    }
}
