import NetCost
@testable import NetCostExecutor
import Testing

/// `--max-memory`, refusals of graphs that cannot run, the timed mode and the machine
/// probe (their numbers' sanity, never their speed).
@Suite struct LimitsAndModesTests {
    /// A 3×4096×4096 input alone is 192 MiB: refused under a 64 MiB limit, by the plan,
    /// before any tensor is made (the message names the limit and the parts).
    @Test func refusesGraphsOverTheMemoryLimit() throws {
        let graph = try TestGraphs.spec(#"{"input": [3, 4096, 4096], "layers": [{"op": "conv2d", "out": 64, "kernel": 3, "padding": 1}]}"#)
        let plan = try MemoryPlan(graph)
        #expect(plan.peakActivationBytes >= (3 + 64) * 4096 * 4096 * 4)
        #expect(throws: InputError.self) { try Verifier.verify(graph, limits: RunLimits(memoryBytes: 64 << 20)) }
        do {
            _ = try Benchmark.run(graph, repetitions: 1, warmup: 0, limits: RunLimits(memoryBytes: 64 << 20))
            Issue.record("a graph over the limit ran")
        } catch {
            #expect(error.field == "max-memory")
            #expect(error.message.contains("--max-memory"))
            #expect(error.message.contains("64 MiB"))
        }
    }

    /// Parameters count what is stored and what the GEMM packs, worked by hand for a
    /// 3→8 3×3 convolution with bias: 216 + 8 floats stored; packed, 8 rows of depth 27
    /// in whole panels plus 8 floats of padding: AVX-512 and NEON one panel of 8 (224
    /// floats), AVX2 two of 6 (332), SSE2 two of 6 with each value four times (1,304).
    @Test func parametersCountThePackedCopyOfEachSet() throws {
        let graph = try TestGraphs.spec(#"{"input": [3, 16, 16], "layers": [{"op": "conv2d", "out": 8, "kernel": 3, "padding": 1}]}"#)
        let packed = ["avx512": 224, "neon": 224, "avx2": 332, "sse2": 1304]
        for kernels in KernelSet.available {
            let plan = try MemoryPlan(graph, kernels: kernels)
            #expect(plan.parameterBytes == (224 + (packed[kernels.name] ?? -1)) * 4, "\(kernels.name)")
        }
    }

    /// Sizes that overflow are an error, not a trap.
    @Test func planOfAHugeGraphIsFiniteOrAnError() throws {
        let graph = try TestGraphs.spec(#"{"input": [1024, 65536, 65536], "layers": [{"op": "conv2d", "out": 1024, "kernel": 1}]}"#)
        #expect(throws: InputError.self) { try Verifier.verify(graph) }
    }

    /// The peak counts live tensors only: a long chain of small layers stays small.
    @Test func peakFreesTensorsAfterTheirLastReader() throws {
        let layers = (0..<20).map { _ in #"{"op": "relu"}"# }.joined(separator: ",")
        let graph = try TestGraphs.spec(#"{"input": [4, 32, 32], "layers": [\#(layers)]}"#)
        let plan = try MemoryPlan(graph)
        // The input stays (it is a source), plus at most two activations alive at once.
        #expect(plan.peakActivationBytes <= 3 * 4 * 32 * 32 * 4)
    }

    @Test func refusesUnsupportedOps() throws {
        var builder = GraphBuilder(name: "unsupported")
        let x = try builder.addInput(name: "x", shape: try TensorShape([3, 4, 4]))
        try builder.add(name: "mystery", operation: .unsupported(UnsupportedOperation(opType: "NonMaxSuppression", shape: try TensorShape([3, 4, 4]))), inputs: [x])
        do {
            _ = try Verifier.verify(builder.build())
            Issue.record("an unsupported op ran")
        } catch {
            #expect(error.layer == "mystery")
            #expect(error.message.contains("NonMaxSuppression"))
        }
    }

    /// A graph assembled by hand whose recorded shapes do not follow from its ops is
    /// refused instead of letting a kernel index past its buffers.
    @Test func refusesInconsistentShapes() throws {
        let good = try TestGraphs.spec(#"{"input": [3, 8, 8], "layers": [{"name": "c", "op": "conv2d", "out": 4, "kernel": 3}]}"#)
        var layers = good.layers
        layers[1] = Layer(name: "c", operation: layers[1].operation, inputs: [0], outputShape: try TensorShape([4, 8, 8]))
        #expect(throws: InputError.self) { try Verifier.verify(Graph(name: "bad", layers: layers)) }
        layers[1] = Layer(name: "c", operation: layers[1].operation, inputs: [5], outputShape: try TensorShape([4, 6, 6]))
        #expect(throws: InputError.self) { try Verifier.verify(Graph(name: "bad", layers: layers)) }
    }

    /// Seeds make runs repeatable; different seeds give different data.
    @Test func seedsAreRepeatable() throws {
        let graph = try TestGraphs.spec(#"{"input": [3, 8, 8], "layers": [{"op": "conv2d", "out": 4, "kernel": 3}]}"#)
        let first = try PreparedGraph(graph, seed: 5, limits: RunLimits()).run().finalOutput?.values
        let again = try PreparedGraph(graph, seed: 5, limits: RunLimits()).run().finalOutput?.values
        let other = try PreparedGraph(graph, seed: 6, limits: RunLimits()).run().finalOutput?.values
        #expect(first == again)
        #expect(first != other)
    }

    /// The timed mode's figures follow from the symbolic costs and the median time:
    /// GFLOP/s = flops / s, GB/s = 4·memory access / s, intensity = flops / bytes, and
    /// the roofline is min(peak, intensity × bandwidth).
    @Test func benchmarkFiguresAndRoofline() throws {
        let graph = try TestGraphs.spec(#"{"input": [8, 16, 16], "layers": [{"name": "c", "op": "conv2d", "out": 8, "kernel": 3, "padding": 1}, {"name": "r", "op": "relu"}]}"#)
        let machine = MachineProfile(peakGFLOPS: 100, bandwidthGBps: 10, cores: 2)
        let report = try Benchmark.run(graph, repetitions: 3, warmup: 1, machine: machine)
        let analysis = try Analysis(graph)
        #expect(report.layers.map(\.name) == ["c", "r"])
        for layer in report.layers {
            let cost = analysis.costs[layer.index]
            #expect(layer.flops == cost.flops)
            #expect(layer.bytes == cost.memoryAccess * 4)
            #expect(layer.seconds > 0)
            #expect(abs(layer.gflops - Double(cost.flops) / layer.seconds / 1e9) <= 1e-9 * layer.gflops)
            let roofline = try #require(layer.roofline)
            #expect(roofline.attainableGFLOPS == min(100, layer.intensity * 10))
        }
        // A relu does 1 flop per 8 bytes moved: memory-bound on this machine.
        #expect(report.layers[1].roofline?.memoryBound == true)
        #expect(report.totalSeconds > 0)
        if case .object(let object) = report.json { #expect(object["layers"] != nil) } else { Issue.record("json is not an object") }
    }

    @Test func machineProbeMeasuresSomething() {
        #expect(MachineProbe.peakGFLOPS(trials: 1, iterations: 10_000) > 0)
        #expect(MachineProbe.bandwidthGBps(trials: 1, elements: 1 << 16) > 0)
    }

    /// The verify JSON has the contract's keys.
    @Test func verificationJSONHasTheContractKeys() throws {
        let graph = try TestGraphs.spec(#"{"input": [3, 8, 8], "layers": [{"name": "c", "op": "conv2d", "out": 4, "kernel": 3}]}"#)
        let report = try Verifier.verify(graph)
        guard case .object(let top) = report.json, case .array(let layers)? = top["layers"], case .object(let layer)? = layers.first else {
            Issue.record("unexpected JSON shape")
            return
        }
        #expect(top["all_match"] == .bool(true))
        for key in ["name", "op", "macs", "memory_access", "params", "match"] { #expect(layer[key] != nil, "missing \(key)") }
        #expect(layer["macs"] == .object(JSONObject([("symbolic", .integer(4 * 6 * 6 * 27)), ("counted", .integer(4 * 6 * 6 * 27))])))
    }

    /// Every operation maps onto the closed set of primitives.
    @Test func everyOperationHasPrimitives() throws {
        let graph = try TestGraphs.spec(#"{"input": [4, 6, 6], "layers": [{"op": "conv2d", "out": 4, "kernel": 1}, {"op": "relu"}, {"op": "flatten"}]}"#)
        for (index, layer) in graph.layers.enumerated().dropFirst() {
            #expect(!Primitive.plan(for: layer.operation, inputs: graph.inputShapes(of: index)).isEmpty)
        }
    }

    /// Range marks (whole words at a time) agree with one mark per index.
    @Test func bitsetRangesMatchSingleMarks() {
        for range in [0..<64, 63..<65, 5..<200, 64..<128, 0..<1, 130..<130, 199..<200] {
            let ranged = Bitset(count: 200), single = Bitset(count: 200)
            ranged.insert(range)
            for index in range { single.insert(index) }
            #expect(ranged.population == range.count)
            #expect(single.population == range.count)
        }
        let marks = Bitset(count: 10)
        marks.insert(8..<12)
        #expect(marks.outOfRange)
    }
}
