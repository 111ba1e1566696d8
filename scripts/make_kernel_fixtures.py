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


def windows(generator):
    """1-D and 3-D convolution and pooling: torch's modules with their stored weights,
    attributes in the spec's names, one per axis."""
    made = "torch %s, float32, CPU" % torch.__version__

    def run(name, op, module, shape, attrs, note):
        x = torch.rand(shape, generator=generator) * 2 - 1
        with torch.no_grad():
            for parameter in module.parameters():
                parameter.copy_(torch.rand(parameter.shape, generator=generator) - 0.5)
            with FlopCounterMode(display=False) as counter:
                y = module(x)
        params = {key: tensor(value) for key, value in module.state_dict().items()}
        return {"name": name, "op": op, "attrs": attrs, "params": params, "inputs": [tensor(x)], "output": tensor(y),
                "torch_flopcounter_flops": counter.get_total_flops(), "note": note, "generated_by": made}

    nn = torch.nn
    yield run("conv1d_k5_s2_p2", "conv1d", nn.Conv1d(4, 6, 5, stride=2, padding=2), [2, 4, 17],
              {"in_channels": 4, "out_channels": 6, "kernel": [5], "stride": [2], "padding": [2], "bias": True}, "a 1-D stride-2 conv")
    yield run("conv1d_depthwise_dil2", "conv1d", nn.Conv1d(6, 6, 3, padding=2, dilation=2, groups=6, bias=False), [2, 6, 11],
              {"in_channels": 6, "out_channels": 6, "kernel": [3], "padding": [2], "dilation": [2], "groups": 6, "bias": False},
              "a dilated depthwise 1-D conv")
    yield run("conv3d_3x7x7_s1x2x2", "conv3d", nn.Conv3d(3, 4, (3, 7, 7), stride=(1, 2, 2), padding=(1, 3, 3), bias=False),
              [2, 3, 4, 9, 9], {"in_channels": 3, "out_channels": 4, "kernel": [3, 7, 7], "stride": [1, 2, 2], "padding": [1, 3, 3],
                                "bias": False}, "the stem of torchvision's r3d_18")
    yield run("conv3d_groups2_valid", "conv3d", nn.Conv3d(4, 6, 2, groups=2), [1, 4, 3, 5, 6],
              {"in_channels": 4, "out_channels": 6, "kernel": [2, 2, 2], "groups": 2, "bias": True}, "grouped, no padding")
    yield run("conv3d_temporal_3x1x1", "conv3d", nn.Conv3d(4, 4, (3, 1, 1), padding=(1, 0, 0)), [2, 4, 5, 4, 4],
              {"in_channels": 4, "out_channels": 4, "kernel": [3, 1, 1], "padding": [1, 0, 0], "bias": True}, "R(2+1)D's temporal conv")
    yield run("maxpool3d_3_s2_p1", "maxpool3d", nn.MaxPool3d(3, 2, 1), [2, 3, 5, 7, 7],
              {"kernel": [3, 3, 3], "stride": [2, 2, 2], "padding": [1, 1, 1]}, "")
    yield run("maxpool3d_1x3x3_s1x2x2_ceil", "maxpool3d", nn.MaxPool3d((1, 3, 3), (1, 2, 2), ceil_mode=True), [1, 2, 3, 8, 8],
              {"kernel": [1, 3, 3], "stride": [1, 2, 2], "ceil_mode": True}, "S3D's spatial pooling")
    yield run("avgpool3d_3_s2_p1_incl", "avgpool3d", nn.AvgPool3d(3, 2, 1), [2, 3, 5, 6, 6],
              {"kernel": [3, 3, 3], "stride": [2, 2, 2], "padding": [1, 1, 1]}, "")
    yield run("avgpool3d_3_s2_p1_excl", "avgpool3d", nn.AvgPool3d(3, 2, 1, count_include_pad=False), [2, 3, 5, 6, 6],
              {"kernel": [3, 3, 3], "stride": [2, 2, 2], "padding": [1, 1, 1], "count_include_pad": False}, "")
    yield run("avgpool1d_3_s2_p1_excl", "avgpool1d", nn.AvgPool1d(3, 2, 1, count_include_pad=False), [2, 3, 10],
              {"kernel": [3], "stride": [2], "padding": [1], "count_include_pad": False}, "")
    yield run("maxpool1d_3_s1", "maxpool1d", nn.MaxPool1d(3, 1), [2, 3, 9], {"kernel": [3], "stride": [1]}, "")
    yield run("global_avgpool_3d", "global_avgpool", nn.AdaptiveAvgPool3d(1), [2, 4, 3, 5, 5], {}, "a video network's head")
    table = nn.Embedding(11, 4)
    with torch.no_grad():
        table.weight.copy_(torch.rand(table.weight.shape, generator=generator) - 0.5)
        ids = torch.tensor([[3, 0, 10, 3, 7], [1, 1, 9, 2, 4]])
        looked_up = table(ids)
    yield {"name": "embedding_11x4", "op": "embedding", "attrs": {"vocabulary": 11, "features": 4},
           "params": {"weight": tensor(table.weight)}, "inputs": [tensor(ids.float())], "output": tensor(looked_up),
           "torch_flopcounter_flops": 0, "note": "token ids, some repeated", "generated_by": made}
    # Padding modes: torch's reflect, replicate and circular are the spec's (and ONNX's)
    # reflect, edge and wrap; pads [left, right, top, bottom] = [2, 1, 1, 3].
    for mode, torch_mode in [("reflect", "reflect"), ("edge", "replicate"), ("wrap", "circular")]:
        x = torch.rand([2, 3, 5, 6], generator=generator) * 2 - 1
        y = torch.nn.functional.pad(x, (2, 1, 1, 3), mode=torch_mode)
        yield {"name": f"pad_{mode}", "op": "pad", "attrs": {"pads": {"top": 1, "bottom": 3, "left": 2, "right": 1}, "mode": mode},
               "params": {}, "inputs": [tensor(x)], "output": tensor(y), "torch_flopcounter_flops": 0,
               "note": f"torch's {torch_mode} padding", "generated_by": made}


