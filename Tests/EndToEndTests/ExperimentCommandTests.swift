import Foundation
import Testing

/// `netcost experiment`, run as a user would on small maps (`--resolution`) so that the
/// debug build finishes quickly. Verdicts and timings are printed, never asserted.
@Suite("netcost experiment, end to end")
struct ExperimentCommandTests {
    static let quick = ["--resolution", "4", "--rounds", "2", "--repetitions", "1", "--warmup", "0"]

    @Test func allTablesAsJSON() throws {
        let result = try CommandLineTests.run(["experiment", "all", "--format", "json"] + Self.quick)
        #expect(result.status == 0, "\(result.errors)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.output.utf8)) as? [String: Any])
        let settings = try #require(object["settings"] as? [String: Any])
        #expect(settings["rounds"] as? Int == 2)
        let tables = try #require(object["tables"] as? [[String: Any]])
        #expect(tables.map { $0["id"] as? String } == ["G1", "G2", "G3", "G4"])
        for table in tables {
            let rows = try #require(table["rows"] as? [[String: Any]])
            let verdict = try #require(table["verdict"] as? [String: Any])
            #expect(["reproduced", "not reproduced", "inconclusive"].contains(verdict["outcome"] as? String ?? ""))
            #expect((table["measured_order"] as? [String])?.count == rows.count)
            for row in rows {
                let seconds = try #require(row["seconds"] as? [String: Any])
                #expect((seconds["rounds"] as? [Any])?.count == 2)
                #expect(row["memory_access_bytes"] as? Int == (row["memory_access"] as? Int).map { $0 * 4 })
            }
        }
        // Table 1 on a 4×4 map: 10 blocks × 2 convs × 16 positions × 128·128 multiply-adds.
        let g1 = try #require(tables[0]["rows"] as? [[String: Any]])
        #expect(g1[0]["label"] as? String == "1:1")
        #expect(g1[0]["macs"] as? Int == 10 * 2 * 16 * 128 * 128)
        let paper = try #require(g1[0]["paper"] as? [String: Any])
        #expect(paper["gpu_channels"] as? String == "(128,128)")
        #expect(paper["gpu_batches_per_second"] is NSNull)  // the paper's numbers are for 56×56 only
        #expect((tables[3]["verdict"] as? [String: Any])?["expected_fastest"] as? String == "neither")
    }

    @Test func textNamesEveryRowAndAVerdict() throws {
        let result = try CommandLineTests.run(["experiment", "g3", "--join", "add", "--channels", "arm"] + Self.quick)
        #expect(result.status == 0, "\(result.errors)")
        let text = result.output
        for label in ["1-fragment", "2-fragment-series", "4-fragment-series", "2-fragment-parallel", "4-fragment-parallel"] {
            #expect(text.contains(label))
        }
        #expect(text.contains("G3 (ShuffleNet V2 Table 3)"))
        #expect(text.contains("2 x conv 45->45, add"))
        #expect(text.contains("paper order:   GPU 1-fragment > 2-fragment-series > 2-fragment-parallel > 4-fragment-series > 4-fragment-parallel"))
        #expect(text.contains("verdict: "))
        #expect(text.contains("4x4 input; channels x1 of the paper's ARM columns"))
    }

    @Test func outputFileAndBadArguments() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("netcost-experiment-\(getpid()).json").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let written = try CommandLineTests.run(["experiment", "g4", "--format", "json", "-o", path] + Self.quick)
        #expect(written.status == 0 && written.output.isEmpty)
        #expect(try String(contentsOfFile: path, encoding: .utf8).contains("\"G4\""))
        let badTable = try CommandLineTests.run(["experiment", "g5"])
        #expect(badTable.status == 2)
        #expect(badTable.errors.contains("g1, g2, g3, g4, all"))
        #expect(try CommandLineTests.run(["experiment", "g1", "--scale", "3"]).status == 2)
        #expect(try CommandLineTests.run(["experiment", "g1", "--rounds", "0"]).status == 2)
    }
}
