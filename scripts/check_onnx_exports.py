#!/usr/bin/env python3
"""Exports torchvision and timm models to ONNX and checks `netcost report` on each
against PyTorch: conv+linear mult-adds counted by forward hooks, and params as the float
initializer elements the export stores (each stored tensor once, as in truth.json).

Not part of `swift test`: it needs torch, and the exports keep their weights (resnet50's
is 100 MB), which also shows that netcost reads such files without loading the weights.

    swift build -c release --product netcost
    pip install torch torchvision timm onnx
    python3 scripts/check_onnx_exports.py [--out /tmp/netcost-exports]
"""
import argparse
import json
import os
import subprocess
import sys

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


def build(source, name):
    if source == "timm":
        import timm
        return timm.create_model(name, pretrained=False).eval()
    import torchvision
    return getattr(torchvision.models, name)().eval()


def hooked_macs(model, x):
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
        model(x)
    for handle in handles:
        handle.remove()
    return total[0]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--netcost", default=".build/release/netcost")
    parser.add_argument("--out", default="/tmp/netcost-exports")
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)

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


if __name__ == "__main__":
    sys.exit(main())
