"""Benchmark of the main job's demo: `dfdetect_train --config configs/demo.yaml` on a fresh machine.

Each run starts in an empty temporary folder, so it includes writing the synthetic dataset. The script watches
the training log while the command runs and reports, per run and as medians: the wall time of the whole command,
the time until the first epoch whose validation AUC reaches 0.95 (from the start of the command), and the final
and best validation AUC.

Reference, measured in the same session: a fixed CPU workload (forward + backward of an EfficientNet-B0 on 16
random 64x64 images on one thread, like the demo's training on 2 cores with 2 data workers; median of 5 steps),
timed before and after the demo runs. The machine is shared and noisy: compare `wall / reference` ratios between
machines, not seconds.

    python benchmarks/bench_demo.py [--runs 3] [--config configs/demo.yaml]
"""
import argparse, os, platform, re, shutil, statistics, subprocess, sys, tempfile, time
from pathlib import Path
import pandas as pd
import torch
from efficientnet_pytorch import EfficientNet

REPO = Path(__file__).resolve().parents[1]
TARGET_AUC = 0.95

def reference_seconds(steps=5):
    "Median seconds of one forward + backward of EfficientNet-B0 on a (16, 3, 64, 64) batch, on one thread"
    torch.manual_seed(0)
    torch.set_num_threads(1)
    model, x = EfficientNet.from_name("efficientnet-b0"), torch.randn(16, 3, 64, 64)
    times = []
    for _ in range(steps + 1):
        start = time.perf_counter()
        model(x).sum().backward()
        times.append(time.perf_counter() - start)
    return statistics.median(times[1:])

def run_demo(config: Path, log_rel: str) -> dict:
    "Run the demo in a fresh folder; wall time, the time each log row appeared, and the log"
    work = Path(tempfile.mkdtemp(prefix="bench_demo_"))
    try:
        start = time.perf_counter()
        proc = subprocess.Popen(["dfdetect_train", "--config", str(config), "--quiet"], cwd=work,
                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        log, seen = work / log_rel, []
        while proc.poll() is None:
            rows = log.read_text().count("\n") - 1 if log.is_file() else 0
            seen += [time.perf_counter() - start] * max(0, rows - len(seen))
            time.sleep(0.2)
        wall = time.perf_counter() - start
        output = proc.stdout.read()
        if proc.returncode: sys.exit(f"the demo failed (exit {proc.returncode}):\n{output}")
        table = pd.read_csv(log)
        seen += [wall] * (len(table) - len(seen))
        gen = re.search(r"synthetic dataset: .* in ([\d.]+) s", output)
        reached = [(t, e) for t, e, auc in zip(seen, table["epoch"], table["val_auc_roc"]) if auc >= TARGET_AUC]
        to_target, target_epoch = reached[0] if reached else (float("nan"), float("nan"))
        return dict(wall=wall, to_target=to_target, target_epoch=target_epoch, dataset=float(gen.group(1)) if gen else float("nan"),
                    epochs=len(table), final_auc=table["val_auc_roc"].iloc[-1], best_auc=table["val_auc_roc"].max(),
                    epoch_time=table["epoch_time"].median())
    finally: shutil.rmtree(work, ignore_errors=True)

def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--runs", type=int, default=3)
    p.add_argument("--config", type=Path, default=REPO / "configs/demo.yaml")
    args = p.parse_args()
    sys.path.insert(0, str(REPO))
    from dfdetect.config import load_config
    log_rel = load_config(args.config).paths.training_log
    load = os.getloadavg()
    ref_before = reference_seconds()
    runs = []
    for i in range(args.runs):
        runs.append(run_demo(args.config.resolve(), log_rel))
        r = runs[-1]
        print(f"run {i + 1}: wall {r['wall']:.1f} s (dataset {r['dataset']:.1f} s), AUC >= {TARGET_AUC} after {r['to_target']:.1f} s "
              f"(epoch {r['target_epoch']}), "
              f"{r['epochs']} epochs (median {r['epoch_time']:.1f} s), final AUC {r['final_auc']:.4f}, best {r['best_auc']:.4f}", flush=True)
    ref = statistics.median([ref_before, reference_seconds()])
    med = {k: statistics.median(r[k] for r in runs) for k in runs[0]}
    print(f"\nmachine: {platform.processor() or platform.machine()}, {os.cpu_count()} CPUs, torch {torch.__version__}, "
          f"load average at start {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")
    print(f"command: dfdetect_train --config {args.config} --quiet (fresh folder, {args.runs} runs)\n")
    print("| median of runs | seconds | / reference |\n|---|---|---|")
    for key, name in [("wall", "wall time, dataset included"), ("to_target", f"time to val AUC >= {TARGET_AUC}"),
                      ("dataset", "synthetic dataset"), ("epoch_time", "one epoch")]:
        print(f"| {name} | {med[key]:.1f} | {med[key] / ref:.1f} |")
    print(f"| reference: EfficientNet-B0 fwd+bwd, 16x3x64x64 | {ref:.3f} | 1 |")
    print(f"\nfinal val AUC (median) {med['final_auc']:.4f}, best {med['best_auc']:.4f}, epochs {med['epochs']:.0f}; "
          f"reached {TARGET_AUC} in {sum(r['to_target'] == r['to_target'] for r in runs)}/{len(runs)} runs")

if __name__ == "__main__": main()
