"""A tiny PyTorch model whose layers are called every way a counter can see or miss them
(a leaf module, a GELU module that calls the patched `F.gelu`, a function call inside a block, a function call in the model's own
forward, a tensor method), exported with batch norm kept, and the totals ptflops, fvcore,
thop, torchinfo and FlopCounterMode print for it:
Tests/ONNXTests/Fixtures/conventions/conventions_tiny.onnx and .json.

    /root/venv/bin/python scripts/make_convention_fixture.py Tests/ONNXTests/Fixtures/conventions

With `--convnext DIR`, a small torchvision ConvNeXt instead (convnext_small.onnx and .json),
whose LayerNorm2d thop and ptflops do not see.
"""
import contextlib
import io
import json
import sys

import torch
import torch.nn as nn
import torch.nn.functional as F


class Block(nn.Module):
    """A container: its conv and norm are modules, its ReLU a function call."""

    def __init__(self, channels):
        super().__init__()
        self.conv = nn.Conv2d(channels, channels, 3, padding=1, bias=True)
        self.bn = nn.BatchNorm2d(channels)

    def forward(self, x):
        return F.relu(self.bn(self.conv(x)))


class Tiny(nn.Module):
    def __init__(self):
        super().__init__()
        self.stem = nn.Conv2d(3, 8, 3, stride=2, padding=1, bias=False)
        self.bn = nn.BatchNorm2d(8)
        self.relu = nn.ReLU(inplace=True)
        self.pool = nn.MaxPool2d(2)
        self.block = Block(8)
        self.gelu = nn.GELU()
        self.head = nn.Conv2d(8, 16, 1)
        self.fc = nn.Linear(16, 10)
        # Distinct statistics, so that the export keeps each norm's tensors apart.
        for norm in (self.bn, self.block.bn):
            for tensor in (norm.weight, norm.bias, norm.running_mean, norm.running_var):
                tensor.data.uniform_(0.5, 1.5)

    def forward(self, x):
        x = self.pool(self.relu(self.bn(self.stem(x))))
        x = self.gelu(self.block(x))
        h = self.head(x)
        y = F.adaptive_avg_pool2d(h, 1).flatten(1)
        z = h.mean([2, 3])
        return self.fc(y + z)


def counter_totals(build, x):
    """What each counter prints for a fresh `build()` on input `x`."""
    shape = tuple(x.shape[1:])
    totals = {}
    from ptflops import get_model_complexity_info
    with contextlib.redirect_stdout(io.StringIO()):
        totals["ptflops"] = get_model_complexity_info(build(), shape, as_strings=False, print_per_layer_stat=False)[0]
        totals["ptflops-aten"] = get_model_complexity_info(build(), shape, as_strings=False, print_per_layer_stat=False, backend="aten")[0]
    from fvcore.nn import FlopCountAnalysis
    analysis = FlopCountAnalysis(build(), x)
    analysis.unsupported_ops_warnings(False)
    totals["fvcore"] = analysis.total()
    import thop
    with contextlib.redirect_stdout(io.StringIO()):
        totals["thop"] = int(thop.profile(build(), inputs=(x,), verbose=False)[0])
    import torchinfo
    totals["torchinfo"] = torchinfo.summary(build(), input_size=tuple(x.shape), verbose=0).total_mult_adds
    from torch.utils.flop_counter import FlopCounterMode
    counter = FlopCounterMode(display=False)
    with counter:
        build()(x)
    totals["flopcounter"] = counter.get_total_flops()
    return totals


def small_convnext():
    """torchvision's ConvNeXt at two small stages: its LayerNorm2d (a subclass of
    nn.LayerNorm that permutes around F.layer_norm) in the stem, the downsampling and the
    classifier, and nn.LayerNorm inside each block."""
    from torchvision.models.convnext import ConvNeXt, CNBlockConfig
    torch.manual_seed(0)
    return ConvNeXt([CNBlockConfig(8, 16, 1), CNBlockConfig(16, None, 1)], num_classes=10).eval()


