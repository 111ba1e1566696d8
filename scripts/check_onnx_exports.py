#!/usr/bin/env python3
"""Exports PyTorch models to ONNX and checks `netcost report` on each against PyTorch.

Two modes:

  python3 scripts/check_onnx_exports.py [--out DIR] [--netcost PATH]
      The twelve torchvision and timm models of docs/onnx.md, one opset each: conv+linear
      mult-adds counted by forward hooks, and params as the float initializer elements
      the export stores (each stored tensor once, as in truth.json). Exit 1 on a difference.

  python3 scripts/check_onnx_exports.py --corpus [--only REGEX] [--exporters LIST]
          [--out DIR] [--netcost PATH] [--keep] [--resume] [--limit N] [--time-limit S]
      The corpus of scripts/onnx_corpus_models.py (torchvision classification, segmentation,
      video and detection models, about a hundred timm models, a small BERT and GPT-2),
      each exported with the TorchScript exporter at opsets 11, 13 and 17 and with the
      dynamo exporter. One line per model x exporter goes to DIR/results.jsonl, then a
      summary is printed. Truth per file: params = float initializer elements; MACs =
      torch.utils.flop_counter.FlopCounterMode's FLOPs / 2 on the same model and input.

Not part of `swift test`: it needs torch, and the exports keep their weights (resnet50's
is 100 MB), which also shows that netcost reads such files without loading the weights.
Each corpus model runs in a child process (a crash or a hung export loses one model,
not the run); run it under `nice`, it uses one thread.

    swift build -c release --product netcost
    pip install torch torchvision timm transformers onnx onnxscript
    nice -n 19 python3 scripts/check_onnx_exports.py --corpus --out /tmp/corpus --resume
"""
import argparse
import collections
import json
import math
import os
import re
import resource
import shutil
import signal
import subprocess
import sys
import time

import numpy as np
import onnx
import torch

# (source, model name, opset): opsets spread over the supported range 11 to 21.
MODELS = [
    ("torchvision", "resnet50", 17), ("torchvision", "mobilenet_v3_large", 17),
    ("torchvision", "efficientnet_b1", 17), ("torchvision", "regnet_x_400mf", 17),
    ("torchvision", "mnasnet1_0", 17), ("torchvision", "shufflenet_v2_x0_5", 17),
    ("torchvision", "squeezenet1_1", 17),
    ("timm", "mobilenetv3_large_100", 11), ("timm", "efficientnet_lite0", 13),
    ("timm", "resnet18", 16), ("timm", "rexnet_100", 18), ("timm", "mobilenetv2_100", 21),
]

# A child past this much address space fails with MemoryError instead of pushing the
# shared machine into swap or the OOM killer.
MEMORY_LIMIT = 16 << 30

# Corpus exporters: name -> opset for the TorchScript exporter, None for dynamo's default.
EXPORTERS = {"torchscript11": 11, "torchscript13": 13, "torchscript17": 17, "dynamo": None}
FLOAT_TYPES = {onnx.TensorProto.FLOAT, onnx.TensorProto.FLOAT16, onnx.TensorProto.BFLOAT16,
               onnx.TensorProto.DOUBLE}


def build(source, name):
    if source == "timm":
        import timm
        return timm.create_model(name, pretrained=False).eval()
    import torchvision
    return getattr(torchvision.models, name)().eval()


