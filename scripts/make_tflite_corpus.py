#!/usr/bin/env python3
"""Build a small corpus of TensorFlow Lite (.tflite / LiteRT) models plus
ground-truth JSON facts, for testing netcost's TFLite reader.

Run (TensorFlow 2.x, Keras 3 and the `tflite-micro` PyPI package installed):

    python scripts/make_tflite_corpus.py [--variants=float16,int16x8,mixed_io] OUT_DIR [NAME...]

(Optionally followed by model NAMEs to build only those; index.json then
lists only those models.)

For every model NAME below it writes, into OUT_DIR:

    NAME.float32.tflite  NAME.float32.json   plain float32 conversion
    NAME.dynamic.tflite  NAME.dynamic.json   dynamic-range quantization
                                             (int8 weights, float activations)
    NAME.int8.tflite     NAME.int8.json      full-integer int8 (int8 in/out)

and finally OUT_DIR/index.json summarising everything.

All weights are random (weights=None); nothing is downloaded.  Seeds are
fixed, but the bytes of the .tflite files may still differ between
TensorFlow versions, so the JSON facts are always read back from the files
that were actually written.

Each NAME.VARIANT.json holds:
  file_bytes                   size of the .tflite file
  operators                    subgraph 0 operators in execution (= file) order,
                               with builtin name, tensor inputs/outputs and the
                               builtin options decoded from the flatbuffer
  tensors                      every tensor of subgraph 0: name, shape, dtype,
                               is_constant (non-empty buffer), bytes
  constant_elements_by_dtype   total elements of constant tensors, per dtype
  macs / macs_by_op            multiply-accumulates of CONV_2D,
                               DEPTHWISE_CONV_2D and FULLY_CONNECTED from the
                               tensor shapes stored in the file
  keras_macs                   the same count from the Keras layer shapes
                               (Conv2D, DepthwiseConv2D, Dense), batch 1
  tflm                         TensorFlow Lite Micro arena figures obtained by
                               running the model in tflite_micro's Python
                               interpreter in a child process: arena size
                               given, total/head/tail bytes used, per-kind
                               breakdown; or the error (TFLM rejects hybrid
                               dynamic-range ops; a kernel may abort invoke)

The flatbuffer is parsed with TensorFlow's own generated schema module
(tensorflow.lite.python.schema_py_generated); tf.lite.Interpreter is used to
check that the file loads and runs and that its op list matches.
"""

import gc
import json
import os
import subprocess
import sys
import traceback

import numpy as np

SEED = 1234
NUM_CALIBRATION_SAMPLES = 20

# Arena sizes tried, in order, for TFLite Micro.  The memory planner's result
# does not depend on the arena size as long as it is big enough, so we only
# retry with a bigger arena when allocation fails.
TFLM_ARENA_LADDER = [8 << 20, 64 << 20, 256 << 20]


# ---------------------------------------------------------------------------
# TensorFlow Lite Micro arena figures.
#
# This part needs only numpy and tflite_micro, and it comes before the
# TensorFlow imports on purpose: each model is run by a child process
# (`python make_tflite_corpus.py --tflm-child FILE ARENA_SIZE`) that does not
# load TensorFlow.  TFLM kernels can abort() the whole process (e.g. a
# TFLITE_CHECK in the int8 SOFTMAX kernel), and a child keeps that from
# killing the corpus run.
#
# API used (module tflite_micro.runtime):
#   Interpreter.from_bytes(model_bytes, arena_size=N)
#       Builds the interpreter in its default kAllocationRecording mode, i.e.
#       with a RecordingMicroAllocator over an N-byte arena, and allocates
#       tensors (runs every kernel's Prepare and the memory planner).
#       Raises RuntimeError("TFLM failed to allocate tensors") on failure.
#   Interpreter.print_allocations()
#       Calls the C++ RecordingMicroAllocator::PrintAllocations(), which
#       prints to stderr (MicroPrintf):
#         [RecordingMicroAllocator] Arena allocation total N bytes
#         [RecordingMicroAllocator] Arena allocation head N bytes
#         [RecordingMicroAllocator] Arena allocation tail N bytes
#         [RecordingMicroAllocator] '<kind>' used N bytes with alignment
#             overhead (requested M bytes for K <things>)
#       The Python wrapper has no getter returning these numbers, so the
#       child's stderr is captured and parsed.
#   Interpreter.get_input_details(0) / set_input(array, 0) / invoke()
#       One inference on a random input.
# ---------------------------------------------------------------------------

