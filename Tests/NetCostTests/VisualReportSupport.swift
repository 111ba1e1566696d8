import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import NetCost
import Testing

/// An element of a parsed SVG or HTML document: the visual report's markup is also
/// well-formed XML, so tests read its structure and numbers instead of its pixels.
final class XMLNode {
    let name: String
    let attributes: [String: String]
    var children: [XMLNode] = []
    var text = ""

    init(name: String, attributes: [String: String]) {
        self.name = name
        self.attributes = attributes
    }

    subscript(attribute: String) -> String? { attributes[attribute] }

    func number(_ attribute: String) -> Double? { attributes[attribute].flatMap(Double.init) }

    /// Every descendant (self included) that `predicate` picks, in document order.
    func all(_ predicate: (XMLNode) -> Bool) -> [XMLNode] {
        var found: [XMLNode] = predicate(self) ? [self] : []
        for child in children { found += child.all(predicate) }
        return found
    }

    func all(_ name: String, class className: String? = nil) -> [XMLNode] {
        all { node in
            guard node.name == name else { return false }
            guard let className else { return true }
            return (node["class"] ?? "").split(separator: " ").contains { $0 == className }
        }
    }

    /// The text of this element and its descendants.
    var allText: String { text + children.map(\.allText).joined() }

    /// Parses a document; fails the test when it is not well-formed.
    static func parse(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> XMLNode {
        let builder = Builder()
        let parser = XMLParser(data: Data(text.utf8))
        parser.delegate = builder
        let parsed = parser.parse()
        #expect(parsed, "not well-formed XML: \(String(describing: parser.parserError))", sourceLocation: sourceLocation)
        return try #require(builder.root, sourceLocation: sourceLocation)
    }

    private final class Builder: NSObject, XMLParserDelegate {
        var root: XMLNode?
        var stack: [XMLNode] = []

        func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
                    attributes: [String: String] = [:]) {
            let node = XMLNode(name: name, attributes: attributes)
            if let parent = stack.last { parent.children.append(node) } else { root = node }
            stack.append(node)
        }

        func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
            stack.removeLast()
        }

        func parser(_ parser: XMLParser, foundCharacters string: String) {
            stack.last?.text += string
        }

        func parser(_ parser: XMLParser, foundCDATA block: Data) {
            stack.last?.text += String(decoding: block, as: UTF8.self)
        }
    }
}

/// The networks the visual-report tests draw.
enum VisualFixtures {
    static let testsDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    static let goldenDirectory = testsDirectory.appendingPathComponent("Fixtures/visual")
    /// The end-to-end tests' small network: a stem, an inverted residual, a squeeze-excite, a head.
    static let tinyNetPath = testsDirectory.deletingLastPathComponent().appendingPathComponent("EndToEndTests/Fixtures/tiny_net.json").path

    /// Four costed layers whose numbers are easy to derive by hand, one of them named
    /// with every character markup must escape:
    ///
    /// - `body.conv`: 8→16, 3×3, padding 1, no bias, on 8×8: MACs 8·8·16·8·9 = 73,728,
    ///   FLOPs 147,456, memory 512 in + 1,152 weights + 1,024 out = 2,688 elements.
    /// - `body.relu<&>"'`: 1,024 FLOPs, memory 1,024 + 1,024 = 2,048.
    /// - `pool` (global average): 1,024 FLOPs, memory 1,024 + 16 = 1,040.
    /// - `flatten`: a view, no cost.
    /// - `fc`: 16→4 with bias: MACs 64, FLOPs 128 + 4 = 132, memory 16 + 68 + 4 = 88.
    static let handSpec = """
    { "name": "visual <tiny> & \\"co\\"", "input": [8, 8, 8],
      "layers": [
        { "name": "body", "layers": [
          { "name": "conv", "op": "conv2d", "out": 16, "kernel": 3, "padding": 1, "bias": false },
          { "name": "relu<&>\\"'", "op": "relu" } ] },
        { "name": "pool", "op": "global_avgpool" },
        { "name": "flatten", "op": "flatten" },
        { "name": "fc", "op": "linear", "out": 4 }
      ] }
    """

    static func report(text: String = handSpec, dataType: DataType = .fp32) throws -> CostReport {
        let model = try SpecLoader.load(text: text)
        return CostReport(model: model, analysis: try Analysis(model.graph), dataType: dataType)
    }

    /// tiny_net with every check run, as `report --format html` runs them.
    static func tinyNet() throws -> (CostReport, CheckReport) {
        let model = try ModelLoader.load(tinyNetPath)
        let report = CostReport(model: model, analysis: try Analysis(model.graph))
        let checks = try Checker.check(model, rebuild: { (overrides: SpecOverrides) throws(InputError) -> LoadedModel in
            try ModelLoader.load(tinyNetPath, overrides: overrides)
        })
        return (report, checks)
    }

    /// A spec of `stages` × `blocks` × 5 layers (conv, batch norm, relu, 1×1 conv, add):
    /// long enough that drawing every layer would crowd the chart.
    static func longSpec(stages: Int, blocks: Int) -> String {
        var items: [String] = []
        for stage in 0..<stages {
            var members: [String] = []
            for block in 0..<blocks {
                members.append("""
                { "name": "b\(block)", "layers": [
                  { "name": "conv", "op": "conv2d", "out": 8, "kernel": 3, "padding": 1 },
                  { "name": "bn", "op": "batchnorm" }, { "name": "act", "op": "relu" },
                  { "name": "pw", "op": "conv2d", "out": 8, "kernel": 1 },
                  { "name": "add", "op": "add", "inputs": ["s\(stage).b\(block).pw", "s\(stage).b\(block).conv"] } ] }
                """)
            }
            items.append("{ \"name\": \"s\(stage)\", \"layers\": [\(members.joined(separator: ",\n"))] }")
        }
        return "{ \"name\": \"long\", \"input\": [8, 16, 16], \"layers\": [\(items.joined(separator: ",\n"))] }"
    }

    /// Compares with `Fixtures/visual/NAME`; `NETCOST_UPDATE_GOLDEN=1` rewrites the file instead.
    static func expectGolden(_ text: String, _ name: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let url = goldenDirectory.appendingPathComponent(name)
        if ProcessInfo.processInfo.environment["NETCOST_UPDATE_GOLDEN"] == "1" {
            try FileManager.default.createDirectory(at: goldenDirectory, withIntermediateDirectories: true)
            try text.write(to: url, atomically: true, encoding: .utf8)
            return
        }
        let golden = try String(contentsOf: url, encoding: .utf8)
        if text != golden {
            let ours = text.split(separator: "\n", omittingEmptySubsequences: false)
            let theirs = golden.split(separator: "\n", omittingEmptySubsequences: false)
            let line = zip(ours, theirs).enumerated().first { $0.element.0 != $0.element.1 }?.offset ?? min(ours.count, theirs.count)
            Issue.record("\(name) differs from the golden file at line \(line + 1) (NETCOST_UPDATE_GOLDEN=1 rewrites it after a deliberate change)",
                         sourceLocation: sourceLocation)
        }
    }
}