def hooked_macs(model, *inputs):
    """Conv2d and Linear mult-adds of one forward pass, from the modules' own outputs."""
    total = [0]

    def hook(module, _, output):
        if isinstance(module, torch.nn.Conv2d):
            kh, kw = module.kernel_size
            total[0] += output.numel() * (module.in_channels // module.groups) * kh * kw
        elif isinstance(module, torch.nn.Linear):
            total[0] += output.numel() * module.in_features

    handles = [m.register_forward_hook(hook) for m in model.modules()]
    with torch.no_grad():
        model(*inputs)
    for handle in handles:
        handle.remove()
    return total[0]


def check_twelve(args):
    failures = 0
    for source, name, opset in MODELS:
        model, x = build(source, name), torch.zeros(1, 3, 224, 224)
        macs = hooked_macs(model, x)
        path = os.path.join(args.out, f"{source}_{name}_opset{opset}.onnx")
        torch.onnx.export(model, x, path, opset_version=opset, dynamo=False)
        graph = onnx.load(path, load_external_data=False).graph
        params = sum(int(np.prod(t.dims)) for t in graph.initializer if t.data_type == onnx.TensorProto.FLOAT)

        result = subprocess.run([args.netcost, "report", path, "--format", "json"], capture_output=True, text=True)
        if result.returncode != 0:
            print(f"{source} {name}: exit {result.returncode}: {result.stderr.strip()}")
            failures += 1
            continue
        report = json.loads(result.stdout)
        counted = sum(layer["macs"] for layer in report["layers"]
                      if layer["op"] in ("conv2d", "conv_transpose2d", "linear", "matmul"))
        exact = counted == macs and report["totals"]["params"] == params
        failures += not exact
        print(f"{source:<11} {name:<22} opset {opset:<2}  params {report['totals']['params']:>11,} vs {params:>11,}"
              f"  macs {counted:>15,} vs {macs:>15,}  {'exact' if exact else 'DIFFERENT'}")
    return 1 if failures else 0


# ---------------------------------------------------------------------------------------
# The corpus: the parent process picks the model x exporter pairs to run and starts one
# child (--worker KEY) per model; the child builds the model once, counts it with PyTorch,
# then exports, measures and removes each file, appending one line per exporter.
# ---------------------------------------------------------------------------------------

def first_line(text):
    text = re.sub(r"\x1b\[[0-9;]*m", "", str(text)).strip()  # the dynamo exporter colours its messages
    return text.splitlines()[0][:300] if text else ""


def read_results(path):
    if not os.path.exists(path):
        return []
    with open(path) as f:
        return [json.loads(line) for line in f if line.strip()]


def append_result(path, record):
    with open(path, "a") as f:
        f.write(json.dumps(record) + "\n")


def run_corpus(args):
    from onnx_corpus_models import corpus
    results_path = os.path.join(args.out, "results.jsonl")
    logs = os.path.join(args.out, "logs")
    os.makedirs(logs, exist_ok=True)
    entries = [e for e in corpus() if re.search(args.only, e.key)] if args.only else corpus()
    if args.limit:
        entries = entries[:args.limit]
    selected = {(e.key, x) for e in entries for x in args.exporters}

    # Without --resume the selected pairs run again: their old lines go.
    records = read_results(results_path)
    if not args.resume:
        records = [r for r in records if (r["model"], r["exporter"]) not in selected]
        with open(results_path, "w") as f:
            f.writelines(json.dumps(r) + "\n" for r in records)
    done = {(r["model"], r["exporter"]) for r in records}

    for number, entry in enumerate(entries, 1):
        todo = [x for x in args.exporters if (entry.key, x) not in done]
        if not todo:
            continue
        print(f"[{number}/{len(entries)}] {entry.key}: {', '.join(todo)}", flush=True)
        command = [sys.executable, os.path.abspath(__file__), "--worker", entry.key,
                   "--exporters", ",".join(todo), "--out", args.out, "--netcost", args.netcost,
                   "--time-limit", str(args.time_limit)] + (["--keep"] if args.keep else [])
        # The child enforces the per-export limit itself; this one catches a child stuck
        # in C++ code, where its alarm cannot interrupt.
        budget = 300 + (args.time_limit + 200) * len(todo)
        log_path = os.path.join(logs, entry.key.replace("/", "_") + ".log")
        started = time.time()
        with open(log_path, "w") as log:
            child = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT,
                                     cwd=os.path.dirname(os.path.abspath(__file__)), preexec_fn=limit_memory)
            try:
                reason = f"worker exited with status {child.wait(timeout=budget)}"
            except subprocess.TimeoutExpired:
                child.kill()
                child.wait()
                reason = f"worker killed after {budget} s"
        # Pairs the child did not record (it crashed or was killed) are recorded here.
        recorded = {r["exporter"] for r in read_results(results_path) if r["model"] == entry.key}
        last = last_log_line(log_path)
        for exporter in todo:
            if exporter not in recorded:
                append_result(results_path, {"model": entry.key, "task": entry.task, "exporter": exporter,
                                             "status": "worker failed", "error": f"{reason}; log: {last}"})
        for record in read_results(results_path):
            if record["model"] == entry.key and record["exporter"] in todo:
                print("    " + one_line(record), flush=True)
        print(f"    {time.time() - started:.0f} s", flush=True)

    records = [r for r in read_results(results_path) if (r["model"], r["exporter"]) in selected]
    summarize(records, args.exporters)
    return 0


