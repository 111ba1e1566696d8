import Foundation
import NetCost
import NetCostKernels

/// One vector width's compiled kernels (Sources/NetCostKernels): the GEMM register tile,
/// the depthwise row, dot and axpy. The executor is built once and picks a set when it
/// prepares a graph: the widest this CPU runs, or a narrower one named by
/// `NETCOST_KERNELS`. Everything else in the executor is compiled for the architecture's
/// baseline, so the binary runs on every CPU of its architecture.
public struct KernelSet: Sendable, Equatable, CustomStringConvertible {
    /// `avx512`, `avx2`, `sse2` or `neon`.
    public let name: String
    /// What the set needs of the CPU, in words.
    public let requirement: String
    /// Floats per vector register.
    public let lanes: Int
    /// Rows of A per GEMM panel.
    let panelRows: Int
    /// Floats each value of A takes in a packed panel: 1, or `lanes` when the set keeps
    /// A broadcast (SSE2).
    let aSpread: Int
    /// True when a multiply-add rounds once (FMA).
    public let fusedMultiplyAdd: Bool
    private let table: Table

    /// The C function table; its storage is static, so sharing the pointer is safe.
    private struct Table: @unchecked Sendable, Equatable {
        let pointer: UnsafePointer<NetCostKernelSet>
    }

    private init(_ pointer: UnsafePointer<NetCostKernelSet>) {
        let set = pointer.pointee
        name = String(cString: set.name)
        requirement = String(cString: set.requirement)
        lanes = Int(set.lanes)
        panelRows = Int(set.panel_rows)
        aSpread = Int(set.a_spread)
        tileColumns = Int(set.tile_columns)
        fusedMultiplyAdd = set.fused_multiply_add != 0
        table = Table(pointer: pointer)
    }

    public var description: String { "\(name) (\(lanes) lanes)" }

    /// One line for reports: which kernels ran, and what else this CPU could run.
    public var summary: String {
        let others = Self.available.filter { $0 != self }.map(\.name)
        let alternatives = others.isEmpty ? "" : "; this CPU also runs \(others.joined(separator: ", ")) (set \(Self.environmentVariable) to pick one)"
        return "Kernels: \(name), \(lanes)-lane vectors\(fusedMultiplyAdd ? " with FMA" : ", no FMA")\(alternatives)"
    }

    /// Columns of B per GEMM tile: two vectors.
    let tileColumns: Int

    /// The sets this CPU runs, widest first; the last is the baseline.
    public static let available: [KernelSet] = sets(netcost_kernel_sets)

    /// Every set this build contains.
    public static let built: [KernelSet] = sets(netcost_built_kernel_sets)

    private static func sets(_ list: (UnsafeMutablePointer<UnsafePointer<NetCostKernelSet>?>?, Int32) -> Int32) -> [KernelSet] {
        var pointers = [UnsafePointer<NetCostKernelSet>?](repeating: nil, count: 8)
        let count = Int(list(&pointers, Int32(pointers.count)))
        return pointers.prefix(min(count, pointers.count)).compactMap { $0.map(KernelSet.init) }
    }

    /// The environment variable that picks a narrower set than the widest this CPU runs.
    public static let environmentVariable = "NETCOST_KERNELS"

    /// The set named by `NETCOST_KERNELS` in `environment`, or the widest of `available`
    /// (by default, those this CPU runs).
    public static func chosen(environment: [String: String], available: [KernelSet] = available) throws(InputError) -> KernelSet {
        guard let wanted = environment[environmentVariable], !wanted.isEmpty else { return available[0] }
        if let set = available.first(where: { $0.name == wanted }) { return set }
        let runs = available.map(\.name).joined(separator: ", ")
        // The variable stands where a file would: it is where the problem is.
        let source = "\(environmentVariable)=\(wanted)"
        if let set = built.first(where: { $0.name == wanted }) {
            throw InputError("this CPU cannot run the \(set.name) kernels, which need \(set.requirement); it runs \(runs)", file: source)
        }
        throw InputError("no kernel set has that name; this build has \(built.map(\.name).joined(separator: ", ")), and this CPU runs \(runs)", file: source)
    }

    /// This process's set, read once from its environment.
    public static let forThisProcess: Result<KernelSet, InputError> = Result { () throws(InputError) in
        try chosen(environment: ProcessInfo.processInfo.environment)
    }

    /// This process's set, or the widest this CPU runs when `NETCOST_KERNELS` is wrong
    /// (that error is reported when a graph is prepared): for the machine probe's peak.
    public static var inUse: KernelSet { (try? forThisProcess.get()) ?? available[0] }

