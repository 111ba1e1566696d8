#!/usr/bin/env python3
"""Writes the PyTorch kernel fixtures that netcost adds to those of shared/fixtures/kernels,
in their format: the op, its attributes (axes count the batch as axis 0, as torch does),
the inputs, the parameters (none here), torch's output, and FlopCounterMode's total.

    pip install torch
    python3 scripts/make_kernel_fixtures.py            # writes Tests/Fixtures/kernels/*.json
"""
import json
import os

import torch
from torch.utils.flop_counter import FlopCounterMode

HERE = os.path.dirname(os.path.abspath(__file__))
DIRECTORY = os.path.join(HERE, "..", "Tests", "Fixtures", "kernels")


def reduce(mode, x, axes, keepdims):
    if mode == "mean":
        return torch.mean(x, dim=axes, keepdim=keepdims)
    if mode == "sum":
        return torch.sum(x, dim=axes, keepdim=keepdims)
    if mode == "max":
        return torch.amax(x, dim=axes, keepdim=keepdims)
    if mode == "min":
        return torch.amin(x, dim=axes, keepdim=keepdims)
    return torch.linalg.vector_norm(x, ord=2, dim=axes, keepdim=keepdims)


# (name, mode, input shape, torch axes, keepdims, note)
REDUCTIONS = [
    ("reduce_mean_channels_keep", "mean", [2, 6, 5, 4], [1], True, "a mean across channels, kept as one map"),
    ("reduce_mean_tokens", "mean", [2, 7, 12], [1], False, "a vision transformer's mean over tokens"),
    ("reduce_sum_last", "sum", [1, 3, 5, 8], [-1], False, "a sum over the last axis"),
    ("reduce_max_height", "max", [2, 4, 6, 5], [2], True, "the largest value down each column"),
    ("reduce_min_channels_width", "min", [1, 5, 4, 6], [1, 3], False, "two axes at once"),
    ("reduce_l2_spatial_keep", "l2", [2, 8, 5, 5], [2, 3], True, "ConvNeXt V2's GRN: the L2 norm over H and W"),
]


# (name, spec op, torch function, attributes, input low and high): inputs kept where the
# function is defined (log, sqrt, a fractional power) and away from 0 for 1/x.
MATH = [
    ("math_exp", "exp", torch.exp, {}, -2.0, 2.0),
    ("math_log", "log", torch.log, {}, 0.1, 3.0),
    ("math_sqrt", "sqrt", torch.sqrt, {}, 0.0, 3.0),
    ("math_reciprocal", "reciprocal", torch.reciprocal, {}, 0.5, 2.0),
    ("math_abs", "abs", torch.abs, {}, -1.0, 1.0),
    ("math_neg", "neg", torch.neg, {}, -1.0, 1.0),
    ("math_sin", "sin", torch.sin, {}, -4.0, 4.0),
    ("math_cos", "cos", torch.cos, {}, -4.0, 4.0),
    ("math_erf", "erf", torch.erf, {}, -2.0, 2.0),
    ("math_pow_2", "pow", lambda x: torch.pow(x, 2), {"exponent": 2}, -2.0, 2.0),
    ("math_pow_half", "pow", lambda x: torch.pow(x, 0.5), {"exponent": 0.5}, 0.0, 3.0),
    ("math_clip", "clip", lambda x: torch.clamp(x, -0.3, 0.5), {"min": -0.3, "max": 0.5}, -1.0, 1.0),
    ("math_clip_below", "clip", lambda x: torch.clamp(x, min=0.25), {"min": 0.25}, -1.0, 1.0),
]


