#!/usr/bin/env python3
"""Structured mutations of real inputs, run through the release binary as a user would.

    scripts/hostile_cli.py [--count N] [--kind spec|onnx|all] [--seed S] [--binary PATH]

Each mutant is written to a file and given to `netcost report FILE --format json` (every
tenth also to `check`, `report --format html` and `verify --resolution 16`). A run passes
when it exits 0 or 1 within 20 seconds with a peak resident memory under 1 GB; a signal,
a timeout, another exit status or more memory is a finding, and the input is kept in
.build/hostile/findings/. Spec mutations edit the parsed JSON (numbers pushed to the
edges of 32 and 64 bits, wrong types, deleted or swapped fields, repeated layers); ONNX
mutations rewrite varints, flip bytes and cut the file. Needs GNU time (/usr/bin/time).
See docs/robustness.md.
"""
import argparse, json, os, pathlib, random, shutil, subprocess, sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
EDGE_NUMBERS = [0, -1, 1, 2, 3, 7, 2**15, 2**31 - 1, 2**31, 2**32 + 1, 2**53, 2**62, 2**63 - 1, 2**63, 10**30,
                0.5, 1e-9, 1e308, -1e308, 1.0000001, 64.0001]
WORDS = ["conv2d", "linear", "concat", "add", "split", "fire", "inverted_residual", "mbconv", "shufflenet_v2",
         "stages", "input", "layers", "inputs", "out", "kernel", "stride", "groups", "padding", "dilation",
         "expand", "repeat", "rows", "columns", "extends", "classes", "same", "valid", "", "x" * 300]


def mutate_value(value, rng, depth=0):
    """Returns a mutated copy of one JSON value."""
    choice = rng.random()
    if isinstance(value, dict) and value and choice < 0.6:
        copy = dict(value)
        key = rng.choice(list(copy))
        action = rng.random()
        if action < 0.5:
            copy[key] = mutate_value(copy[key], rng, depth + 1)
        elif action < 0.65:
            del copy[key]
        elif action < 0.8:
            copy[rng.choice(WORDS)] = rng.choice(EDGE_NUMBERS + WORDS)
        else:
            other = rng.choice(list(copy))
            copy[key], copy[other] = copy[other], copy[key]
        return copy
    if isinstance(value, list) and value and choice < 0.6:
        copy = list(value)
        index = rng.randrange(len(copy))
        action = rng.random()
        if action < 0.55:
            copy[index] = mutate_value(copy[index], rng, depth + 1)
        elif action < 0.7:
            del copy[index]
        elif action < 0.85:
            copy.insert(rng.randrange(len(copy) + 1), copy[index])
        else:
            copy = copy + copy[: rng.randrange(1, len(copy) + 1)] * rng.choice([1, 2, 50])
        return copy
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return rng.choice(EDGE_NUMBERS + [value * rng.choice([-1, 2, 1000, 2**20]), value + 1])
    if isinstance(value, str):
        return rng.choice(WORDS + [value + value, value[::-1]])
    return rng.choice(EDGE_NUMBERS + WORDS + [None, True, [], {}, [[1, 2, 3]]])


def mutate_spec(text, rng):
    data = json.loads(text)
    for _ in range(rng.randint(1, 2)):
        data = mutate_value(data, rng)
    out = json.dumps(data)
    if rng.random() < 0.1:  # and some plain byte damage
        position = rng.randrange(len(out) + 1)
        out = out[:position] + rng.choice(["", "{", "]", "\"", "9" * 40, "\\u0000"]) + out[position + rng.randint(0, 3):]
    return out.encode()


def mutate_onnx(data, rng):
    data = bytearray(data)
    for _ in range(rng.randint(1, 6)):
        action = rng.random()
        position = rng.randrange(len(data))
        if action < 0.4:  # a varint rewritten to an edge value
            value = rng.choice([0, 1, 2**31 - 1, 2**32, 2**40, 2**61, 2**62, 2**63 - 1, 2**64 - 1])
            encoded = bytearray()
            while True:
                byte = value & 0x7F
                value >>= 7
                encoded.append(byte | (0x80 if value else 0))
                if not value:
                    break
            end = position
            while end < len(data) and data[end] & 0x80:
                end += 1
            data[position:end + 1] = encoded
        elif action < 0.8:
            data[position] ^= 1 << rng.randrange(8)
        elif action < 0.9:
            data[position:position] = data[position:position + rng.randint(1, 64)]
        else:
            del data[rng.randrange(len(data)):]
            if not data:
                data = bytearray(b"\x08")
    return bytes(data)


