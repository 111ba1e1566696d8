#!/usr/bin/env python3
"""onnxruntime held to a narrower vector width, for comparisons at one width.

onnxruntime's kernels (MLAS) are chosen when it loads, from CPUID and from XCR0, the
register that says which vector states the operating system saves: AVX-512 only if XCR0
has its three AVX-512 bits, AVX2/FMA only if it has the AVX bits. No setting narrows that
choice. This module copies the installed onnxruntime package to a temporary directory and,
in the copy's shared libraries, replaces each `xgetbv` (0F 01 D0, which reads XCR0 when
ECX is 0) by `lea eax, [rcx + MASK]` (8D 41 MASK, also three bytes): XCR0 then reads as
0x06 (SSE and AVX state, no AVX-512: onnxruntime takes its AVX2/FMA kernels) or 0x00 (no
AVX state: its SSE kernels). That is what onnxruntime sees on a machine without AVX-512,
or without AVX. The installed package is not touched.

`--check` shows that the copy runs the kernels of a narrower CPU: MobileNetV2's output
and a softmax over 10,007 values, from the narrowed copy run natively with one thread,
are compared bit for bit with the unmodified onnxruntime run under qemu-user as that CPU
(`qemu-x86_64 -cpu Haswell` for avx2, `-cpu Nehalem` for sse2), and with the unmodified
onnxruntime run natively, which differs where other kernels round differently (FMA or
none). The channel block of onnxruntime's NCHWc layout, read from its optimized model,
tells AVX-512 (16) from AVX2 and SSE (8), which the outputs do not.

    python3 benchmarks/narrow_onnxruntime.py --check avx2     # needs objdump and qemu-user
    python3 benchmarks/mobilenet_v2_vs_onnxruntime.py --kernels avx2   # uses it
"""
import argparse
import atexit
import importlib.util
import os
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
XCR0_SEEN = {"avx2": 0x06, "sse2": 0x00}
QEMU_CPU = {"avx2": "Haswell", "sse2": "Nehalem"}


def installed_package():
    spec = importlib.util.find_spec("onnxruntime")
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit("onnxruntime is not installed (pip install onnxruntime)")
    return list(spec.submodule_search_locations)[0]


def xgetbv_offsets(library):
    """File offsets of the library's xgetbv instructions, found by disassembling it (a
    byte search would also hit constants). In these libraries .text's file offset equals
    its address; the section table is read to make sure."""
    sections = subprocess.run(["objdump", "-h", library], check=True, capture_output=True, text=True).stdout
    text = next(line.split() for line in sections.splitlines() if line.split()[1:2] == [".text"])
    address, offset = int(text[3], 16), int(text[5], 16)
    listing = subprocess.run(["objdump", "-d", "--no-show-raw-insn", library],
                             check=True, capture_output=True, text=True).stdout
    found = []
    for line in listing.splitlines():
        fields = line.split()
        if len(fields) == 2 and fields[1] == "xgetbv" and fields[0].endswith(":"):
            found.append(int(fields[0][:-1], 16) - address + offset)
    return found


def narrowed_package(width, directory):
    """Copies onnxruntime into `directory`/onnxruntime with XCR0 reading as `width`'s
    value; returns the directory to put first on sys.path and the patched sites."""
    source = installed_package()
    target = os.path.join(directory, "onnxruntime")
    shutil.copytree(source, target)  # makes `directory` if needed
    patched = []
    capi = os.path.join(target, "capi")
    for name in sorted(os.listdir(capi)):
        if ".so" not in name:
            continue
        path = os.path.join(capi, name)
        offsets = xgetbv_offsets(path)
        with open(path, "r+b") as library:
            for offset in offsets:
                library.seek(offset)
                if library.read(3) != b"\x0f\x01\xd0":
                    raise SystemExit(f"{path}: no xgetbv at offset {offset:#x}")
                library.seek(offset)
                library.write(bytes([0x8D, 0x41, XCR0_SEEN[width]]))
        patched += [(name, offset) for offset in offsets]
    if not any(name.startswith("onnxruntime_pybind11_state") for name, _ in patched):
        raise SystemExit("found no xgetbv in onnxruntime's Python extension: cannot narrow it")
    return directory, patched


def import_onnxruntime(width):
    """onnxruntime itself (width None or 'native'), or a narrowed copy; call before any
    other import of onnxruntime."""
    if width in (None, "native", "avx512", "neon"):
        import onnxruntime
        return onnxruntime, "its widest kernels"
    directory = tempfile.mkdtemp(prefix=f"onnxruntime-{width}-")
    atexit.register(shutil.rmtree, directory, ignore_errors=True)
    _, patched = narrowed_package(width, directory)
    sys.path.insert(0, directory)
    import onnxruntime
    if not onnxruntime.__file__.startswith(directory):
        raise SystemExit(f"onnxruntime was already imported from {onnxruntime.__file__}")
    return onnxruntime, f"{width} kernels (XCR0 read as {XCR0_SEEN[width]:#04x} at {len(patched)} sites)"


