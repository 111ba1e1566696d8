import Foundation
@testable import NetCost
import Testing

/// The networks of ShuffleNet V2's Tables 1–4 (`netcost experiment`): channel numbers as
/// the paper prints them, FLOPs equal across each table's rows within the paper's
/// rounding, and memory access ordered as the guidelines derive it. Expected counts are
/// written as their derivation; hw = 56·56 = 3136, 10 blocks.
@Suite("Guideline experiments: the networks of ShuffleNet V2 Tables 1-4")
struct GuidelineExperimentTests {
    static let hw = 56 * 56

    func table(_ guideline: Guideline, _ channels: ExperimentChannels = .gpu, scale: Int = 1,
               join: ParallelJoin = .concat) throws -> ExperimentTable {
        try ExperimentTable(guideline, scale: scale, channels: channels, join: join)
    }

    /// Every 1×1 convolution's (input channels, output channels) in graph order.
    func convolutions(_ row: ExperimentRow) -> [(Int, Int)] {
        row.graph.layers.compactMap { layer -> (Int, Int)? in
            guard case .convolution(let conv) = layer.operation, let input = layer.inputs.first else { return nil }
            return (row.graph.layers[input].outputShape.channels, conv.outChannels)
        }
    }

    // MARK: Table 1 (G1)

