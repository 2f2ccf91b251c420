"""Face extraction speed (decode + detect + track + crop + write), in frames per second on one core.

Side by side in the same run, on the same videos:
- decode only: PyAV decoding every frame to RGB (the ceiling of any extractor);
- naive reference: the detector (YuNet) on every full-resolution frame, a PIL crop and resize per frame, PIL JPEG
  writes, no tracking;
- dfdetect (`dfdetect.faces.extract_video`, the shipped `faces` settings), and each lever alone: detection on the
  downscaled frame (`faces.detect_size`) and detection on every third frame (`faces.detect_every`).
The videos are made from scikit-image's astronaut photo (a real face) at 640x360 and 1280x720. One thread
(`cv2.setNumThreads(1)`), so the figures are per core. Usage:

    python benchmarks/bench_extract.py [--frames 150] [--repeats 3]
"""
import argparse, dataclasses, os, platform, shutil, statistics, tempfile, time
from pathlib import Path
import cv2, numpy as np
from PIL import Image
from dfdetect.config import demo_config
from dfdetect.faces import YuNetDetector, extract_video, read_frames
from dfdetect.testing import face_video

def decode_only(path):
    return sum(1 for _ in read_frames(path))

def naive(path, out: Path):
    "Detector on every full-resolution frame, PIL crop + resize + save per frame, no tracking"
    out.mkdir(parents=True)
    detector, n = None, 0
    for index, _, frame in read_frames(path):
        if detector is None: detector = YuNetDetector(detect_size=max(frame.shape[:2]))
        faces = detector(frame)
        n += 1
        if not len(faces): continue
        x0, y0, x1, y1 = faces.boxes[int(np.argmax(faces.scores))]
        cx, cy, half = (x0 + x1) / 2, (y0 + y1) / 2, max(x1 - x0, y1 - y0) * 0.75
        Image.fromarray(frame).crop((cx - half, cy - half, cx + half, cy + half)).resize((224, 224)).save(out/f"{index:06d}.jpg", quality=95)
    return n

def dfdetect_run(path, out: Path, **faces):
    cfg = demo_config()
    cfg = dataclasses.replace(cfg, faces=dataclasses.replace(cfg.faces, **faces))
    row = extract_video(path, out/"v", cfg, "real")
    return row["frames_decoded"]

def timed(f, *args, **kwargs):
    start = time.perf_counter()
    n = f(*args, **kwargs)
    return n / (time.perf_counter() - start)

def main(frames=150, repeats=3):
    cv2.setNumThreads(1)
    tmp = Path(tempfile.mkdtemp())
    rows = []
    for size in [(640, 360), (1280, 720)]:
        video = face_video(tmp/f"face_{size[0]}x{size[1]}.mp4", n_frames=frames, size=size)
        runs = {k: [] for k in ["decode", "naive", "dfdetect", "downscale only", "every 3rd only"]}
        dfdetect_run(video, tmp/f"warm-up-{size[0]}")  # imports and model loading once, as in a worker process
        for r in range(repeats):
            work = tmp/f"run{r}_{size[0]}"
            runs["decode"].append(timed(decode_only, video))
            runs["naive"].append(timed(naive, video, work/"naive"))
            runs["dfdetect"].append(timed(dfdetect_run, video, work/"ours"))
            runs["downscale only"].append(timed(dfdetect_run, video, work/"down", detect_every=1))
            runs["every 3rd only"].append(timed(dfdetect_run, video, work/"every", detect_size=max(size)))
            shutil.rmtree(work)
        med = {k: statistics.median(v) for k, v in runs.items()}
        rows.append((size, med))
        print(size, {k: round(v, 1) for k, v in med.items()}, flush=True)
    shutil.rmtree(tmp)
    lines = ["# Face extraction", "",
             f"Command: `python benchmarks/bench_extract.py --frames {frames} --repeats {repeats}` (from the repository root).", "",
             f"Machine: {platform.platform()}, {os.cpu_count()} CPUs ({platform.processor() or 'x86_64'}), Python {platform.python_version()}, "
             f"OpenCV {cv2.__version__}, one thread (`cv2.setNumThreads(1)`): frames per second per core, median of {repeats} runs.", "",
             "Videos: scikit-image's astronaut photo through a panning, zooming camera, H.264, "
             f"{frames} frames each. Naive reference: YuNet on every full-resolution frame, PIL crop/resize/save per frame, no tracking.", "",
             "| video | decode only (ceiling) | naive reference | dfdetect (shipped settings) | vs naive | vs decode | detect on the shrunk frame only | detect on every 3rd frame only |",
             "|---|---|---|---|---|---|---|---|"]
    for (w, h), m in rows:
        lines.append(f"| {w}x{h} | {m['decode']:.0f} fps | {m['naive']:.0f} fps | {m['dfdetect']:.0f} fps | {m['dfdetect'] / m['naive']:.1f}x | "
                     f"{m['decode'] / m['dfdetect']:.2f}x slower | {m['downscale only']:.0f} fps | {m['every 3rd only']:.0f} fps |")
    celeb_frames = 2.3e6
    lines += ["", "Projected time for Celeb-DF v2 (6,229 videos, about 2.3 M frames, mostly about 942x500) on 16 cores, from the "
              "per-core rates above (decoding and detection scale with processes, one per core):", ""]
    for (w, h), m in rows:
        lines.append(f"- at the {w}x{h} rate: {celeb_frames / (m['dfdetect'] * 16) / 3600:.2f} h (naive: {celeb_frames / (m['naive'] * 16) / 3600:.2f} h)")
    Path("benchmarks/results_extraction.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))

if __name__ == "__main__":
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--frames", type=int, default=150)
    p.add_argument("--repeats", type=int, default=3)
    a = p.parse_args()
    main(a.frames, a.repeats)
