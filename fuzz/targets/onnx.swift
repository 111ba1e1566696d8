// libFuzzer entry for the ONNX importer with analysis, checks and every report
// format. Built by scripts/fuzz.sh onnx; see docs/robustness.md.
import NetCost

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzONNX(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    FuzzTargets.onnx(UnsafeRawBufferPointer(start: data, count: size))
    return 0
}
