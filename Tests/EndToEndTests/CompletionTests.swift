import Foundation
import Testing

/// `netcost completions bash|zsh|fish`: each script whole against
/// `Golden/completions/SHELL.txt` (`NETCOST_UPDATE_GOLDEN=1` rewrites them), and the bash
/// script run in a real bash as the shell runs it when Tab is pressed.
@Suite("Shell completion, end to end")
struct CompletionTests {
    @Test(arguments: ["bash", "zsh", "fish"])
    func scriptMatchesItsGoldenFile(shell: String) throws {
        let result = try CommandLineTests.run(["completions", shell])
        #expect(result.status == 0)
        #expect(result.errors.isEmpty)
        let url = CommandLineTests.testsDirectory.appendingPathComponent("Golden/completions/\(shell).txt")
        if ProcessInfo.processInfo.environment["NETCOST_UPDATE_GOLDEN"] == "1" {
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try result.output.write(to: url, atomically: true, encoding: .utf8)
        }
        #expect(result.output == (try String(contentsOf: url, encoding: .utf8)))
    }

    @Test func anUnknownShellIsAUsageError() throws {
        let result = try CommandLineTests.run(["completions", "tcsh"])
        #expect(result.status == 2)
        #expect(result.errors.hasPrefix("error: SHELL must be one of bash, zsh, fish; got \"tcsh\"\n"))
    }

    /// The words bash's completion function offers for a command line whose last word is
    /// the one being completed (as COMP_WORDS holds it: `--format=c` is `--format`, `=`, `c`).
    static func bashCompletions(_ lines: [[String]]) throws -> [String] {
        let directory = try MisnamedFileTests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let script = try CommandLineTests.run(["completions", "bash"]).output
        try script.write(toFile: directory + "/netcost.bash", atomically: true, encoding: .utf8)
        // Files to complete: the completion of "-o DIR/tr" must find them.
        for name in ["trace.json", "tree.onnx"] { #expect(FileManager.default.createFile(atPath: directory + "/" + name, contents: Data())) }
        var harness = "source \"\(directory)/netcost.bash\"\n"
        for words in lines {
            let quoted = words.map { "'" + $0.replacingOccurrences(of: "DIR", with: directory) + "'" }.joined(separator: " ")
            harness += "COMP_WORDS=(\(quoted)); COMP_CWORD=\(words.count - 1); COMPREPLY=(); _netcost; echo \"${COMPREPLY[*]}\"\n"
        }
        // Run from an empty directory, so that a model's completions add no files of their own.
        try FileManager.default.createDirectory(atPath: directory + "/empty", withIntermediateDirectories: false)
        let bash = Process()
        bash.currentDirectoryURL = URL(fileURLWithPath: directory + "/empty")
        bash.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        bash.arguments = ["bash", "--norc", "--noprofile", "-c", harness]
        let output = Pipe()
        bash.standardOutput = output
        try bash.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        bash.waitUntilExit()
        #expect(bash.terminationStatus == 0)
        return String(decoding: data, as: UTF8.self).replacingOccurrences(of: directory, with: "DIR")
            .split(separator: "\n", omittingEmptySubsequences: false).dropLast().map(String.init)
    }

    @Test func bashCompletesSubcommandsOptionsChoicesModelsAndFiles() throws {
        let cases: [([String], String)] = [
            (["netcost", "rep"], "report"),
            (["netcost", ""], "report check memory verify bench calibrate predict sweep experiment models ops completions help -h --help --version"),
            (["netcost", "report", "--for"], "--format"),
            (["netcost", "report", "--format", ""], "text markdown csv json netron html svg"),
            (["netcost", "report", "-f", "m"], "markdown"),
            (["netcost", "report", "--format", "=", "c"], "csv"),
            (["netcost", "report", "--sort", ""], "macs params memory flops"),
            (["netcost", "report", "--dtype", "fp"], "fp32 fp16"),
            (["netcost", "report", "mobilenet_v"], "mobilenet_v1 mobilenet_v2"),
            (["netcost", "check", "--width", "0.5", "shufflenet_v2_x1"], "shufflenet_v2_x1_0 shufflenet_v2_x1_5"),
            (["netcost", "report", "mobilenet_v2", "--so"], "--sort"),
            // A value nothing can guess: no reply, not the model names.
            (["netcost", "report", "--width", ""], ""),
            (["netcost", "bench", "--tr"], "--trace"),
            (["netcost", "report", "-o", "DIR/tr"], "DIR/trace.json DIR/tree.onnx"),
            (["netcost", "bench", "mobilenet_v2", "--trace", "DIR/tra"], "DIR/trace.json"),
            (["netcost", "report", "DIR/tree"], "DIR/tree.onnx"),
            (["netcost", "experiment", ""], "g1 g2 g3 g4 all"),
            (["netcost", "completions", "z"], "zsh"),
            (["netcost", "help", "ver"], "verify"),
        ]
        let replies = try Self.bashCompletions(cases.map(\.0))
        #expect(replies.count == cases.count)
        for (reply, (words, expected)) in zip(replies, cases) {
            #expect(reply == expected, "\(words)")
        }
    }

    /// The model names come from the same list `netcost models` prints.
    @Test func theModelNamesAreTheBuiltInModels() throws {
        let models = try CommandLineTests.run(["models", "--format", "json"])
        let list = try #require(try JSONSerialization.jsonObject(with: Data(models.output.utf8)) as? [[String: Any]])
        let names = list.compactMap { $0["name"] as? String }
        #expect(names.count > 20)
        let replies = try Self.bashCompletions([["netcost", "verify", ""]])
        #expect(replies == [names.joined(separator: " ")])
    }
}
