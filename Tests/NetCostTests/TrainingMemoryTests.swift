import Foundation
import NetCost
import Testing

/// `netcost memory --training` against what PyTorch keeps: Fixtures/pytorch_saved_tensors.json
/// (scripts/training_memory_truth.py) records, for torchvision's models in train mode on
/// CPU, the bytes of the distinct storages autograd saves, weights left out.
@Suite struct TrainingMemoryTests {
    struct Truth: Decodable {
        struct Model: Decodable {
            let model: String
            let resolution: Int
            let saved_bytes: [String: Int]
        }
        let models: [Model]
    }

    static func memory(_ name: String, batch: Int, resolution: Int? = nil) throws -> TrainingMemory {
        let graph = try ModelLoader.load(name, overrides: SpecOverrides(resolution: resolution, batch: batch)).graph
        return try TrainingReport.memory(of: graph, dataType: .fp32, optimizer: .adam)
    }

    /// Every shipped spec torchvision also builds, at 224 and batches 1 and 2.
    @Test func everyTorchvisionModelKeepsWhatPyTorchKeeps() throws {
        let data = try Data(contentsOf: Repository.testsDirectory.appendingPathComponent("Fixtures/pytorch_saved_tensors.json"))
        let truth = try JSONDecoder().decode(Truth.self, from: data)
        #expect(truth.models.count == 15)
        for model in truth.models {
            for (batch, bytes) in model.saved_bytes {
                let memory = try Self.memory(model.model, batch: try #require(Int(batch)), resolution: model.resolution)
                #expect(memory.savedActivationBytes == bytes, "\(model.model) at batch \(batch)")
                #expect(memory.unknownLayers.isEmpty)
            }
        }
    }

    /// The figures at batch 8, measured in PyTorch: MobileNetV2 625,812,736 bytes,
    /// ResNet-18 177,477,120.
    @Test func batchEight() throws {
        #expect(try Self.memory("mobilenet_v2", batch: 8).savedActivationBytes == 625_812_736)
        #expect(try Self.memory("resnet18", batch: 8).savedActivationBytes == 177_477_120)
    }

    /// A small net written out by hand, fp32, batch 1, image 3×8×8 (PyTorch records 5,216
    /// and 5,184 bytes for the same nn.Sequential):
    /// conv keeps the image, 192 × 4 = 768; batch norm its input, 4·8·8 × 4 = 1,024, and a
    /// mean and inverse std per channel, 16 + 16; relu6 runs in place and keeps a copy of
    /// its input, 1,024; max pooling its input (the norm's storage, written over by relu6),
    /// 1,024, and int64 indices, 4·4·4 × 8 = 512; the 1×1 conv its input, 4·4·4 × 4 = 256;
    /// relu in place its output, 8·4·4 × 4 = 512; global pooling nothing; dropout its mask,
    /// 8 × 4 = 32, and the linear layer dropout's output, 32. Total 5,216. At p = 0 dropout
    /// passes its input through: no mask, and the linear layer keeps the pooled vector, 32.
    @Test func handDerivedRules() throws {
        func spec(dropout: Double) -> String {
            """
            {"name": "small", "input": [3, 8, 8], "layers": [
              {"name": "conv", "op": "conv2d", "out": 4, "kernel": 3, "padding": 1},
              {"name": "bn", "op": "batchnorm"}, {"name": "act", "op": "relu6"},
              {"name": "pool", "op": "maxpool", "kernel": 2, "stride": 2},
              {"name": "pw", "op": "conv2d", "out": 8, "kernel": 1}, {"name": "relu", "op": "relu"},
              {"name": "gap", "op": "global_avgpool"}, {"name": "flat", "op": "flatten"},
              {"name": "drop", "op": "dropout", "p": \(dropout)}, {"name": "fc", "op": "linear", "out": 10}]}
            """
        }
        let graph = try SpecLoader.load(bytes: Array(spec(dropout: 0.5).utf8), file: "small.json", overrides: SpecOverrides()).graph
        let memory = try TrainingReport.memory(of: graph, dataType: .fp32, optimizer: .sgd)
        #expect(memory.savedActivationBytes == 5_216)
        let kept = memory.saved.map { "\(graph.layers[$0.layer].name) \($0.what) \($0.bytes)" }
        #expect(kept == ["conv input 768", "bn input 1024", "bn mean 16", "bn inverse std 16", "act copy of input 1024",
                         "pool input 1024", "pool indices 512", "pw input 256", "relu output 512", "drop mask 32", "fc input 32"])
        let noDropout = try SpecLoader.load(bytes: Array(spec(dropout: 0).utf8), file: "small.json", overrides: SpecOverrides()).graph
        #expect(try TrainingReport.memory(of: noDropout, dataType: .fp32, optimizer: .sgd).savedActivationBytes == 5_184)
    }

    /// Weights, gradients and Adam's two moments of MobileNetV2's 3,504,872 parameters at
    /// 4 bytes: 14,019,488 each, 28,038,976 for Adam; its 34,112 running statistics 136,448.
    @Test func weightsGradientsAndOptimizerState() throws {
        let memory = try Self.memory("mobilenet_v2", batch: 1)
        #expect(memory.parameterBytes == 14_019_488)
        #expect(memory.gradientBytes == 14_019_488)
        #expect(memory.optimizerBytes == 28_038_976)
        #expect(memory.bufferBytes == 136_448)
        #expect(memory.totalBytes == 78_345_984 + 14_019_488 * 4 + 136_448)
    }

    /// MobileNetV2 with Adam in 1 GiB, from PyTorch's figures: batch 1 keeps 78,345,984
    /// bytes and batch 8 625,812,736, so each sample adds 78,209,536 and 136,448 (the batch
    /// norms' statistics) stay; with 56,214,400 of weights, gradients, moments and running
    /// statistics, batch b needs 56,350,848 + 78,209,536·b: 1,073,074,816 at 13, which
    /// fits 1,073,741,824, and 1,151,284,352 at 14, which does not.
    @Test func largestBatchWithinABudget() throws {
        let fit = try TrainingReport.largestBatch(within: 1 << 30, maximum: SpecOverrides.maximumBatch) { (batch) throws(InputError) in
            let graph = try ModelLoader.load("mobilenet_v2", overrides: SpecOverrides(batch: batch)).graph
            return try TrainingReport.memory(of: graph, dataType: .fp32, optimizer: .adam).totalBytes
        }
        #expect(fit.largestBatch == 13)
        #expect(fit.totalBytes == 1_073_074_816)
        #expect(fit.bytesPerSample == 78_209_536)
        let none = try TrainingReport.largestBatch(within: 1 << 20, maximum: 64) { (batch) throws(InputError) in 2_000_000 * batch }
        #expect(none.largestBatch == nil)
    }

    /// When the line through batches 1 and 2 guesses wrong the search still finds the
    /// answer: for totals of 100·b + b², the line (101, 204) guesses 97 within 10,000,
    /// but 61 is the largest (9,821; 62 needs 10,044). A batch whose model cannot be
    /// built (here past 50) counts as not fitting.
    @Test func largestBatchWhenTheLineGuessesWrong() throws {
        let curved = try TrainingReport.largestBatch(within: 10_000, maximum: 1_000) { (batch) throws(InputError) in 100 * batch + batch * batch }
        #expect(curved.largestBatch == 61)
        #expect(curved.totalBytes == 9_821)
        let limited = try TrainingReport.largestBatch(within: 10_000, maximum: 1_000) { (batch) throws(InputError) in
            guard batch <= 50 else { throw InputError("too large") }
            return 100 * batch
        }
        #expect(limited.largestBatch == 50)
    }
}
