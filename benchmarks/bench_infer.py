"""Inference speed of `dfdetect_infer`: seconds per video for the seed's default model, on the CPU (or `--device cuda`).

The seed's default model (EfficientNet-B4 HQ 224 px + B0 LQ 112 px, T=10, ConvLSTM 256->128, random weights) scores
`--clips` evenly spaced clips per video of a synthetic 224 px dataset written to a temporary folder, two ways,
interleaved in the same run so that the shared machine's load hits both alike:

- dfdetect: `dfdetect.evaluation.score_clips`: eval mode, `torch.inference_mode`, `evaluation.batch_size` clips per batch
  (by default 16 on a GPU, 1 on the CPU)
  (and the config's AMP on a GPU);
- reference: a straightforward loop: eval mode but autograd on (no `no_grad`), one clip per forward pass.

The ratio is the median over repeats of reference / dfdetect, each pair measured back to back.

    python benchmarks/bench_infer.py [--videos 1] [--clips 8] [--repeats 3] [--device cpu] [--out results.md]
"""
import argparse, os, platform, statistics, tempfile, time
from pathlib import Path
import torch
from dfdetect.config import Config
from dfdetect.data import make_loader, prepare_batch, scan_dataset
from dfdetect.evaluation import inference_batch_size, score_clips
from dfdetect.model import build_model
from dfdetect.synthetic import make_synthetic_dataset


def cpu_name() -> str:
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"): return line.split(":", 1)[1].strip()
    return platform.processor() or "unknown CPU"


def default_config(root: Path, args) -> Config:
    "The seed's defaults, with the data in `root` and the benchmark's loader settings"
    cfg = Config()
    cfg.data.real_path, cfg.data.fake_path = str(root/"real"), str(root/"fake")
    cfg.data.training_pairs, cfg.paths.split_file = str(root/"training_pairs.csv"), str(root/"split.csv")
    cfg.model.pretrained = False
    cfg.training.num_workers, cfg.training.pin_memory, cfg.training.persistent_workers = args.workers, False, False
    cfg.evaluation.clips_per_video, cfg.evaluation.batch_size = args.clips, args.batch_size
    return cfg


def dfdetect_side(model, cfg, records, device, clips) -> float:
    start = time.perf_counter()
    score_clips(model, cfg, records, clips, cfg.evaluation.batch_size, device)
    return (time.perf_counter() - start) / len(records)


def reference_side(model, cfg, records, device, clips) -> float:
    "One clip per forward pass, autograd on: what a plain loop over the clips does"
    start = time.perf_counter()
    model.eval()
    for batch in make_loader(records, cfg, train=False, clips_per_video=clips, batch_size=1):
        hq, lq = prepare_batch(batch, device)
        torch.sigmoid(model(hq, lq)).tolist()
    return (time.perf_counter() - start) / len(records)


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--videos", type=int, default=1, help="videos scored per repeat")
    p.add_argument("--frames", type=int, default=40, help="frames per video")
    p.add_argument("--clips", type=int, default=8, help="clips per video (evaluation.clips_per_video)")
    p.add_argument("--batch-size", type=int, default=None,
                   help="clips per batch (evaluation.batch_size); default: the config's, 16 on a GPU and 1 on the CPU")
    p.add_argument("--workers", type=int, default=0, help="DataLoader workers")
    p.add_argument("--repeats", type=int, default=3, help="timed repeats of each side (after one warm-up)")
    p.add_argument("--device", default="cpu", help="cpu, or cuda to time the GPU path")
    p.add_argument("--out", help="also write the results as markdown to this file")
    args = p.parse_args()
    device = torch.device(args.device)
    torch.manual_seed(0)
    with tempfile.TemporaryDirectory() as tmp:
        root = make_synthetic_dataset(Path(tmp)/"data", n_videos=max(2, args.videos), n_frames=args.frames,
                                      frame_size=224, seed=0, test_fraction=0)
        cfg = default_config(root, args)
        records = scan_dataset(cfg).records[:args.videos]
        model = build_model(cfg.model).to(device).eval()
        load_before = os.getloadavg()
        dfdetect_side(model, cfg, records[:1], device, 1); reference_side(model, cfg, records[:1], device, 1)  # warm-up
        times = {"dfdetect": [], "reference": []}
        for _ in range(args.repeats):
            times["dfdetect"].append(dfdetect_side(model, cfg, records, device, args.clips))
            times["reference"].append(reference_side(model, cfg, records, device, args.clips))
        load_after = os.getloadavg()
    med = {k: statistics.median(v) for k, v in times.items()}
    ratio = statistics.median(r / d for r, d in zip(times["reference"], times["dfdetect"]))
    command = "python benchmarks/bench_infer.py " + " ".join(
        f"--{k.replace('_', '-')} {v}" for k, v in vars(args).items() if k != "out" and v is not None)
    batch = inference_batch_size(args.batch_size, device)
    lines = [
        f"## Inference: seconds per video on the {device.type.upper()} (`benchmarks/bench_infer.py`)", "",
        f"Machine: {cpu_name()}, {os.cpu_count()} cores (`nproc`), device {device}, torch {torch.__version__} with "
        f"{torch.get_num_threads()} threads, Python {platform.python_version()}. "
        f"Load average (1/5/15 min) before: {' '.join(f'{x:.2f}' for x in load_before)}, "
        f"after: {' '.join(f'{x:.2f}' for x in load_after)} (the machine is shared).", "",
        f"Command: `{command}`", "",
        f"Model: the seed's default (EfficientNet-B4 HQ 224 px + B0 LQ 112 px, T=10, stride 3, ConvLSTM 256->128, "
        f"attention fusion, random weights); {args.clips} clips per video, {args.videos} videos of {args.frames} "
        f"frames (224 px JPEG) per repeat, {args.workers} loader workers, median of {args.repeats} repeats after a warm-up.", "",
        "| side | s/video (median) | all repeats (s/video) |", "|---|---|---|",
        f"| dfdetect (`score_clips`: inference_mode, batch {batch}) | {med['dfdetect']:.2f} | "
        f"{', '.join(f'{t:.2f}' for t in times['dfdetect'])} |",
        f"| reference (autograd on, 1 clip per forward) | {med['reference']:.2f} | "
        f"{', '.join(f'{t:.2f}' for t in times['reference'])} |", "",
        f"Ratio reference / dfdetect (median of the per-repeat ratios "
        f"{', '.join(f'{r / d:.2f}' for r, d in zip(times['reference'], times['dfdetect']))}): **{ratio:.2f}x**; "
        f"{med['dfdetect'] / args.clips:.2f} s per clip of {cfg.data.sequence_length} frames.", "",
    ]
    text = "\n".join(lines)
    print(text)
    if args.out: Path(args.out).write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
