import Foundation
import Testing

/// `netcost calibrate`, `predict` and `experiment --profile`, run as a user runs them.
@Suite("Latency model, end to end", .serialized)
struct LatencyCommandTests {
    static let directory = FileManager.default.temporaryDirectory.appendingPathComponent("netcost-latency-\(ProcessInfo.processInfo.processIdentifier)")

    static func file(_ name: String, _ text: String? = nil) throws -> String {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let path = directory.appendingPathComponent(name).path
        if let text { try text.write(toFile: path, atomically: true, encoding: .utf8) }
        return path
    }

    /// A quick calibration at one thread, made once for the tests that read a profile.
    static let profile: Result<String, any Error> = Result {
        let path = try file("quick-profile.json")
        let result = try CommandLineTests.run(["calibrate", "--quick", "--points", "12", "--threads", "1", "--budget", "1", "-o", path],
                                              deadline: 600, environment: ["NETCOST_THREADS": "1"])
        guard result.status == 0 else { throw CocoaError(.fileWriteUnknown) }
        return path
    }

    static func json(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    @Test func calibrateWritesAProfileOfEveryKindOfLayer() throws {
        let profile = try Self.json(try String(contentsOfFile: try Self.profile.get(), encoding: .utf8))
        #expect(profile["netcost_profile"] as? Int == 1)
        let calibrations = try #require(profile["calibrations"] as? [[String: Any]])
        #expect(calibrations.count == 1)
        #expect(calibrations.first?["threads"] as? Int == 1)
        let samples = try #require(calibrations.first?["samples"] as? [[String: Any]])
        let classes = Set(samples.compactMap { $0["class"] as? String })
        #expect(classes == ["conv1x1", "conv", "depthwise", "grouped_conv", "conv1x1+depthwise", "linear", "pooling", "normalization", "activation",
                            "elementwise", "movement"])
        let epilogues = try #require(calibrations.first?["epilogue_seconds_per_element"] as? [String: Double])
        #expect(Set(epilogues.keys) == ["relu", "relu6", "sigmoid", "swish", "hardswish", "hardsigmoid", "gelu", "tanh", "residual"])
        // The cache's size (0 where sysfs does not say), and every sample's time with the
        // last-level cache warm.
        #expect((profile["last_level_cache_bytes"] as? Int ?? -1) >= 0)
        #expect(samples.allSatisfy { ($0["warm_seconds"] as? Double ?? 0) > 0 })
    }

    /// Without a profile each layer gets the roofline's time. A 1×1 convolution from 4 to
    /// 2 channels on a 2×2 map without bias: 32 multiply-accumulates, 64 FLOPs; it reads
    /// 16 input and 8 weight elements and writes 8, 128 bytes. At 1 GFLOP/s and 1 GB/s
    /// memory bounds it: 128 ns.
    @Test func withoutAProfileThePredictionIsTheRoofline() throws {
        let spec = try Self.file("pointwise.json", """
        {"name": "pw", "input": [4, 2, 2], "layers": [{"name": "conv", "op": "conv2d", "out": 2, "kernel": 1, "bias": false}]}
        """)
        let result = try CommandLineTests.run(["predict", spec, "--peak-gflops", "1", "--bandwidth", "1", "--format", "json"])
        #expect(result.status == 0)
        let object = try Self.json(result.output)
        #expect(object["calibrated"] as? Bool == false)
        let total = try #require(object["total_seconds"] as? Double)
        #expect(abs(total - 128e-9) < 1e-15)
        let text = try CommandLineTests.run(["predict", spec, "--peak-gflops", "1", "--bandwidth", "1"])
        #expect(text.output.contains("Uncalibrated: every time is the roofline's"))
    }

    @Test func predictWithAProfileAndValidate() throws {
        let profile = try Self.profile.get()
        let result = try CommandLineTests.run(["predict", CommandLineTests.tinyNet, "--profile", profile, "--validate", "--repetitions", "3", "--rounds", "1",
                                               "--format", "json"], environment: ["NETCOST_THREADS": "1"])
        #expect(result.status == 0)
        let object = try Self.json(result.output)
        #expect(object["calibrated"] as? Bool == true)
        #expect(object["threads"] as? Int == 1)
        let layers = try #require(object["layers"] as? [[String: Any]])
        let validation = try #require(object["validation"] as? [String: Any])
        let rows = try #require(validation["layers"] as? [[String: Any]])
        // Every layer that runs a kernel is compared, by name.
        let running = layers.filter { $0["basis"] as? String != "free" }.compactMap { $0["name"] as? String }
        #expect(rows.compactMap { $0["name"] as? String } == running)
        #expect((validation["measured_seconds"] as? Double ?? 0) > 0)
        #expect(validation["machine_speed"] as? Double != nil)
        // The footprint against the profile's cache.
        let written = try Self.json(try String(contentsOfFile: profile, encoding: .utf8))
        let cache = try #require(object["cache"] as? [String: Any])
        #expect(cache["last_level_cache_bytes"] as? Int == written["last_level_cache_bytes"] as? Int)
        #expect((cache["weight_bytes"] as? Int ?? 0) > 0 && (cache["activation_bytes"] as? Int ?? 0) > 0)
        let cached = try #require(cache["resident"] as? Double)
        #expect(cached >= 0 && cached <= 1)
        // The classes' sums are the compared layers' sums, class by class.
        let classes = try #require(validation["classes"] as? [[String: Any]])
        let classOf = Dictionary(layers.compactMap { layer in (layer["name"] as? String).map { ($0, layer["class"] as? String ?? "") } },
                                 uniquingKeysWith: { first, _ in first })
        for entry in classes {
            let name = try #require(entry["class"] as? String)
            let members = rows.filter { classOf[$0["name"] as? String ?? ""] == name && $0["measured_seconds"] as? Double != nil }
            #expect(entry["layers"] as? Int == members.count)
            let measured = members.compactMap { $0["measured_seconds"] as? Double }.reduce(0, +)
            #expect(abs((entry["measured_seconds"] as? Double ?? -1) - measured) < 1e-12)
        }
        #expect(!classes.isEmpty)
        let text = try CommandLineTests.run(["predict", CommandLineTests.tinyNet, "--profile", profile, "--validate", "--repetitions", "3"],
                                            environment: ["NETCOST_THREADS": "1"])
        #expect(text.output.contains("measured ms"))
        #expect(text.output.contains("Measured: "))
        #expect(text.output.contains("Class  ") && text.output.contains("layers"))
    }

    /// predict's JSON is what `report --timings` reads: the HTML page shows it as predicted.
    @Test func thePredictionDrawsInTheHTMLReport() throws {
        let prediction = try Self.file("tiny.prediction.json")
        #expect(try CommandLineTests.run(["predict", CommandLineTests.tinyNet, "--profile", try Self.profile.get(), "--format", "json", "-o", prediction]).status == 0)
        let page = try CommandLineTests.run(["report", CommandLineTests.tinyNet, "--fuse", "--format", "html", "--timings", prediction])
        #expect(page.status == 0)
        #expect(page.output.contains("Predicted"))
        #expect(page.output.contains("netcost predict"))
    }

    @Test func badProfilesAndOptionsAreRefused() throws {
        let broken = try Self.file("broken-profile.json", #"{"netcost_profile": 1, "peak_gflops": 1, "bandwidth_gbps": 1, "calibrations": [{"threads": "two"}]}"#)
        let bad = try CommandLineTests.run(["predict", CommandLineTests.tinyNet, "--profile", broken])
        #expect(bad.status == 1)
        #expect(bad.errors.contains("broken-profile.json"))
        #expect(bad.errors.contains("calibrations[0]"))
        let foreign = try CommandLineTests.run(["predict", CommandLineTests.tinyNet, "--profile", CommandLineTests.tinyNet])
        #expect(foreign.status == 1)
        #expect(foreign.errors.contains("not a device profile"))
        let threads = try CommandLineTests.run(["predict", CommandLineTests.tinyNet, "--validate", "--threads", "7"], environment: ["NETCOST_THREADS": "1"])
        #expect(threads.status == 2)
        #expect(threads.errors.contains("NETCOST_THREADS=7"))
        let both = try CommandLineTests.run(["predict", CommandLineTests.tinyNet, "--profile", broken, "--peak-gflops", "3"])
        #expect(both.status == 2)
    }

    @Test func experimentRowsGetTheirPredictedTimes() throws {
        let result = try CommandLineTests.run(["experiment", "g1", "--resolution", "8", "--rounds", "1", "--repetitions", "1",
                                               "--profile", try Self.profile.get(), "--format", "json"], environment: ["NETCOST_THREADS": "1"])
        #expect(result.status == 0)
        let object = try Self.json(result.output)
        let tables = try #require(object["tables"] as? [[String: Any]])
        let rows = try #require(tables.first?["rows"] as? [[String: Any]])
        #expect(rows.count == 4)
        #expect(rows.allSatisfy { ($0["predicted_seconds"] as? Double ?? 0) > 0 })
    }
}
