"""Scoring many video files: `dfdetect_infer --videos DIR` as a whole command against a plain script, in videos per minute.

Side by side in the same run, interleaved in every repeat, on the same folder of videos and the same checkpoint:
- reference: `benchmarks/reference_videos.py` (decode every frame, YuNet on every full-resolution frame, a PIL crop
  per frame, the fp32 eager model one clip at a time);
- `dfdetect_infer --videos DIR` with the shipped defaults (detection every 3rd frame on the frame shrunk to 256 px,
  tracking and smoothing, `inference_model`, `evaluation.precision: auto`, the next video cropped while this one is
  scored), and with `evaluation.precision=fp32` (what a CPU without native bf16 runs).
The checkpoint holds the seed's default model (EfficientNet-B4 HQ 224 px + B0 LQ 112 px, T=10, ConvLSTM 256->128;
random weights cost what trained ones do); the videos are scikit-image's astronaut photo seen through a moving camera,
H.264. Usage:

    python benchmarks/bench_videos.py [--videos 3] [--frames 300] [--size 1280x720] [--repeats 3] [--out FILE]
"""
import argparse, os, platform, statistics, subprocess, sys, tempfile, time
from pathlib import Path
import torch
from dfdetect.checkpoints import save_checkpoint
from dfdetect.config import Config
from dfdetect.model import build_model
from dfdetect.testing import face_video
from bench_infer import console_script, cpu_description, ratios

HERE = Path(__file__).resolve().parent


def timed(cmd: list) -> float:
    "Wall seconds of a command; fails loudly if it fails"
    start = time.perf_counter()
    out = subprocess.run([str(c) for c in cmd], capture_output=True, text=True)
    if out.returncode: sys.exit(f"{' '.join(map(str, cmd))} failed:\n{out.stderr}")
    return time.perf_counter() - start


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--videos", type=int, default=3, help="video files in the folder")
    p.add_argument("--frames", type=int, default=300, help="frames per video (Celeb-DF videos have 300-500)")
    p.add_argument("--size", default="1280x720", help="frame size of the videos, WxH")
    p.add_argument("--repeats", type=int, default=3, help="timed repeats of each side (after one warm-up)")
    p.add_argument("--out", help="also write the results as markdown to this file")
    args = p.parse_args()
    w, h = map(int, args.size.split("x"))
    load_before = os.getloadavg()
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        torch.manual_seed(0)
        cfg = Config()
        cfg.model.pretrained = False
        ck = save_checkpoint(dict(model=build_model(cfg.model).state_dict(), config=cfg.to_dict(), epoch=0, threshold={}), tmp/"seed.pth")
        for i in range(args.videos): face_video(tmp/"videos"/f"video{i}.mp4", n_frames=args.frames, size=(w, h), motion=0.3 + 0.3 * i)
        infer = [console_script("dfdetect_infer"), "--checkpoint", ck, "--videos", tmp/"videos", "--device", "cpu", "--quiet", "--no-plots", "--out", tmp/"out"]
        sides = {"reference": [sys.executable, HERE/"reference_videos.py", ck, tmp/"videos"], "dfdetect_infer --videos (defaults)": infer,
                 "dfdetect_infer --videos, evaluation.precision=fp32": infer + ["--set", "evaluation.precision=fp32"]}
        for cmd in sides.values(): timed(cmd)  # warm-up: files in the page cache
        times = {name: [] for name in sides}
        for _ in range(args.repeats):
            for name, cmd in sides.items(): times[name].append(timed(cmd))
    load_after = os.getloadavg()
    lines = ["# Scoring many videos (`benchmarks/bench_videos.py`)", "",
             f"Machine: {cpu_description()}; torch "
             f"{torch.__version__}, Python {platform.python_version()}. Load average (1/5/15 min) before "
             f"{' '.join(f'{x:.2f}' for x in load_before)}, after {' '.join(f'{x:.2f}' for x in load_after)}.", "",
             f"Command: `python benchmarks/bench_videos.py --videos {args.videos} --frames {args.frames} --size {args.size} --repeats {args.repeats}`", "",
             f"A folder of {args.videos} H.264 videos of {args.frames} frames at {w}x{h}, 8 clips per video, the seed's default model; "
             "process wall time of the whole command.", "",
             "| command | median s | videos per minute | all repeats (s) | this / reference (median of the per-repeat ratios) |",
             "|---|---|---|---|---|"]
    lines += [f"| {name} | {statistics.median(ts):.1f} | {60 * args.videos / statistics.median(ts):.1f} | "
              f"{', '.join(f'{t:.1f}' for t in ts)} | {ratio:.2f}x |" for name, ts, ratio in ratios(times)]
    text = "\n".join(lines) + "\n"
    print(text)
    if args.out: Path(args.out).write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
