"""The plain per-frame classifier that `bench_realpixel.py` sets beside dfdetect, as a short training script has it:
ImageNet EfficientNet-Lite0, its features averaged over the pixels, one linear layer, AdamW with a cosine schedule
down to 0, no gradient clipping, no validation.

`nbs/12_training.ipynb` checks that dfdetect's trainer with `configs/supervised_cpu.yaml` takes this classifier's
steps: from the same start, on the same batches, both reach the same weights.
"""
import math
import torch
import torch.nn.functional as F
from dfdetect.model import efficientnet_backbone, load_imagenet_weights
from dfdetect.weights import find_weights

BACKBONE, LEARNING_RATE, WEIGHT_DECAY = "efficientnet-lite0", 3e-4, 1e-2

def plain_classifier() -> torch.nn.ModuleDict:
    "ImageNet Lite0 (`net`) and a linear layer on its features averaged over the pixels (`head`)"
    net = efficientnet_backbone(BACKBONE)
    load_imagenet_weights(net, BACKBONE, find_weights(BACKBONE))
    return torch.nn.ModuleDict(dict(net=net, head=torch.nn.Linear(net._conv_head.out_channels, 1)))

def plain_logits(model, frames) -> torch.Tensor:
    "Logits (N,) of normalised frames (N, 3, H, W)"
    return model.head(model.net.extract_features(frames).mean((2, 3)))[:, 0]

def plain_optimizer(model, steps: int) -> tuple:
    "AdamW, and a cosine schedule from the learning rate down to 0 over `steps`"
    opt = torch.optim.AdamW(model.parameters(), lr=LEARNING_RATE, weight_decay=WEIGHT_DECAY)
    return opt, torch.optim.lr_scheduler.LambdaLR(opt, lambda step: 0.5 * (1 + math.cos(math.pi * step / steps)))

def plain_step(model, opt, schedule, frames, labels, pos_weight) -> torch.Tensor:
    "One training step on a batch of frames (N, 3, H, W) and their labels (N,); its loss"
    loss = F.binary_cross_entropy_with_logits(plain_logits(model, frames), labels, pos_weight=pos_weight)
    opt.zero_grad(); loss.backward(); opt.step(); schedule.step()
    return loss.detach()
