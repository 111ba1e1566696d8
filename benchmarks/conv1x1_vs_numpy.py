#!/usr/bin/env python3
"""The executor's 1x1 convolution (128 -> 128 channels on 56x56) against numpy's
float32 matmul of the same shape, (128x128) @ (128x3136), in the same run.

Both use every core. The two are timed in alternating rounds so that a busy machine
slows both alike; each round reports a median, and the script prints the median of the
rounds, both GFLOP/s figures and the ratio executor / numpy (the goal is >= 1), then
the same for each side's fastest round (on a shared machine, the least disturbed one).

--kernels avx512|avx2|sse2 runs both sides at one vector width: the executor through
NETCOST_KERNELS, numpy's OpenBLAS through OPENBLAS_CORETYPE (SkylakeX, Haswell, or
Prescott for SSE), which must be set before numpy is imported.

    swift build -c release --product netcost-bench
    python3 benchmarks/conv1x1_vs_numpy.py [--rounds 5] [--kernels avx2] [--bench .build/release/netcost-bench]
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import time

OPENBLAS_CORES = {"avx512": "SkylakeX", "avx2": "Haswell", "sse2": "Prescott"}


def requested_kernels(argv):
    """The --kernels value, read before argparse runs so that numpy's import sees it."""
    for index, argument in enumerate(argv):
        if argument == "--kernels" and index + 1 < len(argv):
            return argv[index + 1]
        if argument.startswith("--kernels="):
            return argument.split("=", 1)[1]
    return None


KERNELS = requested_kernels(sys.argv)
if KERNELS:
    os.environ["NETCOST_KERNELS"] = KERNELS
    os.environ["OPENBLAS_CORETYPE"] = OPENBLAS_CORES[KERNELS]

import numpy as np  # noqa: E402  (after OPENBLAS_CORETYPE is set)

FLOPS = 2 * 128 * 128 * 56 * 56


def numpy_seconds(repetitions):
    rng = np.random.default_rng(0)
    weight = rng.standard_normal((128, 128), dtype=np.float32)
    feature_map = rng.standard_normal((128, 56 * 56), dtype=np.float32)
    out = np.empty((128, 56 * 56), dtype=np.float32)
    for _ in range(5):
        np.matmul(weight, feature_map, out=out)
    times = []
    for _ in range(repetitions):
        start = time.perf_counter()
        np.matmul(weight, feature_map, out=out)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def executor_seconds(bench, repetitions):
    result = subprocess.run([bench, "conv1x1", "--json", "--repetitions", str(repetitions)],
                            check=True, capture_output=True, text=True)
    return json.loads(result.stdout)["seconds"]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bench", default=".build/release/netcost-bench")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--repetitions", type=int, default=200)
    parser.add_argument("--kernels", choices=sorted(OPENBLAS_CORES), help="run both sides at this vector width")
    args = parser.parse_args()

    ours, theirs = [], []
    for _ in range(args.rounds):
        theirs.append(numpy_seconds(args.repetitions))
        time.sleep(0.5)  # let OpenBLAS's threads go idle before the executor runs
        ours.append(executor_seconds(args.bench, args.repetitions))
        time.sleep(0.5)
    executor, reference = statistics.median(ours), statistics.median(theirs)
    if args.kernels:
        print(f"vector width: executor NETCOST_KERNELS={args.kernels}, numpy OPENBLAS_CORETYPE={OPENBLAS_CORES[args.kernels]}")
    print(f"numpy {np.__version__} float32 matmul (128x128)@(128x3136): {reference * 1e3:.3f} ms, "
          f"{FLOPS / reference / 1e9:.1f} GFLOP/s")
    print(f"netcost executor conv1x1 128->128 on 56x56:          {executor * 1e3:.3f} ms, "
          f"{FLOPS / executor / 1e9:.1f} GFLOP/s")
    print(f"ratio executor/numpy GFLOP/s: {reference / executor:.2f} (goal >= 1.00)")
    # The machine may be shared: the fastest round of each side is the least disturbed.
    print(f"best rounds: numpy {FLOPS / min(theirs) / 1e9:.1f} GFLOP/s, executor {FLOPS / min(ours) / 1e9:.1f} GFLOP/s, "
          f"ratio {min(theirs) / min(ours):.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
