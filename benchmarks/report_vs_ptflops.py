#!/usr/bin/env python3
"""`netcost report specs/mobilenet_v2.json` against ptflops and fvcore on torchvision's
MobileNetV2, each as a whole process, in the same run.

Each tool starts from nothing, as a user running it from the shell would: netcost is one
release binary; ptflops and fvcore start Python, import torch and torchvision, build the
model and run a forward pass through hooks. Rounds alternate the three commands so that
a busy machine slows all alike; the script prints each tool's median and fastest wall
time, the ratios to netcost, and the MACs each tool printed (they differ by convention).

    swift build -c release --product netcost
    pip install torch torchvision ptflops fvcore
    python3 benchmarks/report_vs_ptflops.py [--rounds 5] [--netcost .build/release/netcost]
"""
import argparse
import re
import statistics
import subprocess
import sys
import time

PTFLOPS = """
import torchvision
from ptflops import get_model_complexity_info
model = torchvision.models.mobilenet_v2()
macs, params = get_model_complexity_info(model, (3, 224, 224), as_strings=False,
                                         print_per_layer_stat=True, backend='pytorch')
print('MACS', int(macs), 'PARAMS', int(params))
"""

FVCORE = """
import torch, torchvision
from fvcore.nn import FlopCountAnalysis, flop_count_table
model = torchvision.models.mobilenet_v2().eval()
analysis = FlopCountAnalysis(model, torch.zeros(1, 3, 224, 224))
analysis.unsupported_ops_warnings(False)
analysis.uncalled_modules_warnings(False)
print(flop_count_table(analysis))
print('MACS', analysis.total())
"""


def timed(command):
    start = time.perf_counter()
    result = subprocess.run(command, check=True, capture_output=True, text=True)
    return time.perf_counter() - start, result.stdout


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--netcost", default=".build/release/netcost")
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()

    commands = {
        "netcost": [args.netcost, "report", "specs/mobilenet_v2.json"],
        "ptflops": [sys.executable, "-c", PTFLOPS],
        "fvcore": [sys.executable, "-c", FVCORE],
    }
    times = {name: [] for name in commands}
    outputs = {}
    for _ in range(args.rounds):
        for name, command in commands.items():
            seconds, outputs[name] = timed(command)
            times[name].append(seconds)

    netcost_median, netcost_best = statistics.median(times["netcost"]), min(times["netcost"])
    print(f"{'tool':<9} {'median':>10} {'fastest':>10} {'median ratio':>13} {'fastest ratio':>14}   (wall clock, {args.rounds} rounds)")
    for name in commands:
        median, best = statistics.median(times[name]), min(times[name])
        print(f"{name:<9} {median * 1e3:>8.1f} ms {best * 1e3:>7.1f} ms {median / netcost_median:>12.1f}x {best / netcost_best:>13.1f}x")

    # What each tool counted, to show that the three disagree by convention, not by accident.
    netcost_macs = re.search(r"^MACs\s+([\d,]+)", outputs["netcost"], re.M)
    print("MACs printed: netcost", netcost_macs.group(1) if netcost_macs else "?",
          "| ptflops", re.search(r"MACS (\d+)", outputs["ptflops"]).group(1),
          "| fvcore", re.search(r"MACS (\d+)", outputs["fvcore"]).group(1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
