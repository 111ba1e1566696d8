import ArgumentParsing
import NetCost

/// A subcommand: a declaration (options with help), a validating initializer, and a
/// run step that only orchestrates library calls.
protocol Subcommand {
    static var spec: CommandSpec { get }
    /// Reads and checks the arguments; a bad command line is a `UsageError`.
    init(_ arguments: ParsedArguments) throws(UsageError)
    /// Runs; bad input files throw `InputError`. Returns the exit status.
    func run() throws -> ExitStatus
}

/// The process exit status: 0 success, 1 failure (bad input, a check or verification
/// that failed, a partial result), 2 a misused command line.
enum ExitStatus: Int32 {
    case success = 0
    case failure = 1
    case usage = 2
}
