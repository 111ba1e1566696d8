#!/usr/bin/env python3
"""Writes the small ONNX models the ONNX tests read into Fixtures/generated/.

Each model exercises one op or pattern at a chosen opset (11, 13, 17, 18, 20, 21,
and 9 for the out-of-range warning). Weights are zeros: the tests count elements,
never values. The expected counts live in the Swift tests as hand derivations.

    pip install onnx numpy
    python3 Tests/ONNXTests/Fixtures/make_fixtures.py

Generated with onnx 1.23.2; the files are committed, so the tests need no Python.
"""
import json
import os

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "generated")
F, I64 = TensorProto.FLOAT, TensorProto.INT64


def weight(name, *dims):
    return numpy_helper.from_array(np.zeros(dims, dtype=np.float32), name)


def ints(name, values):
    return numpy_helper.from_array(np.array(values, dtype=np.int64), name)


def floats(name, values):
    return numpy_helper.from_array(np.array(values, dtype=np.float32), name)


def const(output, values, dtype=np.int64, name=None):
    tensor = numpy_helper.from_array(np.array(values, dtype=dtype), output + "_value")
    return helper.make_node("Constant", [], [output], name=name or output, value=tensor)


def value(name, dims, dtype=F):
    return helper.make_tensor_value_info(name, dtype, dims)


def save(filename, nodes, inputs, outputs, initializers=(), opset=13, value_info=(), check=True, extra_opsets=()):
    graph = helper.make_graph(nodes, filename.split(".")[0], inputs, outputs, list(initializers), value_info=list(value_info))
    opsets = [helper.make_opsetid("", opset)] + [helper.make_opsetid(domain, 1) for domain in extra_opsets]
    model = helper.make_model(graph, opset_imports=opsets, producer_name="make_fixtures", producer_version="1")
    model.ir_version = 8 if opset <= 17 else 10
    if check:
        onnx.checker.check_model(model, full_check=True)
    onnx.save(model, os.path.join(OUT, filename))
    return model


