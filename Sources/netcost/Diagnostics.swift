import Foundation

/// Messages on standard error, so that standard output stays machine-readable.
enum Diagnostics {
    static func error(_ message: String) { write("error: " + message) }
    static func warn(_ message: String) { write("warning: " + message) }
    static func note(_ message: String) { write(message) }

    private static func write(_ line: String) {
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }
}