    @Test func table1ChannelsAndFLOPs() throws {
        let g1 = try table(.g1)
        #expect(g1.rows.map(\.label) == ["1:1", "1:2", "1:6", "1:12"])
        #expect(g1.rows.map(\.configuration) == ["c1=128 c2=128", "c1=90 c2=180", "c1=52 c2=312", "c1=36 c2=432"])
        // Ten blocks of c1→c2, c2→c1: 2·hw·c1·c2 multiply-adds per block.
        let hw = Self.hw
        #expect(g1.rows.map(\.totals.macs) == [10 * 2 * hw * 128 * 128, 10 * 2 * hw * 90 * 180,
                                                10 * 2 * hw * 52 * 312, 10 * 2 * hw * 36 * 432])
        #expect(convolutions(g1.rows[1]).prefix(2).elementsEqual([(90, 180), (180, 90)]) { $0 == $1 })
        #expect(convolutions(g1.rows[1]).count == 20)
        // "FLOPs fixed": the paper rounds c1 down, 36·432 = 15,552 is the farthest, 5.1% under 128².
        for row in g1.rows { #expect(abs(Double(row.totals.macs) / Double(g1.rows[0].totals.macs) - 1) < 0.052) }
        // c1 = ⌊128/√r⌋ and ⌊32/√r⌋ give exactly the paper's c1 in both columns.
        #expect([1, 2, 6, 12].map { equalFLOPsWidth(128, parts: $0) } == [128, 90, 52, 36])
        #expect([1, 2, 6, 12].map { equalFLOPsWidth(32, parts: $0) } == [32, 22, 13, 9])
        let arm = try table(.g1, .arm)
        #expect(arm.rows.map(\.configuration) == ["c1=32 c2=32", "c1=22 c2=44", "c1=13 c2=78", "c1=9 c2=108"])
    }

    @Test func table1MemoryAccessIsLeastAtEqualWidths() throws {
        let g1 = try table(.g1)
        // Per 1×1 conv hw(c1 + c2) + c1c2 (ShuffleNet V2 Eq. 1); two per block, ten blocks.
        func blocks(_ c1: Int, _ c2: Int) -> Int { 10 * 2 * (Self.hw * (c1 + c2) + c1 * c2) }
        let expected = [blocks(128, 128), blocks(90, 180), blocks(52, 312), blocks(36, 432)]
        #expect(expected == [16_384_000, 17_258_400, 23_154_560, 29_664_000])
        #expect(g1.rows.map(\.totals.memoryAccess) == expected)
        // 1:1 meets the bound 2√(hw·B) + B/hw with B = hw·128²: 2·hw·128 + 128² per conv.
        #expect(expected[0] == 10 * 2 * (2 * Self.hw * 128 + 128 * 128))
        #expect(expected == expected.sorted())
        #expect(g1.expectedFastest == 0)
    }

    // MARK: Table 2 (G2)

    @Test func table2GroupsChannelsFLOPsAndMemory() throws {
        let g2 = try table(.g2)
        #expect(g2.rows.map(\.label) == ["g=1", "g=2", "g=4", "g=8"])
        #expect(g2.rows.map(\.configuration) == ["c=128", "c=180", "c=256", "c=360"])
        let hw = Self.hw
        // Ten layers c→c with g groups: hw·c²/g each; 180²/2 = 16,200 and 360²/8 = 16,200 against 128² = 16,384.
        #expect(g2.rows.map(\.totals.macs) == [10 * hw * 128 * 128, 10 * hw * 180 * 180 / 2, 10 * hw * 256 * 256 / 4, 10 * hw * 360 * 360 / 8])
        for row in g2.rows { #expect(abs(Double(row.totals.macs) / Double(g2.rows[0].totals.macs) - 1) < 0.012) }
        // hw·2c + c²/g per layer (Eq. 2): grows with g at fixed FLOPs.
        let memory = [(128, 1), (180, 2), (256, 4), (360, 8)].map { c, g in 10 * (hw * 2 * c + c * c / g) }
        #expect(memory == [8_192_000, 11_451_600, 16_220_160, 22_741_200])
        #expect(g2.rows.map(\.totals.memoryAccess) == memory)
        // ARM: the authors' 184 for g = 8 (the table's 180 is not divisible by 8).
        #expect(try table(.g2, .arm).rows.map(\.configuration) == ["c=64", "c=90", "c=128", "c=184"])
    }

    // MARK: Table 3 (G3)

    @Test func table3FragmentsKeepTheFLOPs() throws {
        let g3 = try table(.g3)
        #expect(g3.rows.map(\.label) == ["1-fragment", "2-fragment-series", "4-fragment-series", "2-fragment-parallel", "4-fragment-parallel"])
        let hw = Self.hw
        // Series: k convs of ⌊128/√k⌋ (90, 64); parallel (concat): k branches 128→128/k.
        #expect(g3.rows.map(\.totals.macs) == [10 * hw * 128 * 128, 10 * hw * 2 * 90 * 90, 10 * hw * 4 * 64 * 64,
                                                10 * hw * 2 * 128 * 64, 10 * hw * 4 * 128 * 32])
        #expect(g3.rows.map { convolutions($0).count } == [10, 20, 40, 20, 40])
        #expect(convolutions(g3.rows[4]).allSatisfy { $0 == (128, 32) })
        #expect(g3.rows[4].graph.layers.filter { $0.operation.kind == "concat" }.count == 10)
        // Memory access: the 1-fragment block moves the least.
        let concat = 2 * hw * 128
        let memory = [hw * 256 + 128 * 128, 2 * (hw * 180 + 90 * 90), 4 * (hw * 128 + 64 * 64),
                      2 * (hw * (128 + 64) + 128 * 64) + concat, 4 * (hw * (128 + 32) + 128 * 32) + concat].map { 10 * $0 }
        #expect(g3.rows.map(\.totals.memoryAccess) == memory)
        #expect(memory.dropFirst().allSatisfy { $0 > memory[0] })
    }

    @Test func table3AddJoinAndArmChannels() throws {
        let g3 = try table(.g3, join: .add)
        let hw = Self.hw
        #expect(g3.rows[3].configuration == "2 x conv 90->90, add")
        #expect(g3.rows[4].totals.macs == 10 * hw * 4 * 64 * 64)
        #expect(g3.rows[4].graph.layers.filter { $0.operation.kind == "add" }.count == 10)
        let arm = try table(.g3, .arm)
        #expect(arm.rows.map(\.configuration) == ["c=64", "2 x conv 45->45", "4 x conv 32->32", "2 x conv 64->32, concat", "4 x conv 64->16, concat"])
    }

    // MARK: Table 4 (G4)

    @Test func table4SameMACsElementwiseMemoryDiffers() throws {
        let g4 = try table(.g4)
        #expect(g4.rows.map(\.label) == ["ReLU+shortcut", "ReLU only", "shortcut only", "neither"])
        #expect(g4.expectedFastest == 3)
        let hw = Self.hw
        // 1×1 32→8, 3×3 8→8, 1×1 8→32 per unit.
        let macs = 10 * hw * (32 * 8 + 9 * 8 * 8 + 8 * 32)
        #expect(g4.rows.allSatisfy { $0.totals.macs == macs })
        let convolutions = hw * (32 + 8) + 32 * 8 + hw * (8 + 8) + 9 * 8 * 8 + hw * (8 + 32) + 8 * 32
        let relus = 2 * hw * (8 + 8 + 32)  // each reads and writes its map
        let add = 3 * hw * 32               // two inputs read, one output written
        #expect(g4.rows.map(\.totals.memoryAccess) == [10 * (convolutions + relus + add), 10 * (convolutions + relus),
                                                       10 * (convolutions + add), 10 * convolutions])
        #expect(g4.rows[0].graph.layers.filter { $0.operation.kind == "relu" }.count == 30)
    }

    // MARK: Scales, sizes and the paper's numbers

    @Test func scalesMultiplyTheChannels() throws {
        let g1 = try table(.g1, scale: 4)
        #expect(g1.rows[3].configuration == "c1=144 c2=1728")
        #expect(g1.rows[0].totals.macs == 16 * (try table(.g1)).rows[0].totals.macs)
        #expect(g1.rows[0].paperGPU == nil)
        #expect(try table(.g4, scale: 2).rows[0].configuration == "c=64 inner=16")
        let small = try ExperimentTable(.g2, resolution: 8)
        #expect(small.rows[0].totals.macs == 10 * 64 * 128 * 128)
        #expect(small.rows[0].paperGPU == nil)
        #expect(throws: InputError.self) { try ExperimentTable(.g1, scale: 0) }
        #expect(throws: InputError.self) { try ExperimentTable(.g1, resolution: 0) }
    }

    @Test func paperNumbersMatchPublishedJSON() throws {
        let published = try Published.load()
        let keys: [(Guideline, String, String, String)] = [
            (.g1, "G1_c1_c2_ratio", "gpu_x1", "arm_x1"), (.g2, "G2_groups", "gpu_x1", "arm_x1"),
            (.g3, "G3_fragmentation", "gpu_c128", "arm_c64"), (.g4, "G4_elementwise", "gpu_c32", "arm_c32"),
        ]
        for (guideline, section, gpu, arm) in keys {
            let speeds = PublishedGuidelineSpeeds.table(guideline)
            #expect(speeds.gpu == (try published.doubles("shufflenet_v2_guidelines", section, gpu)), "\(section)")
            #expect(speeds.arm == (try published.doubles("shufflenet_v2_guidelines", section, arm)), "\(section)")
            let rows = try #require(try published.value(["shufflenet_v2_guidelines", section, "rows"]) as? [String])
            let table = try ExperimentTable(guideline)
            #expect(rows.count == table.rows.count)
            #expect(table.rows.map { $0.paperGPU ?? 0 } == speeds.gpu)
            // The reference's row names carry the labels (and Table 1's channels) netcost prints.
            for (name, row) in zip(rows, table.rows) { #expect(name.hasPrefix(row.label), "\(name) \(row.label)") }
        }
        let g1Channels = try #require(try published.value(["shufflenet_v2_guidelines", "G1_c1_c2_ratio", "arm_x1_channels"]) as? [String])
        #expect(PublishedGuidelineSpeeds.table(.g1).armChannels == g1Channels)
        #expect(try published.ints("shufflenet_v2_guidelines", "G2_groups", "arm_x1_channels").map { "c=\($0)" }
                == PublishedGuidelineSpeeds.table(.g2).armChannels)
        // Orders, fastest first: Table 3's ARM column puts 4-fragment-parallel before 2-fragment-parallel.
        #expect(PublishedGuidelineSpeeds.table(.g3).armOrder == [0, 1, 2, 4, 3])
        #expect(PublishedGuidelineSpeeds.table(.g4).gpuOrder == [3, 2, 1, 0])
    }
}