    // MARK: Calls into the C kernels

    /// The register tile's `rows × columns` corner of C (the whole tile inside the matrix),
    /// B's rows `ldb` apart: a packed tile (`tileColumns`), or a whole tile read in place.
    @inline(__always)
    func gemmTile(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, ldb: Int, depth: Int, _ c: UnsafeMutablePointer<Float>, ldc: Int,
                  rows: Int, columns: Int, accumulate: Bool, finish: Finish) {
        table.pointer.pointee.gemm_tile(a, b, ldb, depth, c, ldc, rows, columns, accumulate ? 1 : 0, finish.active ? 1 : 0,
                                        finish.bias, finish.low, finish.high)
    }

    /// The `columns` last columns of C (fewer than a vector), rows down the vector: for
    /// `panels` panels of A from `a` on, whose first row is C's row 0 at `c`.
    @inline(__always)
    func gemmColumns(_ a: UnsafePointer<Float>, panels: Int, depth: Int, _ b: UnsafePointer<Float>, ldb: Int, columns: Int,
                     _ c: UnsafeMutablePointer<Float>, ldc: Int, rows: Int, finish: Finish) {
        table.pointer.pointee.gemm_columns(a, panels, depth, b, ldb, columns, c, ldc, rows, finish.active ? 1 : 0, finish.bias,
                                           finish.low, finish.high)
    }

    /// Copies `depth` rows of `columns` (≤ one tile) `ldb` apart into a zero-padded B tile.
    @inline(__always)
    func packTile(_ source: UnsafePointer<Float>, ldb: Int, depth: Int, columns: Int, into destination: UnsafeMutablePointer<Float>) {
        table.pointer.pointee.pack_tile(source, ldb, depth, columns, destination)
    }

    /// One input channel of a depthwise layer and its `multiplier` output channels.
    @inline(__always)
    func depthwiseChannel(_ plan: UnsafePointer<NetCostDepthwisePlan>, plane: UnsafePointer<Float>, padded: UnsafeMutablePointer<Float>,
                          row: UnsafeMutablePointer<Float>, multiplier: Int, weights: UnsafePointer<Float>, biases: UnsafePointer<Float>?,
                          outputs: UnsafeMutablePointer<Float>) {
        table.pointer.pointee.depthwise_channel(plan, plane, padded, row, multiplier, weights, biases, outputs)
    }

    /// `Σ a[i]·b[i]` over `count` elements, and the number of multiply-adds it took.
    @inline(__always)
    func dot(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ count: Int) -> (value: Float, multiplyAdds: Int) {
        (table.pointer.pointee.dot(a, b, count), count)
    }

    /// `y[i] += a·x[i]` over `count` elements; returns the multiply-adds it took.
    @inline(__always)
    func axpy(_ a: Float, _ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, _ count: Int) -> Int {
        table.pointer.pointee.axpy(a, x, y, count)
        return count
    }

    /// `row[i] = f(row[i])` for exp, sigmoid, swish or tanh, through the width's vector
    /// `e^x`; false (and nothing done) for any other function.
    @inline(__always)
    func exponentialMap(_ function: Activation.Function, _ row: UnsafeMutablePointer<Float>, count: Int) -> Bool {
        exponentialMap(function, row, ldc: count, rows: 1, columns: count)
    }

    /// The same over a `rows × columns` block, rows `ldc` apart: one call per GEMM tile.
    @inline(__always)
    func exponentialMap(_ function: Activation.Function, _ c: UnsafeMutablePointer<Float>, ldc: Int, rows: Int, columns: Int) -> Bool {
        let code: NetCostExponentialFunction
        switch function {
        case .exp: code = NETCOST_EXP
        case .sigmoid: code = NETCOST_SIGMOID
        case .swish: code = NETCOST_SWISH
        case .tanh: code = NETCOST_TANH
        case .relu, .relu6, .hardSigmoid, .hardSwish, .gelu, .leakyRelu, .log, .sqrt, .reciprocal, .abs, .neg, .sin, .cos, .erf, .not,
             .clip, .pow:
            return false
        }
        table.pointer.pointee.exponential_map(c, ldc, rows, columns, Int32(code.rawValue))
        return true
    }

    /// Ten independent multiply-add chains of `iterations` steps (the peak probe).
    func multiplyAddChains(iterations: Int, seed: Float) -> Float {
        table.pointer.pointee.multiply_add_chains(iterations, seed)
    }
}
