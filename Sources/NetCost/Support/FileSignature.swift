/// What a file is by its first bytes, for a model path that holds something else: a
/// PyTorch checkpoint saved as `model.onnx`, a web page saved by a download link, an
/// archive not yet unpacked. The loaders look before they parse, so the error says
/// what the file is and what to do, not which protobuf field or JSON column failed.
///
/// Every signature is a fixed magic number at a fixed offset (or, for text, the first
/// characters after white space). None can begin a real ONNX file: an exporter writes
/// `ir_version` (field 1, key byte 0x08) first, and ZIP's `PK`, gzip's 0x1f, JSON's `{`
/// and HTML's `<` are keys of fields ModelProto lacks or of wire types that do not exist.
public struct FileSignature: Sendable {
    /// What the file is, a noun phrase: `a ZIP archive`.
    public let what: String
    /// What to do about it, or nil when there is nothing to add.
    public let advice: String?
    let matches: @Sendable (UnsafeRawBufferPointer) -> Bool

    /// The file that was expected, so that a spec is not refused for being JSON.
    public enum Expected: Sendable {
        case onnxModel
        case spec

        /// `an ONNX model`, as error messages name it.
        public var noun: String {
            switch self {
            case .onnxModel: "an ONNX model"
            case .spec: "a spec file"
            }
        }
    }

    /// The signature that `bytes` carry, if they are a known format other than `expected`.
    public static func identify(_ bytes: UnsafeRawBufferPointer, expecting expected: Expected) -> FileSignature? {
        let candidates = expected == .onnxModel ? foreign + [jsonText] : foreign + [onnxModel]
        return candidates.first { $0.matches(bytes) }
    }

    public static func identify(_ bytes: [UInt8], expecting expected: Expected) -> FileSignature? {
        bytes.withUnsafeBytes { identify($0, expecting: expected) }
    }

    /// The error for a file that is `signature` where `expected` was wanted:
    /// `is a ZIP archive, not an ONNX model: …`.
    public func error(expecting expected: Expected, file: String) -> InputError {
        InputError("is \(what), not \(expected.noun)" + (advice.map { ": " + $0 } ?? ""), file: file)
    }

    // MARK: The formats

    static let exportAdvice = "export the model with torch.onnx.export and give netcost the .onnx file"

