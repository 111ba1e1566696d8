#!/usr/bin/env python3
"""Writes fuzz/corpus/verify/: each shipped spec shrunk until `verify` runs it within the
fuzz target's limits (ExecutorFuzzTargets: 20 M MACs (work) a pass, 700 layers, 2^18 elements a
tensor, 64 MiB), by lowering the resolution and the width. Run from the project root
after `swift build`."""
import json, pathlib, subprocess

root = pathlib.Path(__file__).resolve().parent.parent
out = root / "fuzz/corpus/verify"
binary = root / ".build/debug/netcost"
for spec in sorted((root / "specs").glob("*.json")):
    text = json.loads(spec.read_text())
    for resolution, width in [(32, 0.5), (16, 0.25), (8, 0.25)]:
        shrunk = dict(text, resolution=resolution, width=width)
        path = out / spec.name
        path.write_text(json.dumps(shrunk, separators=(",", ":")) + "\n")
        run = subprocess.run([str(binary), "verify", str(path), "--max-macs", "20M", "--max-layers", "700",
                              "--max-elements", "262144", "--max-memory", "64M"], capture_output=True, text=True)
        if run.returncode == 0:
            print(f"{spec.name}: resolution {resolution}, width {width}: {run.stdout.splitlines()[-1]}")
            break
        path.unlink()
    else:
        print(f"{spec.name}: left out (too large at the smallest setting)")
