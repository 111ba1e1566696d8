import Foundation
import Testing
@testable import NetCost

/// Random mutations and truncations of the shared models: each must import (and
/// analyse) or throw `InputError`, never crash or hang. Seeded, so a failure replays.
@Suite struct FuzzTests {
    /// SplitMix64: a small, well-mixed generator whose sequence is fixed by its seed.
    struct Generator: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    static let models = SharedModelTests.names

    /// Mutated copies per model: 20 in the suite (a few hundred cases in all); set
    /// `NETCOST_FUZZ_ROUNDS` for a longer soak.
    static let rounds = ProcessInfo.processInfo.environment["NETCOST_FUZZ_ROUNDS"].flatMap(Int.init) ?? 20

    /// Imports `bytes`; true when it imported, false when it threw InputError.
    static func survives(_ bytes: [UInt8], _ label: String) -> Bool {
        do {
            let imported = try ONNXImporter.load(bytes: bytes, file: label)
            _ = try Analysis(imported.model.graph)
            return true
        } catch {
            #expect(!error.message.isEmpty)
            return false
        }
    }

    @Test(arguments: models)
    func truncations(name: String) throws {
        let original = try [UInt8](Data(contentsOf: URL(fileURLWithPath: Fixtures.shared(name + ".onnx"))))
        var generator = Generator(state: 0x5EED_0001 ^ UInt64(name.utf8.count))
        var failures = 0
        for _ in 0..<10 {
            let length = Int.random(in: 0..<original.count, using: &generator)
            if !Self.survives(Array(original[..<length]), "\(name) cut at \(length)") { failures += 1 }
        }
        // Most cuts land inside a message and must be reported as malformed.
        #expect(failures >= 5)
    }

    @Test(arguments: models)
    func mutations(name: String) throws {
        let original = try [UInt8](Data(contentsOf: URL(fileURLWithPath: Fixtures.shared(name + ".onnx"))))
        var generator = Generator(state: 0xF022_0002 &+ UInt64(name.utf8.count))
        var imported = 0
        for round in 0..<Self.rounds {
            var bytes = original
            let edits = Int.random(in: 1...8, using: &generator)
            for _ in 0..<edits {
                let position = Int.random(in: 0..<bytes.count, using: &generator)
                switch Int.random(in: 0..<4, using: &generator) {
                case 0: bytes[position] = UInt8.random(in: 0...255, using: &generator)
                case 1: bytes[position] ^= 1 << UInt8.random(in: 0..<8, using: &generator)
                case 2: bytes[position] = [0x00, 0x7F, 0x80, 0xFF][Int.random(in: 0..<4, using: &generator)]
                default: bytes.insert(UInt8.random(in: 0...255, using: &generator), at: position)
                }
            }
            if Self.survives(bytes, "\(name) mutation \(round)") { imported += 1 }
        }
        // Edits that land in names or values still import; some must break the file.
        #expect(imported < Self.rounds)
    }

    /// The generated models exercise every op mapping, folding and pattern: mutate each.
    @Test func mutationsOfGeneratedModels() throws {
        let directory = Fixtures.directory.appendingPathComponent("generated")
        let files = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasSuffix(".onnx") }.sorted()
        #expect(files.count > 40)
        var generator = Generator(state: 0xF022_0003)
        let rounds = max(Self.rounds / 4, 5)
        for file in files {
            let original = try [UInt8](Data(contentsOf: directory.appendingPathComponent(file)))
            for round in 0..<rounds {
                var bytes = original
                for _ in 0..<Int.random(in: 1...4, using: &generator) {
                    let position = Int.random(in: 0..<bytes.count, using: &generator)
                    bytes[position] = Int.random(in: 0..<2, using: &generator) == 0
                        ? UInt8.random(in: 0...255, using: &generator)
                        : bytes[position] ^ (1 << UInt8.random(in: 0..<8, using: &generator))
                }
                _ = Self.survives(bytes, "\(file) mutation \(round)")
            }
        }
    }

    /// Bytes that are no protobuf at all, and edge cases of the wire format.
    @Test func garbage() {
        var generator = Generator(state: 42)
        for length in [0, 1, 2, 7, 64, 1000] {
            let bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) }
            #expect(!Self.survives(bytes, "garbage \(length)"))
        }
        // A varint of eleven bytes, a length past the end, and a group wire type.
        #expect(!Self.survives([0x08] + Array(repeating: 0xFF, count: 10) + [0x01], "long varint"))
        #expect(!Self.survives([0x3A, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F], "length past the end"))
        #expect(!Self.survives([0x0B], "group"))
    }
}