TFLM_MARK = "@@TFLM_PHASE "


def random_input(shape, dtype, rng):
    """Random input of the given numpy dtype (full range for integers)."""
    if np.issubdtype(dtype, np.integer):
        info = np.iinfo(dtype)
        return rng.integers(info.min, info.max + 1, size=shape).astype(dtype)
    return rng.uniform(-1.0, 1.0, size=shape).astype(dtype)


def tflm_child_main(args):
    """Child process: construct, print allocations, invoke, print again.
    Phase markers on stderr let the parent tell which output is which."""
    from tflite_micro import runtime as tflm_runtime

    path, arena_size = args[0], int(args[1])
    with open(path, "rb") as f:
        data = f.read()

    def mark(phase):
        sys.stderr.write(TFLM_MARK + phase + "\n")
        sys.stderr.flush()

    try:
        mark("construct")
        interp = tflm_runtime.Interpreter.from_bytes(data, arena_size=arena_size)
        mark("allocations_before_invoke")
        interp.print_allocations()
        mark("invoke")
        d = interp.get_input_details(0)
        rng = np.random.default_rng(SEED)
        interp.set_input(random_input(d["shape"], d["dtype"], rng), 0)
        interp.invoke()
        mark("allocations_after_invoke")
        interp.print_allocations()
        mark("done")
    except Exception as e:  # noqa: BLE001
        sys.stderr.write(f"\nPYTHON EXCEPTION {type(e).__name__}: {e}\n")
        sys.stderr.flush()
        return 1
    return 0


def parse_allocations(text):
    """Parse RecordingMicroAllocator::PrintAllocations() output."""
    figures, details = {}, {}
    for line in text.splitlines():
        line = line.strip()
        if not line.startswith("[RecordingMicroAllocator]"):
            continue
        body = line[len("[RecordingMicroAllocator]"):].strip()
        if body.startswith("Arena allocation "):
            # "Arena allocation total 1536 bytes" (also head / tail)
            words = body.split()
            figures[words[2] + "_bytes"] = int(words[3])
        elif body.startswith("'"):
            # "'Persistent buffer data' used 264 bytes with alignment overhead
            #  (requested 232 bytes for 5 allocations)"
            label, rest = body[1:].split("'", 1)
            words = rest.replace("(", " ").replace(")", " ").split()
            details[label] = {
                "used_bytes": int(words[words.index("used") + 1]),
                "requested_bytes": int(words[words.index("requested") + 1]),
                "count": int(words[words.index("for") + 1]),
            }
    return figures, details


def split_phases(stderr_text):
    """Child stderr -> {phase: text printed during that phase}."""
    phases, current = {}, "startup"
    for line in stderr_text.splitlines():
        if line.startswith(TFLM_MARK):
            current = line[len(TFLM_MARK):].strip()
            phases.setdefault(current, "")
        else:
            phases[current] = phases.get(current, "") + line + "\n"
    return phases


def tflm_figures(tflite_path):
    """Arena figures of one .tflite file from TFLM (run in a child process).

    Returned keys: ok, arena_size_given, total_bytes / head_bytes /
    tail_bytes (after invoke, or after allocation if invoke failed),
    recorded_allocations (per-kind breakdown), invoke_ok, and error/log
    when something failed."""
    result = None
    for arena_size in TFLM_ARENA_LADDER:
        proc = subprocess.run(
            [sys.executable, os.path.abspath(__file__), "--tflm-child",
             tflite_path, str(arena_size)],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
            errors="replace", env=dict(os.environ, TF_CPP_MIN_LOG_LEVEL="2"))
        phases = split_phases(proc.stderr)
        result = {"arena_size_given": arena_size}
        before, details_before = parse_allocations(
            phases.get("allocations_before_invoke", ""))
        after, details_after = parse_allocations(
            phases.get("allocations_after_invoke", ""))
        if proc.returncode == 0 and "done" in phases:
            result.update({"ok": True, "invoke_ok": True})
            result.update(after)
            result["figures_before_invoke_equal"] = before == after
            result["recorded_allocations"] = details_after
            return result
        # Something failed: say where and how.
        if proc.returncode < 0:
            how = f"child killed by signal {-proc.returncode}"
        else:
            how = f"child exit code {proc.returncode}"
        failed_phase = [p for p in phases if p != "startup"][-1:] or ["startup"]
        failed_phase = failed_phase[0]
        log = phases.get(failed_phase, "").strip()
        result.update({
            "ok": bool(before),          # allocation figures are available
            "invoke_ok": False,
            "failed_phase": failed_phase,
            "error": f"{how} during '{failed_phase}'"
                     + (": " + " | ".join(l.strip() for l in log.splitlines()
                                          if l.strip())[:400] if log else ""),
            "log": log[-2000:],
        })
        if before:
            # Allocation succeeded; only the inference failed.  The planner's
            # figures are complete after allocation (they are identical
            # before and after invoke for every model that does run).
            result.update(before)
            result["figures_from"] = "after allocation (invoke failed)"
            result["recorded_allocations"] = details_before
            return result
        # Only a too-small arena is worth retrying with a bigger one.
        low = log.lower()
        if not ("arena" in low or "too small" in low or "available" in low):
            return result
    return result


