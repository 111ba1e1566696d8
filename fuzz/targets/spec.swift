// libFuzzer entry for the JSON spec loader with analysis, checks and every report
// format. Built by scripts/fuzz.sh spec; see docs/robustness.md.
import NetCost

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzSpec(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    FuzzTargets.spec(Array(UnsafeBufferPointer(start: data, count: size)))
    return 0
}