def main():
    os.makedirs(OUT, exist_ok=True)
    x = lambda *dims: value("x", list(dims))

    # Convolutions.
    save("conv_opset11.onnx",
         [helper.make_node("Conv", ["x", "w", "b"], ["c"], name="/features/features.0/features.0.0/Conv", strides=[2, 2], pads=[1, 1, 1, 1]),
          helper.make_node("Relu", ["c"], ["y"], name="/features/features.0/features.0.1/Relu")],
         [x(1, 3, 32, 32)], [value("y", [1, 16, 16, 16])], [weight("w", 16, 3, 3, 3), weight("b", 16)], opset=11)
    # 1-D and 3-D: a video stem and its pools, a grouped 1-D conv.
    save("conv3d_pool3d_opset13.onnx",
         [helper.make_node("Conv", ["x", "w"], ["c"], strides=[1, 2, 2], pads=[1, 1, 1, 1, 1, 1]),
          helper.make_node("BatchNormalization", ["c", "s", "t", "m", "v"], ["n"]),
          helper.make_node("MaxPool", ["n"], ["p"], kernel_shape=[2, 2, 2], strides=[2, 2, 2]),
          helper.make_node("AveragePool", ["p"], ["a"], kernel_shape=[1, 2, 2], strides=[1, 2, 2]),
          helper.make_node("GlobalAveragePool", ["a"], ["y"])],
         [x(1, 3, 4, 8, 8)], [value("y", [1, 4, 1, 1, 1])],
         [weight("w", 4, 3, 3, 3, 3), weight("s", 4), weight("t", 4), weight("m", 4), weight("v", 4)])
    save("conv1d_opset13.onnx",
         [helper.make_node("Conv", ["x", "w", "b"], ["c"], group=2, pads=[1, 1]),
          helper.make_node("MaxPool", ["c"], ["y"], kernel_shape=[2], strides=[2])],
         [x(1, 4, 10)], [value("y", [1, 6, 5])], [weight("w", 6, 2, 3), weight("b", 6)])
    save("conv_grouped_dilated_opset13.onnx",
         [helper.make_node("Conv", ["x", "w"], ["y"], group=4, dilations=[2, 2], pads=[2, 2, 2, 2], kernel_shape=[3, 3])],
         [x(1, 8, 20, 20)], [value("y", [1, 8, 20, 20])], [weight("w", 8, 2, 3, 3)])
    save("conv_autopad_opset18.onnx",
         [helper.make_node("Conv", ["x", "w1"], ["a"], strides=[2, 2], auto_pad="SAME_UPPER"),
          helper.make_node("Conv", ["a", "w2"], ["b"], auto_pad="SAME_LOWER"),
          helper.make_node("Conv", ["b", "w3"], ["y"], auto_pad="VALID")],
         [x(1, 4, 15, 15)], [value("y", [1, 2, 6, 6])], [weight("w1", 6, 4, 3, 3), weight("w2", 6, 6, 2, 2), weight("w3", 2, 6, 3, 3)], opset=18)
    save("conv_transpose_opset17.onnx",
         [helper.make_node("ConvTranspose", ["x", "w1", "b1"], ["a"], strides=[2, 2], pads=[1, 1, 1, 1], output_padding=[1, 1]),
          helper.make_node("ConvTranspose", ["a", "w2"], ["y"], strides=[2, 2], group=2, output_shape=[28, 28])],
         [x(1, 8, 7, 7)], [value("y", [1, 2, 28, 28])], [weight("w1", 8, 4, 3, 3), weight("b1", 4), weight("w2", 4, 1, 4, 4)], opset=17)
    # 1-D: stride 2, pad 1, output_padding 1 on 7 → 14, with a bias; then output_shape 30
    # in 2 groups. 3-D (the map unsqueezed to 1×30×1): SAME_UPPER, stride 1×2×2 → 1×60×2.
    save("conv_transpose_1d_3d_opset17.onnx",
         [helper.make_node("ConvTranspose", ["x", "w1", "b1"], ["a"], strides=[2], pads=[1, 1], output_padding=[1]),
          helper.make_node("ConvTranspose", ["a", "w2"], ["y"], strides=[2], group=2, output_shape=[30]),
          helper.make_node("Unsqueeze", ["y", "axes"], ["video"]),
          helper.make_node("ConvTranspose", ["video", "w3"], ["z"], strides=[1, 2, 2], auto_pad="SAME_UPPER")],
         [x(1, 4, 7)], [value("z", [1, 3, 1, 60, 2])],
         [weight("w1", 4, 6, 3), weight("b1", 6), weight("w2", 6, 2, 4), ints("axes", [2, 4]), weight("w3", 4, 3, 1, 3, 2)], opset=17)

    # Linear algebra.
    save("gemm_opset11.onnx",
         [helper.make_node("Gemm", ["x", "w1", "c1"], ["a"], transB=1, alpha=0.5),
          helper.make_node("Gemm", ["a", "w2"], ["y"])],
         [x(1, 64)], [value("y", [1, 5])], [weight("w1", 10, 64), weight("c1", 10), weight("w2", 10, 5)], opset=11)
    save("matmul_opset13.onnx",
         [helper.make_node("MatMul", ["x", "w1"], ["m1"], name="/blocks.0/mlp/fc1/MatMul"),
          helper.make_node("Add", ["m1", "b1"], ["h"], name="/blocks.0/mlp/fc1/Add"),
          helper.make_node("MatMul", ["h", "w2"], ["v"]),
          helper.make_node("Transpose", ["v"], ["vt"], perm=[0, 2, 1]),
          helper.make_node("MatMul", ["v", "vt"], ["s"]),
          helper.make_node("Softmax", ["s"], ["y"], axis=-1)],
         [x(1, 5, 32)], [value("y", [1, 5, 5])], [weight("w1", 32, 16), weight("b1", 16), weight("w2", 16, 8)])

    # Normalization.
    save("batchnorm_opset15.onnx",
         [helper.make_node("Conv", ["x", "w"], ["c"]),
          helper.make_node("BatchNormalization", ["c", "scale", "bias", "mean", "var"], ["n"]),
          helper.make_node("Relu", ["n"], ["y"])],
         [x(1, 3, 8, 8)], [value("y", [1, 4, 8, 8])],
         [weight("w", 4, 3, 1, 1), weight("scale", 4), weight("bias", 4), weight("mean", 4), weight("var", 4)], opset=15)
    save("batchnorm_shared_opset15.onnx",
         [helper.make_node("Identity", ["scale"], ["var_alias"]),
          helper.make_node("BatchNormalization", ["x", "scale", "bias", "mean", "var_alias"], ["y"])],
         [x(1, 4, 8, 8)], [value("y", [1, 4, 8, 8])], [weight("scale", 4), weight("bias", 4), weight("mean", 4)], opset=15)
    save("norms_opset21.onnx",
         [helper.make_node("InstanceNormalization", ["x", "s1", "b1"], ["a"]),
          helper.make_node("GroupNormalization", ["a", "s2", "b2"], ["y"], num_groups=2)],
         [x(1, 4, 6, 6)], [value("y", [1, 4, 6, 6])], [weight("s1", 4), weight("b1", 4), weight("s2", 4), weight("b2", 4)], opset=21)
    save("layernorm_opset17.onnx",
         [helper.make_node("LayerNormalization", ["x", "s", "b"], ["y"], axis=-1)],
         [x(1, 5, 32)], [value("y", [1, 5, 32])], [weight("s", 32), weight("b", 32)], opset=17)

    # Activations and fused patterns.
    save("activations_opset14.onnx",
         [helper.make_node("Relu", ["x"], ["a1"]),
          helper.make_node("Sigmoid", ["a1"], ["a2"]),
          helper.make_node("HardSigmoid", ["a2"], ["a3"]),
          helper.make_node("HardSwish", ["a3"], ["a4"]),
          helper.make_node("LeakyRelu", ["a4"], ["a5"], alpha=0.1),
          helper.make_node("Tanh", ["a5"], ["a6"]),
          const("zero", 0.0, np.float32), const("six", 6.0, np.float32),
          helper.make_node("Clip", ["a6", "zero", "six"], ["a7"]),
          helper.make_node("Clip", ["a7", "zero"], ["a8"]),
          helper.make_node("Softmax", ["a8"], ["y"], axis=1)],
         [x(1, 4, 6, 6)], [value("y", [1, 4, 6, 6])], opset=14)
    save("clip_initializers_opset11.onnx",
         [helper.make_node("Clip", ["x", "low", "high"], ["y"])],
         [x(1, 4, 6, 6)], [value("y", [1, 4, 6, 6])], [floats("low", 0.0), floats("high", 6.0)], opset=11)
    save("swish_gelu_opset13.onnx",
         [helper.make_node("Sigmoid", ["x"], ["s"], name="/act1/Sigmoid"),
          helper.make_node("Mul", ["x", "s"], ["a"], name="/act1/Mul"),
          const("sqrt2", 1.4142135, np.float32), const("one", 1.0, np.float32), const("half", 0.5, np.float32),
          helper.make_node("Div", ["a", "sqrt2"], ["d"], name="/act2/Div"),
          helper.make_node("Erf", ["d"], ["e"], name="/act2/Erf"),
          helper.make_node("Add", ["e", "one"], ["p"], name="/act2/Add"),
          helper.make_node("Mul", ["a", "p"], ["q"], name="/act2/Mul"),
          helper.make_node("Mul", ["q", "half"], ["g"], name="/act2/Mul_1"),
          const("rsqrt2", 0.70710678, np.float32, name="rsqrt2"),
          helper.make_node("Mul", ["g", "half"], ["gh"], name="/act3/Mul"),
          helper.make_node("Mul", ["g", "rsqrt2"], ["d2"], name="/act3/Mul_1"),
          helper.make_node("Erf", ["d2"], ["e2"], name="/act3/Erf"),
          helper.make_node("Add", ["one", "e2"], ["p2"], name="/act3/Add"),
          helper.make_node("Mul", ["gh", "p2"], ["y"], name="/act3/Mul_2")],
         [x(1, 16)], [value("y", [1, 16])])
    save("gelu_opset20.onnx", [helper.make_node("Gelu", ["x"], ["y"])], [x(1, 16)], [value("y", [1, 16])], opset=20)
    save("hardswish_decomposed_opset11.onnx",
         [const("three", 3.0, np.float32), const("zero", 0.0, np.float32), const("six", 6.0, np.float32),
          helper.make_node("Add", ["x", "three"], ["a"]),
          helper.make_node("Clip", ["a", "zero", "six"], ["c"]),
          helper.make_node("Mul", ["x", "c"], ["m"]),
          helper.make_node("Div", ["m", "six"], ["y"])],
         [x(1, 8, 4, 4)], [value("y", [1, 8, 4, 4])], opset=11)

    # Joining, splitting, slicing.
    save("split_opset11.onnx", [helper.make_node("Split", ["x"], ["a", "b"], axis=1, split=[2, 6])],
         [x(1, 8, 4, 4)], [value("a", [1, 2, 4, 4]), value("b", [1, 6, 4, 4])], opset=11)
    save("split_opset13.onnx", [helper.make_node("Split", ["x", "sizes"], ["a", "b"], axis=1)],
         [x(1, 8, 4, 4)], [value("a", [1, 2, 4, 4]), value("b", [1, 6, 4, 4])], [ints("sizes", [2, 6])])
    save("split_opset18.onnx", [helper.make_node("Split", ["x"], ["a", "b", "c"], axis=1, num_outputs=3)],
         [x(1, 8, 4, 4)], [value("a", [1, 3, 4, 4]), value("b", [1, 3, 4, 4]), value("c", [1, 2, 4, 4])], opset=18)
    save("slice_opset13.onnx",
         [helper.make_node("Slice", ["x", "starts", "ends", "axes", "steps"], ["y"])],
         [x(1, 8, 10, 10)], [value("y", [1, 4, 10, 5])],
         [ints("starts", [0, 2, 1]), ints("ends", [1, 6, 100]), ints("axes", [0, 1, 3]), ints("steps", [1, 1, 2])])
    save("concat_constant_opset13.onnx", [helper.make_node("Concat", ["x", "extra"], ["y"], axis=1)],
         [x(1, 4, 2, 2)], [value("y", [1, 6, 2, 2])], [weight("extra", 1, 2, 2, 2)])

    # Reshaping; ShuffleNet's channel shuffle with its shape computed from Shape.
    shuffle = [helper.make_node("Conv", ["x", "w"], ["c"], name="/stage/Conv"),
               helper.make_node("Shape", ["c"], ["shape"], name="/stage/Shape")]
    for index, name in enumerate(["n", "ch", "h", "w_"]):
        shuffle += [const(f"i{index}", index), helper.make_node("Gather", ["shape", f"i{index}"], [name], axis=0)]
    shuffle += [const("two", 2), helper.make_node("Div", ["ch", "two"], ["half"])]
    for name in ["n", "half", "h", "w_", "ch", "two"]:
        shuffle += [const(f"axis_{name}", [0]), helper.make_node("Unsqueeze", [name, f"axis_{name}"], [f"u_{name}"])]
    shuffle += [helper.make_node("Concat", ["u_n", "u_two", "u_half", "u_h", "u_w_"], ["split_shape"], axis=0),
                helper.make_node("Concat", ["u_n", "u_ch", "u_h", "u_w_"], ["merge_shape"], axis=0),
                helper.make_node("Reshape", ["c", "split_shape"], ["r1"], name="/stage/Reshape"),
                helper.make_node("Transpose", ["r1"], ["t"], perm=[0, 2, 1, 3, 4], name="/stage/Transpose"),
                helper.make_node("Reshape", ["t", "merge_shape"], ["r2"], name="/stage/Reshape_1"),
                helper.make_node("Relu", ["r2"], ["y"], name="/stage/Relu")]
    save("shuffle_dynamic_opset13.onnx", shuffle, [x(1, 8, 4, 4)], [value("y", [1, 8, 4, 4])], [weight("w", 8, 8, 1, 1)])
    save("reshape_opset11.onnx",
         [helper.make_node("Transpose", ["x"], ["t"], perm=[0, 2, 3, 1]),
          helper.make_node("Flatten", ["t"], ["f"], axis=1),
          helper.make_node("Reshape", ["f", "target"], ["r"]),
          helper.make_node("Squeeze", ["r"], ["s"], axes=[3]),
          helper.make_node("Unsqueeze", ["s"], ["y"], axes=[1])],
         [x(1, 4, 2, 3)], [value("y", [1, 1, 6, 4])], [ints("target", [0, 6, -1, 1])], opset=11)
    save("squeeze_opset13.onnx",
         [helper.make_node("Squeeze", ["x", "axes"], ["s"]),
          helper.make_node("Unsqueeze", ["s", "axes"], ["y"])],
         [x(1, 4, 1, 1)], [value("y", [1, 4, 1, 1])], [ints("axes", [2, 3])])
    fold = [helper.make_node("Shape", ["x"], ["shape"]),
            helper.make_node("Slice", ["shape", "s0", "s1"], ["batch"]),
            helper.make_node("Slice", ["shape", "s1", "s4"], ["rest"]),
            helper.make_node("ReduceProd", ["rest"], ["features"], keepdims=1),
            helper.make_node("Concat", ["batch", "features"], ["target0"], axis=0),
            helper.make_node("Equal", ["target0", "zeros"], ["is_zero"]),
            helper.make_node("Where", ["is_zero", "ones", "target0"], ["target1"]),
            helper.make_node("Cast", ["target1"], ["target"], to=TensorProto.INT64),
            helper.make_node("Range", ["r0", "r4", "r1"], ["steps"]),
            helper.make_node("ConstantOfShape", ["two"], ["fill"], value=numpy_helper.from_array(np.array([7], dtype=np.int64))),
            helper.make_node("Reshape", ["x", "target"], ["y"])]
    save("fold_ops_opset13.onnx", fold, [x(1, 2, 3, 4)], [value("y", [1, 24]), value("steps", [4], I64), value("fill", [2], I64)],
         [ints("s0", [0]), ints("s1", [1]), ints("s4", [4]), ints("zeros", [0, 0]), ints("ones", [1, 1]),
          ints("r0", 0), ints("r4", 4), ints("r1", 1), ints("two", [2])])
    save("gather_opset13.onnx", [helper.make_node("Gather", ["x", "index"], ["y"], axis=1)],
         [x(1, 5, 8)], [value("y", [1, 8])], [ints("index", 0)])

    # Gather of a 2×2 block of constant indices along axis 1 of a 1×6×8 input: a take of
    # four rows and a reshape to 2×2×8. An embedding lookup of run-time token ids.
    save("gather_take_opset13.onnx", [helper.make_node("Gather", ["x", "index"], ["y"], axis=1)],
         [x(1, 6, 8)], [value("y", [1, 2, 2, 8])], [ints("index", [[0, 2], [2, 5]])])
    save("embedding_opset13.onnx", [helper.make_node("Gather", ["table", "ids"], ["y"], axis=0)],
         [value("ids", [1, 5], dtype=TensorProto.INT64)], [value("y", [1, 5, 4])], [weight("table", 10, 4)])

    # Einsum: attention scores of a 1×2×4×5 input with itself, then the same with "...",
    # and a product with a stored operand.
    save("einsum_opset13.onnx",
         [helper.make_node("Einsum", ["x", "x"], ["s"], equation="bhid,bhjd->bhij"),
          helper.make_node("Einsum", ["x", "x"], ["e"], equation="...id,...jd->...ij"),
          helper.make_node("Einsum", ["x", "w"], ["p"], equation="bhid,de->bhie")],
         [x(1, 2, 4, 5)], [value("s", [1, 2, 4, 4]), value("e", [1, 2, 4, 4]), value("p", [1, 2, 4, 3])],
         [weight("w", 5, 3)], opset=13)

    # As PyTorch exports GroupNorm: InstanceNormalization with a Constant-node scale of
    # ones and shift of zeros, then the learned affine as a Mul and an Add by stored
    # [4, 1, 1] tensors.
    save("groupnorm_as_instancenorm_opset13.onnx",
         [helper.make_node("Constant", [], ["ones"], value=numpy_helper.from_array(np.ones(4, dtype=np.float32), "ones_value")),
          helper.make_node("Constant", [], ["zeros"], value=numpy_helper.from_array(np.zeros(4, dtype=np.float32), "zeros_value")),
          helper.make_node("InstanceNormalization", ["x", "ones", "zeros"], ["n"]),
          helper.make_node("Mul", ["n", "gamma"], ["m"]),
          helper.make_node("Add", ["m", "beta"], ["y"])],
         [x(1, 4, 5, 6)], [value("y", [1, 4, 5, 6])], [weight("gamma", 4, 1, 1), weight("beta", 4, 1, 1)])

    # As the TorchScript exporter writes TResNet's anti-aliasing blur: a 1×1 Conv with a
    # stored weight, then a depthwise 3×3 stride-2 Conv whose fixed filter is a Constant
    # node (a buffer in PyTorch, not a learned weight).
    save("blur_filter_constant_opset13.onnx",
         [helper.make_node("Conv", ["x", "w"], ["c"]),
          helper.make_node("Constant", [], ["filter"], value=numpy_helper.from_array(np.full((4, 1, 3, 3), 1 / 16, dtype=np.float32), "filter_value")),
          helper.make_node("Conv", ["c", "filter"], ["y"], group=4, strides=[2, 2], pads=[1, 1, 1, 1])],
         [x(1, 4, 8, 8)], [value("y", [1, 4, 4, 4])], [weight("w", 4, 4, 1, 1)])

    # Col2Im, as the dynamo exporter writes VOLO's fold: 3×3 blocks at stride 2 with
    # padding 1 summed into a 7×6 image of 3 channels.
    save("col2im_opset18.onnx", [helper.make_node("Col2Im", ["x", "image", "block"], ["y"], strides=[2, 2], pads=[1, 1, 1, 1])],
         [x(1, 27, 12)], [value("y", [1, 3, 7, 6])], [ints("image", [7, 6]), ints("block", [3, 3])], opset=18)

    # Clip with a lower bound only (Swin V2's norm clamps to 1e-12): a general clip.
    save("clip_lower_opset13.onnx", [helper.make_node("Clip", ["x", "low"], ["y"])],
         [x(1, 4, 5, 6)], [value("y", [1, 4, 5, 6])], [floats("low", 1e-12)])

    # Pooling and reductions.
    save("pooling_opset13.onnx",
         [helper.make_node("MaxPool", ["x"], ["m"], kernel_shape=[3, 3], strides=[2, 2], ceil_mode=1),
          helper.make_node("AveragePool", ["m"], ["a"], kernel_shape=[3, 3], pads=[1, 1, 1, 1]),
          helper.make_node("ReduceMean", ["a"], ["r"], axes=[2, 3], keepdims=1),
          helper.make_node("GlobalAveragePool", ["a"], ["g"]),
          helper.make_node("Add", ["r", "g"], ["y"])],
         [x(1, 4, 15, 15)], [value("y", [1, 4, 1, 1])])
    save("reducemean_opset18.onnx", [helper.make_node("ReduceMean", ["x", "axes"], ["y"], keepdims=0)],
         [x(1, 4, 6, 6)], [value("y", [1, 4])], [ints("axes", [-1, -2])], opset=18)

    # Reductions over other axes: sum over channels (axes an input from opset 13), max over
    # the width, L2 over the height, min over what is left; a token mean (opset 18); and
    # a sum over the batch axis, which netcost does not map.
    save("reductions_opset13.onnx",
         [helper.make_node("ReduceSum", ["x", "channels"], ["s"], keepdims=1),
          helper.make_node("ReduceMax", ["s"], ["m"], axes=[3], keepdims=0),
          helper.make_node("ReduceL2", ["m"], ["l"], axes=[2], keepdims=1),
          helper.make_node("ReduceMin", ["x"], ["y"], axes=[-1, 1], keepdims=0)],
         [x(1, 6, 5, 4)], [value("l", [1, 1, 1]), value("y", [1, 5])], [ints("channels", [1])])
    save("reducemean_tokens_opset18.onnx", [helper.make_node("ReduceMean", ["x", "axes"], ["y"], keepdims=0)],
         [value("x", [1, 7, 12])], [value("y", [1, 12])], [ints("axes", [1])], opset=18)
    save("reducesum_batch_opset13.onnx", [helper.make_node("ReduceSum", ["x", "axes"], ["y"], keepdims=1)],
         [x(1, 4, 3, 3)], [value("y", [1, 4, 3, 3])], [ints("axes", [0])])

    # Resizing and padding.
    save("resize_opset11.onnx", [helper.make_node("Resize", ["x", "roi", "scales"], ["y"], mode="nearest")],
         [x(1, 4, 5, 6)], [value("y", [1, 4, 10, 12])], [floats("roi", []), floats("scales", [1, 1, 2, 2])], opset=11)
    save("resize_opset13.onnx", [helper.make_node("Resize", ["x", "", "", "sizes"], ["y"], mode="linear")],
         [x(1, 4, 5, 6)], [value("y", [1, 4, 9, 12])], [ints("sizes", [1, 4, 9, 12])])
    save("resize_opset18.onnx",
         [helper.make_node("Resize", ["x", "", "scales"], ["y"], mode="linear", axes=[2, 3], coordinate_transformation_mode="align_corners")],
         [x(1, 4, 5, 6)], [value("y", [1, 4, 10, 18])], [floats("scales", [2, 3])], opset=18)
    save("resize_cubic_opset13.onnx",
         [helper.make_node("Resize", ["x", "", "scales"], ["r"], mode="cubic"), helper.make_node("Relu", ["r"], ["y"])],
         [x(1, 2, 4, 4)], [value("y", [1, 2, 8, 8])], [floats("scales", [1, 1, 2, 2])])
    save("resize_cubic_unmapped_opset13.onnx",
         [helper.make_node("Resize", ["x", "", "scales"], ["a"], mode="cubic", exclude_outside=1, name="excluding"),
          helper.make_node("Resize", ["x", "", "scales"], ["b"], mode="cubic", coordinate_transformation_mode="tf_half_pixel_for_nn",
                           name="tf")],
         [x(1, 2, 4, 4)], [value("a", [1, 2, 8, 8]), value("b", [1, 2, 8, 8])], [floats("scales", [1, 1, 2, 2])])
    save("upsample_opset9.onnx", [helper.make_node("Upsample", ["x", "scales"], ["y"], mode="nearest")],
         [x(1, 4, 5, 6)], [value("y", [1, 4, 10, 12])], [floats("scales", [1, 1, 2, 2])], opset=9)
    save("pad_opset11.onnx", [helper.make_node("Pad", ["x", "pads"], ["y"], mode="constant")],
         [x(1, 4, 5, 6)], [value("y", [1, 4, 9, 12])], [ints("pads", [0, 0, 1, 2, 0, 0, 3, 4])], opset=11)
    save("pad_opset18.onnx", [helper.make_node("Pad", ["x", "pads", "", "axes"], ["y"])],
         [x(1, 4, 5, 6)], [value("y", [1, 4, 7, 10])], [ints("pads", [1, 2, 1, 2]), ints("axes", [2, 3])], opset=18)
    # Swin pads its channels-last [N, H, W, C] map on H and W.
    save("pad_channels_last_opset13.onnx", [helper.make_node("Pad", ["x", "pads"], ["y"])],
         [x(1, 5, 6, 4)], [value("y", [1, 8, 8, 4])], [ints("pads", [0, 1, 0, 0, 0, 2, 2, 0])])

    # Element-wise math: each function on a 1×4×5×6 input; Pow by one constant, and by a
    # tensor of exponents.
    save("math_opset13.onnx",
         [helper.make_node("Abs", ["x"], ["a"]), helper.make_node("Exp", ["x"], ["e"]),
          helper.make_node("Log", ["a"], ["l"]), helper.make_node("Sqrt", ["a"], ["s"]),
          helper.make_node("Reciprocal", ["x"], ["r"]), helper.make_node("Neg", ["x"], ["n"]),
          helper.make_node("Sin", ["x"], ["si"]), helper.make_node("Cos", ["x"], ["co"]),
          helper.make_node("Erf", ["x"], ["er"]), helper.make_node("Pow", ["x", "two"], ["p"]),
          helper.make_node("Pow", ["x", "powers"], ["q"])],
         [x(1, 4, 5, 6)],
         [value(name, [1, 4, 5, 6]) for name in ["e", "l", "s", "r", "n", "si", "co", "er", "p", "q"]],
         [floats("two", [2.0]), weight("powers", 4, 1, 1)])

    # Masks and copies on computed tensors: Greater and Where against a constant 0, an
    # exclusive CumSum along H, a pooled map expanded back, a tile along H.
    save("where_cumsum_expand_tile_opset13.onnx",
         [helper.make_node("Greater", ["x", "zero"], ["c"]),
          helper.make_node("Where", ["c", "x", "zero"], ["w"]),
          helper.make_node("CumSum", ["x", "axis"], ["cs"], exclusive=1),
          helper.make_node("ReduceMean", ["x"], ["g"], axes=[2, 3], keepdims=1),
          helper.make_node("Expand", ["g", "shape"], ["e"]),
          helper.make_node("Tile", ["x", "repeats"], ["t"])],
         [x(1, 4, 5, 6)],
         [value("w", [1, 4, 5, 6]), value("cs", [1, 4, 5, 6]), value("e", [1, 4, 5, 6]), value("t", [1, 4, 10, 6])],
         [floats("zero", [0.0]), ints("axis", [2]), ints("shape", [1, 4, 5, 6]), ints("repeats", [1, 1, 2, 1])])

    # Unsupported ops: listed, the rest still counted.
    # Swin's shifted-window mask: zeros of a known shape, a block set by ScatterND from
    # constants (folded: only its dims are kept), then added to the scores. A ScatterND
    # and a GatherElements on run-time tensors keep their exact shapes; an unknown op
    # whose shape is guessed is followed by a Slice that cannot apply to the guess, which
    # is not counted either.
    save("scatter_gather_elements_opset13.onnx",
         [const("mask_shape", [1, 4, 4]),
          helper.make_node("ConstantOfShape", ["mask_shape"], ["zeros"], value=numpy_helper.from_array(np.zeros(1, dtype=np.float32), "zero")),
          helper.make_node("ScatterND", ["zeros", "where", "minus"], ["mask"]),
          helper.make_node("Add", ["x", "mask"], ["scored"]),
          helper.make_node("ScatterND", ["scored", "where", "fill"], ["scattered"]),
          helper.make_node("GatherElements", ["scattered", "picks"], ["picked"], axis=2),
          helper.make_node("Relu", ["picked"], ["y"]),
          helper.make_node("Unknown", ["x"], ["u"], domain="com.example"),
          helper.make_node("Slice", ["u", "starts", "ends", "axes"], ["s"]),
          helper.make_node("Shape", ["u"], ["su"]),
          helper.make_node("Gather", ["su", "seven"], ["g"], axis=0)],
         [x(1, 4, 4)], [value("y", [1, 4, 2]), value("s", [1, 4, 3]), value("g", [], TensorProto.INT64)],
         [ints("where", [[0, 0, 0], [0, 1, 1]]), floats("minus", [-100.0, -100.0]), floats("fill", [0.0, 0.0]),
          ints("picks", np.zeros([1, 4, 2], dtype=np.int64)), ints("starts", [5]), ints("ends", [8]), ints("axes", [2]),
          numpy_helper.from_array(np.array(7, dtype=np.int64), "seven")],
         extra_opsets=["com.example"], check=False)
    # Folded: a ConstantOfShape of an empty shape is a scalar (GPT-2's attention mask
    # fill); a GatherElements of constants (BERT's token types) whose values, [6, 2],
    # are a Reshape's target.
    save("constant_scalar_gather_elements_opset13.onnx",
         [helper.make_node("ConstantOfShape", ["empty"], ["two"], value=numpy_helper.from_array(np.array([2.0], dtype=np.float32), "fill")),
          helper.make_node("Mul", ["x", "two"], ["doubled"]),
          helper.make_node("GatherElements", ["sizes", "picks"], ["picked"], axis=1),
          helper.make_node("Reshape", ["picked", "flat_shape"], ["picked_flat"]),
          helper.make_node("Reshape", ["doubled", "picked_flat"], ["y"])],
         [x(1, 12)], [value("y", [6, 2])],
         [ints("empty", np.zeros([0], dtype=np.int64)), ints("sizes", [[2, 3, 4, 6]]), ints("picks", [[3, 0]]), ints("flat_shape", [2])])
    # A detector's image: [3, H, W] with no batch axis, unsqueezed before the backbone;
    # a Reshape target computed as Cast(1 / 0.25) = 4, which folds.
    save("image_without_batch_opset13.onnx",
         [helper.make_node("Unsqueeze", ["x", "zero"], ["batched"]),
          helper.make_node("Conv", ["batched", "w"], ["c"], pads=[1, 1, 1, 1]),
          helper.make_node("Reciprocal", ["quarter"], ["four"]),
          helper.make_node("Cast", ["four"], ["four_int"], to=TensorProto.INT64),
          helper.make_node("Concat", ["four_int", "minus_one"], ["target"], axis=0),
          helper.make_node("Reshape", ["c", "target"], ["y"])],
         [x(3, 8, 8)], [value("y", [4, 64])],
         [ints("zero", [0]), weight("w", 4, 3, 3, 3), floats("quarter", [0.25]), ints("minus_one", [-1])])
    # TF-style "same" padding, computed from sizes: Clip([-3, 1], 0, 5) = [0, 1] ends
    # the pads, so W grows by one.
    save("computed_pads_opset13.onnx",
         [helper.make_node("Clip", ["raw", "low", "high"], ["clipped"]),
          helper.make_node("Concat", ["leading", "clipped"], ["pads"], axis=0),
          helper.make_node("Pad", ["x", "pads"], ["y"])],
         [x(1, 2, 5, 5)], [value("y", [1, 2, 5, 6])],
         [ints("raw", [-3, 1]), numpy_helper.from_array(np.array(0, dtype=np.int64), "low"),
          numpy_helper.from_array(np.array(5, dtype=np.int64), "high"), ints("leading", [0, 0, 0, 0, 0, 0])])
    # Post-processing: TopK and NonZero on a ReLU's output, a Transpose of the indices.
    save("post_processing_opset13.onnx",
         [helper.make_node("Relu", ["x"], ["r"]),
          helper.make_node("TopK", ["r", "k"], ["values", "indices"]),
          helper.make_node("NonZero", ["r"], ["nz"]),
          helper.make_node("Transpose", ["nz"], ["t"], perm=[1, 0])],
         [x(1, 6)], [value("values", [1, 2]), value("t", [6, 2], TensorProto.INT64)], [ints("k", [2])])
    # Gemm between run-time operands (Aᵀ·A, plus a stored bias), EyeLike of its shape (a
    # constant), and an LSTM whose last hidden state a ReLU reads.
    save("gemm_eyelike_lstm_opset13.onnx",
         [helper.make_node("Relu", ["x"], ["a"]),
          helper.make_node("Gemm", ["a", "a", "c"], ["g"], transA=1),
          helper.make_node("EyeLike", ["g"], ["eye"]),
          helper.make_node("Mul", ["g", "eye"], ["diagonal"]),
          helper.make_node("Unsqueeze", ["x", "one"], ["sequence"]),
          helper.make_node("LSTM", ["sequence", "w", "r"], ["all", "last"], hidden_size=2),
          helper.make_node("Relu", ["last"], ["y"])],
         [x(4, 3)], [value("diagonal", [3, 3]), value("y", [1, 1, 2])],
         [weight("c", 3), ints("one", [1]), weight("w", 1, 8, 3), weight("r", 1, 8, 2)])
    # LSTMs netcost does not map: with peepholes, and with sequence lengths.
    save("lstm_unmapped_opset13.onnx",
         [helper.make_node("LSTM", ["x", "w", "r", "", "", "", "", "p"], ["a"], hidden_size=2, name="peephole"),
          helper.make_node("LSTM", ["x", "w", "r", "", "lengths"], ["b"], hidden_size=2, name="lengths")],
         [x(4, 1, 3), value("lengths", [1], TensorProto.INT32)], [value("a", [4, 1, 1, 2]), value("b", [4, 1, 1, 2])],
         [weight("w", 1, 8, 3), weight("r", 1, 8, 2), weight("p", 1, 6)])
    # torch.roll by 0, as Swin3D's shifted windows export it: an empty slice joined to
    # the rest along the same axis.
    save("roll_by_zero_opset13.onnx",
         [helper.make_node("Slice", ["x", "zero", "zero", "one"], ["empty"]),
          helper.make_node("Slice", ["x", "zero", "four", "one"], ["rest"]),
          helper.make_node("Concat", ["empty", "rest"], ["rolled"], axis=1),
          helper.make_node("Relu", ["rolled"], ["y"])],
         [x(1, 4, 3)], [value("y", [1, 4, 3])], [ints("zero", [0]), ints("four", [4]), ints("one", [1])])
    save("unsupported_opset13.onnx",
         [helper.make_node("Conv", ["x", "w1"], ["c"], pads=[1, 1, 1, 1]),
          helper.make_node("Elu", ["c"], ["e"]),
          helper.make_node("Celu", ["e"], ["f"]),
          helper.make_node("PRelu", ["f", "slope"], ["p"]),
          helper.make_node("Pad", ["p", "pads"], ["q"], mode="reflect"),
          helper.make_node("Foo", ["q"], ["g"], domain="com.example"),
          helper.make_node("Conv", ["g", "w2"], ["y"])],
         [x(1, 4, 8, 8)], [value("y", [1, 2, 10, 10])],
         [weight("w1", 4, 4, 3, 3), weight("slope", 4, 1, 1), ints("pads", [0, 0, 1, 1, 0, 0, 1, 1]), weight("w2", 2, 4, 1, 1)],
         value_info=[value("g", [1, 4, 10, 10])], check=False, extra_opsets=["com.example"])

    # Shared and aliased weights; external data; dynamo-style names.
    save("shared_weights_opset13.onnx",
         [helper.make_node("Conv", ["x", "w", "b"], ["a"], pads=[1, 1, 1, 1]),
          helper.make_node("Conv", ["a", "w", "b"], ["c"], pads=[1, 1, 1, 1]),
          helper.make_node("Identity", ["w"], ["w_alias"]),
          helper.make_node("Conv", ["c", "w_alias", "b"], ["y"], pads=[1, 1, 1, 1])],
         [x(1, 4, 6, 6)], [value("y", [1, 4, 6, 6])], [weight("w", 4, 4, 3, 3), weight("b", 4)])
    external = save("external_data_opset13.onnx",
                    [helper.make_node("Conv", ["x", "w", "b"], ["y"])],
                    [x(1, 16, 8, 8)], [value("y", [1, 64, 6, 6])], [weight("w", 64, 16, 3, 3), weight("b", 64)])
    onnx.save(external, os.path.join(OUT, "external_data_opset13.onnx"), save_as_external_data=True,
              all_tensors_to_one_file=True, location="external_data_opset13.onnx.data", size_threshold=0)
    os.remove(os.path.join(OUT, "external_data_opset13.onnx.data"))
    # As the dynamo exporter writes torch's as_strided: a Gather whose stored indices
    # [1, 8, 1, 1] (a permutation) sit in a side file, kept this time; the copy whose
    # location climbs out of the model's directory is not read.
    indices = numpy_helper.from_array(np.array([3, 1, 0, 2, 7, 6, 5, 4], dtype=np.int64).reshape(1, 8, 1, 1), "idx")
    gathered = save("external_indices_opset13.onnx",
                    [helper.make_node("Reshape", ["x", "flat"], ["r"]), helper.make_node("Gather", ["r", "idx"], ["y"], axis=0)],
                    [x(1, 8, 1, 1)], [value("y", [1, 8, 1, 1])], [indices, ints("flat", [8])])
    side = os.path.join(OUT, "external_indices_opset13.onnx.data")
    if os.path.exists(side):
        os.remove(side)  # onnx.save appends to an existing side file
    onnx.save(gathered, os.path.join(OUT, "external_indices_opset13.onnx"), save_as_external_data=True,
              all_tensors_to_one_file=True, location="external_indices_opset13.onnx.data", size_threshold=64)
    for tensor in gathered.graph.initializer:
        for entry in tensor.external_data:
            if entry.key == "location":
                entry.value = "../generated/external_indices_opset13.onnx.data"
    onnx.save(gathered, os.path.join(OUT, "external_indices_escaping_opset13.onnx"))
    named = [helper.make_node("Conv", ["x", "w"], ["c"], name="node_conv2d"),
             helper.make_node("Relu", ["c"], ["y"], name="node_relu")]
    for node, scopes in zip(named, ["['', 'features', 'features.0', 'conv2d']", "['', 'features', 'features.1', 'relu']"]):
        entry = node.metadata_props.add()
        entry.key, entry.value = "pkg.torch.onnx.name_scopes", scopes
    save("dynamo_names_opset18.onnx", named, [x(1, 3, 8, 8)], [value("y", [1, 4, 8, 8])], [weight("w", 4, 3, 1, 1)], opset=18)

    # A ConvNeXt block as torchvision's exporter writes it (opset 17): channels-last
    # LayerNorm, MatMul + Add linears, GELU spelled with Erf, a layer-scale Mul.
    gelu = [const("sqrt2", 1.4142135, np.float32), const("one", 1.0, np.float32), const("half", 0.5, np.float32),
            helper.make_node("Div", ["fc1", "sqrt2"], ["g_div"], name="/block/mlp/act/Div"),
            helper.make_node("Erf", ["g_div"], ["g_erf"], name="/block/mlp/act/Erf"),
            helper.make_node("Add", ["g_erf", "one"], ["g_add"], name="/block/mlp/act/Add"),
            helper.make_node("Mul", ["fc1", "g_add"], ["g_mul"], name="/block/mlp/act/Mul"),
            helper.make_node("Mul", ["g_mul", "half"], ["act"], name="/block/mlp/act/Mul_1")]
    save("convnext_block_opset17.onnx",
         [helper.make_node("Conv", ["x", "stem_w", "stem_b"], ["stem"], strides=[4, 4], name="/stem/Conv"),
          helper.make_node("Conv", ["stem", "dw_w", "dw_b"], ["dw"], group=16, pads=[3, 3, 3, 3], name="/block/dwconv/Conv"),
          helper.make_node("Transpose", ["dw"], ["nhwc"], perm=[0, 2, 3, 1], name="/block/permute/Transpose"),
          helper.make_node("LayerNormalization", ["nhwc", "ln_s", "ln_b"], ["ln"], axis=-1, epsilon=1e-6, name="/block/norm/LayerNormalization"),
          helper.make_node("MatMul", ["ln", "fc1_w"], ["fc1_m"], name="/block/mlp/fc1/MatMul"),
          helper.make_node("Add", ["fc1_m", "fc1_b"], ["fc1"], name="/block/mlp/fc1/Add")] + gelu +
         [helper.make_node("MatMul", ["act", "fc2_w"], ["fc2_m"], name="/block/mlp/fc2/MatMul"),
          helper.make_node("Add", ["fc2_m", "fc2_b"], ["fc2"], name="/block/mlp/fc2/Add"),
          helper.make_node("Mul", ["fc2", "gamma"], ["scaled"], name="/block/Mul"),
          helper.make_node("Transpose", ["scaled"], ["nchw"], perm=[0, 3, 1, 2], name="/block/permute_1/Transpose"),
          helper.make_node("Add", ["nchw", "stem"], ["block"], name="/block/Add"),
          helper.make_node("GlobalAveragePool", ["block"], ["pool"], name="/avgpool/GlobalAveragePool"),
          helper.make_node("Transpose", ["pool"], ["pool_t"], perm=[0, 2, 3, 1], name="/classifier/classifier.0/Transpose"),
          helper.make_node("LayerNormalization", ["pool_t", "head_s", "head_b"], ["head_ln"], axis=-1, name="/classifier/classifier.0/LayerNormalization"),
          helper.make_node("Transpose", ["head_ln"], ["head"], perm=[0, 3, 1, 2], name="/classifier/classifier.0/Transpose_1"),
          helper.make_node("Flatten", ["head"], ["flat"], axis=1, name="/classifier/classifier.1/Flatten"),
          helper.make_node("Gemm", ["flat", "fc_w", "fc_b"], ["y"], transB=1, name="/classifier/classifier.2/Gemm")],
         [x(1, 3, 32, 32)], [value("y", [1, 10])],
         [weight("stem_w", 16, 3, 4, 4), weight("stem_b", 16), weight("dw_w", 16, 1, 7, 7), weight("dw_b", 16),
          weight("ln_s", 16), weight("ln_b", 16), weight("fc1_w", 16, 64), weight("fc1_b", 64), weight("fc2_w", 64, 16),
          weight("fc2_b", 16), weight("gamma", 16), weight("head_s", 16), weight("head_b", 16), weight("fc_w", 10, 16),
          weight("fc_b", 10)], opset=17)

    # A ViT block as timm writes attention: qkv reshaped to [B, N, 3, heads, d] and
    # permuted to [3, B, heads, N, d], which moves the batch inward.
    vit = [helper.make_node("Conv", ["x", "patch_w", "patch_b"], ["patches"], strides=[4, 4], name="/patch_embed/proj/Conv"),
           helper.make_node("Reshape", ["patches", "tokens_shape"], ["tokens"], name="/patch_embed/Reshape"),
           helper.make_node("Transpose", ["tokens"], ["tokens_t"], perm=[0, 2, 1], name="/patch_embed/Transpose"),
           helper.make_node("Concat", ["cls", "tokens_t"], ["seq"], axis=1, name="/Concat"),
           helper.make_node("Add", ["seq", "pos"], ["embedded"], name="/Add"),
           helper.make_node("MatMul", ["embedded", "qkv_w"], ["qkv_m"], name="/blocks.0/attn/qkv/MatMul"),
           helper.make_node("Add", ["qkv_m", "qkv_b"], ["qkv"], name="/blocks.0/attn/qkv/Add"),
           helper.make_node("Reshape", ["qkv", "qkv_shape"], ["qkv_r"], name="/blocks.0/attn/Reshape"),
           helper.make_node("Transpose", ["qkv_r"], ["qkv_p"], perm=[2, 0, 3, 1, 4], name="/blocks.0/attn/Transpose")]
    for index, name in enumerate(["q", "k", "v"]):
        vit += [const(f"idx_{name}", index), helper.make_node("Gather", ["qkv_p", f"idx_{name}"], [name], axis=0, name=f"/blocks.0/attn/Gather_{index}")]
    vit += [const("scale", 0.35, np.float32),
            helper.make_node("Mul", ["q", "scale"], ["q_scaled"], name="/blocks.0/attn/Mul"),
            helper.make_node("Transpose", ["k"], ["k_t"], perm=[0, 1, 3, 2], name="/blocks.0/attn/Transpose_1"),
            helper.make_node("MatMul", ["q_scaled", "k_t"], ["scores"], name="/blocks.0/attn/MatMul"),
            helper.make_node("Softmax", ["scores"], ["weights"], axis=-1, name="/blocks.0/attn/Softmax"),
            helper.make_node("MatMul", ["weights", "v"], ["context"], name="/blocks.0/attn/MatMul_1"),
            helper.make_node("Transpose", ["context"], ["context_t"], perm=[0, 2, 1, 3], name="/blocks.0/attn/Transpose_2"),
            helper.make_node("Reshape", ["context_t", "merge_shape"], ["merged"], name="/blocks.0/attn/Reshape_1"),
            helper.make_node("MatMul", ["merged", "proj_w"], ["proj_m"], name="/blocks.0/attn/proj/MatMul"),
            helper.make_node("Add", ["proj_m", "proj_b"], ["proj"], name="/blocks.0/attn/proj/Add"),
            helper.make_node("Add", ["embedded", "proj"], ["residual"], name="/blocks.0/Add"),
            const("first", 0),
            helper.make_node("Gather", ["residual", "first"], ["cls_out"], axis=1, name="/Gather"),
            helper.make_node("Gemm", ["cls_out", "head_w", "head_b"], ["y"], transB=1, name="/head/Gemm")]
    save("vit_attention_opset17.onnx", vit, [x(1, 3, 8, 8)], [value("y", [1, 10])],
         [weight("patch_w", 16, 3, 4, 4), weight("patch_b", 16), ints("tokens_shape", [1, 16, 4]), weight("cls", 1, 1, 16),
          weight("pos", 1, 5, 16), weight("qkv_w", 16, 48), weight("qkv_b", 48), ints("qkv_shape", [1, 5, 3, 2, 8]),
          ints("merge_shape", [1, 5, 16]), weight("proj_w", 16, 16), weight("proj_b", 16), weight("head_w", 10, 16), weight("head_b", 10)],
         opset=17)
    # nn.MultiheadAttention's sequence-first layout: the batch goes to axis 1 and back.
    save("sequence_first_opset17.onnx",
         [helper.make_node("Transpose", ["x"], ["t"], perm=[1, 0, 2]),
          helper.make_node("MatMul", ["t", "w"], ["m"]),
          helper.make_node("Add", ["m", "b"], ["p"]),
          helper.make_node("Transpose", ["p"], ["back"], perm=[1, 0, 2]),
          helper.make_node("Add", ["x", "back"], ["r"]),
          helper.make_node("LayerNormalization", ["r", "s", "lb"], ["y"], axis=-1)],
         [x(1, 5, 16)], [value("y", [1, 5, 16])], [weight("w", 16, 16), weight("b", 16), weight("s", 16), weight("lb", 16)], opset=17)

    # LayerNorm as torch writes it before opset 17.
    save("layernorm_decomposed_opset13.onnx",
         [helper.make_node("ReduceMean", ["x"], ["mean"], axes=[-1], name="/norm/ReduceMean"),
          helper.make_node("Sub", ["x", "mean"], ["centered"], name="/norm/Sub"),
          const("two_f", 2.0, np.float32), const("eps", 1e-5, np.float32),
          helper.make_node("Pow", ["centered", "two_f"], ["squared"], name="/norm/Pow"),
          helper.make_node("ReduceMean", ["squared"], ["variance"], axes=[-1], name="/norm/ReduceMean_1"),
          helper.make_node("Add", ["variance", "eps"], ["shifted"], name="/norm/Add"),
          helper.make_node("Sqrt", ["shifted"], ["root"], name="/norm/Sqrt"),
          helper.make_node("Div", ["centered", "root"], ["normalized"], name="/norm/Div"),
          helper.make_node("Mul", ["normalized", "gamma"], ["scaled"], name="/norm/Mul"),
          helper.make_node("Add", ["scaled", "beta"], ["y"], name="/norm/Add_1")],
         [x(1, 5, 32)], [value("y", [1, 5, 32])], [weight("gamma", 32), weight("beta", 32)])

    # Inputs netcost refuses or needs help with.
    save("symbolic_input_opset13.onnx", [helper.make_node("Relu", ["x"], ["y"])],
         [value("x", ["N", 3, "H", "W"])], [value("y", ["N", 3, "H", "W"])])
    save("symbolic_channels_opset13.onnx", [helper.make_node("Conv", ["x", "w"], ["y"], pads=[1, 1, 1, 1])],
         [value("x", ["N", "C", "H", "W"])], [value("y", ["N", 8, "H", "W"])], [weight("w", 8, 3, 3, 3)])
    save("batch2_opset13.onnx", [helper.make_node("Relu", ["x"], ["y"])], [x(2, 3, 8, 8)], [value("y", [2, 3, 8, 8])])

    # Node names as TorchScript writes them, for report --format netron: a node that adds
    # several layers (Split), patterns of several nodes that become one layer (the
    # channel shuffle, MatMul + Add), folded shape arithmetic (Shape → Gather →
    # Unsqueeze → Concat), an Expand that changes nothing, and one unnamed node.
    save("netron_nodes_opset13.onnx",
         [helper.make_node("Conv", ["x", "stem_w", "stem_b"], ["stem"], strides=[2, 2], pads=[1, 1, 1, 1], name="/stem/Conv"),
          helper.make_node("Relu", ["stem"], ["stem_act"], name="/stem/Relu"),
          helper.make_node("Split", ["stem_act", "halves"], ["left", "right"], axis=1, name="/Split"),
          helper.make_node("Conv", ["right", "branch_w"], ["branch"], name="/branch/Conv"),
          helper.make_node("Relu", ["branch"], ["branch_act"], name="/branch/Relu"),
          helper.make_node("Concat", ["left", "branch_act"], ["joined"], axis=1, name="/Concat"),
          const("split_shape", [1, 2, 4, 8, 8], name="/shuffle/Constant"),
          helper.make_node("Reshape", ["joined", "split_shape"], ["grouped"], name="/shuffle/Reshape"),
          helper.make_node("Transpose", ["grouped"], ["swapped"], perm=[0, 2, 1, 3, 4], name="/shuffle/Transpose"),
          const("merge_shape", [1, 8, 8, 8], name="/shuffle/Constant_1"),
          helper.make_node("Reshape", ["swapped", "merge_shape"], ["shuffled"], name="/shuffle/Reshape_1"),
          helper.make_node("Conv", ["shuffled", "dw_w"], ["dw"], group=8, strides=[2, 2], pads=[1, 1, 1, 1], name="/dw/Conv"),
          helper.make_node("GlobalAveragePool", ["dw"], ["pooled"], name="/pool/GlobalAveragePool"),
          helper.make_node("Shape", ["pooled"], ["pooled_shape"], name="/Shape"),
          const("zero", 0, name="/Constant"),
          helper.make_node("Gather", ["pooled_shape", "zero"], ["batch"], axis=0, name="/Gather"),
          const("axis0", [0], name="/Constant_1"),
          helper.make_node("Unsqueeze", ["batch", "axis0"], ["batch1"], name="/Unsqueeze"),
          const("minus_one", [-1], name="/Constant_2"),
          helper.make_node("Concat", ["batch1", "minus_one"], ["flat_shape"], axis=0, name="/Concat_1"),
          helper.make_node("Reshape", ["pooled", "flat_shape"], ["flat"], name="/Reshape"),
          helper.make_node("MatMul", ["flat", "fc_w"], ["fc_m"], name="/fc/MatMul"),
          helper.make_node("Add", ["fc_m", "fc_b"], ["logits"], name="/fc/Add"),
          helper.make_node("Expand", ["logits", "logits_shape"], ["expanded"], name="/head/Expand"),
          helper.make_node("Softmax", ["expanded"], ["y"], axis=-1)],
         [x(1, 3, 16, 16)], [value("y", [1, 10])],
         [weight("stem_w", 8, 3, 3, 3), weight("stem_b", 8), ints("halves", [4, 4]), weight("branch_w", 4, 4, 1, 1),
          weight("dw_w", 8, 1, 3, 3), weight("fc_w", 8, 10), weight("fc_b", 10), ints("logits_shape", [1, 10])])

    save("netron_unsupported_opset13.onnx",
         [helper.make_node("Conv", ["x", "w"], ["c"], name="/conv/Conv"),
          helper.make_node("Celu", ["c"], ["e"], name="/act/Celu"),
          helper.make_node("Relu", ["e"], ["y"], name="/act/Relu")],
         [x(1, 3, 8, 8)], [value("y", [1, 4, 8, 8])], [weight("w", 4, 3, 1, 1)])

    # Hostile files: each must end in a clear error.
    save("hostile_conv_pads.onnx", [helper.make_node("Conv", ["x", "w"], ["y"], pads=[1 << 40, 0, 0, 0])],
         [x(1, 3, 8, 8)], [value("y", [1, 4, 8, 8])], [weight("w", 4, 3, 1, 1)], check=False)
    huge = TensorProto(name="w", data_type=F, dims=[1 << 40, 1 << 40, 1, 1])
    save("hostile_huge_weight.onnx", [helper.make_node("Conv", ["x", "w"], ["y"])],
         [x(1, 3, 8, 8)], [value("y", [1, 4, 8, 8])], [huge], check=False)
    save("hostile_reshape.onnx", [helper.make_node("Reshape", ["x", "target"], ["y"])],
         [x(1, 3, 8, 8)], [value("y", [1, 192])], [ints("target", [1, 1 << 62, 4])], check=False)
    save("hostile_overflow.onnx", [helper.make_node("Mul", ["big", "four"], ["p"]), helper.make_node("Reshape", ["x", "p"], ["y"])],
         [x(1, 3, 8, 8)], [value("y", [1, 192])], [ints("big", [1 << 62]), ints("four", [4])], check=False)
    save("hostile_order.onnx", [helper.make_node("Relu", ["later"], ["y"]), helper.make_node("Relu", ["x"], ["later"])],
         [x(1, 3, 8, 8)], [value("y", [1, 3, 8, 8])], check=False)
    short = TensorProto(name="w", data_type=F, dims=[4, 3, 1, 1], raw_data=b"\x00" * 20)
    save("hostile_raw_length.onnx", [helper.make_node("Conv", ["x", "w"], ["y"])],
         [x(1, 3, 8, 8)], [value("y", [1, 4, 8, 8])], [short], check=False)
    save("hostile_constant_of_shape.onnx",
         [helper.make_node("ConstantOfShape", ["dims"], ["big"]),
          helper.make_node("Shape", ["big"], ["s"]),
          helper.make_node("Relu", ["x"], ["y"])],
         [x(1, 3, 8, 8)], [value("y", [1, 3, 8, 8])], [ints("dims", [1 << 31, 1 << 31])], check=False)

    # Loops in loops: 16,000 outer iterations of a body holding a Loop of 30,000
    # iterations of a Relu. Unrolled in full that is 960 million nodes; netcost unrolls
    # up to 65,536 in all and names the rest.
    inner = helper.make_graph([helper.make_node("Relu", ["h_in"], ["h_out"]), helper.make_node("Identity", ["k_in"], ["k_out"])], "inner",
                              [value("j", [], I64), value("k_in", [], TensorProto.BOOL), value("h_in", [1, 4])],
                              [value("k_out", [], TensorProto.BOOL), value("h_out", [1, 4])])
    outer = helper.make_graph([helper.make_node("Loop", ["inner_trips", "", "g_in"], ["g_out"], body=inner),
                               helper.make_node("Identity", ["c_in"], ["c_out"])], "outer",
                              [value("i", [], I64), value("c_in", [], TensorProto.BOOL), value("g_in", [1, 4])],
                              [value("c_out", [], TensorProto.BOOL), value("g_out", [1, 4])])
    save("hostile_nested_loops.onnx",
         [const("outer_trips", 16000), const("inner_trips", 30000),
          helper.make_node("Loop", ["outer_trips", "", "x"], ["y"], body=outer)],
         [x(1, 4)], [value("y", [1, 4])], check=False)

    runtime_checked()


