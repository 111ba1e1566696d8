import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The one way netcost opens a file the user names: specs, ONNX models, timings.
///
/// Only regular files are read. A FIFO, a device, a socket or a directory is refused
/// by its kind before a byte is read, and the file is opened without blocking, so a
/// FIFO without a writer cannot stall `open(2)`. Text files are size-checked before
/// they are read and read straight into one buffer; models are mapped, so the kernel
/// reads only the pages the decoder touches (the graph, not the weights).
public enum InputFile {
    /// The largest JSON file netcost reads (specs, timings): 64 MiB, about 400,000 layers
    /// of spec text, and a bound on the memory that parsing one can take.
    public static let maximumTextBytes = 64 << 20

    /// Reads a text file whole, refusing it when it is larger than `limit` bytes;
    /// `kind` names what was expected (`a spec file`) in messages.
    public static func read(_ path: String, kind: String, limit: Int = maximumTextBytes) throws(InputError) -> [UInt8] {
        let (descriptor, size) = try openRegular(path, kind: kind)
        defer { close(descriptor) }
        guard size <= limit else {
            throw InputError("is \(NumberFormat.binaryBytes(size)), over the limit of \(NumberFormat.binaryBytes(limit)) for \(kind)", file: path)
        }
        // Read into one buffer; a file that grows while read is cut at the size fstat gave.
        var bytes = [UInt8](repeating: 0, count: size)
        var offset = 0
        let failure: Int32? = bytes.withUnsafeMutableBytes { buffer -> Int32? in
            guard let base = buffer.baseAddress else { return nil }
            while offset < size {
                let count = Foundation.read(descriptor, base + offset, size - offset)
                if count < 0 && errno == EINTR { continue }
                if count < 0 { return errno }
                if count == 0 { break }
                offset += count
            }
            return nil
        }
        if let failure { throw InputError("cannot be read: \(String(cString: strerror(failure)))", file: path) }
        if offset < size { bytes.removeLast(size - offset) }
        return bytes
    }

    /// Maps a binary model read-only and calls `body` with its bytes; the mapping ends when `body` returns.
    public static func withMappedBytes<Result>(of path: String, kind: String,
                                               _ body: (UnsafeRawBufferPointer) throws(InputError) -> Result) throws(InputError) -> Result {
        let (descriptor, size) = try openRegular(path, kind: kind)
        defer { close(descriptor) }
        guard size > 0 else { throw InputError("is empty, not \(kind)", file: path) }
        guard let address = mmap(nil, size, PROT_READ, MAP_PRIVATE, descriptor, 0), address != MAP_FAILED else {
            throw InputError("cannot be mapped into memory: \(String(cString: strerror(errno)))", file: path)
        }
        defer { munmap(address, size) }
        return try body(UnsafeRawBufferPointer(start: address, count: size))
    }

    /// Opens `path` for reading if it is a regular file, and returns its descriptor and size.
    private static func openRegular(_ path: String, kind: String) throws(InputError) -> (Int32, Int) {
        var status = stat()
        guard stat(path, &status) == 0 else {
            let reason = errno
            throw InputError(reason == ENOENT ? "no such file" : "cannot be opened: \(String(cString: strerror(reason)))", file: path)
        }
        if let other = fileKind(status.st_mode) { throw InputError("is \(other), not \(kind)", file: path) }
        // O_NONBLOCK: if the path was swapped for a FIFO since stat, open still returns at once.
        let descriptor = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        guard descriptor >= 0 else { throw InputError("cannot be opened: \(String(cString: strerror(errno)))", file: path) }
        guard fstat(descriptor, &status) == 0 else {
            let reason = errno
            close(descriptor)
            throw InputError("cannot be read: \(String(cString: strerror(reason)))", file: path)
        }
        if let other = fileKind(status.st_mode) {
            close(descriptor)
            throw InputError("is \(other), not \(kind)", file: path)
        }
        return (descriptor, Int(status.st_size))
    }

    /// What a file that is not a regular file is, for the message; nil for a regular file.
    private static func fileKind(_ mode: mode_t) -> String? {
        switch mode & S_IFMT {
        case S_IFREG: nil
        case S_IFDIR: "a directory"
        case S_IFIFO: "a FIFO (named pipe)"
        case S_IFCHR: "a character device"
        case S_IFBLK: "a block device"
        case S_IFSOCK: "a socket"
        default: "not a regular file"
        }
    }
}
