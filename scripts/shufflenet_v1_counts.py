#!/usr/bin/env python3
"""ShuffleNet 2x (g = 3) in PyTorch, as Megvii's reference ShuffleNetV1 builds it (written
anew from the paper's Table 1 and Section 3.3): parameters, batch-norm buffers and
FlopCounterMode's multiply-adds at 224x224, the truth specs/shufflenet_v1_2x_g3.json is
checked against (Tests/NetCostTests/PublishedCountsTests.swift).

    pip install torch
    python3 scripts/shufflenet_v1_counts.py
"""
import torch
from torch import nn
from torch.utils.flop_counter import FlopCounterMode


def shuffle(x, groups):
    n, c, h, w = x.shape
    return x.view(n, groups, c // groups, h, w).transpose(1, 2).reshape(n, c, h, w)


class Unit(nn.Module):
    def __init__(self, inp, out, groups, stride, first):
        super().__init__()
        mid = out // 4
        self.stride, self.groups = stride, groups
        branch = out - inp if stride == 2 else out
        self.reduce = nn.Sequential(nn.Conv2d(inp, mid, 1, groups=1 if first else groups, bias=False), nn.BatchNorm2d(mid), nn.ReLU())
        self.rest = nn.Sequential(nn.Conv2d(mid, mid, 3, stride, 1, groups=mid, bias=False), nn.BatchNorm2d(mid),
                                  nn.Conv2d(mid, branch, 1, groups=groups, bias=False), nn.BatchNorm2d(branch))
        self.shortcut = nn.AvgPool2d(3, 2, 1) if stride == 2 else None

    def forward(self, x):
        y = self.rest(shuffle(self.reduce(x), self.groups))
        if self.stride == 2:
            return torch.cat((self.shortcut(x), torch.relu(y)), 1)
        return torch.relu(x + y)


def shufflenet_v1_2x_g3():
    channels, repeats = [48, 480, 960, 1920], [4, 8, 4]
    layers = [nn.Conv2d(3, 48, 3, 2, 1, bias=False), nn.BatchNorm2d(48), nn.ReLU(), nn.MaxPool2d(3, 2, 1)]
    inp = channels[0]
    for stage, (out, n) in enumerate(zip(channels[1:], repeats)):
        for i in range(n):
            layers.append(Unit(inp, out, 3, 2 if i == 0 else 1, first=stage == 0 and i == 0))
            inp = out
    return nn.Sequential(*layers, nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(inp, 1000, bias=False))


model = shufflenet_v1_2x_g3().eval()
params = sum(p.numel() for p in model.parameters())
buffers = sum(b.numel() for name, b in model.named_buffers() if not name.endswith("num_batches_tracked"))
with FlopCounterMode(display=False) as counter:
    model(torch.zeros(1, 3, 224, 224))
print(f"params {params}, buffers {buffers}, macs {counter.get_total_flops() // 2} (torch {torch.__version__})")
