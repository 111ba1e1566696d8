"""The models scripts/check_onnx_exports.py --corpus exports and checks.

Each entry is a key, "<source>/<name>" (what --only matches and results.jsonl records),
a task, and a function returning (model in eval mode, tuple of example inputs). Weights
are random: nothing is downloaded, and counts do not depend on the values, except in
detectors, where the number of boxes surviving NMS does.
"""
from typing import Callable, NamedTuple

import torch


class Entry(NamedTuple):
    key: str
    task: str
    build: Callable[[], tuple]


def image(*shape):
    return torch.randn(1, *shape)


# timm: the smallest variant of each family, at its default input size.
TIMM_CNN = """
    resnet18 resnet10t seresnext26d_32x4d resnext26ts ecaresnet26t efficientnet_b0
    efficientnet_lite0 tf_efficientnetv2_b0 mobilenetv2_050 mobilenetv3_small_050
    mobilenetv4_conv_small_035 convnext_atto convnextv2_atto regnetx_002 regnety_002
    regnetz_005 rexnet_100 ghostnet_050 ghostnetv2_100 ghostnetv3_050 resnest14d skresnet18
    nf_resnet26 dm_nfnet_f0 selecsls42b dla46_c dpn48b hrnet_w18_small cs3darknet_s
    cspresnet50 darknet17 res2net50_14w_8s ese_vovnet19b_dw repvgg_a0 mobileone_s0
    hgnetv2_b0 lcnet_050 tinynet_e mixnet_s gernet_s fbnetc_100 mnasnet_small
    spnasnet_100 hardcorenas_a inception_next_atto rdnet_tiny starnet_s050 fasternet_t0
    xception41 inception_v4 tresnet_m
""".split()
TIMM_HYBRID = """
    mobilevit_xxs mobilevitv2_050 edgenext_xx_small efficientformer_l1 efficientformerv2_s0
    fastvit_t8 repvit_m0_9 levit_128s coatnet_nano_rw_224 maxvit_rmlp_pico_rw_256
    coat_lite_tiny convit_tiny tiny_vit_5m_224 efficientvit_b0 efficientvit_m0
    mobilenetv4_hybrid_medium nextvit_small gcvit_xxtiny davit_tiny focalnet_tiny_srf
    poolformer_s12 poolformerv2_s12 mambaout_femto visformer_tiny shvit_s1
    lambda_resnet26t halonet26t botnet26t_256 bat_resnext26ts sequencer2d_s volo_d1_224
""".split()
TIMM_TRANSFORMER = """
    vit_tiny_patch16_224 vit_small_patch16_224 deit_tiny_patch16_224
    deit_tiny_distilled_patch16_224 deit3_small_patch16_224 swin_tiny_patch4_window7_224
    swinv2_tiny_window8_256 swinv2_cr_tiny_ns_224 cait_xxs24_224 xcit_nano_12_p16_224
    pit_ti_224 tnt_s_patch16_224 twins_pcpvt_small twins_svt_small pvt_v2_b0
    crossvit_tiny_240 eva02_tiny_patch14_224 flexivit_small vit_relpos_small_patch16_224
    beit_base_patch16_224 hiera_tiny_224 mixer_s16_224 resmlp_12_224 gmlp_ti16_224
""".split()

# Detectors resize every image to min_size internally (800 by default); 320 keeps them
# small. The SSDs have their own fixed sizes.
DETECTION_SIZE = {"ssd300_vgg16": 300, "ssdlite320_mobilenet_v3_large": 320}
# MViT's positional embeddings fix 16 frames of 224×224, and S3D's last pooling window
# needs them too; the others take small clips.
VIDEO_INPUT = {"mvit_v1_b": (3, 16, 224, 224), "mvit_v2_s": (3, 16, 224, 224),
               "s3d": (3, 16, 224, 224)}


def torchvision_entries():
    import torchvision.models as tvm

    def classifier(name):
        return lambda: (tvm.get_model(name, weights=None).eval(), (image(3, 224, 224),))

    def segmenter(name):
        # weights_backbone defaults to ImageNet weights, which would be downloaded.
        return lambda: (OutOnly(tvm.get_model(name, weights=None, weights_backbone=None)).eval(),
                        (image(3, 224, 224),))

    def detector(name, batched=False):
        size = DETECTION_SIZE.get(name, 320)
        extra = {} if name in DETECTION_SIZE else {"min_size": size, "max_size": size}

        def build():
            provide_torchvision_ops()
            model = tvm.get_model(name, weights=None, weights_backbone=None, **extra).eval()
            # Detectors take a list of [3, H, W] images, which exports as a graph input
            # without a batch axis; a [1, 3, H, W] tensor iterates as a list of one image.
            x = torch.randn(1, 3, size, size)
            return model, (x if batched else [x[0]],)
        return build

    def video(name):
        return lambda: (tvm.get_model(name, weights=None).eval(),
                        (image(*VIDEO_INPUT.get(name, (3, 8, 112, 112))),))

    entries = []
    for module, task, make in [(tvm, "classification", classifier),
                               (tvm.segmentation, "segmentation", segmenter),
                               (tvm.video, "video", video),
                               (tvm.detection, "detection", detector)]:
        for name in tvm.list_models(module=module):
            entries.append(Entry(f"torchvision/{name}", task, make(name)))
    # The detectors again, with a batched input (key suffix @nchw), to see what netcost
    # meets past the graph input.
    for name in tvm.list_models(module=tvm.detection):
        entries.append(Entry(f"torchvision/{name}@nchw", "detection", detector(name, batched=True)))
    return entries


