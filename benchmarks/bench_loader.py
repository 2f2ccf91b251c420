"""Clips/s of the data pipeline (dfdetect.data) against a naive per-frame PIL + CPU-normalisation reference.

    python benchmarks/bench_loader.py [--data /tmp/dfdetect_bench_loader] [--repeats 7] [--clips 48] [--workers 2]

Makes a 224x224 synthetic dataset once (dfdetect.synthetic.make_synthetic_dataset), then measures, interleaved in
every repeat so that the load of a shared machine hits all variants alike, one process with one thread each:
  naive       per frame: PIL open + convert, resize to 224 and to 112 (bilinear), float tensors normalised on the CPU
  eval        ClipDataset eval clips (uint8, normalisation left to the device) through a DataLoader (num_workers=0)
  eval+norm   the same plus prepare_batch(batch, 'cpu'): the float normalisation done on the CPU as well
  train       training clips with the clip-consistent augmentation
  eval+cache  eval clips read from a warm decoded-frame cache (data.cache_dir)
  decode only the JPEG decoding (decode_array: simplejpeg when installed, else PIL) of the eval clips' frames and
              nothing else: the ceiling without a cache
and `--workers` worker processes (eval clips, persistent workers, 4x the clips per measurement). Prints medians and ratios to the naive reference
as a markdown table.
"""
import argparse, os, platform, statistics, time
from pathlib import Path
import numpy as np, torch
from PIL import Image
from torch.utils.data import DataLoader, Dataset
from dfdetect.config import demo_config
from dfdetect.data import IMAGENET_MEAN, IMAGENET_STD, make_loader, prepare_batch
from dfdetect.frames import decode_array, simplejpeg
from dfdetect.scan import clip_indices, clip_starts, scan_dataset
from dfdetect.synthetic import make_synthetic_dataset

T, STRIDE, HQ, LQ, BATCH = 10, 3, 224, 112, 12

