"""The plain reading of the seed's inference, the reference of `bench_infer.py`: score one folder of face crops.

What a straightforward script does: build the model and load the checkpoint's weights, open each frame of the
evenly spaced clips with PIL, resize it to the HQ and LQ sizes, normalise in float on the CPU, and run the fp32
model in eager mode under `torch.no_grad`, one clip at a time. Prints the clip probabilities and their mean.

    python benchmarks/reference_infer.py CHECKPOINT VIDEO_FOLDER [--clips 8]
"""
import argparse
from pathlib import Path
import numpy as np, torch
from PIL import Image
from dfdetect.config import config_from_dict
from dfdetect.model import build_model

MEAN, STD = np.array([0.485, 0.456, 0.406], np.float32), np.array([0.229, 0.224, 0.225], np.float32)


def load(path):
    ckpt = torch.load(path, map_location="cpu", weights_only=True)
    cfg = config_from_dict(ckpt["config"], str(path))
    cfg.model.pretrained = False
    model = build_model(cfg.model)
    model.load_state_dict(ckpt["model"])
    return model.eval(), cfg


def frame_tensor(im: Image.Image, size: int) -> torch.Tensor:
    x = np.asarray(im.resize((size, size), Image.BILINEAR), np.float32) / 255
    return torch.from_numpy((x - MEAN) / STD).permute(2, 0, 1)


def arguments(doc: str):
    "The command line of a reference script: CHECKPOINT FOLDER [--clips N]"
    p = argparse.ArgumentParser(description=doc, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("checkpoint")
    p.add_argument("folder")
    p.add_argument("--clips", type=int, default=8)
    return p.parse_args()


def clip_scores(model, cfg, frames: list, clips: int) -> list:
    "The probabilities of `clips` evenly spaced clips of `frames` (PIL images, or files PIL opens), one clip at a time"
    d = cfg.data
    span = (d.sequence_length - 1) * d.frame_skip + 1
    probs = []
    for start in np.linspace(0, max(0, len(frames) - span), clips).round().astype(int):
        hq, lq = [], []
        for i in range(start, start + span, d.frame_skip):
            frame = frames[min(i, len(frames) - 1)]
            im = frame if isinstance(frame, Image.Image) else Image.open(frame).convert("RGB")
            hq.append(frame_tensor(im, d.hq_size)); lq.append(frame_tensor(im, d.lq_size))
        with torch.no_grad():
            probs.append(torch.sigmoid(model(torch.stack(hq)[None], torch.stack(lq)[None])).item())
    return probs


def main():
    args = arguments(__doc__)
    model, cfg = load(args.checkpoint)
    probs = clip_scores(model, cfg, sorted(Path(args.folder).glob("*.jpg")), args.clips)
    print("clip scores:", " ".join(f"{p:.6f}" for p in probs))
    print(f"score: {np.mean(probs):.6f}")


if __name__ == "__main__":
    main()
