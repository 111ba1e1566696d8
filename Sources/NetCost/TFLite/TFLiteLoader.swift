/// Opens `.tflite` files: maps the file, checks it is a TensorFlow Lite flatbuffer, and
/// decodes it, with errors that name the file.
public enum TFLiteLoader {
    /// Whether `path` names a TensorFlow Lite model by its extension.
    public static func isTFLitePath(_ path: String) -> Bool {
        path.lowercased().hasSuffix(".tflite") || path.lowercased().hasSuffix(".lite")
    }

    public static func load(file path: String) throws(InputError) -> TFLiteModel {
        try InputFile.withMappedBytes(of: path, kind: "a TensorFlow Lite model") { (bytes: UnsafeRawBufferPointer) throws(InputError) -> TFLiteModel in
            try decode(bytes, file: path)
        }
    }

    /// Decodes a whole file's bytes; `file` names it in errors.
    public static func decode(_ bytes: UnsafeRawBufferPointer, file: String) throws(InputError) -> TFLiteModel {
        guard bytes.count >= 8, Array(bytes[4..<8]) == Array("TFL3".utf8) else {
            if let signature = FileSignature.identify(bytes, expecting: .onnxModel), signature.what.contains("TensorFlow Lite") == false {
                throw InputError("is \(signature.what), not a TensorFlow Lite model" + (signature.advice.map { ": " + $0 } ?? ""), file: file)
            }
            throw InputError("is not a TensorFlow Lite model: a .tflite file carries the identifier TFL3 at bytes 4 to 8", file: file)
        }
        do {
            return try TFLiteModel(bytes)
        } catch {
            throw InputError("malformed TensorFlow Lite flatbuffer at byte \(error.offset): \(error.text)", file: file)
        }
    }
}