def tensor_json(array):
    return {"shape": list(array.shape), "data": [float(v) for v in np.asarray(array, dtype=np.float32).flatten()]}


def runtime_checked():
    """Exports of torch modules with real weights, beside onnxruntime's output on a fixed
    input (`<name>.json`): the executor runs the imported graph on the file's weights and
    must give the same output. Needs torch, timm and onnxruntime as well.

    NF-Nets' weight-standardized convolution (timm's ScaledStdConv2d): PyTorch's exporter
    writes the standardization as ReduceMean, Sub and Mul on a stored copy of the weight
    and a BatchNormalization (in training mode from opset 14) whose output is the Conv's W.
    """
    import onnxruntime
    import torch
    from timm.layers import ScaledStdConv2d

    torch.manual_seed(15)
    module = torch.nn.Sequential(ScaledStdConv2d(3, 4, 3, stride=1, padding=1, eps=1e-5), torch.nn.ReLU()).eval()
    with torch.no_grad():
        module[0].gain.copy_(torch.rand(module[0].gain.shape) + 0.5)
        module[0].bias.copy_(torch.rand(module[0].bias.shape) - 0.5)
    x = torch.rand(2, 3, 6, 6) * 2 - 1
    for opset in (13, 17):
        name = f"weight_standardized_conv_opset{opset}"
        path = os.path.join(OUT, name + ".onnx")
        torch.onnx.export(module, (x,), path, opset_version=opset, dynamo=False, input_names=["x"], output_names=["y"])
        model = onnx.load(path)
        session = onnxruntime.InferenceSession(path, providers=["CPUExecutionProvider"])
        (y,) = session.run(None, {"x": x.numpy()})
        stored = {t.name: tensor_json(numpy_helper.to_array(t)) for t in model.graph.initializer
                  if t.data_type == TensorProto.FLOAT}
        constants = {node.output[0]: tensor_json(numpy_helper.to_array(node.attribute[0].t)) for node in model.graph.node
                     if node.op_type == "Constant" and node.attribute[0].t.data_type == TensorProto.FLOAT}
        norm = next(node for node in model.graph.node if node.op_type == "BatchNormalization")
        conv = next(node for node in model.graph.node if node.op_type == "Conv")
        fixture = {"model": name + ".onnx", "input": tensor_json(x.numpy()), "output": tensor_json(y),
                   "batchnorm": {"scale": stored[norm.input[1]], "shift": constants[norm.input[2]]},
                   "conv_bias": stored[conv.input[2]], "initializers": stored,
                   "generated_by": f"torch {torch.__version__}, onnxruntime {onnxruntime.__version__}"}
        with open(os.path.join(OUT, name + ".json"), "w") as file:
            json.dump(fixture, file)
    lstm_fixtures(onnxruntime, torch)
    cubic_fixtures(onnxruntime)
    indexing_fixtures(onnxruntime)
    control_flow_fixtures(onnxruntime)