def run(binary, arguments, work):
    """Runs one command; returns its exit status and a finding's description, or None."""
    rss_file = work / "rss"
    try:
        completed = subprocess.run(["/usr/bin/time", "-f", "%M", "-o", str(rss_file), "timeout", "20", str(binary)] + arguments,
                                   capture_output=True, cwd=work)
    except OSError as error:
        return None, f"could not run: {error}"
    status = completed.returncode
    rss_text = rss_file.read_text() if rss_file.exists() else ""
    rss = int(rss_text.split()[-1]) if rss_text.split() and rss_text.split()[-1].isdigit() else 0
    errors = completed.stderr.decode(errors="replace")
    if status == 124:
        return status, "timeout (20 s)"
    if status > 128 or status < 0 or "terminated by signal" in rss_text:
        return status, f"signal (exit {status}): {errors[-200:]}"
    if status not in (0, 1):
        return status, f"exit {status}: {errors[-200:]}"
    if status == 1 and "error: " not in errors and "warning: " not in errors:
        return status, f"exit 1 without a message: {errors[-200:]}"
    if rss > 1_048_576:
        return status, f"peak memory {rss} KB"
    return status, None


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--count", type=int, default=10_000, help="mutants per kind")
    parser.add_argument("--kind", choices=["spec", "onnx", "all"], default="all")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--binary", default=str(ROOT / ".build/release/netcost"), type=lambda path: str(pathlib.Path(path).resolve()))
    options = parser.parse_args()
    work = ROOT / ".build/hostile"
    findings = work / "findings"
    findings.mkdir(parents=True, exist_ok=True)
    sources = {
        "spec": sorted((ROOT / "specs").glob("*.json")) + [ROOT / "Tests/EndToEndTests/Fixtures/tiny_net.json"]
                + sorted((ROOT / "fuzz/corpus/verify").glob("*.json")),
        "onnx": sorted((ROOT / "Tests/ONNXTests/Fixtures/generated").glob("*.onnx"))
                + sorted((ROOT / "Tests/ONNXTests/Fixtures/shared").glob("*.onnx")),
    }
    rng = random.Random(options.seed)
    kinds = ["spec", "onnx"] if options.kind == "all" else [options.kind]
    total_findings = 0
    for kind in kinds:
        counts = {"exit 0": 0, "exit 1": 0, "findings": 0}
        for index in range(options.count):
            source = rng.choice(sources[kind])
            if kind == "spec":
                data = mutate_spec(source.read_text(), rng)
            else:
                data = mutate_onnx(source.read_bytes(), rng)
            path = work / f"mutant.{'json' if kind == 'spec' else 'onnx'}"
            path.write_bytes(data)
            commands = [["report", path.name, "--format", "json"]]
            if index % 10 == 0:
                commands += [["check", path.name], ["report", path.name, "--format", "html"], ["memory", path.name, "--format", "json"],
                             ["memory", path.name, "--training", "--budget", "64G"] if index % 20 == 0 else ["memory", path.name, "--training"],
                             ["memory", path.name, "--by-resolution", "--first-layer-trick", "--split-expansions"],
                             ["verify", path.name, "--resolution", "16"] if kind == "spec" else ["verify", path.name]]
            for number, arguments in enumerate(commands):
                status, finding = run(options.binary, arguments, work)
                if number == 0 and status in (0, 1):
                    counts[f"exit {status}"] += 1
                if finding:
                    counts["findings"] += 1
                    kept = findings / f"{kind}_{index:05d}{path.suffix}"
                    shutil.copy(path, kept)
                    print(f"{kind} {index}: netcost {' '.join(arguments)}: {finding} (kept as {kept.name})", flush=True)
        total_findings += counts["findings"]
        print(f"{kind}: {options.count} mutants: report exited 0 on {counts['exit 0']}, 1 on {counts['exit 1']}; "
              f"{counts['findings']} findings", flush=True)
    sys.exit(1 if total_findings else 0)


if __name__ == "__main__":
    main()
