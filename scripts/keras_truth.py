"""Ground truth for `--convention keras`: TensorFlow's profiler (float_operation, the
method keras-flops and most Keras answers use) on keras.applications models with random
weights, frozen at batch 1. Prints JSON: per model the total, the per-op-type sums, and
what the model's preprocessing layers (Rescaling, Normalization) add, which the netcost
specs do not have. Run with a venv holding tensorflow-cpu:

    python scripts/keras_truth.py > Tests/NetCostTests/Fixtures/keras_totals.json
"""
import json, os, sys
from collections import defaultdict
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
import tensorflow as tf
import keras
from tensorflow.python.framework import ops as tf_ops
from tensorflow.python.framework.convert_to_constants import convert_variables_to_constants_v2

A = keras.applications
# name: (builder, input size, netcost spec it matches)
MODELS = {
    "MobileNet": (lambda s: A.MobileNet(weights=None, input_shape=(s, s, 3), classifier_activation=None), 224, "mobilenet_v1"),
    "MobileNetV2": (lambda s: A.MobileNetV2(weights=None, input_shape=(s, s, 3), classifier_activation=None), 224, "mobilenet_v2"),
    "VGG16": (lambda s: A.VGG16(weights=None, input_shape=(s, s, 3), classifier_activation=None), 224, "vgg16"),
}
for index, size in enumerate([224, 240, 260, 300, 380, 456, 528, 600]):
    builder = getattr(A, f"EfficientNetB{index}")
    MODELS[f"EfficientNetB{index}"] = (
        lambda s, b=builder: b(weights=None, input_shape=(s, s, 3), classifier_activation=None), size, f"efficientnet_b{index}")

PREPROCESSING = ("rescaling", "normalization")


def keras_tiny(size):
    """The network of Tests/NetCostTests/Fixtures/keras_tiny.json, layer for layer."""
    L = keras.layers
    image = keras.Input((size, size, 3))
    x = L.Conv2D(16, 3, padding="same")(image)
    x = L.BatchNormalization()(x)
    x = L.Activation("hard_swish")(x)
    # A second output: the profiler no longer knows the shape after a grouped convolution.
    grouped = L.Conv2D(16, 3, padding="same", groups=4, use_bias=False)(x)
    x = L.DepthwiseConv2D(3, padding="same")(x)
    x = L.GroupNormalization(groups=4)(x)
    x = L.Activation("gelu")(x)
    x = L.AveragePooling2D(2)(x)
    x = L.MaxPooling2D(3, strides=1, padding="same")(x)
    x = L.Conv2DTranspose(8, 2, strides=2)(x)
    x = L.Activation("swish")(x)
    x = L.UpSampling2D(2)(x)
    x = L.AveragePooling2D(2)(x)
    side = L.Conv2D(8, 1, use_bias=False)(image)
    x = L.Add()([x, side])
    x = L.Multiply()([x, L.Activation("sigmoid")(x)])
    x = L.LayerNormalization(axis=[1, 2, 3])(x)
    x = L.Concatenate()([L.GlobalAveragePooling2D()(x), L.GlobalMaxPooling2D()(x)])
    x = L.Dense(10, activation="softmax")(x)
    return keras.Model(image, [x, grouped])


MODELS["KerasTiny"] = (keras_tiny, 32, "Tests/NetCostTests/Fixtures/keras_tiny.json")


def profile(model, size):
    function = tf.function(lambda x: model(x, training=False))
    concrete = function.get_concrete_function(tf.TensorSpec([1, size, size, 3], tf.float32))
    graph = convert_variables_to_constants_v2(concrete).graph
    options = tf.compat.v1.profiler.ProfileOptionBuilder.float_operation()
    options["output"] = "none"
    total = tf.compat.v1.profiler.profile(graph=graph, run_meta=tf.compat.v1.RunMetadata(),
                                          cmd="op", options=options).total_float_ops
    per_type, preprocessing = defaultdict(int), 0
    for op in graph.get_operations():
        try:
            flops = int(tf_ops.get_stats_for_node_def(graph, op.node_def, "flops").value or 0)
        except Exception:
            continue  # the op registers no flops: the profiler counts it as zero
        if flops:
            per_type[op.type] += flops
        if any(part.startswith(PREPROCESSING) for part in op.name.split("/")):
            preprocessing += flops
    assert sum(per_type.values()) == total, (sum(per_type.values()), total)
    return total, dict(per_type), preprocessing


def main():
    names = sys.argv[1:] or list(MODELS)
    out = {"tool": f"tensorflow {tf.__version__} profiler (float_operation), keras {keras.__version__}", "models": {}}
    for name in names:
        builder, size, spec = MODELS[name]
        total, per_type, preprocessing = profile(builder(size), size)
        out["models"][name] = {"spec": spec, "input": size, "total": total,
                               "preprocessing": preprocessing, "per_type": per_type}
        print(name, total, preprocessing, file=sys.stderr)
    print(json.dumps(out, indent=1, sort_keys=True))


if __name__ == "__main__":
    main()