def limit_memory():
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))


def last_log_line(path):
    with open(path, errors="replace") as f:
        lines = [line.strip() for line in f if line.strip()]
    return lines[-1][:300] if lines else "(empty log)"


def one_line(r):
    if r["status"] != "exported":
        return f"{r['exporter']:<14} {r['status']}: {r.get('cause') or r.get('error')}"
    n = r["netcost"]
    if "params" not in n:
        return f"{r['exporter']:<14} netcost refused: {n['error']}"
    partial = f" partial ({', '.join(n['unsupported'])})" if n["partial"] else ""
    return (f"{r['exporter']:<14} params {n['params']:,} vs {r['file']['params']:,}"
            f" {'exact' if r['params_exact'] else 'DIFFERENT'}; macs {n['macs']:,} vs"
            f" {r['truth']['macs']:,} {'exact' if r['macs_exact'] else 'DIFFERENT'}{partial}")


# --- the child: one model, several exporters ---------------------------------------------

class ExportTimeout(Exception):
    pass


def run_worker(args):
    from onnx_corpus_models import corpus
    entry = next(e for e in corpus() if e.key == args.worker)
    results_path = os.path.join(args.out, "results.jsonl")
    torch.set_num_threads(1)
    torch.manual_seed(0)  # the same random weights and input on every run
    # nn.MultiheadAttention's no-grad fast path (aten::_native_multi_head_attention)
    # has neither a TorchScript ONNX symbolic nor a flop formula. An export with
    # gradients on, as users run it, never takes it; neither do we, under no_grad.
    torch.backends.mha.set_fastpath_enabled(False)

    base = {"model": entry.key, "task": entry.task}
    try:
        model, inputs = entry.build()
        truth = pytorch_truth(model, inputs)
    except Exception as error:  # a model that cannot be built or run here: data, not a bug
        for exporter in args.exporters:
            append_result(results_path, {**base, "exporter": exporter, "status": "build failed",
                                         "error": f"{type(error).__name__}: {first_line(error)}"})
        return 0
    base["input"] = describe_inputs(inputs)

    def on_alarm(*_):
        raise ExportTimeout(f"export took longer than {args.time_limit} s")
    signal.signal(signal.SIGALRM, on_alarm)

    for exporter in args.exporters:
        print(f"exporting {entry.key} with {exporter}", flush=True)
        folder = os.path.join(args.out, "exports", entry.key.replace("/", "_") + "." + exporter)
        shutil.rmtree(folder, ignore_errors=True)
        os.makedirs(folder)
        path = os.path.join(folder, "model.onnx")
        record = {**base, "exporter": exporter, "truth": truth}
        started = time.time()
        signal.alarm(args.time_limit)
        try:
            export(model, inputs, path, EXPORTERS[exporter])
            signal.alarm(0)
            record["export_seconds"] = round(time.time() - started, 1)
            record["status"] = "exported"
            record["file"] = file_facts(path, folder)
            record["netcost"] = ask_netcost(args.netcost, path)
            # Learned params are the float initializers but batch-norm statistics, which
            # are buffers; both must match.
            statistics = record["file"]["statistics"]
            record["params_exact"] = (record["netcost"].get("params") == record["file"]["params"] - statistics
                                      and record["netcost"].get("buffers", 0) == statistics)
            record["macs_exact"] = record["netcost"].get("macs") == truth["macs"]
        except Exception as error:
            signal.alarm(0)
            record["status"] = "timeout" if isinstance(error, ExportTimeout) else "export failed"
            record["export_seconds"] = round(time.time() - started, 1)
            record["error"] = f"{type(error).__name__}: {first_line(error)}"
            # The dynamo exporter wraps the real reason (a torch.export guard, a missing
            # translation) in a generic "Failed to export" error.
            cause = error
            while cause.__cause__ is not None:
                cause = cause.__cause__
            if cause is not error:
                record["cause"] = f"{type(cause).__name__}: {first_line(cause)}"
        if args.keep:
            record["path"] = path
        else:
            shutil.rmtree(folder, ignore_errors=True)
        append_result(results_path, record)
    return 0


