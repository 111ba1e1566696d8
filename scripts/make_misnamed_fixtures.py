#!/usr/bin/env python3
"""Writes Tests/EndToEndTests/Fixtures/misnamed/: small files that are not what their
name says, for the tests of the errors that name what a model file really is.

Each is what a user might hand netcost as `model.onnx` by mistake: a PyTorch checkpoint
(torch.save's ZIP archive, and its pickle format from before PyTorch 1.6), a safetensors
file, a NumPy archive, a JSON spec, a saved web page, the first bytes of a TensorFlow
Lite flatbuffer, a gzip and a tar archive of a real ONNX file, a Git LFS pointer, and
that ONNX file cut short as an interrupted download leaves it. Needs torch, onnx,
numpy and safetensors; the files are written with weights of a 2x2 linear layer and a
4-channel 3x3 convolution, so each stays under 2 KB."""
import gzip, io, pathlib, tarfile
import numpy as np
import torch
from safetensors.torch import save_file

OUT = pathlib.Path(__file__).resolve().parent.parent / "Tests/EndToEndTests/Fixtures/misnamed"
OUT.mkdir(parents=True, exist_ok=True)
torch.manual_seed(0)

linear = torch.nn.Linear(2, 2)
torch.save(linear.state_dict(), OUT / "pytorch_checkpoint.onnx")
torch.save(linear.state_dict(), OUT / "pytorch_legacy_checkpoint.onnx", _use_new_zipfile_serialization=False)
save_file(linear.state_dict(), str(OUT / "weights_safetensors.onnx"))
with open(OUT / "numpy_archive.onnx", "wb") as f:
    np.savez(f, weight=np.zeros((2, 2), np.float32))

(OUT / "spec_json.onnx").write_text('{ "name": "tiny", "input": [3, 8, 8], "layers": [{ "op": "conv", "out": 4, "kernel": 3 }] }\n')
(OUT / "web_page.onnx").write_text("<!DOCTYPE html>\n<html lang=\"en\"><head><title>model.onnx</title></head>\n"
                                   "<body><a href=\"model.onnx?download=true\">download</a></body></html>\n")
# A TFLite file begins with the flatbuffer's root table offset, then the file identifier.
(OUT / "tflite_header.onnx").write_bytes((28).to_bytes(4, "little") + b"TFL3" + bytes(24))
(OUT / "git_lfs_pointer.onnx").write_text("version https://git-lfs.github.com/spec/v1\n"
                                          "oid sha256:" + "0" * 64 + "\nsize 13967012\n")

net = torch.nn.Sequential(torch.nn.Conv2d(3, 4, 3), torch.nn.ReLU())
buffer = io.BytesIO()
torch.onnx.export(net, torch.randn(1, 3, 8, 8), buffer, dynamo=False, input_names=["x"], output_names=["y"])
onnx_bytes = buffer.getvalue()
(OUT / "real.onnx").write_bytes(onnx_bytes)
(OUT / "truncated_download.onnx").write_bytes(onnx_bytes[: len(onnx_bytes) // 2])
(OUT / "gzipped.onnx").write_bytes(gzip.compress(onnx_bytes, mtime=0))
# A tar archive's first 512-byte block (its header, with "ustar" at byte 257) is what
# netcost reads; the rest (the member and 10 KB of padding) is left out to keep it small.
tar = io.BytesIO()
with tarfile.open(fileobj=tar, mode="w", format=tarfile.USTAR_FORMAT) as archive:
    info = tarfile.TarInfo("model.onnx")
    info.size, info.mtime = len(onnx_bytes), 0
    archive.addfile(info, io.BytesIO(onnx_bytes))
(OUT / "tar_header.onnx").write_bytes(tar.getvalue()[:512])

for path in sorted(OUT.iterdir()):
    print(f"{path.stat().st_size:6d}  {path.name}")