def indexing_fixtures(onnxruntime):
    """Gather, GatherND and ScatterND on run-time tensors, checked by onnxruntime: the
    data and the indices are graph inputs (`<name>.json` gives them all, by name).

    - `gather_runtime_opset13`: x [2, 5, 3] at indices [2, 3] along axis 1, with a
      repeat and a negative index; output [2, 2, 3, 3].
    - `gather_nd_opset13`: x [2, 4, 3] at three [i, j] pairs: output [3, 3].
    - `gather_nd_batch_opset13`: `batch_dims` 1, x [2, 4, 3] at [2, 2, 1]: output [2, 2, 3].
    - `scatter_nd_opset13`: rows 3 and 1 of x [4, 3] replaced by updates [2, 3].
    - `scatter_nd_add_opset16`: `reduction` add, row 1 twice and row 0 once.
    - `gather_elements_opset13`: x [3, 4] at indices [3, 2] along the last axis.
    - `scatter_elements_opset16`: x [3, 4] with updates [2, 4] along axis 0, `reduction` mul.
    - `gather_elements_axis0_opset13`: x [4, 3, 2] at indices [2, 3, 2] along the first axis.
    - `scatter_opset10`: the deprecated Scatter, x [3, 5] with updates [3, 2] along axis 1.
    """
    rng = np.random.default_rng(15)
    cases = [
        ("gather_runtime_opset13", helper.make_node("Gather", ["x", "i"], ["y"], axis=1),
         {"x": rng.random((2, 5, 3), dtype=np.float32), "i": np.array([[0, 4, 4], [-1, 2, 1]], dtype=np.int64)}, 13),
        ("gather_nd_opset13", helper.make_node("GatherND", ["x", "i"], ["y"]),
         {"x": rng.random((2, 4, 3), dtype=np.float32), "i": np.array([[1, 3], [0, -1], [1, 0]], dtype=np.int64)}, 13),
        ("gather_nd_batch_opset13", helper.make_node("GatherND", ["x", "i"], ["y"], batch_dims=1),
         {"x": rng.random((2, 4, 3), dtype=np.float32), "i": np.array([[[2], [0]], [[3], [3]]], dtype=np.int64)}, 13),
        ("scatter_nd_opset13", helper.make_node("ScatterND", ["x", "i", "u"], ["y"]),
         {"x": rng.random((4, 3), dtype=np.float32), "i": np.array([[3], [1]], dtype=np.int64),
          "u": rng.random((2, 3), dtype=np.float32)}, 13),
        ("scatter_nd_add_opset16", helper.make_node("ScatterND", ["x", "i", "u"], ["y"], reduction="add"),
         {"x": rng.random((4, 3), dtype=np.float32), "i": np.array([[1], [0], [1]], dtype=np.int64),
          "u": rng.random((3, 3), dtype=np.float32)}, 16),
        ("gather_elements_opset13", helper.make_node("GatherElements", ["x", "i"], ["y"], axis=-1),
         {"x": rng.random((3, 4), dtype=np.float32), "i": np.array([[0, 3], [-1, 1], [2, 2]], dtype=np.int64)}, 13),
        ("scatter_elements_opset16", helper.make_node("ScatterElements", ["x", "i", "u"], ["y"], axis=0, reduction="mul"),
         {"x": rng.random((3, 4), dtype=np.float32), "i": np.array([[2, 0, 1, 1], [2, -1, 0, 1]], dtype=np.int64),
          "u": rng.random((2, 4), dtype=np.float32)}, 16),
        ("gather_elements_axis0_opset13", helper.make_node("GatherElements", ["x", "i"], ["y"], axis=0),
         {"x": rng.random((4, 3, 2), dtype=np.float32),
          "i": np.array([[[3, 0], [1, 1], [0, 2]], [[2, -1], [3, 0], [1, 3]]], dtype=np.int64)}, 13),
        ("scatter_opset10", helper.make_node("Scatter", ["x", "i", "u"], ["y"], axis=1),
         {"x": rng.random((3, 5), dtype=np.float32), "i": np.array([[4, 0], [1, 3], [2, 2]], dtype=np.int64),
          "u": rng.random((3, 2), dtype=np.float32)}, 10),
    ]
    for name, node, inputs, opset in cases:
        declared = [value(key, list(array.shape), I64 if array.dtype == np.int64 else F) for key, array in inputs.items()]
        session = onnxruntime.InferenceSession(
            save(name + ".onnx", [node], declared, [value("y", [])], opset=opset, check=False).SerializeToString(),
            providers=["CPUExecutionProvider"])
        (y,) = session.run(None, inputs)
        save(name + ".onnx", [node], declared, [value("y", list(y.shape))], opset=opset)
        fixture = {"model": name + ".onnx", "inputs": {key: tensor_json(array) for key, array in inputs.items()},
                   "output": tensor_json(y), "generated_by": f"onnxruntime {onnxruntime.__version__}"}
        with open(os.path.join(OUT, name + ".json"), "w") as file:
            json.dump(fixture, file)


