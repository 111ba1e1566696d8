import ArgumentParsing
import NetCost

/// A subcommand: a declaration (options with help), a validating initializer, and a
/// run step that only orchestrates library calls.
protocol Subcommand: SendableMetatype {
    static var spec: CommandSpec { get }
    /// Reads and checks the arguments; a bad command line is a `UsageError`.
    init(_ arguments: ParsedArguments) throws(UsageError)
    /// Runs; bad input files throw `InputError`. Returns the exit status.
    func run() throws -> ExitStatus
}

/// Every subcommand, in the order `netcost --help` lists them. Outside main.swift, so
/// that `completions` can read it from any context.
let subcommands: [any Subcommand.Type] = [
    ReportCommand.self,
    CheckCommand.self,
    MemoryCommand.self,
    VerifyCommand.self,
    BenchCommand.self,
    CalibrateCommand.self,
    PredictCommand.self,
    SweepCommand.self,
    ExperimentCommand.self,
    ModelsCommand.self,
    OpsCommand.self,
    CompletionsCommand.self,
]

/// The process exit status: 0 success, 1 failure (bad input, a check or verification
/// that failed, a partial result), 2 a misused command line.
enum ExitStatus: Int32 {
    case success = 0
    case failure = 1
    case usage = 2
}
