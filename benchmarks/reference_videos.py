"""The plain reading of scoring a folder of video files, the reference of `bench_videos.py`.

What a straightforward script does: build the model and load the checkpoint's weights; for each video, decode every
frame, run the face detector (YuNet) on every full-resolution frame, crop the most confident face as a square with a
margin (PIL), then score the evenly spaced clips of those crops as `reference_infer.py` does (PIL resize, float
normalisation on the CPU, fp32 eager model under `torch.no_grad`, one clip at a time). Prints each video's score.

    python benchmarks/reference_videos.py CHECKPOINT VIDEO_FOLDER [--clips 8]
"""
from pathlib import Path
import numpy as np
from PIL import Image
from dfdetect.faces import YuNetDetector
from dfdetect.video import read_frames
from reference_infer import arguments, clip_scores, load


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
    args = arguments(__doc__)
    model, cfg = load(args.checkpoint)
    for video in sorted(Path(args.folder).glob("*.mp4")):
        print(f"{video.name}: {np.mean(clip_scores(model, cfg, face_crops(video), args.clips)):.6f}")


if __name__ == "__main__":
    main()