def control_flow_fixtures(onnxruntime):
    """A Loop, sequences and an If, checked by onnxruntime (`control_flow_opset13.json`
    gives the inputs by name and the output). The Loop runs 3 times: h ← tanh(h·w), each
    h appended to a sequence and, through a Relu, stacked as a scan output; after it the
    sequence is joined (ConcatFromSequence), its last entry read (SequenceAt −1), and a
    constant If doubles the sum. x [1, 4] and w [4, 4] are graph inputs."""
    rng = np.random.default_rng(15)
    seq = lambda name: helper.make_tensor_sequence_value_info(name, F, None)
    body = helper.make_graph(
        [helper.make_node("MatMul", ["h", "w"], ["hw"]),
         helper.make_node("Tanh", ["hw"], ["h2"]),
         helper.make_node("SequenceInsert", ["items", "h2"], ["items2"]),
         helper.make_node("Relu", ["h2"], ["scan"]),
         helper.make_node("Identity", ["keep"], ["keep2"])],
        "body",
        [value("i", [], I64), value("keep", [], TensorProto.BOOL), value("h", [1, 4]), seq("items")],
        [value("keep2", [], TensorProto.BOOL), value("h2", [1, 4]), seq("items2"), value("scan", [1, 4])])
    then_branch = helper.make_graph([helper.make_node("Mul", ["t", "two"], ["doubled"])], "then", [], [value("doubled", [3, 4])])
    else_branch = helper.make_graph([helper.make_node("Neg", ["t"], ["negated"])], "else", [], [value("negated", [3, 4])])
    nodes = [
        const("trips", 3), const("go", True, dtype=np.bool_),
        helper.make_node("SequenceEmpty", [], ["empty"], dtype=F),
        helper.make_node("Loop", ["trips", "go", "x", "empty"], ["h_last", "items_last", "scans"], body=body),
        helper.make_node("ConcatFromSequence", ["items_last"], ["joined"], axis=0),
        const("shape", [3, 4]),
        helper.make_node("Reshape", ["scans", "shape"], ["flat"]),
        helper.make_node("Add", ["joined", "flat"], ["s"]),
        const("last", -1),
        helper.make_node("SequenceAt", ["items_last", "last"], ["final"]),
        helper.make_node("Add", ["s", "final"], ["t"]),
        const("two", 2.0, dtype=np.float32),
        helper.make_node("If", ["go"], ["y"], then_branch=then_branch, else_branch=else_branch),
    ]
    inputs = {"x": rng.random((1, 4), dtype=np.float32) * 2 - 1, "w": rng.random((4, 4), dtype=np.float32) * 2 - 1}
    name = "control_flow_opset13"
    model = save(name + ".onnx", nodes, [value("x", [1, 4]), value("w", [4, 4])], [value("y", [3, 4])], opset=13)
    session = onnxruntime.InferenceSession(model.SerializeToString(), providers=["CPUExecutionProvider"])
    (y,) = session.run(None, inputs)
    fixture = {"model": name + ".onnx", "inputs": {key: tensor_json(array) for key, array in inputs.items()},
               "output": tensor_json(y), "generated_by": f"onnxruntime {onnxruntime.__version__}"}
    with open(os.path.join(OUT, name + ".json"), "w") as file:
        json.dump(fixture, file)
    # The same body with a trip count given at run time: data-dependent, not unrolled.
    nodes[0:1] = [helper.make_node("ReduceMax", ["x"], ["largest"], keepdims=0),
                  helper.make_node("Cast", ["largest"], ["trips"], to=I64)]
    save("loop_runtime_trips_opset13.onnx", nodes, [value("x", [1, 4]), value("w", [4, 4])], [value("y", [3, 4])], opset=13)


