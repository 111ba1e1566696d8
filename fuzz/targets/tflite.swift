// libFuzzer entry for the TensorFlow Lite flatbuffer reader and TFLite Micro's arena
// planner. Built by scripts/fuzz.sh tflite; see docs/robustness.md.
import NetCost

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzTFLite(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    FuzzTargets.tflite(UnsafeRawBufferPointer(start: data, count: size))
    return 0
}
