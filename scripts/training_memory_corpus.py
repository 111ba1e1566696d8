#!/usr/bin/env python
"""Build a corpus of "training memory" truths (bytes of tensors saved for backward)
plus training-mode ONNX exports.

Checked by scripts/check_training_corpus.py against `netcost memory --training`
(docs/memory.md). Output goes to $CORPUS_DIR (default ./corpus_train).

Usage:
  make_corpus.py                 # driver: runs every model in a subprocess, writes truth.json incrementally
  make_corpus.py --one SRC NAME  # worker: processes one model, prints a JSON result line
"""
import copy, json, os, subprocess, sys, time, traceback

OUT = os.path.abspath(os.environ.get("CORPUS_DIR", "corpus_train"))
os.makedirs(OUT, exist_ok=True)
PY = "/root/venv/bin/python"
TIMEOUT = 240  # seconds per model (truth + export)

TV = ["mobilenet_v3_small", "mobilenet_v3_large", "mnasnet0_5", "mnasnet1_0", "regnet_x_400mf",
      "regnet_y_400mf", "resnext50_32x4d", "wide_resnet50_2", "densenet121", "googlenet",
      "efficientnet_v2_s", "convnext_tiny", "shufflenet_v2_x1_0", "squeezenet1_1", "vgg11_bn",
      "swin_t", "vit_b_16", "maxvit_t"]
TIMM = ["resnet18", "resnet50d", "mobilenetv3_large_100", "mobilenetv2_100", "efficientnet_b0",
        "efficientnet_lite0", "ghostnet_100", "mixnet_s", "rexnet_100", "regnetx_002", "dla34",
        "hrnet_w18_small", "convnext_atto", "mobilevit_xxs", "mobilevitv2_050", "efficientformer_l1",
        "levit_128s", "deit_tiny_patch16_224", "vit_tiny_patch16_224", "poolformer_s12", "repvgg_a0",
        "cspdarknet53", "lcnet_050", "tinynet_a"]
# Resolution overrides (None -> model default)
RES_OVERRIDE = {}


def build(src, name):
    import torch
    if src == "torchvision":
        import torchvision.models as tvm
        if name == "googlenet":
            m = tvm.googlenet(weights=None, aux_logits=False, init_weights=False)
        else:
            m = tvm.get_model(name, weights=None)
        R = 224
        if name == "efficientnet_v2_s":
            R = 384  # torchvision default eval size for v2_s is 384; train size 300
        R = RES_OVERRIDE.get(name, R)
    else:
        import timm
        m = timm.create_model(name, pretrained=False)
        R = m.pretrained_cfg.get("input_size", (3, 224, 224))[-1]
        R = RES_OVERRIDE.get(name, R)
    return m, R


def measure(model, x, breakdown=False):
    import torch
    weights = {t.untyped_storage().data_ptr() for t in list(model.parameters()) + list(model.buffers())}
    storages = {}
    keep = []  # keep saved tensors alive so data_ptrs cannot be reused during the pass
    records = []
    stack = []
    handles = []
    if breakdown:
        names = {m: n for n, m in model.named_modules()}
        leaves = {m for m in names if len(list(m.children())) == 0}

        def pre(mod, inp):
            stack.append(mod)

        def post(mod, inp, out):
            if stack and stack[-1] is mod:
                stack.pop()
            elif mod in stack:
                while stack and stack.pop() is not mod:
                    pass

        for m in names:
            handles.append(m.register_forward_pre_hook(pre))
            handles.append(m.register_forward_hook(post))

    def pack(t):
        s = t.untyped_storage()
        p = s.data_ptr()
        keep.append(t)
        if p not in weights:
            new = p not in storages
            storages[p] = s.nbytes()
            if breakdown:
                cur = stack[-1] if stack else None
                records.append({
                    "module": names.get(cur, "<none>") if cur is not None else "<top>",
                    "module_type": type(cur).__name__ if cur is not None else None,
                    "is_leaf": (cur in leaves) if cur is not None else None,
                    "shape": list(t.shape), "dtype": str(t.dtype).replace("torch.", ""),
                    "storage_ptr": p, "storage_nbytes": s.nbytes(),
                    "tensor_nbytes": t.numel() * t.element_size(),
                    "new_storage": new,
                })
        return t

    with torch.autograd.graph.saved_tensors_hooks(pack, lambda t: t):
        out = model(x)
    for h in handles:
        h.remove()
    total = sum(storages.values())
    del out, keep
    return total, len(storages), records