def cubic_fixtures(onnxruntime):
    """Cubic Resize nodes in each coordinate transformation netcost maps, checked by
    onnxruntime: `resize_cubic_<mode>_opset13` (scales or sizes, `cubic_coeff_a`)."""
    rng = np.random.default_rng(15)
    cases = [
        ("half_pixel", {"scales": [1, 1, 2, 2]}, {}),
        ("align_corners", {"sizes": [1, 2, 7, 9]}, {}),
        ("asymmetric", {"scales": [1, 1, 1.5, 2]}, {"cubic_coeff_a": -0.5}),
        ("pytorch_half_pixel", {"sizes": [1, 2, 3, 1]}, {}),
    ]
    for mode, target, extra in cases:
        name = f"resize_cubic_{mode}_opset13"
        x = rng.random((1, 2, 5, 6), dtype=np.float32) * 2 - 1
        key = next(iter(target))
        dtype = np.float32 if key == "scales" else np.int64
        inputs = ["x", "", "target"] if key == "scales" else ["x", "", "", "target"]
        node = helper.make_node("Resize", inputs, ["y"], mode="cubic", coordinate_transformation_mode=mode, **extra)
        save(name + ".onnx", [node], [value("x", [1, 2, 5, 6])], [value("y", ["N", "C", "H", "W"])],
             [numpy_helper.from_array(np.array(target[key], dtype=dtype), "target")])
        session = onnxruntime.InferenceSession(os.path.join(OUT, name + ".onnx"), providers=["CPUExecutionProvider"])
        (y,) = session.run(None, {"x": x})
        fixture = {"model": name + ".onnx", "inputs": {"x": tensor_json(x)}, "output": tensor_json(y),
                   "generated_by": f"onnxruntime {onnxruntime.__version__}"}
        with open(os.path.join(OUT, name + ".json"), "w") as file:
            json.dump(fixture, file)