def describe_inputs(inputs):
    """[[1, 3, 224, 224]] for a tensor; a list of tensors (detectors) as nested lists."""
    def shape(x):
        return list(x.shape) if isinstance(x, torch.Tensor) else [shape(item) for item in x]
    return [shape(x) for x in inputs]


def pytorch_truth(model, inputs):
    from torch.utils.flop_counter import FlopCounterMode, sdpa_flop_count

    # FlopCounterMode's table has the GPU attention kernels, not the CPU one that
    # F.scaled_dot_product_attention runs here; count it with torch's own formula.
    def attention(query_shape, key_shape, value_shape, *_, **__):
        return sdpa_flop_count(query_shape, key_shape, value_shape)
    # nn.LSTM runs on the CPU as aten.mkldnn_rnn_layer, one call per layer and direction,
    # which the table lacks too (it counted 0): 2 flops per weight of W_ih and W_hh per
    # step and sample, its input being [T, N, I].
    def rnn_layer(input_shape, input_weights, hidden_weights, *_, **__):
        return 2 * input_shape[0] * input_shape[1] * (math.prod(input_weights) + math.prod(hidden_weights))
    cpu_attention = {torch.ops.aten._scaled_dot_product_flash_attention_for_cpu: attention,
                     torch.ops.aten.mkldnn_rnn_layer: rnn_layer}
    # FlopCounterMode's module tracker fails on a view of a parameter taken under
    # no_grad (timm's class tokens in PiT, CaiT): the parameters need no gradients here.
    model.requires_grad_(False)
    with torch.no_grad(), FlopCounterMode(display=False, custom_mapping=cpu_attention) as counter:
        model(*inputs)
    flops = {str(op): n for op, n in counter.get_flop_counts().get("Global", {}).items()}
    return {"macs": counter.get_total_flops() // 2, "flops_by_op": flops,
            "hooked_macs": hooked_macs(model, *inputs),
            "torch_params": sum(p.numel() for p in model.parameters())}


def export(model, inputs, path, opset):
    with torch.no_grad():
        if opset is None:
            torch.onnx.export(model, inputs, path, dynamo=True, verbose=False)
        else:
            torch.onnx.export(model, inputs, path, opset_version=opset, dynamo=False)


def file_facts(path, folder):
    """What the file itself says: its float parameters, opset and op types."""
    model = onnx.load(path, load_external_data=False)
    graph = model.graph

    def elements(tensor):
        return int(np.prod(tensor.dims)) if tensor.data_type in FLOAT_TYPES else 0

    read = {name for node in graph.node for name in node.input}
    # Batch-norm running statistics: initializers read only as BatchNormalization's
    # mean and variance (inputs 3 and 4), which netcost counts as buffers, not params.
    # An exporter may share equal tensors through Identity nodes: follow them back.
    alias = {node.output[0]: node.input[0] for node in graph.node if node.op_type == "Identity" and node.input and node.output}

    def stored(name):
        for _ in range(64):
            if name not in alias:
                break
            name = alias[name]
        return name

    statistics_uses = {stored(name) for node in graph.node if node.op_type == "BatchNormalization" for name in node.input[3:5]}
    other_uses = {stored(name) for node in graph.node if node.op_type != "Identity" for position, name in enumerate(node.input)
                  if not (node.op_type == "BatchNormalization" and position in (3, 4))}
    constants = sum(elements(a.t) for node in graph.node if node.op_type == "Constant"
                    for a in node.attribute if a.name == "value")
    ops = collections.Counter(node.op_type if node.domain in ("", "ai.onnx") else f"{node.domain}.{node.op_type}"
                              for node in graph.node)
    opset = next((o.version for o in model.opset_import if o.domain in ("", "ai.onnx")), None)
    size = sum(os.path.getsize(os.path.join(folder, f)) for f in os.listdir(folder))
    return {"params": sum(elements(t) for t in graph.initializer),
            "unread_params": sum(elements(t) for t in graph.initializer if t.name not in read),
            "statistics": sum(elements(t) for t in graph.initializer if t.name in statistics_uses and t.name not in other_uses),
            "constant_params": constants,
            "opset": opset, "nodes": len(graph.node), "ops": dict(sorted(ops.items())),
            "functions": len(model.functions), "megabytes": round(size / 1e6, 1)}


