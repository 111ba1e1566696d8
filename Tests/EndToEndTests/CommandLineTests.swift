import Foundation
import Testing

/// Runs the built `netcost` binary as a user would and checks its whole output,
/// its exit status and its error messages.
@Suite("Command line, end to end")
struct CommandLineTests {
    static let testsDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    static let root = testsDirectory.deletingLastPathComponent().deletingLastPathComponent()
    static let tinyNet = testsDirectory.appendingPathComponent("Fixtures/tiny_net.json").path

    struct Result {
        var status: Int32
        var output: String
        var errors: String
        /// Ended by a signal: a trap, a crash, or the deadline's kill.
        var signalled: Bool
    }

    /// The binary SwiftPM built beside this test bundle.
    static var binary: URL {
        let beside = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("netcost")
        if FileManager.default.isExecutableFile(atPath: beside.path) { return beside }
        return root.appendingPathComponent(".build/debug/netcost")
    }

    /// Runs the binary; a run still going after `deadline` seconds is killed (a hang),
    /// which the result shows as `signalled`.
    static func run(_ arguments: [String], deadline: Double = 120, environment: [String: String] = [:]) throws -> Result {
        let process = Process()
        process.executableURL = binary
        process.arguments = arguments
        if !environment.isEmpty { process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 } }
        process.currentDirectoryURL = root
        let output = Pipe(), errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        let watchdog = DispatchWorkItem { [process] in if process.isRunning { process.terminate() } }
        DispatchQueue.global().asyncAfter(deadline: .now() + deadline, execute: watchdog)
        defer { watchdog.cancel() }
        let outputData = output.fileHandleForReading.readDataToEndOfFile()
        let errorData = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Result(status: process.terminationStatus, output: String(decoding: outputData, as: UTF8.self),
                      errors: String(decoding: errorData, as: UTF8.self), signalled: process.terminationReason == .uncaughtSignal)
    }

    static func golden(_ name: String) throws -> String {
        try String(contentsOf: testsDirectory.appendingPathComponent("Golden/" + name), encoding: .utf8)
    }

    @Test func textReportMatchesTheGoldenFile() throws {
        let result = try Self.run(["report", Self.tinyNet])
        #expect(result.status == 0)
        #expect(result.output == (try Self.golden("tiny_net.txt")))
    }

    @Test func jsonReportMatchesTheGoldenFile() throws {
        let result = try Self.run(["report", Self.tinyNet, "--format", "json"])
        #expect(result.status == 0)
        #expect(result.output == (try Self.golden("tiny_net.json")))
    }

    @Test func mobileNetV2MatchesTorchvision() throws {
        // torchvision mobilenet_v2: 3,504,872 parameters, 34,112 batch-norm buffers,
        // 300,774,272 conv+linear multiply-accumulates (torch.utils.flop_counter / 2).
        let result = try Self.run(["report", "specs/mobilenet_v2.json", "--format", "json"])
        #expect(result.status == 0)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(result.output.utf8)) as? [String: Any])
        let totals = try #require(json["totals"] as? [String: Any])
        #expect(totals["params"] as? Int == 3_504_872)
        #expect(totals["buffers"] as? Int == 34_112)
        #expect(totals["macs"] as? Int == 300_774_272)
        // torchvision's mobilenet_v2 has 141 leaf modules (stem 3, the t = 1 block 5, sixteen
        // t = 6 blocks 8 each, the last conv 3, dropout and linear); netcost adds the 10
        // residual additions, the pooling and the flatten that torch does functionally.
        let layers = try #require(json["layers"] as? [Any])
        #expect(layers.count == 141 + 10 + 2)
        // The text tree shows every layer: one row each, plus the model, blocks and groups.
        let text = try Self.run(["report", "mobilenet_v2"])
        let rows = text.output.split(separator: "\n").filter { $0.contains("─ ") }
        #expect(rows.filter { !$0.contains(" layers ") }.count == 141 + 10 + 2)
        #expect(text.output.contains("linear 1280→1000"))
    }

    @Test func builtInNamesWorkFromAnyDirectory() throws {
        let result = try Self.run(["report", "shufflenet_v2_x1_0", "--depth", "1", "--format", "csv"])
        #expect(result.status == 0)
        #expect(result.output.hasPrefix("name,op,details,depth,layers,params,buffers,macs"))
    }

    @Test func outputFileOption() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("netcost-e2e-\(UUID().uuidString).md").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let result = try Self.run(["report", Self.tinyNet, "--format", "markdown", "-o", path])
        #expect(result.status == 0)
        #expect(result.output.isEmpty)
        #expect(try String(contentsOfFile: path, encoding: .utf8).hasPrefix("## tiny_net"))
    }

    @Test func usageErrorsExitWithTwoAndShowUsage() throws {
        let result = try Self.run(["report", Self.tinyNet, "--depht", "2"])
        #expect(result.status == 2)
        #expect(result.errors.contains("error: unknown option --depht; did you mean --depth?"))
        #expect(result.errors.contains("usage: netcost report [options] MODEL"))
        let unknown = try Self.run(["reprot"])
        #expect(unknown.status == 2)
        #expect(unknown.errors.contains("did you mean \"report\""))
    }

    @Test func badInputExitsWithOneAndNamesTheLayer() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("netcost-bad-\(UUID().uuidString).json").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try #"{"input": [3, 8, 8], "layers": [{"name": "c", "op": "conv2d", "out": 4, "kernel": 3, "groups": 2}]}"#
            .write(toFile: path, atomically: true, encoding: .utf8)
        let result = try Self.run(["report", path])
        #expect(result.status == 1)
        #expect(result.errors == "error: \(path):1: layer \"c\": field \"groups\": groups = 2 does not divide the 3 input channels\n")
        let missing = try Self.run(["report", "no_such_model"])
        #expect(missing.status == 1)
        #expect(missing.errors.contains("netcost models"))
    }

    /// The same refusal in every process, whatever its hash seed: `x` in group `a` reads
    /// `b`, the nested group `a.b` (not the top-level `b`), and each waits on a name
    /// nothing defines; the message follows `a.b` on all eight runs.
    @Test func unresolvedNameIsExplainedTheSameWayInEveryProcess() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("netcost-groups-\(UUID().uuidString).json").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try #"""
            {"input": [3, 8, 8], "layers": [
              {"name": "a", "layers": [
                {"name": "x", "op": "relu", "inputs": "b"},
                {"name": "b", "layers": [{"name": "y", "op": "relu", "inputs": "missing_inner"}]}
              ]},
              {"name": "b", "layers": [{"name": "z", "op": "relu", "inputs": "missing_outer"}]}
            ]}
            """#.write(toFile: path, atomically: true, encoding: .utf8)
        for _ in 0..<8 {
            let result = try Self.run(["report", path])
            #expect(result.status == 1)
            #expect(result.errors == "error: \(path):4: layer \"a.b.y\": field \"inputs\": reads \"missing_inner\", which no layer is called\n")
        }
    }

    @Test func everySubcommandHasHelp() throws {
        let overview = try Self.run(["--help"])
        #expect(overview.status == 0)
        let names = overview.output.split(separator: "\n", omittingEmptySubsequences: false).drop { !$0.hasPrefix("SUBCOMMANDS:") }.dropFirst()
            .prefix { !$0.isEmpty }.compactMap { $0.split(separator: " ").first.map(String.init) }
        #expect(names.contains("report"))
        for name in names {
            let help = try Self.run([name, "--help"])
            #expect(help.status == 0, "\(name)")
            #expect(help.output.contains("USAGE: netcost \(name)"), "\(name)")
        }
    }
}