if __name__ == "__main__" and sys.argv[1:2] == ["--tflm-child"]:
    sys.exit(tflm_child_main(sys.argv[2:]))

# Quieten TensorFlow's C++ logging before it is imported.
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import tensorflow as tf  # noqa: E402
import keras  # noqa: E402
from keras import layers  # noqa: E402
from tensorflow.lite.python import schema_py_generated as schema  # noqa: E402
from tensorflow.python.framework.convert_to_constants import (  # noqa: E402
    convert_variables_to_constants_v2)



# ---------------------------------------------------------------------------
# Enum helpers: map schema integer codes to their names.
# ---------------------------------------------------------------------------

def _enum_names(enum_cls):
    return {v: k for k, v in vars(enum_cls).items()
            if not k.startswith("_") and isinstance(v, int)}


BUILTIN_NAMES = _enum_names(schema.BuiltinOperator)
TENSOR_TYPE_NAMES = _enum_names(schema.TensorType)
PADDING_NAMES = _enum_names(schema.Padding)
ACTIVATION_NAMES = _enum_names(schema.ActivationFunctionType)
FC_WEIGHTS_FORMAT_NAMES = _enum_names(schema.FullyConnectedOptionsWeightsFormat)

# Bytes per element for each TensorType name (sub-byte types are rounded in
# tensor_bytes below).
DTYPE_BYTES = {
    "FLOAT32": 4, "FLOAT16": 2, "FLOAT64": 8, "BFLOAT16": 2,
    "INT32": 4, "UINT32": 4, "INT64": 8, "UINT64": 8,
    "INT16": 2, "UINT16": 2, "INT8": 1, "UINT8": 1, "BOOL": 1,
    "COMPLEX64": 8, "COMPLEX128": 16, "INT4": 0.5, "INT2": 0.25,
}

# Option fields whose integer values are enums we want to show by name.
OPTION_ENUMS = {
    "padding": PADDING_NAMES,
    "fusedActivationFunction": ACTIVATION_NAMES,
    "weightsFormat": FC_WEIGHTS_FORMAT_NAMES,
}


# ---------------------------------------------------------------------------
# Models (all random weights, batch size 1 at conversion time).
# ---------------------------------------------------------------------------

def ds_cnn_kws():
    """Keyword-spotting DS-CNN ("Hello Edge" style), 49x10 MFCC input."""
    inp = keras.Input((49, 10, 1), name="mfcc")
    x = layers.Conv2D(64, (10, 4), strides=2, padding="same", use_bias=False)(inp)
    x = layers.BatchNormalization()(x)
    x = layers.ReLU()(x)
    for _ in range(4):
        x = layers.DepthwiseConv2D(3, padding="same", use_bias=False)(x)
        x = layers.BatchNormalization()(x)
        x = layers.ReLU()(x)
        x = layers.Conv2D(64, 1, use_bias=False)(x)
        x = layers.BatchNormalization()(x)
        x = layers.ReLU()(x)
    # Average over the whole remaining 25x5 feature map.
    x = layers.AveragePooling2D(pool_size=(x.shape[1], x.shape[2]))(x)
    x = layers.Flatten()(x)
    x = layers.Dense(12)(x)
    out = layers.Softmax()(x)
    return keras.Model(inp, out, name="ds_cnn_kws")


