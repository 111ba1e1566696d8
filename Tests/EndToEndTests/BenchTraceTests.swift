import Foundation
import Testing

/// `netcost bench --trace FILE`: the timed passes as Chrome trace-event JSON, in the
/// shape ONNX Runtime's profiler writes (a `Session` event per pass, a `Node` event per
/// layer), checked field by field against the same run's `--format json`.
@Suite("Bench traces, end to end")
struct BenchTraceTests {
    static let passes = 3

    /// Runs bench on the tiny net with a trace and returns the trace's events and the run's JSON layers.
    static func traced() throws -> (trace: [String: Any], layers: [[String: Any]]) {
        let directory = try MisnamedFileTests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/tiny.trace.json"
        let result = try CommandLineTests.run(["bench", CommandLineTests.tinyNet, "--repetitions", String(passes), "--warmup", "0",
                                               "--peak-gflops", "100", "--bandwidth", "10", "--format", "json", "--trace", path])
        #expect(result.status == 0)
        #expect(result.errors.isEmpty)
        let report = try #require(try JSONSerialization.jsonObject(with: Data(result.output.utf8)) as? [String: Any])
        let layers = try #require(report["layers"] as? [[String: Any]])
        let trace = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as? [String: Any])
        return (trace, layers)
    }

    @Test func oneEventPerLayerAndPassWithItsCounts() throws {
        let (trace, layers) = try Self.traced()
        #expect(Set(trace.keys) == ["traceEvents", "displayTimeUnit", "otherData"])
        #expect(trace["displayTimeUnit"] as? String == "ms")
        let other = try #require(trace["otherData"] as? [String: Any])
        #expect(other["model"] as? String == "tiny_net")
        #expect(other["repetitions"] as? Int == Self.passes)
        let events = try #require(trace["traceEvents"] as? [[String: Any]])

        let metadata = events.filter { $0["ph"] as? String == "M" }
        #expect(metadata.compactMap { $0["name"] as? String } == ["process_name", "thread_name"])
        #expect((metadata.first?["args"] as? [String: Any])?["name"] as? String == "netcost bench tiny_net.json")

        let runs = events.filter { $0["cat"] as? String == "Session" }
        let nodes = events.filter { $0["cat"] as? String == "Node" }
        #expect(runs.count == Self.passes)
        try #require(nodes.count == Self.passes * layers.count)
        #expect(events.count == metadata.count + runs.count + nodes.count)
        let processID = try #require(metadata.first?["pid"] as? Int)

        for event in runs + nodes {
            #expect(event["ph"] as? String == "X")
            #expect(event["pid"] as? Int == processID && event["tid"] as? Int == processID)
            #expect((event["ts"] as? Double ?? -1) >= 0 && (event["dur"] as? Double ?? -1) >= 0)
        }
        #expect(runs.map { $0["name"] as? String } == Array(repeating: "model_run", count: Self.passes))
        #expect(runs.compactMap { ($0["args"] as? [String: Any])?["pass"] as? Int } == Array(1...Self.passes))

        // Each pass: its layers in execution order, inside the pass, none overlapping the next.
        for (number, run) in runs.enumerated() {
            let start = try #require(run["ts"] as? Double), end = start + (try #require(run["dur"] as? Double))
            let own = Array(nodes[(number * layers.count)..<((number + 1) * layers.count)])
            var previousEnd = start
            for (event, layer) in zip(own, layers) {
                #expect(event["name"] as? String == layer["name"] as? String)
                let ts = try #require(event["ts"] as? Double), dur = try #require(event["dur"] as? Double)
                // Microseconds rounded to the nanosecond: allow that rounding.
                #expect(ts >= previousEnd - 0.002 && ts + dur <= end + 0.002, "\(layer["name"] ?? "")")
                previousEnd = ts + dur
                let args = try #require(event["args"] as? [String: Any])
                #expect(args["op_name"] as? String == layer["op"] as? String)
                #expect(args["flops"] as? Int == layer["flops"] as? Int)
                #expect(args["bytes"] as? Int == layer["bytes"] as? Int)
                #expect(args["macs"] as? Int != nil && args["node_index"] as? Int != nil && args["gflops"] as? Double != nil && args["gbps"] as? Double != nil)
                let shapes = try #require(args["output_type_shape"] as? [[String: [Int]]])
                #expect(shapes.count == 1 && shapes.first?["float"]?.first == 1)
            }
            if number + 1 < runs.count { #expect(end <= (runs[number + 1]["ts"] as? Double ?? 0) + 0.002) }
        }
    }

    /// The tiny net's first convolution, as `report` counts it: 16 3×3 filters over 3 channels at 16×16.
    @Test func argumentsCarryTheLayersCounts() throws {
        let (trace, _) = try Self.traced()
        let events = try #require(trace["traceEvents"] as? [[String: Any]])
        let stem = try #require(events.first { $0["cat"] as? String == "Node" })
        let args = try #require(stem["args"] as? [String: Any])
        #expect(Set(args.keys) == ["op_name", "node_index", "output_type_shape", "macs", "flops", "bytes", "gflops", "gbps"])
        #expect(args["node_index"] as? Int == 1)
    }

    /// The deployed tiny net merges its 1×1 expansion with the depthwise layer after it
    /// (row bands) and its projection with the residual add: the first of each pair
    /// holds the pair's time, the second lasts 0 µs, and their args name each other.
    @Test func mergedPairsNameEachOther() throws {
        let directory = try MisnamedFileTests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/fused.trace.json"
        let result = try CommandLineTests.run(["bench", CommandLineTests.tinyNet, "--fuse", "--repetitions", "1", "--warmup", "0",
                                               "--peak-gflops", "100", "--bandwidth", "10", "--trace", path],
                                              environment: ["NETCOST_MERGE": "1"])
        #expect(result.status == 0)
        let trace = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as? [String: Any])
        let nodes = try #require(trace["traceEvents"] as? [[String: Any]]).filter { $0["cat"] as? String == "Node" }
        let merged = nodes.map { (name: $0["name"] as? String ?? "", dur: $0["dur"] as? Double ?? -1, args: $0["args"] as? [String: Any] ?? [:]) }
            .filter { $0.args["merge"] != nil }
        try #require(merged.map(\.name) == ["block.expand.conv", "block.dw.conv", "block.project.conv", "block.add"])
        #expect(merged.map { $0.args["merge"] as? String } == ["row bands", "row bands", "residual epilogue", "residual epilogue"])
        #expect(merged[0].args["merged_with"] as? String == "block.dw.conv" && merged[1].args["merged_into"] as? String == "block.expand.conv")
        #expect(merged[1].dur == 0 && merged[3].dur == 0 && merged[0].dur > 0)
    }

    @Test func aTraceTooLargeIsRefusedBeforeTheRun() throws {
        try HostileInputTests.expectRefused(["bench", CommandLineTests.tinyNet, "--repetitions", "100000", "--trace", "/dev/null"],
                                            "\(CommandLineTests.tinyNet): --trace writes one event per layer and pass: 25 layers × 100000 passes "
                                                + "pass the limit of 1,000,000 events; give fewer --repetitions")
    }
}