def one(src, name):
    import torch
    torch.set_num_threads(2)
    res = {"name": name, "source": src}
    t0 = time.time()
    torch.manual_seed(0)
    model, R = build(src, name)
    res["resolution"] = R
    model.train()
    pristine = copy.deepcopy(model)  # for export (BN running stats get updated by the passes)
    saved = {}
    bd = None
    for b in (1, 2):
        torch.manual_seed(0)
        x = torch.randn(b, 3, R, R)
        total, n, recs = measure(model, x, breakdown=(b == 1))
        saved[str(b)] = total
        if b == 1:
            bd = {"name": name, "source": src, "resolution": R, "batch": 1, "saved_bytes": total,
                  "num_storages": n, "input_bytes": x.numel() * 4,
                  "param_bytes": sum(p.numel() * p.element_size() for p in model.parameters()),
                  "note": "module = innermost module whose forward was running (a leaf module when "
                          "inside a leaf; a container name for functional ops in its forward). "
                          "Records list every pack call; new_storage marks the first sighting of a "
                          "storage (sum storage_nbytes over new_storage==True == saved_bytes).",
                  "saved": recs}
    res["saved_bytes"] = saved
    res["truth_seconds"] = round(time.time() - t0, 1)
    with open(os.path.join(OUT, "breakdown", f"{name}.json"), "w") as f:
        json.dump(bd, f, indent=0)

    # ONNX export (training mode, static batch 1)
    t1 = time.time()
    path = os.path.join(OUT, "onnx", f"{name}.onnx")
    res["onnx"] = None
    res["opset"] = None
    errs = []
    for opset in (20, 17):
        try:
            m = copy.deepcopy(pristine).train()
            torch.manual_seed(0)
            torch.onnx.export(m, torch.randn(1, 3, R, R), path, opset_version=opset,
                              training=torch.onnx.TrainingMode.TRAINING,
                              do_constant_folding=False, dynamo=False)
            res["onnx"] = path
            res["opset"] = opset
            break
        except Exception as e:
            errs.append(f"opset {opset}: {type(e).__name__}: {str(e)[:300]}")
    if errs:
        res["export_errors"] = errs
    res["export_seconds"] = round(time.time() - t1, 1)
    print("RESULT " + json.dumps(res), flush=True)


def driver(only=None):
    truth_p = os.path.join(OUT, "truth.json")
    fail_p = os.path.join(OUT, "failures.json")
    truth = json.load(open(truth_p)) if os.path.exists(truth_p) else []
    fails = json.load(open(fail_p)) if os.path.exists(fail_p) else []
    done = {(t["source"], t["name"]) for t in truth}
    todo = [("torchvision", n) for n in TV] + [("timm", n) for n in TIMM]
    if only:
        todo = [t for t in todo if t[1] in only]
    for src, name in todo:
        if (src, name) in done:
            continue
        t0 = time.time()
        log = os.path.join(OUT, "logs", f"{name}.log")
        try:
            p = subprocess.run([PY, os.path.abspath(__file__), "--one", src, name],
                               capture_output=True, text=True, timeout=TIMEOUT)
            out, err, rc = p.stdout, p.stderr, p.returncode
        except subprocess.TimeoutExpired as e:
            out, err, rc = (e.stdout or b"").decode() if isinstance(e.stdout, bytes) else (e.stdout or ""), "TIMEOUT", -999
        with open(log, "w") as f:
            f.write(out + "\n---stderr---\n" + (err or ""))
        line = [l for l in out.splitlines() if l.startswith("RESULT ")]
        if line:
            r = json.loads(line[-1][7:])
            entry = {k: r[k] for k in ("name", "source", "resolution", "onnx", "saved_bytes", "opset")}
            if r.get("export_errors"):
                entry["export_errors"] = r["export_errors"]
            truth.append(entry)
            json.dump(truth, open(truth_p + ".tmp", "w"), indent=1)
            os.replace(truth_p + ".tmp", truth_p)
            print(f"OK   {src:11s} {name:24s} R={r['resolution']} b1={r['saved_bytes']['1']:>12d} "
                  f"b2={r['saved_bytes']['2']:>12d} opset={r['opset']} truth={r['truth_seconds']}s "
                  f"export={r['export_seconds']}s", flush=True)
        else:
            reason = "timeout" if rc == -999 else (err or "").strip().splitlines()[-1:] 
            fails = [f for f in fails if f["name"] != name] + [{"name": name, "source": src, "reason": str(reason), "rc": rc}]
            json.dump(fails, open(fail_p, "w"), indent=1)
            print(f"FAIL {src:11s} {name:24s} rc={rc} {reason}", flush=True)
        print(f"     ({time.time()-t0:.0f}s)", flush=True)


if __name__ == "__main__":
    if len(sys.argv) >= 4 and sys.argv[1] == "--one":
        one(sys.argv[2], sys.argv[3])
    else:
        driver(set(sys.argv[1:]) or None)
