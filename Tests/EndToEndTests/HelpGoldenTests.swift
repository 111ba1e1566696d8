import Foundation
import Testing

/// Every command's `--help`, whole, against `Golden/help/COMMAND.txt`: an option added,
/// renamed or described anew shows up here. `NETCOST_UPDATE_GOLDEN=1 swift test
/// --filter HelpGolden` rewrites the files after a deliberate change.
@Suite("Help, golden files")
struct HelpGoldenTests {
    static let commands = ["report", "check", "memory", "verify", "bench", "calibrate", "predict", "sweep", "experiment", "models", "ops", "completions"]

    @Test(arguments: commands)
    func helpMatchesItsGoldenFile(command: String) throws {
        let result = try CommandLineTests.run([command, "--help"])
        #expect(result.status == 0)
        let url = CommandLineTests.testsDirectory.appendingPathComponent("Golden/help/\(command).txt")
        if ProcessInfo.processInfo.environment["NETCOST_UPDATE_GOLDEN"] == "1" {
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try result.output.write(to: url, atomically: true, encoding: .utf8)
        }
        #expect(result.output == (try String(contentsOf: url, encoding: .utf8)))
    }

    @Test func theListOfCommandsIsComplete() throws {
        // The overview lists every subcommand; each must have a golden file above.
        let overview = try CommandLineTests.run(["--help"])
        let names = overview.output.split(separator: "\n", omittingEmptySubsequences: false).drop { !$0.hasPrefix("SUBCOMMANDS:") }.dropFirst()
            .prefix { !$0.isEmpty }.compactMap { $0.split(separator: " ").first.map(String.init) }
        #expect(names.sorted() == Self.commands.sorted())
    }
}
