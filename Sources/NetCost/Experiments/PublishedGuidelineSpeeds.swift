/// The speeds ShuffleNet V2 reports in Tables 1–4 at ×1, as `reference/published.json`
/// (`shufflenet_v2_guidelines`) holds them, so that the binary can print them anywhere.
/// A test compares these with a copy of that file.
///
/// GPU: a GTX 1080Ti with cuDNN, in batches per second; ARM: a Snapdragon 810, one
/// thread, in images per second. Higher is faster. The rows are in the order of
/// `ExperimentTable.rows`.
public struct PublishedGuidelineSpeeds: Sendable, Equatable {
    public let gpu: [Double]
    public let arm: [Double]
    /// The channel numbers of each row in the GPU and ARM columns.
    public let gpuChannels: [String]
    public let armChannels: [String]

    /// The numbers of one table.
    public static func table(_ guideline: Guideline) -> PublishedGuidelineSpeeds {
        switch guideline {
        case .g1:
            PublishedGuidelineSpeeds(gpu: [1480, 1296, 876, 748], arm: [76.2, 72.9, 69.1, 57.6],
                                     gpuChannels: ["(128,128)", "(90,180)", "(52,312)", "(36,432)"],
                                     armChannels: ["(32,32)", "(22,44)", "(13,78)", "(9,108)"])
        case .g2:
            // The paper prints c=180 for g=8 on ARM; 180 is not divisible by 8, and the
            // authors give 184 (megvii-model/ShuffleNet-Series issue 35).
            PublishedGuidelineSpeeds(gpu: [2451, 1725, 1026, 634], arm: [40.0, 35.0, 32.9, 27.8],
                                     gpuChannels: ["c=128", "c=180", "c=256", "c=360"],
                                     armChannels: ["c=64", "c=90", "c=128", "c=180"])
        case .g3:
            PublishedGuidelineSpeeds(gpu: [2446, 1790, 752, 1537, 691], arm: [40.2, 38.6, 38.4, 33.4, 35.0],
                                     gpuChannels: Array(repeating: "c=128", count: 5),
                                     armChannels: Array(repeating: "c=64", count: 5))
        case .g4:
            PublishedGuidelineSpeeds(gpu: [2427, 2647, 2672, 2842], arm: [56.7, 61.9, 57.3, 66.3],
                                     gpuChannels: Array(repeating: "c=32", count: 4),
                                     armChannels: Array(repeating: "c=32", count: 4))
        }
    }

    /// Row indices from fastest to slowest on the GPU.
    public var gpuOrder: [Int] { Self.order(bySpeed: gpu) }
    /// Row indices from fastest to slowest on ARM.
    public var armOrder: [Int] { Self.order(bySpeed: arm) }

    /// Indices sorted by decreasing speed; ties keep the table's order.
    public static func order(bySpeed speeds: [Double]) -> [Int] {
        speeds.indices.sorted { speeds[$0] > speeds[$1] || (speeds[$0] == speeds[$1] && $0 < $1) }
    }
}
