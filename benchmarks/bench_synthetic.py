"""How long writing the synthetic datasets takes: the demo's (configs/demo.yaml) and a 224 px one.

Each run of the generator is paired with a reference run made right after it on the same machine: writing the same
number of frames of the same size as JPEGs with PIL, from one pre-rendered video (the floor: encoding and disk).
The machine is shared and noisy, so compare the ratios. Usage:

    python benchmarks/bench_synthetic.py [--repeats 3] [--big-repeats 1]
"""
import argparse, os, platform, shutil, statistics, tempfile, time
from pathlib import Path
import numpy as np
from PIL import Image
from dfdetect.config import load_config
from dfdetect.synthetic import make_synthetic_dataset, render_video

def time_generator(n_videos, n_frames, size, difficulty, seed):
    out = Path(tempfile.mkdtemp())
    start = time.perf_counter()
    make_synthetic_dataset(out/"ds", n_videos, n_frames, size, difficulty, seed)
    seconds = time.perf_counter() - start
    shutil.rmtree(out)
    return seconds

def time_jpeg_floor(n_videos, n_frames, size):
    "Write n_videos x n_frames JPEGs of one pre-rendered video: what any generator of this layout pays"
    frames = render_video(False, np.random.default_rng(0), n_frames, size)
    out = Path(tempfile.mkdtemp())
    start = time.perf_counter()
    for v in range(n_videos):
        folder = out/f"v{v}"
        folder.mkdir()
        for i, frame in enumerate(frames): Image.fromarray(frame).save(folder/f"{i:04d}.jpg", quality=88)
    seconds = time.perf_counter() - start
    shutil.rmtree(out)
    return seconds

def bench(name, repeats, n_videos, n_frames, size, difficulty, seed):
    gen, ref = [], []
    for _ in range(repeats):
        gen.append(time_generator(n_videos, n_frames, size, difficulty, seed))
        ref.append(time_jpeg_floor(n_videos, n_frames, size))
    g, r = statistics.median(gen), statistics.median(ref)
    row = (f"| {name} | {n_videos} x {n_frames} frames, {size} px, difficulty {difficulty} | {repeats} | {g:.1f} s | "
           f"{r:.1f} s | {g / r:.1f}x | {1000 * g / (n_videos * n_frames):.2f} ms |")
    print(row, flush=True)
    return row

if __name__ == "__main__":
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--repeats", type=int, default=3, help="runs of the demo dataset (median reported)")
    p.add_argument("--big-repeats", type=int, default=1, help="runs of the 224 px dataset (median reported)")
    p.add_argument("--big-frames", type=int, default=40, help="frames per video of the 224 px dataset")
    args = p.parse_args()
    demo = load_config(Path(__file__).parent.parent/"configs/demo.yaml")
    s = demo.synthetic
    print(f"machine: {platform.platform()}, {os.cpu_count()} CPUs ({platform.processor() or platform.machine()}), "
          f"Python {platform.python_version()}, numpy {np.__version__}, load average {os.getloadavg()[0]:.1f} at start\n")
    print("| dataset | size | runs | generator (median) | JPEG floor (median) | ratio | per frame |")
    print("|---|---|---|---|---|---|---|")
    bench("demo (configs/demo.yaml)", args.repeats, s.n_videos, s.n_frames, s.frame_size, s.difficulty, demo.seed)
    bench("224 px", args.big_repeats, 200, args.big_frames, 224, 0.5, 0)
    print(f"\nload average {os.getloadavg()[0]:.1f} at the end")
