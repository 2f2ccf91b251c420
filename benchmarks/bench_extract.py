"""Face extraction speed (decode + detect + track + crop + write), in frames per second on one core.

Side by side in the same run, on the same videos:
- decode only: PyAV decoding every frame to RGB with its own conversion (`to_ndarray(format="rgb24")`, frame
  threads on), what a plain script does to read a video; and dfdetect's `read_frames` (OpenCV's YUV to RGB);
- naive reference: the detector (YuNet) on every full-resolution frame, a PIL crop and resize per frame, PIL JPEG
  writes, no tracking;
- dfdetect (`dfdetect.extract.extract_video`, the shipped `faces` settings: landmarks found on every
  `faces.detect_every`-th crop, interpolated in between), and each lever alone: detection on the downscaled frame
  (`faces.detect_size`) and detection on every third frame (`faces.detect_every`);
- landmarks on every crop: the same with YuNet run a second time on every crop, as extraction did before.
Whole commands, wall time of each process: `dfdetect_extract --real DIR --out OUT --workers 1` on one 600-frame
1280x720 video against a command that only decodes it (PyAV, the same frames); with `--before PATH` (a checkout of an
earlier dfdetect), that version's `dfdetect_extract` too.
The videos are made from scikit-image's astronaut photo (a real face) at 640x360 and 1280x720. One thread
(`cv2.setNumThreads(1)`), so the figures are per core. Usage:

    python benchmarks/bench_extract.py [--frames 150] [--repeats 3] [--before /path/to/old/checkout]
                                       [--out benchmarks/results_extraction.md]
"""
import argparse, dataclasses, os, platform, shutil, statistics, subprocess, sys, tempfile, time
from pathlib import Path
import cv2, numpy as np
from PIL import Image
from dfdetect.config import demo_config
from dfdetect.extract import extract_video, write_crops
from dfdetect.faces import YuNetDetector, extract_faces
from dfdetect.landmarks import CropLandmarker, crop_landmarks
from dfdetect.video import read_frames
from dfdetect.testing import face_video

DECODE_COMMAND = """import sys, av
with av.open(sys.argv[1]) as container:
    stream = container.streams.video[0]
    stream.thread_type = "AUTO"
    print(sum(1 for frame in container.decode(stream) if frame.to_ndarray(format="rgb24") is not None))"""

def decode_only(path):
    "Plain PyAV: every frame decoded and converted to RGB by PyAV"
    import av
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        stream.thread_type = "AUTO"
        return sum(1 for frame in container.decode(stream) if frame.to_ndarray(format="rgb24") is not None)

def dfdetect_decode(path):
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

def before_run(path, out: Path):
    "`extract_video` as it was: landmarks found by YuNet on every crop"
    cfg = demo_config()
    faces = extract_faces(path, cfg.faces)
    landmarks = crop_landmarks([c for _, c in faces.crops], CropLandmarker(cfg.faces.landmarks), cfg.faces.margin, every=1)
    write_crops(faces.crops, out/"v", cfg.faces.jpeg_quality, landmarks)
    return faces.frames_decoded

EXTRACT_COMMAND = ("import os, sys; root = sys.argv.pop(1); sys.path.insert(0, root); "  # a checkout's dfdetect_extract,
                   "module = 'extract' if os.path.isfile(os.path.join(root, 'dfdetect', 'extract.py')) else 'faces'; "
                   "__import__('dfdetect.' + module, fromlist=['dfdetect_extract']).dfdetect_extract.main()")  # faces: older

def whole_commands(tmp: Path, repeats: int, before: str = None) -> dict:
    "Wall seconds (median of `repeats`) of whole commands on a 600-frame 1280x720 video: decoding only, dfdetect_extract, and the one of `before`"
    video = face_video(tmp/"whole"/"real"/"face.mp4", n_frames=600, size=(1280, 720))
    commands = {"decode only": [sys.executable, "-c", DECODE_COMMAND, str(video)],
                "dfdetect_extract": [sys.executable, "-c", EXTRACT_COMMAND, str(Path(__file__).resolve().parents[1])]}
    if before: commands["dfdetect_extract before"] = [sys.executable, "-c", EXTRACT_COMMAND, str(Path(before).resolve())]
    times = {k: [] for k in commands}
    for r in range(repeats):
        for name, cmd in commands.items():
            out = tmp/"whole"/f"out-{name.replace(' ', '-')}-{r}"
            args = cmd if name == "decode only" else cmd + ["--real", str(video.parent), "--out", str(out), "--workers", "1"]
            start = time.perf_counter()
            subprocess.run(args, check=True, capture_output=True)
            times[name].append(time.perf_counter() - start)
    return {k: statistics.median(v) for k, v in times.items()}

