#!/usr/bin/env python3
"""Ground-truth FLOP/MAC numbers from popular counters for torchvision models.

Usage:
  make_truth.py                      # driver: every model, every tool, each in a subprocess
  make_truth.py --models a,b         # driver restricted to some models
  make_truth.py --one MODEL TOOL     # worker: run one tool on one model, merge into MODEL.json

Each (model, tool) pair runs in its own subprocess with a timeout; results are merged into
$CORPUS_DIR/<model>.json (default ./conventions_truth) after every tool, so partial progress survives.
Tests/NetCostTests/Fixtures/counter_totals.json keeps the totals of summary.json that
`netcost report --convention NAME` is tested against (docs/conventions.md).
All counts are stored as exact ints (floats only if a tool returns a non-integral value).
"""
import argparse
import io
import json
import os
import subprocess
import sys
import time
import traceback
import warnings

OUT = os.path.abspath(os.environ.get("CORPUS_DIR", "conventions_truth"))

MODELS = [
    "alexnet", "vgg16", "resnet18", "resnet50", "squeezenet1_0", "squeezenet1_1",
    "mobilenet_v2", "shufflenet_v2_x0_5", "shufflenet_v2_x1_0", "shufflenet_v2_x1_5",
    "shufflenet_v2_x2_0",
    "efficientnet_b0", "efficientnet_b1", "efficientnet_b2", "efficientnet_b3",
    "efficientnet_b4", "efficientnet_b5", "efficientnet_b6", "efficientnet_b7",
    "mobilenet_v3_small", "mobilenet_v3_large", "mnasnet1_0", "regnet_x_400mf",
    "densenet121", "googlenet", "convnext_tiny", "vit_b_16",
]
RES = {"efficientnet_b1": 240, "efficientnet_b2": 260, "efficientnet_b3": 300,
       "efficientnet_b4": 380, "efficientnet_b5": 456, "efficientnet_b6": 528,
       "efficientnet_b7": 600}
TOOLS = ["meta", "ptflops", "ptflops_aten", "fvcore", "thop", "flopcounter", "torchinfo"]
TIMEOUT = int(os.environ.get("TRUTH_TIMEOUT", "900"))


def res_of(name):
    return RES.get(name, 224)


def num(v):
    """Exact int if integral, else float."""
    try:
        import torch
        if isinstance(v, torch.Tensor):
            v = v.item()
    except Exception:
        pass
    if isinstance(v, bool):
        return int(v)
    if isinstance(v, int):
        return v
    v = float(v)
    return int(v) if v.is_integer() else v


def versions():
    from importlib.metadata import version, PackageNotFoundError
    out = {}
    for k in ["torch", "torchvision", "ptflops", "fvcore", "thop", "torchinfo"]:
        pkg = {"thop": "thop"}.get(k, k)
        try:
            out[k] = version(pkg)
        except PackageNotFoundError:
            out[k] = None
    return out


def build(name):
    import torch
    import torchvision
    torch.manual_seed(0)
    kw = {}
    if name == "googlenet":
        kw = dict(aux_logits=False, init_weights=False)
    m = torchvision.models.get_model(name, weights=None, **kw)
    m.eval()
    return m


def make_input(name):
    import torch
    torch.manual_seed(1)
    r = res_of(name)
    return torch.randn(1, 3, r, r)


def leaf_names(model):
    return [n for n, m in model.named_modules() if not any(True for _ in m.children())]


# ---------------------------------------------------------------- tools

def t_meta(name):
    import torchvision
    try:
        w = torchvision.models.get_model_weights(name).DEFAULT
    except Exception as e:
        return {"ops_gflops": None, "num_params": None, "error": repr(e)}
    meta = w.meta
    return {"ops_gflops": meta.get("_ops"), "num_params": meta.get("num_params"),
            "weights": str(w), "file_size_mb": meta.get("_file_size"),
            "min_size": list(meta["min_size"]) if "min_size" in meta else None,
            "transforms_crop": getattr(w.transforms(), "crop_size", None)}


