import Foundation
import NetCost
import Testing

/// Paths and loaders shared by the tests of the shipped specs.
///
/// Everything is found from this file's own path, so the tests run from any directory
/// and in a clone that has nothing beside the repository.
enum Repository {
    /// `Tests/NetCostTests`.
    static let testsDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    /// The repository root.
    static let root = testsDirectory.deletingLastPathComponent().deletingLastPathComponent()
    static let specsDirectory = root.appendingPathComponent("specs")

    static func specPath(_ stem: String) -> String {
        specsDirectory.appendingPathComponent(stem + ".json").path
    }

    /// The stems of `specs/*.json`, sorted.
    static func specStems() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: specsDirectory.path)
            .filter { $0.hasSuffix(".json") }
            .map { String($0.dropLast(5)) }
            .sorted()
    }
}

/// A shipped spec, loaded from `specs/` and analysed.
struct AnalysedSpec {
    let model: LoadedModel
    let analysis: Analysis

    init(_ stem: String, _ overrides: SpecOverrides = SpecOverrides()) throws {
        model = try SpecLoader.load(file: Repository.specPath(stem), overrides: overrides)
        analysis = try Analysis(model.graph)
    }

    init(text: String, _ overrides: SpecOverrides = SpecOverrides()) throws {
        model = try SpecLoader.load(text: text, overrides: overrides)
        analysis = try Analysis(model.graph)
    }

    var totals: Totals { analysis.totals }

    /// Sum of `value` over the layers that `include` picks.
    func sum(_ value: (LayerCost) -> Int, where include: (Layer) -> Bool) -> Int {
        zip(model.graph.layers, analysis.costs).reduce(0) { total, pair in
            include(pair.0) ? total + value(pair.1) : total
        }
    }

    /// Weights of convolutions and linear layers, biases and normalization excluded:
    /// what the MobileNets paper counts as parameters.
    var weightsOnly: Int {
        zip(model.graph.layers, analysis.costs).reduce(0) { total, pair in
            switch pair.0.operation {
            case .convolution(let conv): return total + pair.1.params - (conv.bias ? conv.outChannels : 0)
            case .linear(let linear): return total + pair.1.params - (linear.bias ? linear.outFeatures : 0)
            default: return total
            }
        }
    }
}

/// `Tests/NetCostTests/Fixtures/published.json`, a copy of the project's reference numbers.
struct Published {
    let root: [String: Any]

    static func load() throws -> Published {
        let url = Repository.testsDirectory.appendingPathComponent("Fixtures/published.json")
        let data = try Data(contentsOf: url)
        guard let root = try JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw FixtureError("published.json is not a JSON object")
        }
        return Published(root: root)
    }

    /// The value at a path of keys, such as `["exact", "vgg16", "params"]`.
    func value(_ path: [String]) throws -> Any {
        var current: Any = root
        for key in path {
            guard let object = current as? [String: Any], let next = object[key] else {
                throw FixtureError("published.json has no \(path.joined(separator: "."))")
            }
            current = next
        }
        return current
    }

    func int(_ path: String...) throws -> Int {
        guard let number = try value(path) as? NSNumber else { throw FixtureError("\(path.joined(separator: ".")) is not a number") }
        return number.intValue
    }

    func double(_ path: String...) throws -> Double {
        guard let number = try value(path) as? NSNumber else { throw FixtureError("\(path.joined(separator: ".")) is not a number") }
        return number.doubleValue
    }

    func doubles(_ path: String...) throws -> [Double] {
        guard let array = try value(path) as? [NSNumber] else { throw FixtureError("\(path.joined(separator: ".")) is not a list of numbers") }
        return array.map(\.doubleValue)
    }

    func ints(_ path: String...) throws -> [Int] {
        try doubles(path).map { Int($0) }
    }

    private func doubles(_ path: [String]) throws -> [Double] {
        guard let array = try value(path) as? [NSNumber] else { throw FixtureError("\(path.joined(separator: ".")) is not a list of numbers") }
        return array.map(\.doubleValue)
    }
}

struct FixtureError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// A count as a paper prints it: `value / unit` with `decimals` digits after the point,
/// rounded half away from zero. `printed(568_740_352, unit: 1e6, decimals: 0)` is "569".
func printed(_ value: Int, unit: Double, decimals: Int) -> String {
    let scale = pow(10.0, Double(decimals))
    let rounded = (Double(value) / unit * scale).rounded(.toNearestOrAwayFromZero) / scale
    return String(format: "%.\(decimals)f", rounded)
}

/// The printed form of a number read from the fixture, with the paper's decimals.
func printed(_ number: Double, decimals: Int) -> String {
    String(format: "%.\(decimals)f", number)
}
