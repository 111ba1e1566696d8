import Foundation

/// `netcost-bench cli [--repetitions N]`: the `netcost` binary built beside this one,
/// run as a whole process the way a user runs it, timed by wall clock:
/// `report specs/mobilenet_v2.json` and `report generated_100k.json --format json`.
/// Prints the minimum and the median of the runs.
enum CommandLineBenchmark {
    static func main(_ arguments: [String]) -> Int32 {
        let options = BenchmarkOptions(arguments, repetitions: 20)
        let directory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        let binary = directory.appendingPathComponent("netcost").path
        guard FileManager.default.isExecutableFile(atPath: binary) else {
            print("error: no netcost binary beside netcost-bench; run `swift build -c release` first")
            return 1
        }
        let generated = FileManager.default.temporaryDirectory.appendingPathComponent("netcost-bench-100k.json")
        do {
            try AnalysisBenchmark.generatedSpec(layers: 100_000).write(to: generated, atomically: true, encoding: .utf8)
        } catch {
            print("error: \(error)")
            return 1
        }
        defer { try? FileManager.default.removeItem(at: generated) }
        let cases: [(String, [String], Int)] = [
            ("report specs/mobilenet_v2.json", ["report", "specs/mobilenet_v2.json"], options.repetitions),
            ("report mobilenet_v2 --format json", ["report", "mobilenet_v2", "--format", "json"], options.repetitions),
            ("report <100,000 layers> --format json", ["report", generated.path, "--format", "json"], max(3, options.repetitions / 4)),
        ]
        print("command                                         min       median   (\(options.repetitions) runs, wall clock, output to /dev/null)")
        for (label, arguments, runs) in cases {
            var times: [Double] = []
            for _ in 0..<runs {
                guard let seconds = time(binary, arguments) else { return 1 }
                times.append(seconds)
            }
            times.sort()
            let median = times[times.count / 2]
            print(label.padding(toLength: 44, withPad: " ", startingAt: 0) + AnalysisBenchmark.ms(times[0], 10) + "  " + AnalysisBenchmark.ms(median, 10))
        }
        return 0
    }

    /// Wall time of one run with standard output discarded, or nil if it failed. Uses
    /// `posix_spawn` and `waitpid` directly: Foundation's `Process` adds tens of
    /// milliseconds of its own, more than the command being measured.
    static func time(_ binary: String, _ arguments: [String]) -> Double? {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        let argv = ([binary] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid = pid_t()
        let start = AnalysisBenchmark.now()
        guard posix_spawn(&pid, binary, &actions, nil, argv, environ) == 0 else {
            print("error: cannot start \(binary)")
            return nil
        }
        var status: Int32 = 0
        waitpid(pid, &status, 0)
        let elapsed = AnalysisBenchmark.now() - start
        guard status == 0 else {
            print("error: netcost \(arguments.joined(separator: " ")) failed (wait status \(status))")
            return nil
        }
        return elapsed
    }
}