def dynamic(generator):
    """Convolutions by a weight given at run time (F.conv1d, F.conv2d of two tensors) and
    batch norm by a mean and variance given at run time (F.batch_norm): the weight and
    the statistics are inputs, a bias or the affine map stored."""
    made = "torch %s, float32, CPU" % torch.__version__
    functional = torch.nn.functional

    def uniform(*shape, low=-1.0, high=1.0):
        return torch.rand(list(shape), generator=generator) * (high - low) + low

    def fixture(name, op, attrs, inputs, params, output, flops, note):
        return {"name": name, "op": op, "attrs": attrs, "params": {key: tensor(value) for key, value in params.items()},
                "inputs": [tensor(x) for x in inputs], "output": tensor(output), "torch_flopcounter_flops": flops,
                "note": note, "generated_by": made}

    cases = [
        ("dynamic_conv2d_s2_p1", 2, [2, 4, 7, 6], [6, 4, 3, 3], {"stride": [2, 2], "padding": [1, 1]}, True,
         "F.conv2d(x, w, b, stride=2, padding=1)"),
        ("dynamic_conv2d_groups2_dil2", 2, [1, 4, 9, 9], [4, 2, 3, 3], {"padding": [2, 2], "dilation": [2, 2], "groups": 2}, False,
         "a grouped, dilated conv by a run-time weight"),
        ("dynamic_conv2d_depthwise", 2, [2, 3, 6, 6], [3, 1, 3, 3], {"padding": [1, 1], "groups": 3}, True,
         "a depthwise conv by a run-time weight"),
        ("dynamic_conv1d_k3_s2", 1, [2, 3, 11], [5, 3, 3], {"stride": [2], "padding": [1]}, True, "F.conv1d(x, w, b, stride=2, padding=1)"),
        ("dynamic_conv3d_k2", 3, [1, 2, 3, 4, 4], [3, 2, 2, 2, 2], {}, False, "F.conv3d(x, w)"),
    ]
    for name, rank, x_shape, w_shape, attrs, with_bias, note in cases:
        x, w = uniform(*x_shape), uniform(*w_shape, low=-0.5, high=0.5)
        b = uniform(w_shape[0], low=-0.5, high=0.5) if with_bias else None
        convolve = {1: functional.conv1d, 2: functional.conv2d, 3: functional.conv3d}[rank]
        keywords = {key: value for key, value in attrs.items() if key != "groups"}
        with FlopCounterMode(display=False) as counter:
            y = convolve(x, w, b, groups=attrs.get("groups", 1), **keywords)
        params = {"bias": b} if with_bias else {}
        yield fixture(name, "dynamic_conv%dd" % rank, dict(attrs, bias=with_bias), [x, w], params, y, counter.get_total_flops(), note)
    x = uniform(2, 3, 4, 5)
    mean, variance = uniform(3, low=-0.2, high=0.2), uniform(3, low=0.5, high=1.5)
    scale, shift = uniform(3, low=0.5, high=1.5), uniform(3, low=-0.1, high=0.1)
    with FlopCounterMode(display=False) as counter:
        y = functional.batch_norm(x, mean, variance, scale, shift, training=False, eps=1e-5)
    yield fixture("dynamic_batchnorm", "dynamic_batchnorm", {}, [x, mean, variance], {"weight": scale, "bias": shift}, y,
                  counter.get_total_flops(), "F.batch_norm with a mean and variance given as tensors")


