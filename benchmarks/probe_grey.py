"""What grey and softness alone do to trained models' scores: the test people's real and swapped videos of
`bench_realpixel.py`'s runs scored as they are, in grey (luminance in all three channels) and softened (half
resolution and back), the same clips for all three; and the train people's own real videos as they are.

    python benchmarks/probe_grey.py /tmp/rp/runs/dfdetect_bi_seed0 /tmp/rp/runs/dfdetect_supervised_seed0

Prints the median score of the real and of the swapped videos (Einstein's black-and-white real videos apart), that
of Einstein's real videos, that of the train people's real videos, and the video AUC, for each run and variant.
"""
import argparse
from pathlib import Path
import pandas as pd, torch
import torch.nn.functional as F
from sklearn.metrics import roc_auc_score
from dfdetect.data import ClipDataset, collate_clips
from dfdetect.scan import scan_dataset
from dfdetect.scoring import load_member

CLIPS = 4

def grey(x: torch.Tensor) -> torch.Tensor:
    "uint8 clips (B, T, 3, H, W) in grey: ITU-R 601 luminance in every channel"
    y = (0.299 * x[:, :, 0] + 0.587 * x[:, :, 1] + 0.114 * x[:, :, 2]).round().clamp(0, 255).to(torch.uint8)
    return y.unsqueeze(2).expand_as(x).contiguous()

def soft(x: torch.Tensor) -> torch.Tensor:
    "uint8 clips (B, T, 3, H, W) at half resolution and back"
    frames = x.flatten(0, 1).float()
    frames = F.interpolate(F.interpolate(frames, scale_factor=0.5, mode="area"), size=x.shape[-2:], mode="bilinear")
    return frames.round().clamp(0, 255).to(torch.uint8).view(x.shape)

VARIANTS = {"original": lambda x: x, "grey": grey, "soft": soft}

def run_scores(run: Path) -> pd.DataFrame:
    ("One row per test video and variant, and per train real video, of the run in folder `run` (its `best.pth`): the "
     "mean of its clips' probabilities")
    member = load_member(run/"best.pth")
    scorer, cfg = member.scorer, member.cfg
    records = [r for r in scan_dataset(cfg).records if r.split == "test" or r.label == 0]
    clips, rows = ClipDataset(records, cfg.data, train=False, clips_per_video=CLIPS), []
    for k, rec in enumerate(records):
        batch = collate_clips([clips[k * CLIPS + c] for c in range(CLIPS)])
        variants = VARIANTS if rec.split == "test" else {"original": VARIANTS["original"]}
        for name, change in variants.items():
            score = scorer.probabilities(change(batch["hq"]), change(batch["lq"])).mean().item()
            rows.append(dict(run=run.name, video=rec.video, label=rec.label, test=rec.split == "test", variant=name,
                             score=score))
    return pd.DataFrame(rows)

def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("runs", nargs="+", type=Path, help="run folders of bench_realpixel.py (dfdetect models)")
    scores = pd.concat([run_scores(run) for run in p.parse_args().runs])
    train, scores = scores[~scores.test], scores[scores.test]
    einstein = scores.video.str.startswith("einstein_") & (scores.label == 0)
    by = ["run", "variant"]
    table = pd.concat({"real (median)": scores[~einstein & (scores.label == 0)].groupby(by).score.median(),
                       "swapped (median)": scores[scores.label == 1].groupby(by).score.median(),
                       "Einstein's real (median)": scores[einstein].groupby(by).score.median(),
                       "train people's real (median)": train.groupby(by).score.median(),
                       "video AUC": scores.groupby(by).apply(lambda g: roc_auc_score(g.label, g.score))}, axis=1)
    print(table.round(3).to_markdown())

if __name__ == "__main__": main()
