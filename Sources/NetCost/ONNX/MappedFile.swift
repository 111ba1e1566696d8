import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A file mapped read-only into memory.
///
/// The kernel reads a page from disk only when it is first touched, so a reader that
/// steps over the weight payloads of a 500 MB model touches only the pages that hold
/// the graph: the import takes time and memory in proportion to the graph, not to the
/// weights.
enum MappedFile {
    /// Maps `path` and calls `body` with its bytes; the mapping ends when `body` returns.
    static func withBytes<Result>(of path: String, _ body: (UnsafeRawBufferPointer) throws(InputError) -> Result) throws(InputError) -> Result {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw InputError("no such file", file: path)
        }
        guard !isDirectory.boolValue else { throw InputError("is a directory, not an ONNX file", file: path) }
        let descriptor = open(path, O_RDONLY)
        guard descriptor >= 0 else { throw InputError("cannot be opened: \(String(cString: strerror(errno)))", file: path) }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else { throw InputError("cannot be read: \(String(cString: strerror(errno)))", file: path) }
        let size = Int(status.st_size)
        guard size > 0 else { throw InputError("is empty, not an ONNX model", file: path) }
        guard let address = mmap(nil, size, PROT_READ, MAP_PRIVATE, descriptor, 0), address != MAP_FAILED else {
            throw InputError("cannot be mapped into memory: \(String(cString: strerror(errno)))", file: path)
        }
        defer { munmap(address, size) }
        return try body(UnsafeRawBufferPointer(start: address, count: size))
    }
}