def t_ptflops(name):
    import ptflops
    from ptflops import pytorch_engine as pe
    model = build(name)
    r = res_of(name)
    captured = {}

    def capture(model_, total_flops, total_params, **kw):
        # called inside get_flops_pytorch before hooks/variables are removed
        bc = model_.__batch_counter__
        per = {}
        mods = dict(model_.named_modules())

        def walk(prefix, m):
            if pe.is_supported_instance(m):
                per[prefix] = num(m.__flops__ / bc if bc != 1 else m.__flops__)
            else:
                for n, c in m.named_children():
                    walk(f"{prefix}.{n}" if prefix else n, c)
        walk("", model_)
        # also every supported module, even those nested in a supported parent
        allsup = {n: num(m.__flops__) for n, m in mods.items()
                  if pe.is_supported_instance(m) and hasattr(m, "__flops__")}
        captured["per_module"] = per
        captured["all_supported"] = allsup
        captured["batch_counter"] = bc
        captured["unsupported_leaf_types"] = sorted({type(m).__name__ for m in mods.values()
                                                     if not any(True for _ in m.children())
                                                     and not pe.is_supported_instance(m)})

    orig = pe.print_model_with_flops
    pe.print_model_with_flops = capture
    try:
        macs, params = ptflops.get_model_complexity_info(
            model, (3, r, r), as_strings=False, backend="pytorch",
            print_per_layer_stat=True, ost=io.StringIO())
    finally:
        pe.print_model_with_flops = orig
    per = captured.get("per_module", {})
    out = {"macs": num(macs) if macs is not None else None, "params": num(params) if params is not None else None,
           "per_module": per}
    if macs is not None:
        out["module_sum"] = sum(per.values())
        out["functional_and_tensor_ops"] = num(macs) - out["module_sum"]
    nested = {k: v for k, v in captured.get("all_supported", {}).items() if k not in per}
    if nested:
        out["nested_supported_not_in_total"] = nested
    out["unsupported_leaf_types"] = captured.get("unsupported_leaf_types")
    # cross-check with the plain call requested in the brief (print_per_layer_stat=False)
    model2 = build(name)
    macs2, params2 = ptflops.get_model_complexity_info(
        model2, (3, r, r), as_strings=False, backend="pytorch", print_per_layer_stat=False)
    out["plain_call"] = {"macs": num(macs2) if macs2 is not None else None,
                         "params": num(params2) if params2 is not None else None}
    return out


def t_ptflops_aten(name):
    import ptflops
    from ptflops import aten_engine as ae
    model = build(name)
    r = res_of(name)
    holder = {}
    Base = ae.FlopCounterMode

    class Capturing(Base):
        def __init__(self, *a, **k):
            super().__init__(*a, **k)
            holder["c"] = self

    ae.FlopCounterMode = Capturing
    try:
        macs, params = ptflops.get_model_complexity_info(
            model, (3, r, r), as_strings=False, backend="aten",
            print_per_layer_stat=False)
    finally:
        ae.FlopCounterMode = Base
    out = {"macs": num(macs) if macs is not None else None,
           "params": num(params) if params is not None else None}
    c = holder.get("c")
    if c is not None:
        fc = c.flop_counts
        out["by_operator"] = {str(k): num(v) for k, v in fc.get("Global", {}).items()}
        out["per_top_module"] = {mod: {str(k): num(v) for k, v in d.items()}
                                 for mod, d in fc.items() if mod != "Global"}
    return out


def t_fvcore(name):
    from fvcore.nn import FlopCountAnalysis
    model = build(name)
    x = make_input(name)
    fa = FlopCountAnalysis(model, x)
    fa.unsupported_ops_warnings(False).uncalled_modules_warnings(False).tracer_warnings("none")
    total = fa.total()
    bm = fa.by_module()
    leaves = leaf_names(model)
    return {"total": num(total),
            "by_module": {n: num(bm.get(n, 0)) for n in leaves},
            "by_operator": {k: num(v) for k, v in fa.by_operator().items()},
            "unsupported": {k: int(v) for k, v in fa.unsupported_ops().items()},
            "uncalled_modules": sorted(fa.uncalled_modules())}


