#!/usr/bin/env python3
"""onnxruntime's own per-node times on MobileNetV2, to set beside
`netcost-bench mobilenet_v2 --layers` (docs/benchmarks.md, "Where the rest is").

The model is the one mobilenet_v2_vs_onnxruntime.py runs (the same seeded weights), with
two intra-op threads and all graph optimizations. onnxruntime's profiler records every
node's kernel time on every run; the script prints each node's median over the runs in
graph order, and their sum. onnxruntime fuses each residual add into the convolution
before it, so its project convolutions carry the add.

    pip install onnxruntime onnx numpy
    python3 benchmarks/onnxruntime_layers.py [--runs 300]
"""
import argparse
import importlib.util
import json
import os
import statistics

import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=300)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--kernels", choices=["native", "avx2", "sse2"], default="native",
                        help="onnxruntime held to this width (benchmarks/narrow_onnxruntime.py)")
    arguments = parser.parse_args()
    sys.path.insert(0, HERE)
    from narrow_onnxruntime import import_onnxruntime
    ort, width = import_onnxruntime(arguments.kernels)
    print(f"onnxruntime {ort.__version__}, {width}")
    spec = importlib.util.spec_from_file_location("comparison", os.path.join(HERE, "mobilenet_v2_vs_onnxruntime.py"))
    comparison = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(comparison)
    model = comparison.filled_model(os.path.join(HERE, "data", "tv_mobilenet_v2.onnx"))
    options = ort.SessionOptions()
    options.intra_op_num_threads = arguments.threads
    options.enable_profiling = True
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    session = ort.InferenceSession(model.SerializeToString(), options, providers=["CPUExecutionProvider"])
    feed = {session.get_inputs()[0].name: np.random.default_rng(0).random((1, 3, 224, 224), dtype=np.float32)}
    for _ in range(arguments.runs):
        session.run(None, feed)
    path = session.end_profiling()
    with open(path) as file:
        events = json.load(file)
    os.remove(path)
    times, order = {}, []
    for event in events:
        if event.get("cat") == "Node" and event["name"].endswith("_kernel_time"):
            node = event["name"][: -len("_kernel_time")]
            if node not in times:
                times[node] = []
                order.append(node)
            times[node].append(event["dur"])
    total = 0.0
    for node in order:
        milliseconds = statistics.median(times[node]) / 1000
        total += milliseconds
        print(f"{node:70s} {milliseconds:7.3f} ms")
    print(f"{'sum of node medians':70s} {total:7.3f} ms")


if __name__ == "__main__":
    main()
