"""What PyTorch keeps for the backward pass of torchvision's models, the truth behind
`netcost memory --training` (Tests/NetCostTests/Fixtures/pytorch_saved_tensors.json).

Each model runs forward in train mode on CPU under torch.autograd.graph.saved_tensors_hooks;
every tensor autograd saves is recorded by its storage, and the bytes of the distinct
storages are summed. Parameters and buffers are weights, not activations, and are left
out; the input image counts when a layer saves it.

    /root/venv/bin/python scripts/training_memory_truth.py > Tests/NetCostTests/Fixtures/pytorch_saved_tensors.json
"""
import json
import sys

import torch
import torchvision

MODELS = ["alexnet", "vgg16", "resnet18", "resnet50", "squeezenet1_0", "squeezenet1_1", "mobilenet_v2",
          "shufflenet_v2_x0_5", "shufflenet_v2_x1_0", "shufflenet_v2_x1_5", "shufflenet_v2_x2_0",
          "efficientnet_b0", "efficientnet_b1", "efficientnet_b2", "efficientnet_b3"]


def saved_bytes(model, batch, resolution):
    weights = {t.untyped_storage().data_ptr() for t in list(model.parameters()) + list(model.buffers())}
    storages = {}

    def pack(tensor):
        storage = tensor.untyped_storage()
        if storage.data_ptr() not in weights:
            storages[storage.data_ptr()] = storage.nbytes()
        return tensor

    image = torch.randn(batch, 3, resolution, resolution)
    with torch.autograd.graph.saved_tensors_hooks(pack, lambda tensor: tensor):
        model(image)
    return sum(storages.values())


def main():
    torch.manual_seed(0)
    rows = []
    for name in sys.argv[1:] or MODELS:
        model = getattr(torchvision.models, name)().train()
        rows.append({"model": name, "resolution": 224,
                     "saved_bytes": {str(batch): saved_bytes(model, batch, 224) for batch in (1, 2)}})
    json.dump({"torch": torch.__version__, "torchvision": torchvision.__version__, "models": rows}, sys.stdout, indent=1)
    print()


if __name__ == "__main__":
    main()