def op_zoo():
    """Tiny net chosen so the converter emits many distinct builtin ops:
    PAD, CONV_2D, CONCATENATION, HARD_SWISH, MAX_POOL_2D, AVERAGE_POOL_2D,
    ADD, LOGISTIC, MUL, MEAN, RESHAPE, TRANSPOSE, FULLY_CONNECTED, SOFTMAX
    (plus STRIDED_SLICE from Cropping2D).  The converter folds the padding
    into conv `a` (which becomes a SAME conv on the raw input); the PAD op
    survives because the cropped branch still reads the padded tensor."""
    inp = keras.Input((32, 32, 3), name="image")
    x = layers.ZeroPadding2D(1)(inp)                              # PAD
    a = layers.Conv2D(8, 3, activation="relu")(x)                 # CONV_2D
    b = layers.Conv2D(8, 1, strides=1)(layers.Cropping2D(1)(x))   # CONV_2D
    c = layers.Concatenate()([a, b])                              # CONCATENATION
    c = layers.Activation("hard_swish")(c)                        # HARD_SWISH
    m = layers.MaxPooling2D(2)(c)                                 # MAX_POOL_2D
    v = layers.AveragePooling2D(2)(c)                             # AVERAGE_POOL_2D
    s = layers.Add()([m, v])                                      # ADD
    g = layers.Activation("sigmoid")(v)                           # LOGISTIC
    p = layers.Multiply()([s, g])                                 # MUL
    gap = layers.GlobalAveragePooling2D()(p)                      # MEAN
    t = layers.Reshape((4, 4))(gap)                               # RESHAPE
    t = layers.Permute((2, 1))(t)                                 # TRANSPOSE
    # (64 units so the next Dense has 4*64*10 >= 1024 weights: dynamic-range
    # quantization leaves smaller weight tensors in float.)
    t = layers.Dense(64)(t)                                       # FC on 3-D
    t = layers.Flatten()(t)                                       # RESHAPE
    t = layers.Dense(10)(t)                                       # FULLY_CONNECTED
    out = layers.Softmax()(t)                                     # SOFTMAX
    return keras.Model(inp, out, name="op_zoo")


def resize_zoo():
    """A segmentation-like head that makes the converter emit RESIZE_BILINEAR,
    RESIZE_NEAREST_NEIGHBOR, SPLIT, LEAKY_RELU and SQUARED_DIFFERENCE."""
    import tensorflow as tf
    inp = keras.Input((16, 16, 8), name="features")
    x = layers.Conv2D(16, 3, padding="same")(inp)                                 # CONV_2D
    x = layers.LeakyReLU(negative_slope=0.1)(x)                                   # LEAKY_RELU
    a, b = layers.Lambda(lambda t: tf.split(t, 2, axis=-1))(x)                    # SPLIT
    up = layers.UpSampling2D(2, interpolation="bilinear")(a)                      # RESIZE_BILINEAR
    near = layers.UpSampling2D(2, interpolation="nearest")(b)                     # RESIZE_NEAREST_NEIGHBOR
    d = layers.Lambda(lambda t: tf.math.squared_difference(t[0], t[1]))([up, near])  # SQUARED_DIFFERENCE
    out = layers.Conv2D(4, 1)(d)                                                   # CONV_2D
    return keras.Model(inp, out, name="resize_zoo")


def shape_zoo():
    """Converted with an unfixed batch, so that the converter keeps shape
    arithmetic (SHAPE, STRIDED_SLICE, PACK feeding a RESHAPE); plus a GATHER
    of channels and a STRIDED_SLICE on activations that drops an axis."""
    import tensorflow as tf
    inp = keras.Input((12, 12, 4), name="features")
    x = layers.Conv2D(8, 3, padding="same", activation="relu")(inp)                # CONV_2D
    flat = layers.Lambda(lambda t: tf.reshape(t, tf.stack([tf.shape(t)[0], -1])), output_shape=(12 * 12 * 8,))(x)  # SHAPE, STRIDED_SLICE, PACK, RESHAPE
    y = layers.Dense(10)(flat)                                                    # FULLY_CONNECTED
    g = layers.Lambda(lambda t: tf.gather(t, [0, 2, 4, 6], axis=3))(x)            # GATHER
    g = layers.GlobalAveragePooling2D()(g)                                        # MEAN
    r = layers.Lambda(lambda t: t[:, 3])(x)                                       # STRIDED_SLICE, shrink
    r = layers.Lambda(lambda t: tf.reduce_mean(t, axis=1))(r)                     # MEAN
    out = layers.Concatenate()([y, g, r])                                         # CONCATENATION
    return keras.Model(inp, out, name="shape_zoo")