# (name, spec op, torch function of x and y): y broadcasts over x's H and W. Comparison
# inputs are rounded to halves so that some pairs are equal; logic inputs are 0 or 1.
BINARY = [
    ("binary_max", "max", torch.maximum),
    ("binary_min", "min", torch.minimum),
    ("binary_pow_tensor", "pow_tensor", torch.pow),
    ("binary_equal", "equal", lambda x, y: torch.eq(x, y).float()),
    ("binary_less", "less", lambda x, y: torch.lt(x, y).float()),
    ("binary_greater", "greater", lambda x, y: torch.gt(x, y).float()),
    ("binary_less_equal", "less_equal", lambda x, y: torch.le(x, y).float()),
    ("binary_greater_equal", "greater_equal", lambda x, y: torch.ge(x, y).float()),
    ("binary_and", "and", lambda x, y: torch.logical_and(x > 0, y > 0).float()),
    ("binary_or", "or", lambda x, y: torch.logical_or(x > 0, y > 0).float()),
]


def tensor(value):
    return {"shape": list(value.shape), "data": [float(v) for v in value.flatten().tolist()]}


def copies(generator):
    """Where, running sums, expand and tile. Shapes in `attrs` are per sample (the spec's),
    since a spec names no batch; axes count the batch, as torch's do."""
    made = "torch %s, float32, CPU" % torch.__version__

    def fixture(name, op, attrs, inputs, output):
        return {"name": name, "op": op, "attrs": attrs, "params": {}, "inputs": [tensor(x) for x in inputs],
                "output": tensor(output), "torch_flopcounter_flops": 0, "note": "", "generated_by": made}

    x = torch.rand([2, 3, 4, 5], generator=generator) * 2 - 1
    condition = (torch.rand([2, 1, 4, 1], generator=generator) > 0.5).float()
    y = torch.rand([2, 3, 1, 5], generator=generator) * 2 - 1
    yield fixture("where_broadcast", "where", {}, [condition, x, y], torch.where(condition != 0, x, y))
    yield fixture("cumsum_axis2", "cumsum", {"axis": 2}, [x], torch.cumsum(x, dim=2))
    exclusive = torch.cumsum(x, dim=3) - x
    yield fixture("cumsum_exclusive", "cumsum", {"axis": -1, "exclusive": True}, [x], exclusive)
    reverse = torch.flip(torch.cumsum(torch.flip(x, [1]), dim=1), [1])
    yield fixture("cumsum_reverse", "cumsum", {"axis": 1, "reverse": True}, [x], reverse)
    small = torch.rand([2, 3, 1, 5], generator=generator) * 2 - 1
    yield fixture("expand_height", "expand", {"shape": [3, 4, 5]}, [small], small.expand(2, 3, 4, 5))
    yield fixture("tile_2x3", "tile", {"repeats": [1, 2, 3]}, [x], x.repeat(1, 1, 2, 3))
    q, k = torch.rand([2, 3, 4, 5], generator=generator) * 2 - 1, torch.rand([2, 3, 6, 5], generator=generator) * 2 - 1
    with FlopCounterMode(display=False) as counter:
        scores = torch.einsum("bhid,bhjd->bhij", q, k)
    attention = fixture("einsum_attention", "einsum", {"equation": "hid,hjd->hij"}, [q, k], scores)
    attention["torch_flopcounter_flops"] = counter.get_total_flops()
    yield attention
    yield fixture("einsum_sum", "einsum", {"equation": "hij->j"}, [q], torch.einsum("bhij->bj", q))
    norm = torch.nn.GroupNorm(3, 3, affine=False)
    yield fixture("groupnorm_no_affine", "groupnorm", {"groups": 3, "affine": False}, [x], norm(x))
    layer = torch.nn.LayerNorm([5], elementwise_affine=False)
    yield fixture("layernorm_no_affine", "layernorm", {"affine": False}, [x], layer(x))
    picked = torch.tensor([3, 0, 3])
    yield fixture("take_repeated", "take", {"axis": 2, "indices": [3, 0, 3]}, [x], torch.index_select(x, 2, picked))
    yield fixture("take_negative", "take", {"axis": -1, "indices": [-1, 1]}, [x], torch.index_select(x, 3, torch.tensor([4, 1])))