def recurrent(generator):
    """One-layer LSTMs: torch.nn.LSTM's output, with its weights stacked over directions
    in netcost's layout (`weight` [D, 4H, I] = weight_ih_l0 and weight_ih_l0_reverse,
    `weight_hh` [D, 4H, H], `bias` and `bias_hh` [D, 4H]; torch's gate order), initial
    states as inputs and the output in the layer's (ONNX's) layout: [D, N, H] and
    [T, D, N, H], or batch first [N, D, H] and [N, T, D, H]. nn.LSTM runs one CPU
    kernel that FlopCounterMode has no formula for (it counts 0), so the flops are
    FlopCounterMode's on the same LSTM unrolled into F.linear per step, which must give
    nn.LSTM's output."""
    made = "torch %s, float32, CPU" % torch.__version__
    functional = torch.nn.functional

    def unrolled(module, x, h0, c0):
        sequence = x.transpose(0, 1) if module.batch_first else x
        outputs = []
        for d, suffix in enumerate(["", "_reverse"][:2 if module.bidirectional else 1]):
            weights = [getattr(module, name + "_l0" + suffix) for name in ("weight_ih", "weight_hh")]
            biases = [getattr(module, name + "_l0" + suffix) for name in ("bias_ih", "bias_hh")] if module.bias else [None, None]
            h, c, steps = h0[d], c0[d], [None] * sequence.shape[0]
            order = range(sequence.shape[0]) if d == 0 else reversed(range(sequence.shape[0]))
            for t in order:
                gates = functional.linear(sequence[t], weights[0], biases[0]) + functional.linear(h, weights[1], biases[1])
                i, f, g, o = gates.chunk(4, dim=1)
                c = torch.sigmoid(f) * c + torch.sigmoid(i) * torch.tanh(g)
                h = torch.sigmoid(o) * torch.tanh(c)
                steps[t] = h
            outputs.append(torch.stack(steps))
        y = torch.cat(outputs, dim=2)
        return y.transpose(0, 1) if module.batch_first else y

    cases = [
        ("lstm_forward", dict(input_size=5, hidden_size=4), [6, 2, 5], False, "a forward LSTM, sequence first, zero initial states"),
        ("lstm_bidirectional_batch_first", dict(input_size=3, hidden_size=4, batch_first=True, bidirectional=True), [2, 5, 3], True,
         "Sequencer2D's bidirectional LSTM, batch first, with initial states"),
        ("lstm_no_bias", dict(input_size=4, hidden_size=3, bias=False), [4, 1, 4], True, "without biases, with initial states"),
        ("lstm_bidirectional", dict(input_size=3, hidden_size=2, bidirectional=True), [4, 3, 3], False,
         "bidirectional, sequence first: the output's direction axis before the batch"),
    ]
    for name, options, shape, with_states, note in cases:
        module = torch.nn.LSTM(**options)
        directions = 2 if module.bidirectional else 1
        x = torch.rand(shape, generator=generator) * 2 - 1
        batch = shape[0] if module.batch_first else shape[1]
        states = [torch.rand([directions, batch, module.hidden_size], generator=generator) - 0.5 for _ in range(2)]
        if not with_states:
            states = [torch.zeros(directions, batch, module.hidden_size) for _ in range(2)]
        with torch.no_grad():
            for parameter in module.parameters():
                parameter.copy_(torch.rand(parameter.shape, generator=generator) - 0.5)
            y, _ = module(x, tuple(states)) if with_states else module(x)
            with FlopCounterMode(display=False) as counter:
                expected = unrolled(module, x, *states)
        assert torch.allclose(y, expected, atol=1e-6), name
        suffixes = ["", "_reverse"][:directions]
        stacked = lambda name: torch.stack([getattr(module, name + "_l0" + suffix) for suffix in suffixes])
        params = {"weight": stacked("weight_ih"), "weight_hh": stacked("weight_hh")}
        if module.bias:
            params.update(bias=stacked("bias_ih"), bias_hh=stacked("bias_hh"))
        layout = [state.transpose(0, 1) if module.batch_first else state for state in states]
        # The output in ONNX's layout, which the layer keeps: [T, D, N, H], or [N, T, D, H].
        steps = shape[1] if module.batch_first else shape[0]
        if module.batch_first:
            y = y.reshape(batch, steps, directions, module.hidden_size)
        else:
            y = y.reshape(steps, batch, directions, module.hidden_size).permute(0, 2, 1, 3)
        attrs = {"hidden": module.hidden_size, "bidirectional": module.bidirectional, "batch_first": module.batch_first,
                 "bias": module.bias}
        yield {"name": name, "op": "lstm", "attrs": attrs, "params": {key: tensor(value.detach()) for key, value in params.items()},
               "inputs": [tensor(x)] + ([tensor(state) for state in layout] if with_states else []), "output": tensor(y),
               "torch_flopcounter_flops": counter.get_total_flops(), "note": note, "generated_by": made}


