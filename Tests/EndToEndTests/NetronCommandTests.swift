import Foundation
import Testing

/// `report --format netron`: the attachment Netron reads beside an ONNX model.
@Suite("report --format netron, end to end")
struct NetronCommandTests {
    static let fixture = ONNXCommandTests.fixtures.appendingPathComponent("generated/netron_nodes_opset13.onnx").path

    /// The fixture's node names, as make_fixtures.py writes them; its Softmax has none.
    static let nodeNames = [
        "/stem/Conv", "/stem/Relu", "/Split", "/branch/Conv", "/branch/Relu", "/Concat",
        "/shuffle/Constant", "/shuffle/Reshape", "/shuffle/Transpose", "/shuffle/Constant_1", "/shuffle/Reshape_1",
        "/dw/Conv", "/pool/GlobalAveragePool", "/Shape", "/Constant", "/Gather", "/Constant_1", "/Unsqueeze",
        "/Constant_2", "/Concat_1", "/Reshape", "/fc/MatMul", "/fc/Add", "/head/Expand",
    ]

    /// The entries of one container, by kind and target, in file order.
    static func entries(_ object: [String: Any], _ container: String) throws -> [(kind: String, target: String, name: String, value: String)] {
        let list = try #require(object[container] as? [[String: Any]])
        return try list.map { entry in
            (try #require(entry["kind"] as? String), try #require(entry["target"] as? String),
             try #require(entry["name"] as? String), try #require(entry["value"] as? String))
        }
    }

    /// `8,128,512 (8.13M)` → 8128512; `1,504 elements = 6.02 kB at fp32` → 1504.
    static func count(_ text: String) -> Int? {
        Int(text.prefix { $0.isNumber || $0 == "," }.filter(\.isNumber))
    }

    @Test func sidecarMatchesTheGoldenFile() throws {
        let result = try CommandLineTests.run(["report", Self.fixture, "--format", "netron"])
        #expect(result.status == 0)
        #expect(result.errors == "warning: 1 node has no name; Netron finds attachment entries by node name, so it shows no netcost numbers\n")
        let path = CommandLineTests.testsDirectory.appendingPathComponent("Golden/netron_nodes_opset13.attachment.json")
        if ProcessInfo.processInfo.environment["NETCOST_UPDATE_GOLDEN"] == "1" {
            try result.output.write(to: path, atomically: true, encoding: .utf8)
        }
        #expect(result.output == (try String(contentsOf: path, encoding: .utf8)))
    }

    /// Every named node has entries, under its own name, and nothing else is targeted.
    @Test func targetsAreTheModelsNodeNames() throws {
        let result = try CommandLineTests.run(["report", Self.fixture, "--format", "netron"])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.output.utf8)) as? [String: Any])
        #expect(object["signature"] as? String == "netron:attachment")
        let entries = try Self.entries(object, "metadata") + Self.entries(object, "metrics")
        let nodes = entries.filter { $0.kind == "node" }
        #expect(Set(nodes.map(\.target)) == Set(Self.nodeNames))
        #expect(Set(entries.map(\.kind)) == ["node", "model"])
        // In file order, as Netron lists the nodes.
        let order = try Self.entries(object, "metadata").map(\.target).reduce(into: [String]()) { if $0.last != $1 { $0.append($1) } }
        #expect(order == Self.nodeNames)
    }

    /// Each layer's numbers are shown at exactly one node: the nodes' MACs, FLOPs and
    /// memory access add up to the totals (ShuffleNet V2: every node named, channel
    /// shuffles merged from three nodes, folded shape arithmetic).
    @Test func nodesAddUpToTheTotals() throws {
        let model = ONNXCommandTests.fixtures.appendingPathComponent("shared/tv_shufflenet_v2_x1_0.onnx").path
        let result = try CommandLineTests.run(["report", model, "--format", "netron"])
        #expect(result.status == 0)
        #expect(result.errors.isEmpty)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.output.utf8)) as? [String: Any])
        let metrics = try Self.entries(object, "metrics")
        for name in ["MACs", "FLOPs", "memory access"] {
            let nodes = metrics.filter { $0.kind == "node" && $0.name == name }.compactMap { Self.count($0.value) }.reduce(0, +)
            let total = metrics.first { $0.kind == "model" && $0.name == name }.flatMap { Self.count($0.value) }
            #expect(nodes == total, "\(name)")
        }
        // shared/onnx/truth.json: 144,907,992 conv + linear multiply-accumulates.
        #expect(metrics.first { $0.kind == "model" && $0.name == "MACs" }?.value == "144,907,992 (144.91M)")
        let transposes = try Self.entries(object, "metadata").filter { $0.target.hasSuffix("/Transpose") && $0.name == "netcost" }
        #expect(transposes.count == 16)
        #expect(transposes.first?.value == "one of 3 nodes that netcost counts as one channel_shuffle layer; its numbers are on node \"/stage2/stage2.0/Reshape\"")
    }

    @Test func specsAndTheDeployedGraphAreRefused() throws {
        let builtin = try CommandLineTests.run(["report", "mobilenet_v2", "--format", "netron"])
        #expect(builtin.status == 2)
        #expect(builtin.errors.hasPrefix("error: --format netron annotates the nodes of an ONNX file, which Netron opens beside it; give a .onnx file (for a spec or a built-in model, --format json)\n"))
        let fused = try CommandLineTests.run(["report", Self.fixture, "--format", "netron", "--fuse"])
        #expect(fused.status == 2)
        #expect(fused.errors.hasPrefix("error: --format netron annotates the file's own nodes, and --fuse's deployed graph has none of its own\n"))
    }

    /// A node netcost cannot count is named as such, with no numbers.
    @Test func unsupportedNodesSaySo() throws {
        let model = ONNXCommandTests.fixtures.appendingPathComponent("generated/netron_unsupported_opset13.onnx").path
        let result = try CommandLineTests.run(["report", model, "--format", "netron"])
        #expect(result.status == 1)
        #expect(result.errors.contains("warning: partial result: 1 layer (Celu ×1) could not be counted"))
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.output.utf8)) as? [String: Any])
        let celu = try Self.entries(object, "metadata").filter { $0.target == "/act/Celu" }
        #expect(celu.map(\.name) == ["layer", "netcost"])
        #expect(celu.last?.value == "not counted: netcost has no rule for this Celu node")
        let metrics = try Self.entries(object, "metrics")
        #expect(Set(metrics.filter { $0.kind == "node" }.map(\.target)) == ["/conv/Conv", "/act/Relu"])
    }
}
