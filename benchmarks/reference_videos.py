"""The plain reading of scoring a folder of video files, the reference of `bench_videos.py`.

What a straightforward script does: build the model and load the checkpoint's weights; for each video, decode every
frame, run the face detector (YuNet) on every full-resolution frame, crop the most confident face as a square with a
margin (PIL), then score the evenly spaced clips of those crops as `reference_infer.py` does (PIL resize, float
normalisation on the CPU, fp32 eager model under `torch.no_grad`, one clip at a time). Prints each video's score.

    python benchmarks/reference_videos.py CHECKPOINT VIDEO_FOLDER [--clips 8]
"""
import argparse
from pathlib import Path
import numpy as np, torch
from PIL import Image
from dfdetect.faces import YuNetDetector, read_frames
from reference_infer import frame_tensor, load


def face_crops(video: Path) -> list:
    "The most confident face of every frame, a square crop with a margin"
    crops, detector = [], None
    for _, _, frame in read_frames(video):
        if detector is None: detector = YuNetDetector(detect_size=max(frame.shape[:2]))
        faces = detector(frame)
        if not len(faces): continue
        x0, y0, x1, y1 = faces.boxes[int(np.argmax(faces.scores))]
        cx, cy, half = (x0 + x1) / 2, (y0 + y1) / 2, max(x1 - x0, y1 - y0) * 0.75
        crops.append(Image.fromarray(frame).crop((cx - half, cy - half, cx + half, cy + half)))
    return crops


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("checkpoint")
    p.add_argument("folder")
    p.add_argument("--clips", type=int, default=8)
    args = p.parse_args()
    model, cfg = load(args.checkpoint)
    d = cfg.data
    span = (d.sequence_length - 1) * d.frame_skip + 1
    for video in sorted(Path(args.folder).glob("*.mp4")):
        crops = face_crops(video)
        probs = []
        for start in np.linspace(0, max(0, len(crops) - span), args.clips).round().astype(int):
            frames = [crops[min(i, len(crops) - 1)] for i in range(start, start + span, d.frame_skip)]
            hq, lq = (torch.stack([frame_tensor(im, size) for im in frames])[None] for size in (d.hq_size, d.lq_size))
            with torch.no_grad(): probs.append(torch.sigmoid(model(hq, lq)).item())
        print(f"{video.name}: {np.mean(probs):.6f}")


if __name__ == "__main__":
    main()