def t_thop(name):
    import thop
    model = build(name)
    x = make_input(name)
    ops, params, tree = thop.profile(model, inputs=(x,), verbose=False, ret_layer_info=True)
    per = {}

    def flat(prefix, d):
        for n, (o, p, sub) in d.items():
            full = f"{prefix}.{n}" if prefix else n
            if sub:
                flat(full, sub)
            else:
                per[full] = num(o)
    flat("", tree)
    return {"ops": num(ops), "params": num(params), "per_module": per}


def t_flopcounter(name):
    import torch
    from torch.utils.flop_counter import FlopCounterMode
    out = {}
    # forward only, no grad
    model = build(name)
    x = make_input(name)
    with torch.no_grad():
        fcm = FlopCounterMode(display=False)
        with fcm:
            model(x)
    out["forward"] = num(fcm.get_total_flops())
    out["per_module_forward"] = {mod: {str(k): num(v) for k, v in d.items()}
                                 for mod, d in fcm.get_flop_counts().items()}
    # forward + backward, eval mode, params require grad
    for label, xg in (("input_no_grad", False), ("input_grad", True)):
        model = build(name)
        for p in model.parameters():
            p.requires_grad_(True)
        x = make_input(name).requires_grad_(xg)
        f1 = FlopCounterMode(display=False)
        with f1:
            y = model(x)
        f2 = FlopCounterMode(display=False)
        with f2:
            y.sum().backward()
        out["backward_" + label] = num(f2.get_total_flops())
        out["forward_with_grad_" + label] = num(f1.get_total_flops())
        out["backward_by_operator_" + label] = {
            str(k): num(v) for k, v in f2.get_flop_counts().get("Global", {}).items()}
        del y, x, model
    out["by_operator_forward"] = out["per_module_forward"].get("Global", {})
    return out


def t_torchinfo(name):
    import torchinfo
    model = build(name)
    r = res_of(name)
    s = torchinfo.summary(model, input_size=(1, 3, r, r), verbose=0)
    names = {id(m): n for n, m in model.named_modules()}
    rows = []
    for li in s.summary_list:
        rows.append({"name": names.get(id(li.module), None),
                     "var_name": li.var_name, "depth": li.depth, "depth_index": li.depth_index,
                     "class": li.class_name, "macs": num(li.macs), "params": num(li.num_params),
                     "trainable_params": num(li.trainable_params),
                     "is_leaf": bool(li.is_leaf_layer), "is_recursive": bool(li.is_recursive),
                     "output_size": list(li.output_size) if li.output_size is not None else None})
    return {"mult_adds": num(s.total_mult_adds), "params": num(s.total_params),
            "trainable_params": num(s.trainable_params), "per_layer": rows}


TOOLFN = {"meta": t_meta, "ptflops": t_ptflops, "ptflops_aten": t_ptflops_aten,
          "fvcore": t_fvcore, "thop": t_thop, "flopcounter": t_flopcounter,
          "torchinfo": t_torchinfo}
KEY = {"meta": "torchvision"}


# ---------------------------------------------------------------- io

def path_of(name):
    return os.path.join(OUT, f"{name}.json")


def load(name):
    p = path_of(name)
    if os.path.exists(p):
        with open(p) as f:
            return json.load(f)
    return {"model": name, "resolution": res_of(name)}


def save(name, d):
    p = path_of(name)
    tmp = p + ".tmp"
    with open(tmp, "w") as f:
        json.dump(d, f, indent=1)
    os.replace(tmp, p)


def worker(name, tool):
    import torch
    torch.set_num_threads(int(os.environ.get("TRUTH_THREADS", "2")))
    warnings.filterwarnings("ignore")
    t0 = time.time()
    try:
        res = TOOLFN[tool](name)
        err = None
    except Exception as e:
        res = None
        err = "".join(traceback.format_exception_only(type(e), e)).strip()
        traceback.print_exc()
    dt = time.time() - t0
    d = load(name)
    d["model"] = name
    d["resolution"] = res_of(name)
    d["versions"] = versions()
    d.setdefault("errors", {})
    d.setdefault("seconds", {})
    d["seconds"][tool] = round(dt, 2)
    if err:
        d["errors"][tool] = err
        d.setdefault(KEY.get(tool, tool), None)
    else:
        d["errors"].pop(tool, None)
        d[KEY.get(tool, tool)] = res
    save(name, d)
    return 0 if err is None else 1


