"""Scores against a reference: each test clip of `bench_realpixel.py`'s dfdetect runs scored beside a blend of itself
with another person's face (`dfdetect.blending`, the training blends' parameters), the video's score then its clips'
mean logit minus that of their blends.

What it tests: a model trained on blends calls an unseen person's real face fake (logits far above 0), because the train
people's faces are what "real" means to it. A blend of that same clip shares the person, so the difference asks only
how much more fake the clip becomes when a face is pasted in: much for a real clip, little for a swap that already
has a seam. Donors, the nearest face shapes among: `test`, the other test videos (as `data.pseudo_fakes: bi` picks
them); `train`, the train people's real videos, as a checkpoint could carry them; `bank` (with `--bank`), the real
videos of a folder of face crops whose people the run neither trained on nor tests (a bank of faces that could ship
with the package: both ways can score a single video).

    python benchmarks/probe_blend_reference.py /tmp/rp/runs/dfdetect_bi_seed0 [--bank /tmp/rp/more_people/faces/real]

Prints each run's video AUC: as shipped (the mean probability), the mean logit, and the mean logit minus its blends'
with each donor set; each run's `last.pth` is scored.
"""
import argparse
from dataclasses import replace
from pathlib import Path
import numpy as np, pandas as pd, torch
from sklearn.metrics import roc_auc_score
from dfdetect.blending import PseudoFakes
from dfdetect.checkpoints import load_model
from dfdetect.data import ClipDataset, collate_clips, prepare_batch
from dfdetect.scan import scan_dataset, video_record

CLIPS = 8  # as bench_realpixel.py scores

def blends_with(tests: list, donors: list, cfg) -> PseudoFakes:
    "Blends of `tests` with the nearest face shapes among `donors` (real videos; None: among the other test videos)"
    if donors is not None:  # a person they all share keeps the test videos from being each other's donors
        tests = [replace(r, identities=r.identities | {"(test video)"}) for r in tests] + donors
    return PseudoFakes(tests, "bi", cfg.blending, cfg.faces.landmarks, cfg.faces.margin)

def bank_videos(folder: Path, records: list) -> list:
    "The real videos in `folder` (one sub-folder each) of people that none of `records` shows"
    seen = set().union(*(r.identities for r in records))
    bank = [r for r in (video_record(f, 0) for f in sorted(folder.iterdir()) if f.is_dir()) if not r.identities & seen]
    if not bank: raise SystemExit(f"--bank {folder}: no video of a person the run neither trains on nor tests")
    return bank

def clip_logits(model, dataset: ClipDataset, items: range) -> np.ndarray:
    "The model's logit of each clip of `items` of `dataset`"
    logits = []
    with torch.inference_mode():
        for start in range(items.start, items.stop, 16):
            batch = collate_clips([dataset[i] for i in range(start, min(items.stop, start + 16))])
            logits += model(*prepare_batch(batch, "cpu")).float().tolist()
    return np.array(logits)

def reference_scores(run: Path, bank: Path = None) -> pd.DataFrame:
    "One row per test video: its clips' mean logit and probability, and their blends' mean logit with each donor set"
    model, cfg, _ = load_model(run/"last.pth")
    model.eval()
    records = scan_dataset(cfg).records
    tests = [replace(r, label=0) for r in records if r.split == "test"]  # every test video blended as a real one
    trains = [r for r in records if r.split == "train" and r.label == 0]
    n, span = len(tests), range(0, len(tests) * CLIPS)
    donors = {"test": None, "train": trains, **({"bank": bank_videos(bank, records)} if bank else {})}
    clips = clip_logits(model, ClipDataset(tests, cfg.data, False, CLIPS, cfg.seed), span).reshape(n, CLIPS)
    out = pd.DataFrame({"run": run.name, "video": [r.video for r in tests],
                        "label": [r.label for r in records if r.split == "test"],
                        "logit": clips.mean(1), "probability": (1 / (1 + np.exp(-clips))).mean(1)})
    for name, videos in donors.items():  # the blends follow the test videos' clips in the dataset
        dataset = ClipDataset(tests, cfg.data, False, CLIPS, cfg.seed, blends_with(tests, videos, cfg), n)
        blends = clip_logits(model, dataset, range(span.stop, 2 * span.stop)).reshape(n, CLIPS)
        out[f"blend logit, {name} donors"] = blends.mean(1)
    return out

def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("runs", nargs="+", type=Path, help="run folders of bench_realpixel.py (dfdetect models)")
    p.add_argument("--bank", type=Path, help="a folder of real face-crop videos: donors of other people")
    args, rows = p.parse_args(), []
    for run in args.runs:
        s = reference_scores(run, args.bank)
        auc = lambda score: round(roc_auc_score(s.label, score), 3)
        rows.append({"run": run.name, "as shipped (mean probability)": auc(s.probability), "mean logit": auc(s.logit),
                     **{f"minus its blends, {c.split(', ')[1]}": auc(s.logit - s[c])
                        for c in s.columns if c.startswith("blend logit")},
                     "real test videos' median logit": round(s.logit[s.label == 0].median(), 1)})
    print(pd.DataFrame(rows).to_markdown(index=False))

if __name__ == "__main__": main()
