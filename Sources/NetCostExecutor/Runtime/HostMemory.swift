#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Float memory for tensors, packed weights and scratch. Buffers of a megabyte or more
/// are aligned to 2 MiB and, on Linux, marked for transparent huge pages: a network
/// streams tens of megabytes of maps and weights per pass, which 4 KiB pages spread over
/// more TLB entries than a core has (EfficientNet-B0, MobileNetV2 and ResNet-18 took
/// 0.95–0.99 of the time on huge pages: docs/executor.md).
enum HostMemory {
    static let hugePageBytes = 2 << 20
    static let hugeThresholdBytes = 1 << 20

    /// Uninitialized memory for `count` floats (at least one); give it back with `release`.
    static func allocate(_ count: Int) -> UnsafeMutablePointer<Float> {
        // Counts come from validated shapes under the run's memory limit; a size past
        // Int's range would be a bug, and stops here rather than allocating too little.
        let (bytes, overflow) = max(count, 1).multipliedReportingOverflow(by: MemoryLayout<Float>.stride)
        guard !overflow, bytes <= Int.max - hugePageBytes else { fatalError("netcost: \(count) floats exceed the address space") }
        var raw: UnsafeMutableRawPointer?
        if bytes >= hugeThresholdBytes {
            let rounded = (bytes + hugePageBytes - 1) / hugePageBytes * hugePageBytes
            if posix_memalign(&raw, hugePageBytes, rounded) == 0, let raw {
                #if os(Linux)
                _ = madvise(raw, rounded, MADV_HUGEPAGE)
                #endif
                return raw.bindMemory(to: Float.self, capacity: max(count, 1))
            }
        }
        if posix_memalign(&raw, 64, bytes) == 0, let raw {
            return raw.bindMemory(to: Float.self, capacity: max(count, 1))
        }
        // Out of memory: the limits checked before a run make this unreachable in practice.
        fatalError("netcost: out of memory allocating \(bytes) bytes")
    }

    static func release(_ pointer: UnsafeMutablePointer<Float>) {
        free(UnsafeMutableRawPointer(pointer))
    }
}
