"""Two netcost builds on the same networks: alternating rounds of `netcost bench MODEL
--fuse` (each round runs the two binaries back to back, in turns first), and per network
the median over rounds of the new build's time over the old one's. A busy machine slows
both sides of a round alike, so the per-round ratio is steadier than either time.
Needs only Python's standard library.

    python3 benchmarks/compare_builds.py OLD_BINARY NEW_BINARY MODEL ... [--rounds 5] [--repetitions 20]

A MODEL is a built-in name, a spec or an ONNX file.
"""
import json, os, statistics, subprocess, sys


def bench(binary, model, repetitions):
    # The roofline's peak and bandwidth are given so that no machine probe runs.
    out = subprocess.run([binary, "bench", model, "--fuse", "--repetitions", str(repetitions),
                          "--peak-gflops", "100", "--bandwidth", "30", "--format", "json"],
                         capture_output=True, text=True, check=True)
    return json.loads(out.stdout)["total_seconds"]


def option(args, name, default):
    if name in args:
        i = args.index(name)
        value = int(args[i + 1])
        del args[i:i + 2]
        return value
    return default


def main():
    args = sys.argv[1:]
    rounds, repetitions = option(args, "--rounds", 5), option(args, "--repetitions", 20)
    if len(args) < 3:
        sys.exit(__doc__)
    old, new, models = args[0], args[1], args[2:]
    print(f"{'network':28s} {'old ms':>9s} {'new ms':>9s} {'new/old':>8s}  (medians of {rounds} rounds; ratio per round)")
    for model in models:
        times = {"old": [], "new": []}
        ratios = []
        for round_index in range(rounds):
            order = [("old", old), ("new", new)] if round_index % 2 == 0 else [("new", new), ("old", old)]
            seconds = {side: bench(binary, model, repetitions) for side, binary in order}
            for side in seconds:
                times[side].append(seconds[side])
            ratios.append(seconds["new"] / seconds["old"])
        print(f"{os.path.basename(model):28s} {1e3 * statistics.median(times['old']):9.3f} "
              f"{1e3 * statistics.median(times['new']):9.3f} {statistics.median(ratios):8.2f}", flush=True)


if __name__ == "__main__":
    main()