OUTPUT_SCRIPT = r"""
import sys, importlib.util
sys.path.insert(0, sys.argv[1]) if sys.argv[1] != "-" else None
import numpy as np, onnx, onnxruntime as ort
from onnx import helper, TensorProto
spec = importlib.util.spec_from_file_location("comparison", sys.argv[2])
comparison = importlib.util.module_from_spec(spec); spec.loader.exec_module(comparison)
softmax = helper.make_model(helper.make_graph(
    [helper.make_node("Softmax", ["x"], ["y"], axis=-1)], "softmax",
    [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 10007])],
    [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 10007])]),
    opset_imports=[helper.make_opsetid("", 13)])
outputs = {}
for name, model, shape in [("mobilenet_v2", comparison.filled_model(sys.argv[3]), (1, 3, 224, 224)),
                           ("softmax", softmax, (1, 10007))]:
    options = ort.SessionOptions(); options.intra_op_num_threads = 1
    session = ort.InferenceSession(model.SerializeToString(), options, providers=["CPUExecutionProvider"])
    feed = {session.get_inputs()[0].name: np.random.default_rng(1).uniform(-1, 1, size=shape).astype(np.float32)}
    outputs[name] = session.run(None, feed)[0]
# The layout onnxruntime picks tells AVX-512 apart (channels in blocks of 16) from AVX2
# and SSE (blocks of 8): it pads a 24-channel convolution's weights to 32 or keeps 24.
options = ort.SessionOptions(); options.optimized_model_filepath = sys.argv[4] + ".onnx"
options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
ort.InferenceSession(comparison.filled_model(sys.argv[3]).SerializeToString(), options, providers=["CPUExecutionProvider"])
optimized = onnx.load(sys.argv[4] + ".onnx")
dims = {tensor.name: tensor.dims[0] for tensor in optimized.graph.initializer if len(tensor.dims) == 4}
channels = [dims[node.input[1]] for node in optimized.graph.node
            if node.domain == "com.microsoft.nchwc" and node.op_type == "Conv" and node.input[1] in dims]
outputs["nchwc_block"] = np.array([16 if all(c % 16 == 0 for c in channels) else 8], dtype=np.uint32)
np.savez(sys.argv[4], **outputs)
"""


def check(width, model):
    import numpy as np
    work = tempfile.mkdtemp(prefix="narrow-check-")
    package = os.path.join(work, "package")
    narrowed_package(width, package)
    # Not beside the copy: Python puts a script's own directory first on sys.path.
    script = os.path.join(work, "output.py")
    with open(script, "w") as file:
        file.write(OUTPUT_SCRIPT)
    comparison = os.path.join(HERE, "mobilenet_v2_vs_onnxruntime.py")
    emulated = f"unmodified, qemu -cpu {QEMU_CPU[width]}"
    runs = {"narrowed copy, native": ([], package), "unmodified, native": ([], "-"),
            emulated: (["qemu-x86_64", "-cpu", QEMU_CPU[width]], "-")}
    outputs = {}
    for label, (prefix, path) in runs.items():
        out = os.path.join(work, f"{len(outputs)}.npz")
        subprocess.run(prefix + [sys.executable, script, path, comparison, model, out],
                       check=True, stderr=subprocess.DEVNULL)
        outputs[label] = dict(np.load(out))
    shutil.rmtree(work)
    narrowed = outputs["narrowed copy, native"]
    # MobileNetV2's output tells FMA from none (sse2) but not 8 lanes from 16; the NCHWc
    # block onnxruntime chose tells AVX-512 from the rest.
    for network in narrowed:
        for label, output in outputs.items():
            same = np.array_equal(narrowed[network].view(np.uint32), output[network].view(np.uint32))
            difference = float(np.max(np.abs(narrowed[network] - output[network])))
            if network == "nchwc_block":
                print(f"{network:12s} {label:32s} {int(output[network][0])}")
            else:
                print(f"{network:12s} {label:32s} bit-identical to the narrowed copy: {'yes' if same else 'no '}"
                      f" (largest difference {difference:.3g})")
    agree = all(np.array_equal(narrowed[n].view(np.uint32), outputs[emulated][n].view(np.uint32))
                for n in narrowed)
    print("the narrowed copy runs as the emulated CPU" if agree else "the narrowed copy differs from the emulated CPU")
    return 0 if agree else 1


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", choices=sorted(XCR0_SEEN), required=True)
    parser.add_argument("--model", default=os.path.join(HERE, "data", "tv_mobilenet_v2.onnx"))
    arguments = parser.parse_args()
    return check(arguments.check, arguments.model)


if __name__ == "__main__":
    sys.exit(main())
