"""Exports torchvision models to ONNX with batch norm kept as nodes (eval mode, no
constant folding), for checking `netcost report FILE.onnx --convention NAME` against the
counters' totals that scripts/counter_truth.py records.

    /root/venv/bin/python scripts/export_convention_corpus.py OUT_DIR model[:resolution] ...
"""
import sys

import torch
import torchvision


def main():
    out = sys.argv[1]
    for item in sys.argv[2:]:
        name, _, resolution = item.partition(":")
        resolution = int(resolution or 224)
        kwargs = {"aux_logits": False, "init_weights": False} if name == "googlenet" else {}
        model = getattr(torchvision.models, name)(**kwargs).eval()
        torch.onnx.export(model, torch.randn(1, 3, resolution, resolution), f"{out}/{name}.onnx", opset_version=17,
                          do_constant_folding=False, training=torch.onnx.TrainingMode.PRESERVE, dynamo=False)
        print(name, "exported", flush=True)


if __name__ == "__main__":
    main()
