import Foundation
import NetCost
import Testing

/// The specs compiled into the binary (`BuiltinModels+Specs.swift`, written by
/// scripts/embed-specs.sh) against the files in `specs/`.
@Suite("Built-in models")
struct BuiltinModelsTests {
    @Test("the embedded specs are the files in specs/, byte for byte (else run scripts/embed-specs.sh)")
    func embeddedCopiesAreCurrent() throws {
        let stems = try Repository.specStems()
        #expect(!stems.isEmpty)
        #expect(BuiltinModels.names == stems, "stale built-ins: run scripts/embed-specs.sh")
        for stem in stems {
            let file = try String(contentsOfFile: Repository.specPath(stem), encoding: .utf8)
            #expect(BuiltinModels.text(named: stem) == file, "\(stem): stale built-in copy; run scripts/embed-specs.sh")
        }
    }

    @Test("every shipped spec says what it reproduces and where from")
    func specsDescribeThemselves() throws {
        for stem in try Repository.specStems() {
            let data = try Data(contentsOf: URL(fileURLWithPath: Repository.specPath(stem)))
            let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any], "\(stem)")
            #expect(object["name"] as? String == stem, "\(stem): name differs from the file name")
            #expect(((object["description"] as? String) ?? "").count > 40, "\(stem): no description")
            #expect(((object["source"] as? String) ?? "").count > 10, "\(stem): no source")
        }
    }

    @Test("a built-in name loads the same network as the file", arguments: try Repository.specStems())
    func builtinLoadsLikeFile(stem: String) throws {
        let file = try AnalysedSpec(stem)
        let builtin = try BuiltinModels.load(stem)
        let analysis = try Analysis(builtin.graph)
        #expect(builtin.name == file.model.name)
        #expect(analysis.totals == file.totals)
        #expect(builtin.graph.layers.map(\.name) == file.model.graph.layers.map(\.name))
    }

    /// `"extends": "efficientnet_b0"` must read `efficientnet_b0.json` beside the spec
    /// when there is one (an edited base), and the built-in copy otherwise.
    @Test("extends reads a base file next to the spec before the built-in copy")
    func extendsPrefersNeighbourFile() throws {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("netcost-extends-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let child = #"{ "extends": "efficientnet_b0", "name": "child", "width": 1.1, "depth": 1.2, "resolution": 260 }"#
        let childPath = directory.appendingPathComponent("child.json").path
        try child.write(toFile: childPath, atomically: true, encoding: .utf8)

        // No base beside it: the built-in B0, so the child is B2.
        let fromBuiltin = try Analysis(try SpecLoader.load(file: childPath).graph)
        #expect(fromBuiltin.totals == (try AnalysedSpec("efficientnet_b2")).totals)

        // A base beside it with 10 classes: the classifier shrinks from 1408·1000 + 1000
        // to 1408·10 + 10 parameters.
        var base = try String(contentsOfFile: Repository.specPath("efficientnet_b0"), encoding: .utf8)
        base = base.replacingOccurrences(of: #""classes": 1000"#, with: #""classes": 10"#)
        try base.write(toFile: directory.appendingPathComponent("efficientnet_b0.json").path, atomically: true, encoding: .utf8)
        let fromFile = try Analysis(try SpecLoader.load(file: childPath).graph)
        #expect(fromBuiltin.totals.params - fromFile.totals.params == (1408 * 1000 + 1000) - (1408 * 10 + 10))
    }
}