def bicubic(generator):
    """torch.nn.functional.interpolate(mode="bicubic") (Keys' cubic convolution, a = −0.75,
    taps clamped to the edges): up and down, by a scale and to a size, with and without
    align_corners. The inputs are float32 values; torch computes the output in float64:
    a sum of sixteen products with weights of both signs loses float32 digits in any
    order (torch's own float32 result differs from its float64 one by 2e-7 where the sum
    nearly cancels), and the executor sums in double precision."""
    made = "torch %s, float32 inputs, output computed in float64, CPU" % torch.__version__
    cases = [
        ("upsample_bicubic_x2", [1, 2, 5, 6], {"scale": [2, 2], "align_corners": False}, "bicubic ×2, half-pixel centres"),
        ("upsample_bicubic_x2_align", [1, 2, 5, 6], {"scale": [2, 2], "align_corners": True}, "bicubic ×2, corners aligned"),
        ("upsample_bicubic_size", [2, 3, 5, 6], {"size": [7, 4], "align_corners": False}, "to 7×4: taller and narrower"),
        ("upsample_bicubic_half", [1, 2, 9, 8], {"scale": [0.5, 0.5], "align_corners": False}, "bicubic ×0.5"),
    ]
    for name, shape, attrs, note in cases:
        x = torch.rand(shape, generator=generator) * 2 - 1
        keywords = {"size": tuple(attrs["size"])} if "size" in attrs else {"scale_factor": tuple(attrs["scale"])}
        with FlopCounterMode(display=False) as counter:
            y = torch.nn.functional.interpolate(x.double(), mode="bicubic", align_corners=attrs["align_corners"], **keywords)
        yield {"name": name, "op": "upsample", "attrs": dict(attrs, mode="bicubic"), "params": {}, "inputs": [tensor(x)],
               "output": tensor(y), "torch_flopcounter_flops": counter.get_total_flops(), "note": note, "generated_by": made}


def transposed(generator):
    """1-D and 3-D transposed convolutions: torch's modules with their stored weights."""
    made = "torch %s, float32, CPU" % torch.__version__
    nn = torch.nn
    cases = [
        ("convT1d_k3_s2_p1_op1", nn.ConvTranspose1d(4, 6, 3, stride=2, padding=1, output_padding=1), [2, 4, 7],
         {"in_channels": 4, "out_channels": 6, "kernel": [3], "stride": [2], "padding": [1], "output_padding": [1], "bias": True},
         "a 1-D upsampling by 2"),
        ("convT1d_groups2_dil2", nn.ConvTranspose1d(4, 4, 3, dilation=2, groups=2, bias=False), [1, 4, 5],
         {"in_channels": 4, "out_channels": 4, "kernel": [3], "dilation": [2], "groups": 2, "bias": False}, "grouped and dilated"),
        ("convT3d_2x4x4_s1x2x2_p0x1x1", nn.ConvTranspose3d(3, 4, (2, 4, 4), stride=(1, 2, 2), padding=(0, 1, 1)), [2, 3, 2, 3, 4],
         {"in_channels": 3, "out_channels": 4, "kernel": [2, 4, 4], "stride": [1, 2, 2], "padding": [0, 1, 1], "bias": True},
         "a video decoder's spatial upsampling"),
        ("convT3d_groups2_op", nn.ConvTranspose3d(4, 2, 3, stride=2, padding=1, output_padding=1, groups=2), [1, 4, 2, 2, 3],
         {"in_channels": 4, "out_channels": 2, "kernel": [3, 3, 3], "stride": [2, 2, 2], "padding": [1, 1, 1],
          "output_padding": [1, 1, 1], "groups": 2, "bias": True}, "grouped, with output padding"),
    ]
    for name, module, shape, attrs, note in cases:
        x = torch.rand(shape, generator=generator) * 2 - 1
        with torch.no_grad():
            for parameter in module.parameters():
                parameter.copy_(torch.rand(parameter.shape, generator=generator) - 0.5)
            with FlopCounterMode(display=False) as counter:
                y = module(x)
        op = "conv_transpose%dd" % (len(shape) - 2)
        yield {"name": name, "op": op, "attrs": attrs, "params": {key: tensor(value) for key, value in module.state_dict().items()},
               "inputs": [tensor(x)], "output": tensor(y), "torch_flopcounter_flops": counter.get_total_flops(), "note": note,
               "generated_by": made}


