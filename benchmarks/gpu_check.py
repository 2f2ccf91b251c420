"""The GPU check: training step speed and peak memory, GPU inference time per video, and loader throughput.

Writes one markdown file. On a GPU (about 8 minutes on an H100-class card):

    bash benchmarks/gpu_check.sh [--out benchmarks/results_gpu.md]

`--device cpu --dry-run` runs every measurement at toy sizes (a few seconds) to check the script itself.

Measured:
- training step (forward, backward, optimizer step) in clips/s and peak memory (`torch.cuda.max_memory_allocated`) at
  batch 12, T=10, for the seed's architecture and for the default with the 256-channel ConvLSTM projection, with AMP
  (bf16 where supported, else fp16), with and without gradient checkpointing, channels_last and `torch.compile`;
- inference: seconds per video (8 clips, `evaluation.batch_size` 16) with `dfdetect.scoring.score_clips`;
- the loader: clips/s of `make_loader` with the workers the machine has, on 224 px JPEG faces, to show whether it can
  keep the GPU fed.
"""
import argparse, dataclasses, os, platform, statistics, tempfile, time
from pathlib import Path
import torch, torch.nn.functional as F
from dfdetect.config import Config
from dfdetect.data import make_loader, prepare_batch
from dfdetect.scan import scan_dataset
from dfdetect.devices import amp_settings, autocast
from dfdetect.scoring import TorchScorer, score_clips
from dfdetect.model import build_model, inference_model
from dfdetect.synthetic import make_synthetic_dataset

def sizes(dry):
    "(batch, T, HQ px, LQ px, backbones, steps) of a real check or a dry run"
    return (2, 2, 32, 16, ("efficientnet-tiny", "efficientnet-tiny"), 1) if dry else (12, 10, 224, 112, ("efficientnet-b4", "efficientnet-b0"), 20)

def sync(device):
    if device.type == "cuda": torch.cuda.synchronize()

def train_step_rate(cfg: Config, device, batch, steps, compile_model=False, dry=False) -> tuple:
    "(clips/s, peak GiB or None, precision) of training steps at `batch` clips"
    model = build_model(cfg.model).to(device).train()
    step_model = torch.compile(model, backend="eager" if dry else "inductor") if compile_model else model  # dry run: trace, no C++ build
    optimizer = torch.optim.Adam(model.parameters(), 1e-4)
    amp_dtype, use_scaler = amp_settings(True, "auto", device)
    scaler = torch.amp.GradScaler(device.type, enabled=use_scaler)
    d = cfg.data
    data = dict(hq=torch.randint(0, 256, (batch, d.sequence_length, 3, d.hq_size, d.hq_size), dtype=torch.uint8),
                lq=torch.randint(0, 256, (batch, d.sequence_length, 3, d.lq_size, d.lq_size), dtype=torch.uint8))
    labels = (torch.arange(batch) % 2).float().to(device)
    if device.type == "cuda": torch.cuda.reset_peak_memory_stats(device)
    times = []
    warm_up = 1 if dry else 3  # compilation, cuDNN autotuning
    for i in range(steps + warm_up):
        sync(device); start = time.perf_counter()
        hq, lq = prepare_batch(data, device, cfg.model.channels_last)
        with autocast(device, amp_dtype): loss = F.binary_cross_entropy_with_logits(step_model(hq, lq).float(), labels)
        optimizer.zero_grad(set_to_none=True)
        scaler.scale(loss).backward(); scaler.step(optimizer); scaler.update()
        sync(device)
        if i >= warm_up: times.append(time.perf_counter() - start)
    peak = torch.cuda.max_memory_allocated(device) / 2**30 if device.type == "cuda" else None
    return batch / statistics.median(times), peak, str(amp_dtype or "fp32").replace("torch.", "")

def config(dry, projection=None, **model) -> Config:
    batch, t, hq, lq, (hq_b, lq_b), _ = sizes(dry)
    cfg = Config()
    cfg.model = dataclasses.replace(cfg.model, hq_backbone=hq_b, lq_backbone=lq_b, pretrained=False, convlstm_input_channels=projection, **model)
    cfg.data = dataclasses.replace(cfg.data, sequence_length=t, hq_size=hq, lq_size=lq)
    return cfg

