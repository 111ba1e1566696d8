#!/usr/bin/env python3
"""MobileNetV2 at 224x224, one image, end to end: the netcost executor against
onnxruntime (from pip) on the same machine, in the same run.

onnxruntime runs torchvision's export (benchmarks/data/tv_mobilenet_v2.onnx, a copy of
shared/onnx/tv_mobilenet_v2.onnx) whose weights were stripped: every initializer
without data is filled here with seeded uniform values of its dims (+-1/sqrt(fan-in)).
It gets two intra-op threads, all graph optimizations (batch norms are already folded
in the export; conv+clip fuse). The executor runs specs/mobilenet_v2.json's deployed
graph (batch norms folded, activations fused), through `netcost-bench mobilenet_v2`.

The two are timed in alternating rounds so that a busy machine slows both alike; each
round reports a median latency, and the script prints the median of the rounds and the
ratio executor / onnxruntime (the goal is <= 1.3), then the same for each side's fastest
round (on a shared machine, the least disturbed one). --kernels avx512|avx2|sse2 sets the
executor's vector width (NETCOST_KERNELS). onnxruntime has no such switch; by default it
is held to the same width through a patched copy (benchmarks/narrow_onnxruntime.py: it
then runs the kernels it runs on a CPU of that width), and --onnxruntime-kernels native
lets it run its widest kernels against a narrower executor.

    pip install onnxruntime onnx numpy
    swift build -c release --product netcost-bench
    python3 benchmarks/mobilenet_v2_vs_onnxruntime.py [--rounds 5]
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import time

import numpy as np
import onnx
from onnx import numpy_helper

HERE = os.path.dirname(os.path.abspath(__file__))


def filled_model(path, seed=0):
    """The model with every stripped float initializer filled with seeded random values."""
    model = onnx.load(path, load_external_data=False)
    rng = np.random.default_rng(seed)
    for index, tensor in enumerate(model.graph.initializer):
        has_data = tensor.raw_data or tensor.float_data or tensor.int64_data or tensor.int32_data
        if has_data or tensor.data_type != onnx.TensorProto.FLOAT:
            continue
        dims = list(tensor.dims)
        fan_in = int(np.prod(dims[1:])) if len(dims) > 1 else max(dims[0] if dims else 1, 1)
        bound = 1.0 / np.sqrt(fan_in)
        values = rng.uniform(-bound, bound, size=dims).astype(np.float32)
        model.graph.initializer[index].CopyFrom(numpy_helper.from_array(values, tensor.name))
    return model


def onnxruntime_seconds(session, feed, repetitions, warmup):
    for _ in range(warmup):
        session.run(None, feed)
    times = []
    for _ in range(repetitions):
        start = time.perf_counter()
        session.run(None, feed)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def executor_seconds(bench, spec, repetitions):
    result = subprocess.run([bench, "mobilenet_v2", "--json", "--spec", spec, "--repetitions", str(repetitions)],
                            check=True, capture_output=True, text=True)
    return json.loads(result.stdout)["seconds"]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default=os.path.join(HERE, "data", "tv_mobilenet_v2.onnx"))
    parser.add_argument("--spec", default=os.path.join(HERE, "..", "specs", "mobilenet_v2.json"))
    parser.add_argument("--bench", default=".build/release/netcost-bench")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--repetitions", type=int, default=30)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--kernels", choices=["avx512", "avx2", "sse2", "neon"], help="the executor's vector width")
    parser.add_argument("--onnxruntime-kernels", choices=["same", "native", "avx2", "sse2"], default="same",
                        help="onnxruntime's width: that of --kernels (default) or its widest (native)")
    args = parser.parse_args()
    width = args.kernels if args.onnxruntime_kernels == "same" else args.onnxruntime_kernels
    sys.path.insert(0, HERE)
    from narrow_onnxruntime import import_onnxruntime
    ort, onnxruntime_width = import_onnxruntime(width)

    options = ort.SessionOptions()
    options.intra_op_num_threads = args.threads
    options.inter_op_num_threads = 1
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    session = ort.InferenceSession(filled_model(args.model).SerializeToString(), options, providers=["CPUExecutionProvider"])
    name = session.get_inputs()[0].name
    feed = {name: np.random.default_rng(1).uniform(-1, 1, size=(1, 3, 224, 224)).astype(np.float32)}

    if args.kernels:
        os.environ["NETCOST_KERNELS"] = args.kernels
    print(f"vector width: executor {'NETCOST_KERNELS=' + args.kernels if args.kernels else 'its widest'}; "
          f"onnxruntime {onnxruntime_width}")
    ours, theirs = [], []
    for _ in range(args.rounds):
        theirs.append(onnxruntime_seconds(session, feed, args.repetitions, warmup=5))
        # onnxruntime's pool threads spin for a while after a run: let them settle so
        # that they do not hold the cores the executor is about to use.
        time.sleep(0.5)
        ours.append(executor_seconds(args.bench, args.spec, args.repetitions))
        time.sleep(0.5)
    executor, reference = statistics.median(ours), statistics.median(theirs)
    print(f"onnxruntime {ort.__version__} ({args.threads} threads): {reference * 1e3:.2f} ms per image")
    print(f"netcost executor (deployed graph):     {executor * 1e3:.2f} ms per image")
    print(f"ratio executor/onnxruntime latency: {executor / reference:.2f} (goal <= 1.30)")
    # The machine may be shared: the fastest round of each side is the least disturbed.
    print(f"best rounds: onnxruntime {min(theirs) * 1e3:.2f} ms, executor {min(ours) * 1e3:.2f} ms, "
          f"ratio {min(ours) / min(theirs):.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