# Models converted with the batch left unfixed (the converter keeps the
# shape arithmetic that a fixed batch lets it fold away).
DYNAMIC_BATCH = {"shape_zoo"}


# NAME -> zero-argument builder.  Keras applications are built with
# include_top=True so the classifier (Dense or 1x1 Conv2D) is included.
MODELS = {
    # Person-detection sized MobileNet v1 (as in the TFLM person_detection example).
    "mobilenet_v1_025_96": lambda: keras.applications.MobileNet(
        input_shape=(96, 96, 3), alpha=0.25, weights=None, classes=2),
    "mobilenet_v1_025_96_gray": lambda: keras.applications.MobileNet(
        input_shape=(96, 96, 1), alpha=0.25, weights=None, classes=2),
    # Phone-sized MobileNet v1.
    "mobilenet_v1_100_224": lambda: keras.applications.MobileNet(
        input_shape=(224, 224, 3), alpha=1.0, weights=None),
    "mobilenet_v2_035_96": lambda: keras.applications.MobileNetV2(
        input_shape=(96, 96, 3), alpha=0.35, weights=None, classes=10),
    "mobilenet_v2_100_224": lambda: keras.applications.MobileNetV2(
        input_shape=(224, 224, 3), alpha=1.0, weights=None),
    "mobilenet_v3_small_224": lambda: keras.applications.MobileNetV3Small(
        input_shape=(224, 224, 3), weights=None, minimalistic=False,
        include_preprocessing=False),
    "mobilenet_v3_small_min_224": lambda: keras.applications.MobileNetV3Small(
        input_shape=(224, 224, 3), weights=None, minimalistic=True,
        include_preprocessing=False),
    "ds_cnn_kws": ds_cnn_kws,
    "op_zoo": op_zoo,
    "resize_zoo": resize_zoo,
    "shape_zoo": shape_zoo,
}

# The three kinds every model is converted to; `--variants a,b` chooses others
# among these and "float16" (float16 weights), "int16x8" (int16 activations,
# int8 weights) and "mixed_io" (int8 inside, float32 input and output).
VARIANTS = ["float32", "dynamic", "int8"]


# ---------------------------------------------------------------------------
# Conversion.
# ---------------------------------------------------------------------------

def randomize_constant_weights(model, rng):
    """Keras initialises BatchNormalization to the identity (gamma=1, beta=0,
    mean=0, var=1) and biases to zero.  After BN folding that gives all-zero
    biases, which the converter deduplicates into one shared tensor or drops
    entirely; trained models never look like that.  Give those weights
    random, plausible values instead (the kernels are already random)."""
    for layer in iter_layers(model):
        if isinstance(layer, layers.BatchNormalization):
            n = layer.gamma.shape if layer.gamma is not None else layer.moving_mean.shape
            if layer.gamma is not None:
                layer.gamma.assign(rng.uniform(0.5, 1.5, n).astype(np.float32))
            if layer.beta is not None:
                layer.beta.assign(rng.normal(0, 0.1, n).astype(np.float32))
            layer.moving_mean.assign(rng.normal(0, 0.1, n).astype(np.float32))
            layer.moving_variance.assign(rng.uniform(0.5, 1.5, n).astype(np.float32))
        elif getattr(layer, "bias", None) is not None:
            b = layer.bias
            b.assign(rng.normal(0, 0.05, b.shape).astype(np.float32))


def concrete_function(model):
    """Inference-mode concrete function with a static batch of 1."""
    shape = [None if model.name in DYNAMIC_BATCH else 1] + list(model.inputs[0].shape[1:])
    spec = tf.TensorSpec(shape, tf.float32, name="input")

    @tf.function(input_signature=[spec])
    def serve(x):
        return model(x, training=False)

    # Freeze the Keras 3 variables into constants.  Without this the
    # converter keeps them as resource variables (VAR_HANDLE/READ_VARIABLE
    # ops), which neither calibration nor TFLite Micro can run; and
    # from_keras_model() would keep a dynamic batch dimension (SHAPE/PACK/...
    # ops around every Flatten/Reshape).
    return convert_variables_to_constants_v2(serve.get_concrete_function())


