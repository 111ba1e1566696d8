import Foundation
import Testing
@testable import NetCost

/// The sniffing of model files by their first bytes (`FileSignature`): no real ONNX file
/// is taken for something else, and a file cut short says so at every length.
@Suite struct FileSignatureTests {
    /// Every ONNX file in the fixtures: the generated single-op models, the torchvision
    /// and timm exports, the external-data models.
    static var onnxFixtures: [String] {
        let files = FileManager.default.enumerator(atPath: Fixtures.directory.path)?.compactMap { $0 as? String } ?? []
        return files.filter { $0.hasSuffix(".onnx") }.sorted()
    }

    @Test func noRealONNXFileMatchesASignature() throws {
        #expect(Self.onnxFixtures.count > 80)
        for name in Self.onnxFixtures {
            let bytes = try [UInt8](Data(contentsOf: Fixtures.directory.appendingPathComponent(name)))
            #expect(FileSignature.identify(bytes, expecting: .onnxModel) == nil, "\(name)")
            // Handed to the spec loader, the same file is named an ONNX model.
            #expect(FileSignature.identify(bytes, expecting: .spec)?.what == "an ONNX model (binary protobuf)", "\(name)")
        }
    }

    /// Cut at every byte: until the graph is whole, every prefix is reported as truncated
    /// (inside a field, or at a field's end before the graph); none is a bare wire-format error.
    @Test func everyCutIsCalledTruncated() throws {
        let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: Fixtures.generated("conv_opset11.onnx"))))
        var truncated = 0, imported = 0
        for length in 1..<bytes.count {
            do {
                _ = try ONNXImporter.load(bytes: Array(bytes[..<length]), file: "cut.onnx")
                imported += 1
            } catch {
                #expect(error.message.hasPrefix("is truncated (a download or copy cut short?): "), "cut at \(length): \(error.message)")
                truncated += 1
            }
        }
        // Only cuts after the graph (inside the trailing opset_import) can import.
        #expect(truncated > bytes.count * 9 / 10)
        #expect(imported < 20)
    }

    /// A length that passes the end of a nested message, not of the file, is corruption, not a cut.
    @Test func aFieldPastItsMessageIsNotATruncation() throws {
        var model = ProtobufWriter()
        model.int(1, 8)
        model.message(7) { graph in
            graph.key(1, 2); graph.varint(100)    // a node of 100 bytes in a graph of 2
        }
        model.message(8) { $0.int(2, 13) }
        #expect {
            try ONNXImporter.load(bytes: model.bytes, file: "bad.onnx")
        } throws: { error in
            (error as? InputError)?.message == "malformed ONNX file: GraphProto at byte 5: a field of 100 bytes runs past the end of the message (0 bytes left)"
        }
    }

    @Test func signaturesByTheirBytes() {
        let cases: [([UInt8], String?)] = [
            ([], "empty"),
            (Array("PK\u{3}\u{4}".utf8) + Array(repeating: 0, count: 40), "a ZIP archive"),
            ([0x80, 0x04, 0x95], "a Python pickle"),
            ([0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a, 0], "an HDF5 file"),
            (Array("GGUF".utf8) + [3, 0, 0, 0], "a GGUF model (llama.cpp)"),
            ([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00], "xz-compressed data"),
            ([0x28, 0xb5, 0x2f, 0xfd], "zstd-compressed data"),
            (Array("BZh9".utf8), "bzip2-compressed data"),
            (Array("\u{FEFF}  <html><body>".utf8), "an HTML page"),
            (Array("\n [1, 2]".utf8), "JSON text"),
            // An ONNX file begins 0x08 (ir_version); these begin as no other format does.
            ([0x08, 0x08, 0x12, 0x07], nil),
            (Array("BZh".utf8), nil),
        ]
        for (bytes, what) in cases {
            #expect(FileSignature.identify(bytes, expecting: .onnxModel)?.what == what, "\(bytes.prefix(8))")
        }
        // JSON is what a spec should be: not refused by the spec loader's sniffing.
        #expect(FileSignature.identify(Array("{\"layers\": []}".utf8), expecting: .spec) == nil)
    }
}