def record_failure(name, tool, msg, dt):
    d = load(name)
    d["model"] = name
    d["resolution"] = res_of(name)
    d["versions"] = versions()
    d.setdefault("errors", {})[tool] = msg
    d.setdefault("seconds", {})[tool] = round(dt, 2)
    d.setdefault(KEY.get(tool, tool), None)
    save(name, d)


def summary():
    rows = []
    for name in MODELS:
        p = path_of(name)
        if not os.path.exists(p):
            rows.append({"model": name, "missing": True})
            continue
        d = json.load(open(p))
        g = lambda k, f: (d.get(k) or {}).get(f)
        rows.append({
            "model": name, "resolution": d.get("resolution"),
            "ptflops_macs": g("ptflops", "macs"), "ptflops_params": g("ptflops", "params"),
            "ptflops_aten_macs": g("ptflops_aten", "macs"),
            "fvcore_total": g("fvcore", "total"),
            "fvcore_unsupported": g("fvcore", "unsupported"),
            "thop_ops": g("thop", "ops"), "thop_params": g("thop", "params"),
            "flopcounter_forward": g("flopcounter", "forward"),
            "flopcounter_backward_input_no_grad": g("flopcounter", "backward_input_no_grad"),
            "flopcounter_backward_input_grad": g("flopcounter", "backward_input_grad"),
            "torchinfo_mult_adds": g("torchinfo", "mult_adds"),
            "torchinfo_params": g("torchinfo", "params"),
            "torchvision_ops_gflops": g("torchvision", "ops_gflops"),
            "torchvision_num_params": g("torchvision", "num_params"),
            "errors": d.get("errors") or {},
            "seconds": d.get("seconds") or {},
        })
    out = {"versions": versions(), "models": rows}
    with open(os.path.join(OUT, "summary.json.tmp"), "w") as f:
        json.dump(out, f, indent=1)
    os.replace(os.path.join(OUT, "summary.json.tmp"), os.path.join(OUT, "summary.json"))


def driver(models, tools, skip_done):
    for name in models:
        for tool in tools:
            if skip_done:
                d = load(name)
                if d.get(KEY.get(tool, tool)) is not None and tool not in (d.get("errors") or {}):
                    continue
            t0 = time.time()
            log = open(os.path.join(OUT, "logs", f"{name}.{tool}.log"), "w")
            try:
                rc = subprocess.run([sys.executable, os.path.abspath(__file__), "--one", name, tool],
                                    stdout=log, stderr=subprocess.STDOUT, timeout=TIMEOUT).returncode
                msg = None if rc == 0 else f"exit {rc}"
            except subprocess.TimeoutExpired:
                rc, msg = -1, f"timeout after {TIMEOUT}s"
                record_failure(name, tool, msg, time.time() - t0)
            log.close()
            if rc not in (0, 1) and msg and not msg.startswith("timeout"):
                d = load(name)
                if tool not in (d.get("errors") or {}) and d.get(KEY.get(tool, tool)) is None:
                    record_failure(name, tool, f"subprocess {msg}", time.time() - t0)
            print(f"{name:22s} {tool:13s} rc={rc} {time.time() - t0:7.1f}s", flush=True)
            summary()
    summary()


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--one", nargs=2, metavar=("MODEL", "TOOL"))
    ap.add_argument("--models", default=",".join(MODELS))
    ap.add_argument("--tools", default=",".join(TOOLS))
    ap.add_argument("--skip-done", action="store_true")
    ap.add_argument("--summary", action="store_true")
    a = ap.parse_args()
    os.makedirs(os.path.join(OUT, "logs"), exist_ok=True)
    if a.one:
        sys.exit(worker(*a.one))
    if a.summary:
        summary()
        sys.exit(0)
    driver(a.models.split(","), a.tools.split(","), a.skip_done)