def convert(model, variant):
    """Return .tflite bytes for one of the three variants."""
    cf = concrete_function(model)
    # No trackable object: the graph is already frozen.  (TensorFlow logs a
    # harmless deprecation warning about this.)
    converter = tf.lite.TFLiteConverter.from_concrete_functions([cf])
    if variant == "dynamic":
        # Weights-only (dynamic-range) quantization: no dataset.
        converter.optimizations = [tf.lite.Optimize.DEFAULT]
    elif variant == "float16":
        # float16 weights, each read through a DEQUANTIZE into float32.
        converter.optimizations = [tf.lite.Optimize.DEFAULT]
        converter.target_spec.supported_types = [tf.float16]
    elif variant in ("int8", "int16x8", "mixed_io"):
        in_shape = [1] + list(model.inputs[0].shape[1:])
        rng = np.random.default_rng(SEED)

        def representative_dataset():
            for _ in range(NUM_CALIBRATION_SAMPLES):
                yield [rng.uniform(-1.0, 1.0, in_shape).astype(np.float32)]

        converter.optimizations = [tf.lite.Optimize.DEFAULT]
        converter.representative_dataset = representative_dataset
        if variant == "int16x8":
            # int16 activations, int8 weights, int64 biases.
            converter.target_spec.supported_ops = [
                tf.lite.OpsSet.EXPERIMENTAL_TFLITE_BUILTINS_ACTIVATIONS_INT16_WEIGHTS_INT8]
            converter.inference_input_type = tf.int16
            converter.inference_output_type = tf.int16
        elif variant == "mixed_io":
            # int8 inside, float32 in and out: a QUANTIZE first, a DEQUANTIZE last.
            converter.target_spec.supported_ops = [tf.lite.OpsSet.TFLITE_BUILTINS_INT8]
        else:
            converter.target_spec.supported_ops = [tf.lite.OpsSet.TFLITE_BUILTINS_INT8]
            converter.inference_input_type = tf.int8
            converter.inference_output_type = tf.int8
    return converter.convert()


# ---------------------------------------------------------------------------
# Reading the flatbuffer with TensorFlow's schema module.
# ---------------------------------------------------------------------------

def to_jsonable(value):
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, (np.integer,)):
        return int(value)
    if isinstance(value, (np.floating,)):
        return float(value)
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    if isinstance(value, (list, tuple)):
        return [to_jsonable(v) for v in value]
    if hasattr(value, "__dict__"):
        return {k: to_jsonable(v) for k, v in vars(value).items()}
    return value


def decode_options(options):
    """Builtin options object (e.g. Conv2DOptionsT) -> dict with enum names."""
    if options is None:
        return None
    out = {}
    for key, val in vars(options).items():
        if key in OPTION_ENUMS and isinstance(val, int):
            val = OPTION_ENUMS[key].get(val, val)
        out[key] = to_jsonable(val)
    return out


def num_elements(shape):
    n = 1
    for d in shape:
        n *= int(d)
    return n


def tensor_bytes(dtype, shape):
    per = DTYPE_BYTES.get(dtype)
    if per is None:
        return None
    return int(np.ceil(num_elements(shape) * per))


def read_tflite(data):
    """Parse subgraph 0 of a .tflite file into plain Python facts."""
    model = schema.ModelT.InitFromObj(schema.Model.GetRootAsModel(data, 0))
    sub = model.subgraphs[0]

    tensors = []
    for i, t in enumerate(sub.tensors):
        shape = [] if t.shape is None else [int(d) for d in t.shape]
        dtype = TENSOR_TYPE_NAMES.get(t.type, str(t.type))
        buf = model.buffers[t.buffer] if t.buffer < len(model.buffers) else None
        buf_len = 0
        if buf is not None:
            if buf.data is not None:
                buf_len = len(buf.data)
            elif getattr(buf, "size", 0):  # >2 GB models store offset/size
                buf_len = int(buf.size)
        entry = {
            "index": i,
            "name": to_jsonable(t.name),
            "shape": shape,
            "dtype": dtype,
            "is_constant": buf_len > 0,
            "bytes": tensor_bytes(dtype, shape),
            "buffer_bytes": buf_len,
        }
        if t.shapeSignature is not None and list(t.shapeSignature) != shape:
            entry["shape_signature"] = [int(d) for d in t.shapeSignature]
        q = t.quantization
        if q is not None and q.scale is not None and len(q.scale) > 0:
            entry["quantization"] = {
                "num_scales": int(len(q.scale)),
                "quantized_dimension": int(q.quantizedDimension),
                "scale0": float(q.scale[0]),
                "zero_point0": int(q.zeroPoint[0]) if q.zeroPoint is not None
                and len(q.zeroPoint) else 0,
            }
        tensors.append(entry)

    operators = []
    for i, op in enumerate(sub.operators or []):
        code = model.operatorCodes[op.opcodeIndex]
        builtin = max(code.builtinCode, code.deprecatedBuiltinCode)
        name = BUILTIN_NAMES.get(builtin, str(builtin))
        if name == "CUSTOM":
            name = "CUSTOM:" + to_jsonable(code.customCode)
        entry = {
            "index": i,
            "builtin": name,
            "version": int(code.version),
            "inputs": [int(x) for x in (op.inputs if op.inputs is not None else [])],
            "outputs": [int(x) for x in (op.outputs if op.outputs is not None else [])],
            "options": decode_options(op.builtinOptions),
        }
        if getattr(op, "builtinOptions2", None) is not None:
            entry["options2"] = decode_options(op.builtinOptions2)
        operators.append(entry)

    const_by_dtype = {}
    for t in tensors:
        if t["is_constant"]:
            const_by_dtype[t["dtype"]] = (const_by_dtype.get(t["dtype"], 0)
                                          + num_elements(t["shape"]))

    return {
        "subgraph_count": len(model.subgraphs),
        "subgraph_inputs": [int(x) for x in sub.inputs],
        "subgraph_outputs": [int(x) for x in sub.outputs],
        "operators": operators,
        "tensors": tensors,
        "constant_elements_by_dtype": dict(sorted(const_by_dtype.items())),
    }