    /// Formats that are neither ONNX nor JSON, the more specific first.
    static let foreign: [FileSignature] = [
        FileSignature(what: "empty", advice: nil) { $0.isEmpty },
        FileSignature(what: "a PyTorch checkpoint (a ZIP archive holding data.pkl, as torch.save writes)", advice: exportAdvice) {
            zipFirstEntry($0)?.hasSuffix("data.pkl") == true
        },
        FileSignature(what: "a NumPy archive (.npz: a ZIP archive of arrays)",
                      advice: "it holds arrays, not a network; export the model itself to ONNX") {
            zipFirstEntry($0)?.hasSuffix(".npy") == true
        },
        FileSignature(what: "a Keras model (a .keras ZIP archive)", advice: "convert it to ONNX with tf2onnx (tf2onnx.convert.from_keras)") {
            guard let name = zipFirstEntry($0) else { return false }
            return name == "metadata.json" || name == "config.json"
        },
        FileSignature(what: "a ZIP archive",
                      advice: "a PyTorch checkpoint? \(exportAdvice); another archive: unpack it and give netcost the model inside") {
            $0.starts(with: [0x50, 0x4b, 0x03, 0x04]) || $0.starts(with: [0x50, 0x4b, 0x05, 0x06])
        },
        // torch.save before PyTorch 1.6: a pickle of its magic number 0x1950a86a20f9469cfc6c first.
        FileSignature(what: "a PyTorch checkpoint in the old format (a pickle, as torch.save wrote before PyTorch 1.6)", advice: exportAdvice) {
            $0.starts(with: [0x80, 0x02, 0x8a, 0x0a, 0x6c, 0xfc, 0x9c, 0x46, 0xf9, 0x20, 0x6a, 0xa8, 0x50, 0x19])
        },
        FileSignature(what: "a Python pickle", advice: "a PyTorch or scikit-learn object? export the model to ONNX (torch.onnx.export, skl2onnx)") {
            $0.count >= 2 && $0[0] == 0x80 && (2...5).contains($0[1])
        },
        FileSignature(what: "a TensorFlow Lite model (a flatbuffer with the identifier TFL3)",
                      advice: "netcost reads it as a .tflite file: give it that extension") {
            $0.count >= 8 && $0[0] != 0x08 && Array($0[4..<8]) == Array("TFL3".utf8)
        },
        FileSignature(what: "an HDF5 file", advice: "a Keras .h5 model? convert it to ONNX with tf2onnx") {
            $0.starts(with: [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a])
        },
        FileSignature(what: "a safetensors file (weights without the graph)", advice: exportAdvice) { bytes in
            // An 8-byte little-endian header length, then the JSON header.
            guard bytes.count > 10, bytes[0] != 0x08, bytes[8] == UInt8(ascii: "{"), bytes[9] == UInt8(ascii: "\"") else { return false }
            let length = (0..<8).reduce(UInt64(0)) { $0 | UInt64(bytes[$1]) << (8 * UInt64($1)) }
            return length <= UInt64(bytes.count - 8)
        },
        FileSignature(what: "a GGUF model (llama.cpp)", advice: "netcost reads ONNX models and its own JSON specs") {
            $0.starts(with: Array("GGUF".utf8))
        },
        FileSignature(what: "a NumPy array (.npy)", advice: "it holds an array, not a network; export the model itself to ONNX") {
            $0.starts(with: [0x93] + Array("NUMPY".utf8))
        },
        FileSignature(what: "gzip-compressed data", advice: "unpack it first: gunzip FILE, or tar -xzf FILE for a .tar.gz") {
            $0.starts(with: [0x1f, 0x8b])
        },
        FileSignature(what: "xz-compressed data", advice: "unpack it first: unxz FILE, or tar -xJf FILE for a .tar.xz") {
            $0.starts(with: [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00])
        },
        FileSignature(what: "zstd-compressed data", advice: "unpack it first: unzstd FILE") { $0.starts(with: [0x28, 0xb5, 0x2f, 0xfd]) },
        FileSignature(what: "bzip2-compressed data", advice: "unpack it first: bunzip2 FILE") {
            $0.starts(with: Array("BZh".utf8)) && $0.count > 3 && (UInt8(ascii: "1")...UInt8(ascii: "9")).contains($0[3])
        },
        FileSignature(what: "a tar archive", advice: "unpack it with tar -xf FILE and give netcost the model inside") {
            $0.count >= 262 && $0[0] != 0x08 && Array($0[257..<262]) == Array("ustar".utf8)
        },
        FileSignature(what: "a Git LFS pointer (a small text file standing in for the real one)",
                      advice: "the repository was cloned without its large files; fetch them with git lfs pull") {
            $0.starts(with: Array("version https://git-lfs".utf8))
        },
        FileSignature(what: "an HTML page", advice: "a web page saved in place of the file? download the file itself (its raw or download link)") {
            let text = leadingText($0, count: 14).lowercased()
            return text.hasPrefix("<!doctype html") || text.hasPrefix("<html")
        },
    ]

    static let jsonText = FileSignature(what: "JSON text", advice: "a netcost spec? give it the .json extension") {
        let first = leadingText($0, count: 1)
        return first == "{" || first == "["
    }

    /// ONNX where a spec was expected: `ir_version` (field 1, a varint) first, as every
    /// exporter writes it, with a version ONNX has used, then the key of one of
    /// ModelProto's fields 2 to 8 (producer name and version, domain, model version,
    /// doc string, graph, opset imports).
    static let onnxModel = FileSignature(what: "an ONNX model (binary protobuf)", advice: "give it the .onnx extension") {
        $0.count >= 3 && $0[0] == 0x08 && (1...15).contains($0[1]) && [0x12, 0x1a, 0x22, 0x28, 0x32, 0x3a, 0x42].contains($0[2])
    }

    // MARK: Reading the bytes

    /// The name of a ZIP archive's first entry, from its local file header.
    static func zipFirstEntry(_ bytes: UnsafeRawBufferPointer) -> String? {
        guard bytes.count >= 30, bytes.starts(with: [0x50, 0x4b, 0x03, 0x04]) else { return nil }
        let length = Int(bytes[26]) | Int(bytes[27]) << 8
        guard 30 + length <= bytes.count else { return nil }
        return String(decoding: UnsafeRawBufferPointer(rebasing: bytes[30..<(30 + length)]), as: UTF8.self)
    }

    /// Up to `count` characters after a byte-order mark and white space.
    static func leadingText(_ bytes: UnsafeRawBufferPointer, count: Int) -> String {
        var start = bytes.starts(with: [0xef, 0xbb, 0xbf]) ? 3 : 0
        while start < bytes.count, [0x20, 0x09, 0x0a, 0x0d].contains(bytes[start]) { start += 1 }
        let end = min(bytes.count, start + count)
        return String(decoding: UnsafeRawBufferPointer(rebasing: bytes[start..<end]), as: UTF8.self)
    }
}