def main():
    generator = torch.Generator().manual_seed(15)
    index_path = os.path.join(DIRECTORY, "index.json")
    with open(index_path) as file:
        index = [entry for entry in json.load(file) if not entry["name"].startswith("reduce_")]
    for name, mode, shape, axes, keepdims, note in REDUCTIONS:
        x = torch.rand(shape, generator=generator) * 2 - 1
        with FlopCounterMode(display=False) as counter:
            y = reduce(mode, x, axes, keepdims)
        fixture = {
            "name": name, "op": "reduce_" + mode, "attrs": {"axes": axes, "keepdims": keepdims}, "params": {},
            "inputs": [tensor(x)], "output": tensor(y), "torch_flopcounter_flops": counter.get_total_flops(),
            "note": note, "generated_by": f"torch {torch.__version__}, float32, CPU",
        }
        with open(os.path.join(DIRECTORY, name + ".json"), "w") as file:
            json.dump(fixture, file)
        index.append({"name": name, "op": fixture["op"], "output_shape": list(y.shape)})
    index = [entry for entry in index if not entry["name"].startswith("math_")]
    for name, op, function, attrs, low, high in MATH:
        x = torch.rand([2, 3, 4, 5], generator=generator) * (high - low) + low
        with FlopCounterMode(display=False) as counter:
            y = function(x)
        fixture = {
            "name": name, "op": op, "attrs": attrs, "params": {}, "inputs": [tensor(x)], "output": tensor(y),
            "torch_flopcounter_flops": counter.get_total_flops(), "note": "", "generated_by": f"torch {torch.__version__}, float32, CPU",
        }
        with open(os.path.join(DIRECTORY, name + ".json"), "w") as file:
            json.dump(fixture, file)
        index.append({"name": name, "op": op, "output_shape": list(y.shape)})
    index = [entry for entry in index if not entry["name"].startswith("binary_") and entry["name"] != "math_not"]
    for name, op, function in BINARY:
        x = torch.round((torch.rand([2, 3, 4, 5], generator=generator) * 2 - 1) * 2) / 2
        y = torch.round((torch.rand([2, 3, 1, 1], generator=generator) * 2 - 1) * 2) / 2
        if op in ("and", "or"):
            x, y = (x > 0).float(), (y > 0).float()
        if op == "pow_tensor":
            x = x.abs() + 0.1
        with FlopCounterMode(display=False) as counter:
            z = function(x, y)
        fixture = {
            "name": name, "op": op, "attrs": {}, "params": {}, "inputs": [tensor(x), tensor(y)], "output": tensor(z),
            "torch_flopcounter_flops": counter.get_total_flops(), "note": "", "generated_by": f"torch {torch.__version__}, float32, CPU",
        }
        with open(os.path.join(DIRECTORY, name + ".json"), "w") as file:
            json.dump(fixture, file)
        index.append({"name": name, "op": op, "output_shape": list(z.shape)})
    x = (torch.rand([2, 3, 4, 5], generator=generator) > 0.5).float()
    z = torch.logical_not(x).float()
    fixture = {"name": "math_not", "op": "not", "attrs": {}, "params": {}, "inputs": [tensor(x)], "output": tensor(z),
               "torch_flopcounter_flops": 0, "note": "", "generated_by": f"torch {torch.__version__}, float32, CPU"}
    with open(os.path.join(DIRECTORY, "math_not.json"), "w") as file:
        json.dump(fixture, file)
    index.append({"name": "math_not", "op": "not", "output_shape": list(z.shape)})
    index = [entry for entry in index if entry["name"].split("_")[0] not in ("where", "cumsum", "expand", "tile", "take", "einsum") and not entry["name"].endswith("_no_affine")]
    for fixture in copies(generator):
        with open(os.path.join(DIRECTORY, fixture["name"] + ".json"), "w") as file:
            json.dump(fixture, file)
        index.append({"name": fixture["name"], "op": fixture["op"], "output_shape": fixture["output"]["shape"]})
    with open(index_path, "w") as file:
        json.dump(index, file, indent=1)
        file.write("\n")


if __name__ == "__main__":
    main()
