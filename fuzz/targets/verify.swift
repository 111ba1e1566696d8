// libFuzzer entry for `verify` on small graphs: a layer whose counting kernel
// disagrees with netcost's formulas stops the run like a crash, so the fuzzer keeps
// the input. Built by scripts/fuzz.sh verify; see docs/robustness.md.
import NetCost
import NetCostExecutor

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzVerify(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let mismatches = ExecutorFuzzTargets.verify(Array(UnsafeBufferPointer(start: data, count: size)))
    if let first = mismatches?.first {
        fatalError("counts disagree at \(first.name) (\(first.op)): MACs \(first.macs.symbolic) vs \(first.macs.counted), memory \(first.memoryAccess.symbolic) vs \(first.memoryAccess.counted), params \(first.params.symbolic) vs \(first.params.counted)")
    }
    return 0
}