def convnext_main(out):
    x = torch.randn(1, 3, 32, 32)
    torch.onnx.export(small_convnext(), x, f"{out}/convnext_small.onnx", opset_version=17, do_constant_folding=False,
                      training=torch.onnx.TrainingMode.PRESERVE, dynamo=False)
    totals = counter_totals(small_convnext, x)
    json.dump({"torch": torch.__version__, "totals": totals}, open(f"{out}/convnext_small.json", "w"), indent=1)
    print(totals)


def small_vit():
    """torchvision's VisionTransformer at two small blocks: nn.MultiheadAttention, which
    each counter sees its own way."""
    from torchvision.models.vision_transformer import VisionTransformer
    torch.manual_seed(0)
    return VisionTransformer(image_size=32, patch_size=8, num_layers=2, num_heads=2, hidden_dim=16, mlp_dim=32, num_classes=10).eval()


def vit_main(out):
    x = torch.randn(1, 3, 32, 32)
    torch.onnx.export(small_vit(), x, f"{out}/vit_small.onnx", opset_version=17, do_constant_folding=False,
                      training=torch.onnx.TrainingMode.PRESERVE, dynamo=False)
    totals = counter_totals(small_vit, x)
    from torch.utils.flop_counter import FlopCounterMode
    # For inference, as it is measured: without gradients PyTorch runs the attention fused.
    counter = FlopCounterMode(display=False)
    with counter, torch.no_grad():
        small_vit()(x)
    totals["flopcounter"] = counter.get_total_flops()
    # A training step: the weights need gradients, the image none.
    counter = FlopCounterMode(display=False)
    with counter:
        small_vit()(x)
    training_forward = counter.get_total_flops()
    counter = FlopCounterMode(display=False)
    with counter:
        small_vit()(x).sum().backward()
    training = {"forward_flops": training_forward, "backward_flops": counter.get_total_flops() - training_forward}
    json.dump({"torch": torch.__version__, "totals": totals, "flopcounter_training": training}, open(f"{out}/vit_small.json", "w"), indent=1)
    print(totals, training)


def main():
    if sys.argv[1] == "--convnext":
        return convnext_main(sys.argv[2])
    if sys.argv[1] == "--vit":
        return vit_main(sys.argv[2])
    out = sys.argv[1]
    torch.manual_seed(0)
    model = Tiny().eval()
    x = torch.randn(1, 3, 32, 32)
    torch.onnx.export(model, x, f"{out}/conventions_tiny.onnx", opset_version=17, do_constant_folding=False,
                      training=torch.onnx.TrainingMode.PRESERVE, dynamo=False)
    totals = {}
    from ptflops import get_model_complexity_info
    with contextlib.redirect_stdout(io.StringIO()):
        totals["ptflops"] = get_model_complexity_info(Tiny().eval(), (3, 32, 32), as_strings=False, print_per_layer_stat=False)[0]
        totals["ptflops-aten"] = get_model_complexity_info(Tiny().eval(), (3, 32, 32), as_strings=False, print_per_layer_stat=False, backend="aten")[0]
    from fvcore.nn import FlopCountAnalysis
    analysis = FlopCountAnalysis(Tiny().eval(), x)
    analysis.unsupported_ops_warnings(False)
    totals["fvcore"] = analysis.total()
    import thop
    with contextlib.redirect_stdout(io.StringIO()):
        totals["thop"] = int(thop.profile(Tiny().eval(), inputs=(x,), verbose=False)[0])
    import torchinfo
    totals["torchinfo"] = torchinfo.summary(Tiny().eval(), input_size=(1, 3, 32, 32), verbose=0).total_mult_adds
    from torch.utils.flop_counter import FlopCounterMode
    counter = FlopCounterMode(display=False)
    with counter:
        Tiny().eval()(x)
    totals["flopcounter"] = counter.get_total_flops()
    # A linear layer on [N, T, C] exported without constant folding: its weight reaches the
    # MatMul through a Transpose node.
    torch.onnx.export(nn.Linear(24, 40).eval(), torch.randn(1, 5, 24), f"{out}/linear_3d_unfolded.onnx", opset_version=17,
                      do_constant_folding=False, training=torch.onnx.TrainingMode.PRESERVE, dynamo=False)
    json.dump({"torch": torch.__version__, "totals": totals}, open(f"{out}/conventions_tiny.json", "w"), indent=1)
    print(totals)


if __name__ == "__main__":
    main()
