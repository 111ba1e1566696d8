import Foundation
import Testing

/// Model paths that hold something else (Fixtures/misnamed, written by
/// scripts/make_misnamed_fixtures.py): each gets one error line that says what the file
/// is and what to do, exit status 1, never a protobuf field number or a JSON column.
@Suite("Files that are not what they claim, end to end")
struct MisnamedFileTests {
    static let directory = "Tests/EndToEndTests/Fixtures/misnamed/"
    static let export = "export the model with torch.onnx.export and give netcost the .onnx file"

    @Test(arguments: [
        ("pytorch_checkpoint.onnx", "is a PyTorch checkpoint (a ZIP archive holding data.pkl, as torch.save writes), not an ONNX model: " + export),
        ("pytorch_legacy_checkpoint.onnx",
         "is a PyTorch checkpoint in the old format (a pickle, as torch.save wrote before PyTorch 1.6), not an ONNX model: " + export),
        ("weights_safetensors.onnx", "is a safetensors file (weights without the graph), not an ONNX model: " + export),
        ("numpy_archive.onnx",
         "is a NumPy archive (.npz: a ZIP archive of arrays), not an ONNX model: it holds arrays, not a network; export the model itself to ONNX"),
        ("spec_json.onnx", "is JSON text, not an ONNX model: a netcost spec? give it the .json extension"),
        ("web_page.onnx",
         "is an HTML page, not an ONNX model: a web page saved in place of the file? download the file itself (its raw or download link)"),
        ("tflite_header.onnx", "is a TensorFlow Lite model (a flatbuffer with the identifier TFL3), not an ONNX model: "
            + "netcost reads it as a .tflite file: give it that extension"),
        ("gzipped.onnx", "is gzip-compressed data, not an ONNX model: unpack it first: gunzip FILE, or tar -xzf FILE for a .tar.gz"),
        ("tar_header.onnx", "is a tar archive, not an ONNX model: unpack it with tar -xf FILE and give netcost the model inside"),
        ("git_lfs_pointer.onnx", "is a Git LFS pointer (a small text file standing in for the real one), not an ONNX model: "
            + "the repository was cloned without its large files; fetch them with git lfs pull"),
        // real.onnx is 775 bytes; its first half stops inside the graph, ModelProto's field 7.
        ("truncated_download.onnx", "is truncated (a download or copy cut short?): ModelProto at byte 20: a field of 749 bytes "
            + "runs past the end of the file at byte 387; fetch the file again"),
    ])
    func onnxPathHoldingAnotherKindOfFile(file: String, message: String) throws {
        let path = Self.directory + file
        try HostileInputTests.expectRefused(["report", path], "\(path): \(message)")
    }

    /// The same sniffing serves every command that reads a model.
    @Test func everyModelCommandNamesTheFileKind() throws {
        let path = Self.directory + "pytorch_checkpoint.onnx"
        let message = "\(path): is a PyTorch checkpoint (a ZIP archive holding data.pkl, as torch.save writes), not an ONNX model: " + Self.export
        for command in ["check", "verify", "bench", "sweep"] {
            try HostileInputTests.expectRefused([command, path], message)
        }
    }

    /// The fixture the truncated download was cut from imports: the cut, not the file, is at fault.
    @Test func theUncutFileImports() throws {
        let result = try CommandLineTests.run(["report", Self.directory + "real.onnx", "--format", "json"])
        #expect(result.status == 0)
        #expect(result.errors.isEmpty)
    }

    /// A spec path (any name but .onnx) holding a model file, a checkpoint, a web page, or nothing.
    @Test(arguments: [
        ("real.onnx", "model.json", "is an ONNX model (binary protobuf), not a spec file: give it the .onnx extension"),
        ("pytorch_checkpoint.onnx", "model.pt",
         "is a PyTorch checkpoint (a ZIP archive holding data.pkl, as torch.save writes), not a spec file: " + export),
        ("web_page.onnx", "net.json",
         "is an HTML page, not a spec file: a web page saved in place of the file? download the file itself (its raw or download link)"),
        ("gzipped.onnx", "net.json.gz", "is gzip-compressed data, not a spec file: unpack it first: gunzip FILE, or tar -xzf FILE for a .tar.gz"),
    ])
    func specPathHoldingAnotherKindOfFile(fixture: String, name: String, message: String) throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/" + name
        try FileManager.default.copyItem(atPath: Self.directory + fixture, toPath: path)
        try HostileInputTests.expectRefused(["report", path], "\(path): \(message)")
    }

    @Test func emptyFiles() throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        for (name, kind) in [("empty.onnx", "an ONNX model"), ("empty.json", "a spec file")] {
            let path = directory + "/" + name
            #expect(FileManager.default.createFile(atPath: path, contents: Data()))
            try HostileInputTests.expectRefused(["report", path], "\(path): is empty, not \(kind)")
        }
    }

    /// A file cut after its first two bytes: ir_version read, the graph never reached.
    @Test func aFileCutBeforeItsGraph() throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/cut.onnx"
        let bytes = try Data(contentsOf: URL(fileURLWithPath: Self.directory + "real.onnx"))
        #expect(FileManager.default.createFile(atPath: path, contents: bytes.prefix(2)))
        try HostileInputTests.expectRefused(["report", path], "\(path): is truncated (a download or copy cut short?): "
            + "it begins as an ONNX model (ir_version \(bytes[1])) and ends after 2 bytes, before its graph; fetch the file again")
    }

    static func temporaryDirectory() throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("netcost-misnamed-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }
}
