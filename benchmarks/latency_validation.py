"""How well `netcost predict` predicts: for each model, predicts with a profile and times
it in the same run (`predict --validate`), then prints the share of networks within ±10%
and ±20% (also with the prediction scaled by the machine's speed now over the profile's,
which `--validate` measures), and the Spearman rank correlation of predicted against
measured
, beside two
baselines: FLOPs alone (time = FLOPs / one GFLOP/s figure, the median over the other
networks) and the uncalibrated roofline. Needs only Python's standard library.

    python3 benchmarks/latency_validation.py .build/release/netcost PROFILE.json MODEL ... [--passes N] [--json OUT]

A MODEL is a built-in name, a spec or an ONNX file; a directory stands for its .onnx files.
With `--passes N` (default 1) every network is timed in N passes over the whole list,
minutes apart, and its measured time is the fastest pass's: on a shared host other work
only ever slows a run, and a burst of it seldom lasts through two passes. With two passes
or more, a network whose two fastest passes differ by more than 10% is timed again, up
to twice, until two agree (as `netcost calibrate` treats its points).
"""
import json, os, statistics, subprocess, sys


def run(binary, *args):
    out = subprocess.run([binary, *args], capture_output=True, text=True)
    if out.returncode not in (0, 1) or not out.stdout.strip():
        raise RuntimeError(out.stderr.strip()[-300:])
    return json.loads(out.stdout)


def ranks(values):
    order = sorted(range(len(values)), key=lambda i: values[i])
    result = [0.0] * len(values)
    i = 0
    while i < len(order):
        j = i
        while j + 1 < len(order) and values[order[j + 1]] == values[order[i]]:
            j += 1
        for k in range(i, j + 1):
            result[order[k]] = (i + j) / 2
        i = j + 1
    return result


def spearman(a, b):
    ra, rb = ranks(a), ranks(b)
    ma, mb = statistics.mean(ra), statistics.mean(rb)
    cov = sum((x - ma) * (y - mb) for x, y in zip(ra, rb))
    sa = sum((x - ma) ** 2 for x in ra) ** 0.5
    sb = sum((y - mb) ** 2 for y in rb) ** 0.5
    return cov / (sa * sb) if sa and sb else float("nan")


def main():
    args = sys.argv[1:]
    out_json = None
    if "--json" in args:
        i = args.index("--json")
        out_json = args[i + 1]
        del args[i:i + 2]
    passes = 1
    if "--passes" in args:
        i = args.index("--passes")
        passes = max(1, int(args[i + 1]))
        del args[i:i + 2]
    binary, profile, models = args[0], args[1], []
    for item in args[2:]:
        if os.path.isdir(item):
            models += sorted(os.path.join(item, f) for f in os.listdir(item) if f.endswith(".onnx"))
        else:
            models.append(item)
    rows, skipped = {}, set()
    for pass_index in range(passes):
        if passes > 1:
            print(f"pass {pass_index + 1} of {passes}", flush=True)
        for model in models:
            if model in skipped:
                continue
            try:
                predicted = run(binary, "predict", model, "--profile", profile, "--validate", "--format", "json")
                if model not in rows:
                    roofline = run(binary, "predict", model, "--format", "json",
                                   "--peak-gflops", str(predicted["machine"]["peak_gflops"]),
                                   "--bandwidth", str(predicted["machine"]["bandwidth_gbps"]))
                    report = run(binary, "report", model, "--fuse", "--format", "json")
            except Exception as error:  # a model the executor cannot run: say so, go on
                print(f"{os.path.basename(model):28s} skipped: {error}", flush=True)
                skipped.add(model)
                continue
            measured = predicted["validation"]["measured_seconds"]
            speed = predicted["validation"].get("machine_speed") or 1.0
            if model not in rows:
                flops = report["totals"]["flops"] if "totals" in report else report["total"]["flops"]
                rows[model] = {"model": os.path.basename(model), "predicted": predicted["total_seconds"], "speed": speed,
                               "adjusted": predicted["total_seconds"] / speed, "measured": measured, "passes": [measured],
                               "roofline": roofline["total_seconds"], "flops": flops}
            else:
                row = rows[model]
                row["passes"].append(measured)
                if measured < row["measured"]:
                    row.update(measured=measured, speed=speed, adjusted=row["predicted"] / speed)
            row = rows[model]
            print(f"{row['model']:28s} predicted {row['predicted'] * 1e3:9.3f} ms  measured {measured * 1e3:9.3f} ms  "
                  f"error {100 * (row['predicted'] / measured - 1):+6.1f}%  machine speed {speed:4.2f}"
                  + (f"  fastest pass {row['measured'] * 1e3:9.3f} ms, error {100 * (row['predicted'] / row['measured'] - 1):+6.1f}%"
                     if pass_index > 0 else ""), flush=True)
    if passes > 1:
        for model, row in rows.items():
            for _ in range(2):
                fastest = sorted(row["passes"])
                if fastest[1] <= 1.1 * fastest[0]:
                    break
                predicted = run(binary, "predict", model, "--profile", profile, "--validate", "--format", "json")
                measured = predicted["validation"]["measured_seconds"]
                speed = predicted["validation"].get("machine_speed") or 1.0
                row["passes"].append(measured)
                if measured < row["measured"]:
                    row.update(measured=measured, speed=speed, adjusted=row["predicted"] / speed)
                print(f"{row['model']:28s} again: measured {measured * 1e3:9.3f} ms, fastest {row['measured'] * 1e3:9.3f} ms, "
                      f"error {100 * (row['predicted'] / row['measured'] - 1):+6.1f}%", flush=True)
    rows = list(rows.values())
    if not rows:
        sys.exit("no model ran")
    # FLOPs alone: each network's time from the median GFLOP/s of the others.
    for row in rows:
        others = [r["flops"] / r["measured"] for r in rows if r is not row] or [row["flops"] / row["measured"]]
        row["flops_only"] = row["flops"] / statistics.median(others)

    def summary(key):
        errors = [row[key] / row["measured"] - 1 for row in rows]
        return {"within_10": sum(abs(e) <= 0.10 for e in errors) / len(errors),
                "within_20": sum(abs(e) <= 0.20 for e in errors) / len(errors),
                "median_abs_error": statistics.median(abs(e) for e in errors),
                "spearman": spearman([row[key] for row in rows], [row["measured"] for row in rows])}

    result = {"networks": len(rows), "predict": summary("predicted"), "predict_adjusted": summary("adjusted"),
              "flops_only": summary("flops_only"),
              "roofline": summary("roofline"), "rows": rows}
    print(f"\n{len(rows)} networks          within ±10%  within ±20%  median |error|  rank correlation")
    for name, key in (("netcost predict", "predict"), ("predict, speed-adjusted", "predict_adjusted"),
                      ("FLOPs alone", "flops_only"), ("uncalibrated roofline", "roofline")):
        s = result[key]
        print(f"{name:22s} {100 * s['within_10']:10.0f}% {100 * s['within_20']:11.0f}% {100 * s['median_abs_error']:13.1f}% {s['spearman']:17.3f}")
    if out_json:
        json.dump(result, open(out_json, "w"), indent=1)


if __name__ == "__main__":
    main()