def ask_netcost(netcost, path):
    started = time.time()
    try:
        result = subprocess.run([netcost, "report", path, "--format", "json"],
                                capture_output=True, text=True, timeout=300)
    except subprocess.TimeoutExpired:
        return {"exit": None, "error": "netcost took longer than 300 s"}
    answer = {"exit": result.returncode, "seconds": round(time.time() - started, 2)}
    try:
        report = json.loads(result.stdout)
    except json.JSONDecodeError:  # refused: no report, the reason on stderr
        errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
        answer["error"] = first_line(errors[0] if errors else result.stderr or f"exit {result.returncode}")
        return answer
    by_op = collections.Counter()
    for layer in report["layers"]:
        by_op[layer["op"]] += layer["macs"]
    answer.update(params=report["totals"]["params"], buffers=report["totals"]["buffers"],
                  macs=report["totals"]["macs"],
                  flops=report["totals"]["flops"], partial=report["partial"],
                  macs_by_op={op: n for op, n in sorted(by_op.items()) if n},
                  unsupported=unsupported_ops(report, result.stderr))
    return answer


def unsupported_ops(report, stderr):
    """{"Pad: mode reflect": 2, "PRelu": 1}: the uncounted ops, with netcost's reason
    when it gives one (its warning `Pad ×2 not counted: mode reflect (names)`)."""
    found = {}
    for line in stderr.splitlines():
        match = re.match(r"warning: (\S+) ×(\d+) not counted(?:: (.*?))? \(", line)
        if match:
            op, count, reason = match.groups()
            key = f"{op}: {reason}" if reason else op
            found[key] = found.get(key, 0) + int(count)
    if not found:  # the warnings' wording changed: fall back on the report's list
        found = dict(collections.Counter(layer["op"] for layer in report.get("unsupported", [])))
    return found


# --- the summary -------------------------------------------------------------------------

def pattern(message):
    """A message with its names, numbers and shapes blanked, so that alike ones group."""
    message = re.sub(r"^error: ", "", message)
    message = re.sub(r"^\S+\.onnx: ", "", message)
    message = re.sub(r'\b(layer|node|graph input|input|output|tensor|initializer) "[^"]*"', r'\1 "…"', message)
    message = re.sub(r"\[[-0-9, ]*\]", "[…]", message)
    message = re.sub(r"\d+", "N", message)
    return message[:140]