def timed(f, *args, **kwargs):
    start = time.perf_counter()
    n = f(*args, **kwargs)
    return n / (time.perf_counter() - start)

def main(frames=150, repeats=3, before=None, out=None):
    cv2.setNumThreads(1)
    tmp = Path(tempfile.mkdtemp())
    rows = []
    for size in [(640, 360), (1280, 720)]:
        video = face_video(tmp/f"face_{size[0]}x{size[1]}.mp4", n_frames=frames, size=size)
        runs = {k: [] for k in ["decode", "read_frames", "naive", "dfdetect", "before", "downscale only", "every 3rd only"]}
        dfdetect_run(video, tmp/f"warm-up-{size[0]}")  # imports and model loading once, as in a worker process
        for r in range(repeats):
            work = tmp/f"run{r}_{size[0]}"
            runs["decode"].append(timed(decode_only, video))
            runs["read_frames"].append(timed(dfdetect_decode, video))
            runs["naive"].append(timed(naive, video, work/"naive"))
            runs["dfdetect"].append(timed(dfdetect_run, video, work/"ours"))
            runs["before"].append(timed(before_run, video, work/"before"))
            runs["downscale only"].append(timed(dfdetect_run, video, work/"down", detect_every=1))
            runs["every 3rd only"].append(timed(dfdetect_run, video, work/"every", detect_size=max(size)))
            shutil.rmtree(work)
        med = {k: statistics.median(v) for k, v in runs.items()}
        rows.append((size, med))
        print(size, {k: round(v, 1) for k, v in med.items()}, flush=True)
    whole = whole_commands(tmp, repeats, before)
    print(whole, flush=True)
    shutil.rmtree(tmp)
    lines = ["# Face extraction", "",
             f"Command: `python benchmarks/bench_extract.py --frames {frames} --repeats {repeats}` (from the repository root).", "",
             f"Machine: {platform.platform()}, {os.cpu_count()} CPUs ({platform.processor() or 'x86_64'}), Python {platform.python_version()}, "
             f"OpenCV {cv2.__version__}, one thread (`cv2.setNumThreads(1)`): frames per second per core, median of {repeats} runs.", "",
             "Videos: scikit-image's astronaut photo through a panning, zooming camera, H.264, "
             f"{frames} frames each. Naive reference: YuNet on every full-resolution frame, PIL crop/resize/save per frame, no tracking.", "",
             "| video | decode only (PyAV) | dfdetect's decoding | naive reference | dfdetect (shipped settings) | vs naive | vs decode | landmarks on every crop | that vs decode | detect on the shrunk frame only | detect on every 3rd frame only |",
             "|---|---|---|---|---|---|---|---|---|---|---|"]
    for (w, h), m in rows:
        lines.append(f"| {w}x{h} | {m['decode']:.0f} fps | {m['read_frames']:.0f} fps | {m['naive']:.0f} fps | {m['dfdetect']:.0f} fps | {m['dfdetect'] / m['naive']:.1f}x | "
                     f"{m['decode'] / m['dfdetect']:.2f}x slower | {m['before']:.0f} fps | {m['decode'] / m['before']:.2f}x slower | "
                     f"{m['downscale only']:.0f} fps | {m['every 3rd only']:.0f} fps |")
    celeb_frames = 2.3e6
    lines += ["", "Projected time for Celeb-DF v2 (6,229 videos, about 2.3 M frames, mostly about 942x500) on 16 cores, from the "
              "per-core rates above (decoding and detection scale with processes, one per core):", ""]
    for (w, h), m in rows:
        lines.append(f"- at the {w}x{h} rate: {celeb_frames / (m['dfdetect'] * 16) / 3600:.2f} h (naive: {celeb_frames / (m['naive'] * 16) / 3600:.2f} h)")
    lines += ["", f"Whole commands on a 600-frame 1280x720 video, wall seconds, median of {repeats} (process start, imports and "
              "model loading included; `--workers 1`):", "", "| command | seconds | vs decode only |", "|---|---|---|"]
    lines += [f"| {name} | {t:.2f} | {t / whole['decode only']:.2f}x |" for name, t in whole.items()]
    print("\n".join(lines))
    if out: Path(out).write_text("\n".join(lines) + "\n")

if __name__ == "__main__":
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--frames", type=int, default=150)
    p.add_argument("--repeats", type=int, default=3)
    p.add_argument("--before", help="a checkout of an earlier dfdetect, whose dfdetect_extract is timed beside this one")
    p.add_argument("--out", help="also write the results as markdown to this file")
    a = p.parse_args()
    main(a.frames, a.repeats, a.before, a.out)