def file_macs(facts):
    """MACs of CONV_2D / DEPTHWISE_CONV_2D / FULLY_CONNECTED from file shapes.

    Shapes are NHWC.  CONV_2D filter is [O, kh, kw, I/groups];
    DEPTHWISE_CONV_2D filter is [1, kh, kw, C*multiplier];
    FULLY_CONNECTED weights are [O, I]."""
    tensors = facts["tensors"]
    by_op = {"CONV_2D": 0, "DEPTHWISE_CONV_2D": 0, "FULLY_CONNECTED": 0}
    for op in facts["operators"]:
        kind = op["builtin"]
        if kind not in by_op:
            continue
        out_elems = num_elements(tensors[op["outputs"][0]]["shape"])
        w = tensors[op["inputs"][1]]["shape"]
        if kind == "CONV_2D":
            by_op[kind] += out_elems * w[1] * w[2] * w[3]
        elif kind == "DEPTHWISE_CONV_2D":
            by_op[kind] += out_elems * w[1] * w[2]
        else:
            by_op[kind] += out_elems * w[-1]
    return sum(by_op.values()), by_op


# ---------------------------------------------------------------------------
# MACs from the Keras model.
# ---------------------------------------------------------------------------

def iter_layers(model):
    for layer in model.layers:
        if isinstance(layer, keras.Model):
            yield from iter_layers(layer)
        else:
            yield layer


def keras_macs(model):
    """MACs of Conv2D, DepthwiseConv2D and Dense layers, batch 1."""
    by_layer = {"Conv2D": 0, "DepthwiseConv2D": 0, "Dense": 0}
    for layer in iter_layers(model):
        if not isinstance(layer, (layers.Conv2D, layers.DepthwiseConv2D,
                                  layers.Dense)):
            continue
        out_shape = [1 if d is None else d for d in layer.output.shape]
        out_elems = num_elements(out_shape)
        if isinstance(layer, layers.DepthwiseConv2D):
            kh, kw = layer.kernel_size
            by_layer["DepthwiseConv2D"] += out_elems * kh * kw
        elif isinstance(layer, layers.Conv2D):
            kh, kw, in_per_group, _ = layer.kernel.shape  # (kh, kw, I/groups, O)
            by_layer["Conv2D"] += out_elems * kh * kw * in_per_group
        else:
            in_features = layer.kernel.shape[0]  # (I, O)
            by_layer["Dense"] += out_elems * in_features
    return sum(by_layer.values()), by_layer


# ---------------------------------------------------------------------------
# TensorFlow Lite interpreter check.
# ---------------------------------------------------------------------------

