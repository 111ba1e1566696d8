#!/usr/bin/env python3
"""Writes Fixtures/external/: real exports from another exporter (paddle2onnx), with
their weight payloads stripped, and reference counts computed by onnx's own shape
inference rather than by netcost.

    pip download --no-deps rapidocr-onnxruntime==1.4.4 && unzip rapidocr_onnxruntime-*.whl -d rapid
    python3 Tests/ONNXTests/Fixtures/make_external.py rapid/rapidocr_onnxruntime/models

The models are PaddleOCR's (Apache-2.0) as shipped in that wheel. paddle2onnx keeps the
weights in Constant nodes, not initializers; stripping empties every float tensor of
more than 64 elements and keeps its dims.
"""
import json
import os
import sys

import numpy as np
import onnx
from onnx import shape_inference

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "external")
MODELS = {
    "ppocr_v2_cls": ("ch_ppocr_mobile_v2.0_cls_infer.onnx", [3, 48, 192]),
    "ppocrv4_det": ("ch_PP-OCRv4_det_infer.onnx", [3, 640, 640]),
}


def strip(tensor):
    if tensor.data_type in (1, 10, 11, 16) and int(np.prod(tensor.dims)) > 64:
        tensor.ClearField("raw_data")
        tensor.ClearField("float_data")
        tensor.ClearField("double_data")


def reference(model, input_dims):
    """Conv and ConvTranspose mult-adds from onnx's inferred shapes, batch 1."""
    model = onnx.ModelProto.FromString(model.SerializeToString())
    dims = model.graph.input[0].type.tensor_type.shape.dim
    for dim, size in zip(dims, [1] + input_dims):
        dim.ClearField("dim_param")
        dim.dim_value = size
    inferred = shape_inference.infer_shapes(model, data_prop=True)
    shapes = {v.name: [d.dim_value for d in v.type.tensor_type.shape.dim] for v in list(inferred.graph.value_info) + list(inferred.graph.output)}
    shapes[model.graph.input[0].name] = [1] + input_dims
    for node in model.graph.node:
        if node.op_type == "Constant":
            shapes[node.output[0]] = list(node.attribute[0].t.dims)
    for tensor in model.graph.initializer:
        shapes[tensor.name] = list(tensor.dims)
    conv = 0
    for node in inferred.graph.node:
        weight = shapes[node.input[1]] if len(node.input) > 1 else None
        if node.op_type == "Conv":
            output = shapes[node.output[0]]
            assert output and 0 not in output, node.name
            conv += int(np.prod(output[1:])) * weight[1] * int(np.prod(weight[2:]))
        elif node.op_type == "ConvTranspose":
            source = shapes[node.input[0]]
            conv += int(np.prod(source[1:])) * weight[1] * int(np.prod(weight[2:]))
    return conv


def main(directory):
    os.makedirs(OUT, exist_ok=True)
    truth = {}
    for name, (filename, input_dims) in MODELS.items():
        model = onnx.load(os.path.join(directory, filename))
        truth[name] = {
            "file": name + ".onnx",
            "source": "rapidocr-onnxruntime 1.4.4 " + filename + " (PaddleOCR, Apache-2.0), exported by paddle2onnx",
            "input": input_dims,
            "conv_macs": reference(model, input_dims),
            "conv_macs_from": "onnx.shape_inference.infer_shapes (onnx " + onnx.__version__ + "): sum over Conv of output elements x (C_in/g) x kh x kw, over ConvTranspose of input elements x (C_out/g) x kh x kw",
        }
        for node in model.graph.node:
            for attribute in node.attribute:
                if attribute.HasField("t"):
                    strip(attribute.t)
        for tensor in model.graph.initializer:
            strip(tensor)
        onnx.save(model, os.path.join(OUT, name + ".onnx"))
    with open(os.path.join(OUT, "truth.json"), "w") as file:
        json.dump(truth, file, indent=1)
        file.write("\n")


if __name__ == "__main__":
    main(sys.argv[1])