def lstm_fixtures(onnxruntime, torch):
    """LSTMs checked by onnxruntime. The JSON gives the weights in netcost's layout
    (torch's gate order input, forget, cell, output; per direction stacked: `weight`
    [D, 4H, I], `weight_hh` [D, 4H, H], `bias` and `bias_hh` [D, 4H]), the graph inputs
    by name and onnxruntime's output.

    - `lstm_bidirectional_opset17`: torch.nn.LSTM(5, 3, bidirectional=True) exported with
      its initial states as graph inputs, sequence first (layout 0); the output is Y.
    - `lstm_reverse_opset14`: an LSTM node written here, direction reverse, an initial
      hidden state without a cell state; the output is Y_h. (onnxruntime runs no
      `layout` 1: the kernel fixtures check netcost's batch-first LSTM against torch.)
    """
    generator = torch.Generator().manual_seed(15)
    module = torch.nn.LSTM(5, 3, bidirectional=True).eval()
    with torch.no_grad():
        for parameter in module.parameters():
            parameter.copy_(torch.rand(parameter.shape, generator=generator) - 0.5)

    class Sequence(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.lstm = module

        def forward(self, x, h0, c0):
            return self.lstm(x, (h0, c0))[0]

    x, h0, c0 = (torch.rand(shape, generator=generator) * 2 - 1 for shape in ([4, 2, 5], [2, 2, 3], [2, 2, 3]))
    name = "lstm_bidirectional_opset17"
    path = os.path.join(OUT, name + ".onnx")
    torch.onnx.export(Sequence().eval(), (x, h0, c0), path, opset_version=17, dynamo=False,
                      input_names=["x", "h0", "c0"], output_names=["y"])
    session = onnxruntime.InferenceSession(path, providers=["CPUExecutionProvider"])
    (y,) = session.run(None, {"x": x.numpy(), "h0": h0.numpy(), "c0": c0.numpy()})
    stacked = lambda prefix: np.stack([getattr(module, prefix + suffix).detach().numpy() for suffix in ("_l0", "_l0_reverse")])
    weights = {"weight": stacked("weight_ih"), "weight_hh": stacked("weight_hh"), "bias": stacked("bias_ih"), "bias_hh": stacked("bias_hh")}
    write_lstm_fixture(name, {"x": x.numpy(), "h0": h0.numpy(), "c0": c0.numpy()}, y, weights, torch, onnxruntime)

    # ONNX's gate order is input, output, forget, cell; netcost's (torch's) input, forget, cell, output.
    rng = np.random.default_rng(15)
    hidden, features, steps, batch = 3, 4, 5, 2
    w = (rng.random((1, 4 * hidden, features), dtype=np.float32) - 0.5)
    r = (rng.random((1, 4 * hidden, hidden), dtype=np.float32) - 0.5)
    b = (rng.random((1, 8 * hidden), dtype=np.float32) - 0.5)
    sequence = rng.random((steps, batch, features), dtype=np.float32) * 2 - 1
    initial = rng.random((1, batch, hidden), dtype=np.float32) - 0.5
    name = "lstm_reverse_opset14"
    save(name + ".onnx",
         [helper.make_node("LSTM", ["x", "w", "r", "b", "", "h0"], ["", "y"], hidden_size=hidden, direction="reverse")],
         [value("x", [steps, batch, features]), value("h0", [1, batch, hidden])], [value("y", [1, batch, hidden])],
         [numpy_helper.from_array(w, "w"), numpy_helper.from_array(r, "r"), numpy_helper.from_array(b, "b")], opset=14)
    session = onnxruntime.InferenceSession(os.path.join(OUT, name + ".onnx"), providers=["CPUExecutionProvider"])
    (y,) = session.run(None, {"x": sequence, "h0": initial})

    def reorder(gates):
        i, o, f, c = np.split(gates, 4, axis=-2 if gates.ndim == 3 else -1)
        return np.concatenate([i, f, c, o], axis=-2 if gates.ndim == 3 else -1)
    weights = {"weight": reorder(w), "weight_hh": reorder(r), "bias": reorder(b[:, :4 * hidden]), "bias_hh": reorder(b[:, 4 * hidden:])}
    write_lstm_fixture(name, {"x": sequence, "h0": initial}, y, weights, torch, onnxruntime)


def write_lstm_fixture(name, inputs, output, weights, torch, onnxruntime):
    fixture = {"model": name + ".onnx", "inputs": {key: tensor_json(value) for key, value in inputs.items()},
               "output": tensor_json(output), "lstm": {key: tensor_json(value) for key, value in weights.items()},
               "generated_by": f"torch {torch.__version__}, onnxruntime {onnxruntime.__version__}"}
    with open(os.path.join(OUT, name + ".json"), "w") as file:
        json.dump(fixture, file)


if __name__ == "__main__":
    import sys
    if sys.argv[1:] == ["--indexing"]:  # only the indexing fixtures, leaving the others as they are
        import onnxruntime
        indexing_fixtures(onnxruntime)
    elif sys.argv[1:] == ["--control-flow"]:
        import onnxruntime
        control_flow_fixtures(onnxruntime)
    else:
        main()
