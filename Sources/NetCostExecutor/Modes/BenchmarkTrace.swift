import NetCost

/// `netcost bench --trace`: the timed passes as Chrome trace-event JSON (the Trace Event
/// Format's object form, `{"traceEvents": [...]}`), which chrome://tracing and Perfetto open.
///
/// Every timed pass is one complete event (`"ph": "X"`) of category `Session` named
/// `model_run`, and every layer in it one of category `Node` named for the layer, as
/// ONNX Runtime's profiler writes its runs and nodes: `ts` and `dur` in microseconds
/// (with three decimals, since many layers take less than one), `args` with the op
/// (`op_name`), the output (`output_type_shape`), the layer's index in the graph
/// (`node_index`) and netcost's counts. The times are the measured ones: a layer starts
/// where it started in its pass and a pass where it started, counted from the first
/// timed pass, so a gap between two layers is the runner's own work (freeing tensors).
extension BenchmarkReport {
    /// The trace as text, one event a line. `passes` must have been kept (`Benchmark.run(keepPasses:)`).
    public func chromeTrace(processID: Int, title: String) -> String {
        var lines: [String] = []
        func event(_ build: (inout JSONWriter) -> Void) {
            var writer = JSONWriter(pretty: false)
            writer.beginObject()
            build(&writer)
            writer.endObject()
            lines.append(writer.text)
        }
        // Names for the process and thread tracks.
        for (kind, name) in [("process_name", title), ("thread_name", "layers (\(kernels.name) kernels)")] {
            event { writer in
                writer.field("name", kind); writer.field("ph", "M"); writer.field("pid", processID); writer.field("tid", processID)
                writer.key("args"); writer.beginObject(); writer.field("name", name); writer.endObject()
            }
        }
        for (number, pass) in passes.enumerated() {
            event { writer in
                Self.complete(&writer, name: "model_run", category: "Session", start: pass.start, seconds: pass.seconds, processID: processID)
                writer.key("args"); writer.beginObject(); writer.field("pass", number + 1); writer.endObject()
            }
            for layer in layers where layer.index < pass.layerSeconds.count {
                let seconds = pass.layerSeconds[layer.index]
                event { writer in
                    Self.complete(&writer, name: layer.name, category: "Node", start: pass.start + pass.layerStarts[layer.index],
                                  seconds: seconds, processID: processID)
                    writer.key("args")
                    Self.arguments(&writer, layer, seconds: seconds)
                }
            }
        }
        var document = JSONWriter(pretty: false)
        document.beginObject()
        document.field("model", model)
        document.field("repetitions", repetitions)
        document.field("kernels", kernels.name)
        document.field("median_pass_seconds", totalSeconds)
        document.endObject()
        return "{\"traceEvents\": [\n" + lines.joined(separator: ",\n") + "\n],\n\"displayTimeUnit\": \"ms\",\n\"otherData\": "
            + document.text + "}\n"
    }

    /// The fields every complete event has: `ts` and `dur` in microseconds.
    private static func complete(_ writer: inout JSONWriter, name: String, category: String, start: Double, seconds: Double, processID: Int) {
        writer.field("name", name)
        writer.field("cat", category)
        writer.field("ph", "X")
        writer.field("ts", microseconds(start))
        writer.field("dur", microseconds(seconds))
        writer.field("pid", processID)
        writer.field("tid", processID)
    }

    /// A layer's `args`: what it is and what it costs, and the rates this pass's time gives.
    private static func arguments(_ writer: inout JSONWriter, _ layer: LayerTiming, seconds: Double) {
        writer.beginObject()
        writer.field("op_name", layer.op)
        writer.field("node_index", layer.index)
        writer.key("output_type_shape")
        writer.beginArray(); writer.beginObject(); writer.field("float", integers: layer.outputShape); writer.endObject(); writer.endArray()
        writer.field("macs", layer.macs)
        writer.field("flops", layer.flops)
        writer.field("bytes", layer.bytes)
        writer.field("gflops", seconds > 0 ? rounded(Double(layer.pairFlops) / seconds / 1e9) : 0)
        writer.field("gbps", seconds > 0 ? rounded(Double(layer.pairBytes) / seconds / 1e9) : 0)
        if let merge = layer.merge {
            writer.field(merge.isFirst ? "merged_with" : "merged_into", merge.partner)
            writer.field("merge", merge.how.rawValue)
        }
        writer.endObject()
    }

    /// Seconds as microseconds to the nanosecond.
    private static func microseconds(_ seconds: Double) -> Double { (seconds * 1e9).rounded() / 1e3 }

    /// A rate to three decimals, so that the file stays short.
    private static func rounded(_ value: Double) -> Double { (value * 1e3).rounded() / 1e3 }
}