def folds(generator):
    """nn.Fold, summing blocks back into an image: VOLO's outlooker (3×3, stride 2,
    padding 1, so some taps land in the padding), and a dilated one with one stride per axis."""
    made = "torch %s, float32, CPU" % torch.__version__
    cases = [
        ("fold_3x3_s2_p1", dict(output_size=(7, 6), kernel_size=3, stride=2, padding=1), 2, 3,
         {"output_size": [7, 6], "kernel": [3, 3], "stride": [2, 2], "padding": [1, 1]}, "VOLO's outlooker fold"),
        ("fold_2x3_d2_s1x2", dict(output_size=(6, 9), kernel_size=(2, 3), dilation=2, stride=(1, 2)), 1, 2,
         {"output_size": [6, 9], "kernel": [2, 3], "stride": [1, 2], "dilation": [2, 2]}, "dilated, a stride per axis, no padding"),
    ]
    for name, arguments, batch, channels, attrs, note in cases:
        fold = torch.nn.Fold(**arguments)
        unfold = torch.nn.Unfold(**{key: value for key, value in arguments.items() if key != "output_size"})
        blocks = unfold(torch.zeros(1, 1, *arguments["output_size"])).shape[-1]
        taps = attrs["kernel"][0] * attrs["kernel"][1]
        x = torch.rand([batch, channels * taps, blocks], generator=generator) * 2 - 1
        with FlopCounterMode(display=False) as counter:
            y = fold(x)
        yield {"name": name, "op": "fold", "attrs": attrs, "params": {}, "inputs": [tensor(x)], "output": tensor(y),
               "torch_flopcounter_flops": counter.get_total_flops(), "note": note, "generated_by": made}


def ellipses(generator):
    """Einsum with "...": attention scores over unnamed leading axes, and a product whose
    "..." broadcasts (3 heads against 1) in the implicit form. Equations per sample."""
    made = "torch %s, float32, CPU" % torch.__version__
    q, k = torch.rand([2, 3, 4, 5], generator=generator) * 2 - 1, torch.rand([2, 3, 6, 5], generator=generator) * 2 - 1
    w = torch.rand([2, 1, 5, 2], generator=generator) * 2 - 1
    for name, equation, torch_equation, inputs in [
        ("einsum_ellipsis_scores", "...id,...jd->...ij", "...id,...jd->...ij", [q, k]),
        ("einsum_ellipsis_broadcast_implicit", "...ij,...jk", "...ij,...jk", [q, w]),
    ]:
        with FlopCounterMode(display=False) as counter:
            y = torch.einsum(torch_equation, *inputs)
        yield {"name": name, "op": "einsum", "attrs": {"equation": equation}, "params": {}, "inputs": [tensor(x) for x in inputs],
               "output": tensor(y), "torch_flopcounter_flops": counter.get_total_flops(), "note": "", "generated_by": made}


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
    windowed = list(windows(generator))
    index = [entry for entry in index if entry["name"] not in {fixture["name"] for fixture in windowed}]
    for fixture in windowed:
        with open(os.path.join(DIRECTORY, fixture["name"] + ".json"), "w") as file:
            json.dump(fixture, file)
        index.append({"name": fixture["name"], "op": fixture["op"], "output_shape": fixture["output"]["shape"]})
    made = list(dynamic(generator)) + list(recurrent(generator)) + list(bicubic(generator)) + list(transposed(generator)) + list(folds(generator)) + list(ellipses(generator))
    index = [entry for entry in index if entry["name"] not in {fixture["name"] for fixture in made}]
    for fixture in made:
        with open(os.path.join(DIRECTORY, fixture["name"] + ".json"), "w") as file:
            json.dump(fixture, file)
        index.append({"name": fixture["name"], "op": fixture["op"], "output_shape": fixture["output"]["shape"]})
    with open(index_path, "w") as file:
        json.dump(index, file, indent=1)
        file.write("\n")


if __name__ == "__main__":
    main()
