#!/usr/bin/env python3
"""Counts of torchvision's RetinaNet (ResNet-50 FPN) and the same detector on ResNet-18
with 2 classes, written to Tests/NetCostTests/Fixtures/retinanet.json for the tests of
specs/retinanet_resnet50_fpn.json and specs/retinanet_resnet18_fpn.json.

Needs torch and torchvision (random weights: weights=None, weights_backbone=None).
MACs are torch.utils.flop_counter.FlopCounterMode's FLOPs / 2 at a 512x512 input, for
the backbone with the FPN and for the heads separately; post-processing (anchors,
decoding, NMS) and the input transform are left out, as netcost leaves them out.
Buffers are batch norm's running mean and variance (num_batches_tracked left out)."""
import json, pathlib
import torch
from torch import nn
from torch.utils.flop_counter import FlopCounterMode
from torchvision.models import resnet18
from torchvision.models.detection import retinanet_resnet50_fpn
from torchvision.models.detection.retinanet import RetinaNet
from torchvision.models.detection.backbone_utils import _resnet_fpn_extractor
from torchvision.ops.feature_pyramid_network import LastLevelP6P7

RESOLUTION = 512


def counts(model):
    model.eval()
    x = torch.randn(1, 3, RESOLUTION, RESOLUTION)
    with torch.no_grad():
        with FlopCounterMode(display=False) as backbone_counter:
            features = model.backbone(x)
        levels = list(features.values())
        with FlopCounterMode(display=False) as head_counter:
            model.head(levels)
    buffers = sum(b.numel() for name, b in model.named_buffers() if not name.endswith("num_batches_tracked"))
    return {
        "params": sum(p.numel() for p in model.parameters()),
        "buffers": buffers,
        "input": [3, RESOLUTION, RESOLUTION],
        "backbone_fpn_macs": backbone_counter.get_total_flops() // 2,
        "head_macs": head_counter.get_total_flops() // 2,
        "levels": [list(level.shape[1:]) for level in levels],
    }


def main():
    torch.manual_seed(0)
    r50 = retinanet_resnet50_fpn(weights=None, weights_backbone=None)
    backbone = _resnet_fpn_extractor(resnet18(norm_layer=nn.BatchNorm2d), 5, returned_layers=[2, 3, 4],
                                     extra_blocks=LastLevelP6P7(256, 256))
    r18 = RetinaNet(backbone, num_classes=2)
    out = {
        "source": "scripts/detector_counts.py, torch %s, torchvision %s" % (torch.__version__, __import__("torchvision").__version__),
        "retinanet_resnet50_fpn": counts(r50),
        "retinanet_resnet18_fpn": counts(r18),
    }
    path = pathlib.Path(__file__).resolve().parent.parent / "Tests/NetCostTests/Fixtures/retinanet.json"
    path.write_text(json.dumps(out, indent=2) + "\n")
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