def main(device, dry, out):
    device = torch.device(device)
    batch, t, hq, lq, backbones, steps = sizes(dry)
    lines = [f"# GPU check{' (dry run: toy sizes)' if dry else ''}", "",
             f"Command: `bash benchmarks/gpu_check.sh --device {device}{' --dry-run' if dry else ''}`. Machine: "
             + (torch.cuda.get_device_name(device) if device.type == "cuda" else platform.processor() or "CPU")
             + f", torch {torch.__version__}, {os.cpu_count()} CPU cores.", "",
             f"## Training step (batch {batch}, T={t}, {backbones[0]} {hq} px + {backbones[1]} {lq} px, AMP)", "",
             "| architecture | variant | precision | clips/s | peak memory |", "|---|---|---|---|---|"]
    for arch, projection in [("seed (ConvLSTM on the backbone channels)", None), ("default + 256-channel projection", 256)]:
        for variant, model_kw, compile_model in [("plain", {}, False), ("gradient checkpointing", dict(gradient_checkpointing=True), False),
                                                 ("channels_last", dict(channels_last=True), False), ("torch.compile", {}, True)]:
            try:
                rate, peak, precision = train_step_rate(config(dry, projection, **model_kw), device, batch, steps, compile_model, dry)
                lines.append(f"| {arch} | {variant} | {precision} | {rate:.1f} | {'n/a (CPU)' if peak is None else f'{peak:.2f} GiB'} |")
            except Exception as e:  # e.g. out of memory, or no compiler: record it, keep measuring
                lines.append(f"| {arch} | {variant} | | failed | {type(e).__name__}: {str(e).splitlines()[0][:80]} |")
            if device.type == "cuda": torch.cuda.empty_cache()
            print(lines[-1], flush=True)
    with tempfile.TemporaryDirectory() as tmp:
        make_synthetic_dataset(Path(tmp)/"data", 4 if dry else 24, 12 if dry else 40, hq, 0.5, 0)
        cfg = config(dry)
        cfg.data = dataclasses.replace(cfg.data, real_path=f"{tmp}/data/real", fake_path=f"{tmp}/data/fake", training_pairs=f"{tmp}/data/training_pairs.csv")
        cfg.training = dataclasses.replace(cfg.training, num_workers=0 if dry else os.cpu_count(), batch_size=batch, persistent_workers=False)
        records = scan_dataset(cfg).records
        model = inference_model(build_model(cfg.model)).to(device)
        clips = 2 if dry else 8
        scorer = TorchScorer(model, cfg, device)
        score_clips(scorer, cfg, records[:1], clips, None, device)  # warm-up
        sync(device); start = time.perf_counter()
        score_clips(scorer, cfg, records, clips, None, device)
        sync(device); per_video = (time.perf_counter() - start) / len(records)
        loader = make_loader(records, cfg, train=True)
        start, n = time.perf_counter(), 0
        for _ in range(1 if dry else 3):
            for b in loader: n += len(b["label"])
        loader_rate = n / (time.perf_counter() - start)
    lines += ["", "## Inference and loading", "", f"- inference: {per_video:.3f} s per video ({clips} clips, `score_clips`, {len(records)} videos)",
              f"- loader: {loader_rate:.1f} training clips/s with {cfg.training.num_workers} workers (augmented, {hq} px JPEG faces), "
              f"to compare with the training clips/s above"]
    Path(out).parent.mkdir(parents=True, exist_ok=True)
    Path(out).write_text("\n".join(lines) + "\n")
    print(f"wrote {out}")

if __name__ == "__main__":
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--device", default="cuda")
    p.add_argument("--dry-run", action="store_true", help="toy sizes, a few steps: checks the script")
    p.add_argument("--out", default="benchmarks/results_gpu.md")
    a = p.parse_args()
    main(a.device, a.dry_run, a.out)