def tflite_interpreter_check(data, facts):
    """Load + run with tf.lite.Interpreter (no XNNPACK, so the op list is the
    file's own) and compare its op names with the flatbuffer parse."""
    try:
        interp = tf.lite.Interpreter(
            model_content=data,
            experimental_op_resolver_type=(
                tf.lite.experimental.OpResolverType.BUILTIN_WITHOUT_DEFAULT_DELEGATES))
        interp.allocate_tensors()
        rng = np.random.default_rng(SEED)
        for d in interp.get_input_details():
            interp.set_tensor(d["index"], random_input(d["shape"], d["dtype"], rng))
        interp.invoke()
        ops = [o["op_name"] for o in interp._get_ops_details()]
        parsed = [o["builtin"] for o in facts["operators"]]
        return {"ran": True, "op_names_match_flatbuffer": ops == parsed,
                "interpreter_num_tensors": len(interp.get_tensor_details())}
    except Exception as e:  # noqa: BLE001
        return {"ran": False, "error": f"{type(e).__name__}: {e}"}


# ---------------------------------------------------------------------------
# Driver.
# ---------------------------------------------------------------------------

def main(argv):
    if len(argv) < 2:
        print(__doc__)
        return 2
    variants = VARIANTS
    if len(argv) > 2 and argv[1].startswith("--variants="):
        variants = argv[1].split("=", 1)[1].split(",")
        argv = argv[:1] + argv[2:]
    out_dir = argv[1]
    wanted = argv[2:] or list(MODELS)
    unknown = [n for n in wanted if n not in MODELS]
    if unknown:
        print(f"unknown model(s): {unknown}; known: {list(MODELS)}")
        return 2
    os.makedirs(out_dir, exist_ok=True)
    index = {"tensorflow": tf.__version__, "keras": keras.__version__,
             "tflite_micro": getattr(__import__("tflite_micro.python.tflite_micro._version",
                                                fromlist=["x"]), "__version__", "?"),
             "models": {}}

    for name in wanted:
        build = MODELS[name]
        print(f"== {name}", flush=True)
        keras.utils.set_random_seed(SEED)
        model = build()
        randomize_constant_weights(model, np.random.default_rng(SEED))
        k_total, k_by_layer = keras_macs(model)
        entry = {
            "keras_input_shape": [None if d is None else int(d)
                                  for d in model.inputs[0].shape],
            "keras_params": int(model.count_params()),
            "keras_macs": k_total,
            "keras_macs_by_layer": k_by_layer,
            "variants": {},
        }
        for variant in variants:
            base = f"{name}.{variant}"
            try:
                data = convert(model, variant)
            except Exception as e:  # noqa: BLE001
                traceback.print_exc()
                entry["variants"][variant] = {"error": f"conversion failed: {e}"}
                continue
            path = os.path.join(out_dir, base + ".tflite")
            with open(path, "wb") as f:
                f.write(data)
            facts = {"model": name, "variant": variant,
                     "file": base + ".tflite", "file_bytes": os.path.getsize(path)}
            facts.update(read_tflite(data))
            macs, macs_by_op = file_macs(facts)
            facts["macs"] = macs
            facts["macs_by_op"] = macs_by_op
            facts["keras_macs"] = k_total
            facts["keras_macs_by_layer"] = k_by_layer
            facts["macs_equal_keras_macs"] = macs == k_total
            facts["tflite_interpreter"] = tflite_interpreter_check(data, facts)
            facts["tflm"] = tflm_figures(path)
            with open(os.path.join(out_dir, base + ".json"), "w") as f:
                json.dump(facts, f, indent=1)

            tflm = facts["tflm"]
            entry["variants"][variant] = {
                "file": base + ".tflite",
                "json": base + ".json",
                "file_bytes": facts["file_bytes"],
                "num_operators": len(facts["operators"]),
                "num_tensors": len(facts["tensors"]),
                "builtins": sorted({o["builtin"] for o in facts["operators"]}),
                "constant_elements_by_dtype": facts["constant_elements_by_dtype"],
                "macs": macs,
                "macs_equal_keras_macs": macs == k_total,
                "tflm": {k: tflm.get(k) for k in
                         ("ok", "invoke_ok", "arena_size_given", "total_bytes",
                          "head_bytes", "tail_bytes", "error") if k in tflm},
            }
            t = entry["variants"][variant]
            print(f"   {variant}: {t['file_bytes']} B, {t['num_operators']} ops, "
                  f"macs {macs} (keras {k_total}), tflm {t['tflm']}", flush=True)
            del data
            gc.collect()
        index["models"][name] = entry
        del model
        keras.backend.clear_session()
        gc.collect()

    with open(os.path.join(out_dir, "index.json"), "w") as f:
        json.dump(index, f, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