def summarize(records, exporters):
    print(f"\n{len({r['model'] for r in records})} models, {len(records)} model x exporter pairs")
    print("MACs exact: netcost's totals.macs equals FlopCounterMode's total FLOPs / 2. It counts")
    print("conv (any rank, transposed), mm, addmm, bmm, baddbmm and attention (two products per")
    print("query-key pair; the CPU attention kernel added with torch's own formula), as netcost")
    print("counts Conv, ConvTranspose, Gemm and MatMul. Nothing else counts on either side. A partial")
    print("import leaves its unsupported ops out, so it is rarely exact. Params exact: netcost's")
    print("totals.params equals the file's float initializer elements but the batch-norm running")
    print("statistics, and totals.buffers equals those statistics.\n")

    columns = ["pairs", "exported", "imported", "partial", "refused", "params exact", "MACs exact",
               "both, full import"]
    print(f"{'exporter':<14}" + "".join(f"{c:>{len(c) + 3}}" for c in columns))
    for exporter in exporters + ["all"]:
        rows = [r for r in records if exporter in ("all", r["exporter"])]
        exported = [r for r in rows if r["status"] == "exported"]
        reports = [r for r in exported if "params" in r["netcost"]]
        full = [r for r in reports if not r["netcost"]["partial"]]
        counts = [len(rows), len(exported), len(full), len(reports) - len(full), len(exported) - len(reports),
                  sum(r["params_exact"] for r in reports), sum(r["macs_exact"] for r in reports),
                  sum(r["params_exact"] and r["macs_exact"] for r in full)]
        print(f"{exporter:<14}" + "".join(f"{n:>{len(c) + 3}}" for c, n in zip(columns, counts)))

    def table(title, groups):
        if not groups:
            return
        print(f"\n{title}")
        for reason, rows in sorted(groups.items(), key=lambda item: -len(item[1])):
            by_exporter = collections.Counter(r["exporter"] for r in rows)
            models = sorted({r["model"].split("/")[1] for r in rows})
            print(f"  {len(rows):>4}  {reason}")
            print(f"        {', '.join(f'{x} {n}' for x, n in sorted(by_exporter.items()))};"
                  f" {len(models)} models: {', '.join(models[:4])}{', …' if len(models) > 4 else ''}")

    groups = collections.defaultdict(list)
    for r in records:
        if r["status"] != "exported":
            groups[f"{r['status']}: {pattern(r.get('cause') or r.get('error', ''))}"].append(r)
    table("Not exported (by exception; a dynamo failure by its root cause):", groups)

    groups = collections.defaultdict(list)
    for r in records:
        if r["status"] == "exported" and "params" not in r["netcost"]:
            groups[pattern(r["netcost"]["error"])].append(r)
    table("Refused by netcost (by error message, names and numbers blanked):", groups)

    groups = collections.defaultdict(list)
    for r in records:
        if r["status"] == "exported" and r["netcost"].get("partial"):
            for op in r["netcost"]["unsupported"]:
                groups[op].append(r)
    table("Partial imports (by unsupported op; a file with several counts under each):", groups)

    groups = collections.defaultdict(list)
    for r in records:
        if r["status"] == "exported" and "params" in r["netcost"] and not r["netcost"]["partial"]:
            if not r["params_exact"]:
                # netcost counts batch-norm statistics as buffers unless shared with a learned tensor
                n = r["netcost"]
                buffers = n.get("buffers") and n["params"] + n["buffers"] == r["file"]["params"]
                groups["params differ by netcost's buffers (params + buffers exact)" if buffers
                       else "params differ"].append(r)
            if not r["macs_exact"]:
                missing = r["truth"]["macs"] - r["netcost"]["macs"]
                groups[f"MACs {'below' if missing > 0 else 'above'} FlopCounterMode"].append(r)
    table("Full imports that differ:", groups)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--netcost", default=".build/release/netcost")
    parser.add_argument("--out", default="/tmp/netcost-exports")
    parser.add_argument("--corpus", action="store_true", help="run the corpus, not the twelve models")
    parser.add_argument("--only", help="corpus entries whose key (source/name) matches this regex")
    parser.add_argument("--exporters", default=",".join(EXPORTERS),
                        help=f"comma-separated, of {', '.join(EXPORTERS)}")
    parser.add_argument("--keep", action="store_true", help="keep the exported files")
    parser.add_argument("--resume", action="store_true", help="skip pairs already in results.jsonl")
    parser.add_argument("--limit", type=int, help="the first N selected models")
    parser.add_argument("--time-limit", type=int, default=300, help="seconds per export")
    parser.add_argument("--worker", help=argparse.SUPPRESS)  # the child for one model
    args = parser.parse_args()
    args.exporters = args.exporters.split(",")
    unknown = set(args.exporters) - set(EXPORTERS)
    if unknown:
        parser.error(f"unknown exporters {sorted(unknown)}; known: {', '.join(EXPORTERS)}")
    os.makedirs(args.out, exist_ok=True)
    args.netcost = os.path.abspath(args.netcost)
    if args.worker:
        return run_worker(args)
    if args.corpus:
        return run_corpus(args)
    return check_twelve(args)


if __name__ == "__main__":
    sys.exit(main())