class NaiveClips(Dataset):
    "The reference: each frame decoded with PIL, resized to both sizes, turned into floats and normalised on the CPU"
    mean, std = torch.tensor(IMAGENET_MEAN).view(3, 1, 1), torch.tensor(IMAGENET_STD).view(3, 1, 1)
    def __init__(self, records, clips): self.records, self.clips = records, clips
    def __len__(self): return len(self.records) * self.clips
    def _tensor(self, img): return (torch.from_numpy(np.array(img)).permute(2, 0, 1).float().div(255) - self.mean) / self.std
    def __getitem__(self, i):
        rec = self.records[i // self.clips]
        start = clip_starts(rec.n_frames, T, STRIDE, self.clips)[i % self.clips]
        hq, lq = [], []
        for j in clip_indices(rec.n_frames, T, STRIDE, start):
            img = Image.open(rec.frames[j]).convert("RGB")
            hq.append(self._tensor(img.resize((HQ, HQ), Image.BILINEAR)))
            lq.append(self._tensor(img.resize((LQ, LQ), Image.BILINEAR)))
        return dict(hq=torch.stack(hq), lq=torch.stack(lq), label=torch.tensor(float(rec.label)))

class DecodeOnly(NaiveClips):
    "The frames of the same clips, only decoded"
    def __getitem__(self, i):
        rec = self.records[i // self.clips]
        start = clip_starts(rec.n_frames, T, STRIDE, self.clips)[i % self.clips]
        for j in clip_indices(rec.n_frames, T, STRIDE, start): decode_array(rec.frames[j], HQ)
        return dict(hq=torch.zeros(1))

def config(data, workers=0, cache_dir=None):
    return demo_config([f"data.real_path={data}/real", f"data.fake_path={data}/fake",
                        f"data.training_pairs={data}/training_pairs.csv", f"data.sequence_length={T}",
                        f"data.frame_skip={STRIDE}", f"data.hq_size={HQ}", f"data.lq_size={LQ}", "data.eval_clips=2",
                        f"data.cache_dir={cache_dir}" if cache_dir else "data.cache_dir=null",
                        f"training.batch_size={BATCH}", f"evaluation.batch_size={BATCH}", f"training.num_workers={workers}",
                        "training.pin_memory=false", f"training.persistent_workers={str(workers > 0).lower()}"])

def clips_per_s(loader, normalise=False):
    "Clips/s of one pass over `loader`"
    start, n = time.perf_counter(), 0
    for batch in loader:
        if normalise: prepare_batch(batch, "cpu")
        n += len(batch["hq"])
    return n / (time.perf_counter() - start)

def cpu_model():
    for line in Path("/proc/cpuinfo").read_text().splitlines() if Path("/proc/cpuinfo").exists() else []:
        if line.startswith("model name"): return line.split(":", 1)[1].strip()
    return platform.processor() or "unknown"

def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--data", default="/tmp/dfdetect_bench_loader", help="where the 224px synthetic dataset is made (once)")
    p.add_argument("--repeats", type=int, default=7)
    p.add_argument("--clips", type=int, default=48, help="clips per measurement (eval: 2 clips per video)")
    p.add_argument("--workers", type=int, default=2)
    args = p.parse_args()
    torch.set_num_threads(1)
    data = Path(args.data)
    if not (data/"training_pairs.csv").exists():
        make_synthetic_dataset(data, n_videos=40, n_frames=40, frame_size=HQ, seed=0, test_fraction=0)
    cfg = config(data)
    start = time.perf_counter()
    scan = scan_dataset(cfg)
    scan_ms = (time.perf_counter() - start) / sum(r.n_frames for r in scan.records) * 1e3
    records = scan.records[: args.clips // 2]
    cache = data/"cache"
    loaders = {
        "naive": lambda: DataLoader(NaiveClips(records, 2), batch_size=BATCH),
        "eval": lambda: make_loader(records, cfg, train=False),
        "eval+norm": lambda: make_loader(records, cfg, train=False),
        "train": lambda: make_loader(records * 2, cfg, train=True),
        "eval+cache": lambda: make_loader(records, config(data, cache_dir=cache), train=False),
        "decode only": lambda: DataLoader(DecodeOnly(records, 2), batch_size=BATCH),
    }
    clips_per_s(loaders["eval+cache"]())  # fill the cache
    pooled = make_loader(records * 4, config(data, workers=args.workers), train=False)  # 4x the clips: start-up amortised
    clips_per_s(pooled)  # start the workers
    load_before = f"{os.getloadavg()[0]:.1f}"
    rates = {k: [] for k in [*loaders, f"eval, {args.workers} workers"]}
    for _ in range(args.repeats):
        for name, make in loaders.items(): rates[name].append(clips_per_s(make(), normalise=name == "eval+norm"))
        rates[f"eval, {args.workers} workers"].append(clips_per_s(pooled))
    naive = rates["naive"]
    jpeg = f"simplejpeg {simplejpeg.__version__}" if simplejpeg else "no simplejpeg (PIL decodes)"
    print(f"machine: {cpu_model()}, nproc {os.cpu_count()}, torch {torch.__version__}, Pillow {Image.__version__}, {jpeg}")
    print(f"load average before/after: {load_before} / {os.getloadavg()[0]:.1f}")
    print(f"scan_dataset: {scan_ms:.3f} ms per frame (header and end-marker checks)")
    print(f"clips of T={T} frames (stride {STRIDE}), HQ {HQ}px + LQ {LQ}px from 224x224 JPEGs, batch {BATCH}, "
          f"{args.clips} clips per measurement, {args.repeats} interleaved repeats, torch threads 1\n")
    print("| pipeline | clips/s (median) | min-max | × naive (median of per-repeat ratios) |")
    print("|---|---|---|---|")
    for name, r in rates.items():
        ratio = statistics.median(a / b for a, b in zip(r, naive))
        print(f"| {name} | {statistics.median(r):.1f} | {min(r):.1f}-{max(r):.1f} | {ratio:.2f} |")

if __name__ == "__main__": main()