_TORCHVISION_LIB = None


def provide_torchvision_ops():
    """Defines torchvision::nms and torchvision::roi_align in Python when torchvision's
    C++ library does not load (a torchvision built for CUDA beside a CPU-only torch).
    Detectors then run, trace and export as with a working install: the exporters see
    the same two ops and write NonMaxSuppression and RoiAlign."""
    global _TORCHVISION_LIB
    import importlib
    import torchvision
    from torchvision.ops import box_iou
    roi_align_module = importlib.import_module("torchvision.ops.roi_align")  # the attribute is the function
    if torchvision.extension._has_ops() or _TORCHVISION_LIB is not None:
        return

    def nms(dets, scores, iou_threshold):
        # One row of overlaps at a time: SSD hands over 27,000 boxes, whose full
        # overlap matrix would take gigabytes.
        order = scores.argsort(descending=True)
        boxes = dets[order]
        suppressed = torch.zeros(len(boxes), dtype=torch.bool)
        keep = []
        for i in range(len(boxes)):
            if not suppressed[i]:
                keep.append(i)
                suppressed |= box_iou(boxes[i:i + 1], boxes)[0] > iou_threshold
        return order[torch.tensor(keep, dtype=torch.int64)]

    def nms_shape(dets, scores, iou_threshold):
        return dets.new_empty(torch.library.get_ctx().new_dynamic_size(), dtype=torch.int64)

    def roi_align_shape(input, rois, spatial_scale, height, width, sampling_ratio, aligned):
        return input.new_empty(rois.shape[0], input.shape[1], height, width)

    lib = torch.library.Library("torchvision", "FRAGMENT")
    lib.define("nms(Tensor dets, Tensor scores, float iou_threshold) -> Tensor")
    lib.define("roi_align(Tensor input, Tensor rois, float spatial_scale, SymInt pooled_height, "
               "SymInt pooled_width, int sampling_ratio, bool aligned) -> Tensor")
    lib.impl("nms", nms, "CPU")
    lib.impl("roi_align", roi_align_module._roi_align, "CPU")
    torch.library.register_fake("torchvision::nms", nms_shape, lib=lib)
    torch.library.register_fake("torchvision::roi_align", roi_align_shape, lib=lib)
    torchvision.extension._has_ops = roi_align_module._has_ops = _ops_loaded
    _TORCHVISION_LIB = lib


def _ops_loaded():
    # A def, not a lambda: tracing scripts torchvision's NMS helpers, which call this.
    return True


class OutOnly(torch.nn.Module):
    """Segmentation models return {"out": ...}; the exporters want tensors."""

    def __init__(self, model):
        super().__init__()
        self.model = model

    def forward(self, x):
        return self.model(x)["out"]


def timm_entries():
    def build(name):
        def make():
            import timm
            model = timm.create_model(name, pretrained=False).eval()
            shape = timm.data.resolve_data_config({}, model=model)["input_size"]
            return model, (image(*shape),)
        return make

    return [Entry(f"timm/{name}", family, build(name))
            for family, names in [("cnn", TIMM_CNN), ("hybrid", TIMM_HYBRID),
                                  ("transformer", TIMM_TRANSFORMER)]
            for name in names]


class LastHidden(torch.nn.Module):
    """Token ids in, last hidden state out (the ModelOutput dict is not a tensor). The
    all-ones attention mask is explicit: without one, transformers looks for packed
    sequences with torch.diff, which the TorchScript exporter cannot export."""

    def __init__(self, model):
        super().__init__()
        self.model = model

    def forward(self, input_ids):
        return self.model(input_ids=input_ids, attention_mask=torch.ones_like(input_ids)).last_hidden_state


def transformers_entries():
    # Eager attention: written as MatMul and Softmax, which every opset exports;
    # SDPA has no TorchScript symbolic below opset 14. No BERT pooler: only the hidden
    # state is returned, so the export would drop it while PyTorch counts it.
    def bert():
        from transformers import BertConfig, BertModel
        config = BertConfig(num_hidden_layers=2, hidden_size=128, num_attention_heads=2,
                            intermediate_size=512)
        config._attn_implementation = "eager"
        ids = torch.randint(0, config.vocab_size, (1, 32))
        return LastHidden(BertModel(config, add_pooling_layer=False)).eval(), (ids,)

    def gpt2():
        from transformers import GPT2Config, GPT2Model
        config = GPT2Config(n_layer=2, n_embd=128, n_head=2, use_cache=False)
        config._attn_implementation = "eager"
        ids = torch.randint(0, config.vocab_size, (1, 32))
        return LastHidden(GPT2Model(config)).eval(), (ids,)

    return [Entry("transformers/bert_tiny", "language", bert),
            Entry("transformers/gpt2_tiny", "language", gpt2)]


def corpus():
    """Every entry, in run order: the quick language models, the classifiers, then the
    slower segmentation, video and detection models (listed last by torchvision_entries)."""
    tv = torchvision_entries()
    classifiers = [e for e in tv if e.task == "classification"]
    others = [e for e in tv if e.task != "classification"]
    return transformers_entries() + classifiers + timm_entries() + others
