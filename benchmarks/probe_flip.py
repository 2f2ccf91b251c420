"""Horizontal-flip test-time augmentation: the test videos of `bench_realpixel.py`'s dfdetect runs scored by each run's
`last.pth` as dfdetect scores them, and by the mean of each clip's and its mirror image's probabilities.

    python benchmarks/probe_flip.py /tmp/rp/runs/dfdetect_warp_share_0.3_bi_seed0 /tmp/rp/runs/dfdetect_warp_share_0.3_bi_seed1

Prints the video AUC of both ways for each run, and for the runs together as one ensemble (the mean of their scores).
"""
import argparse
from pathlib import Path
import pandas as pd, torch
from sklearn.metrics import roc_auc_score
from dfdetect.scan import scan_dataset
from dfdetect.scoring import load_members, score_clips

CLIPS = 8  # as bench_realpixel.py scores

class Mirrored:
    "A scorer whose probability is the mean of a clip's and its mirror image's"
    def __init__(self, scorer): self.scorer = scorer
    def probabilities(self, hq, lq):
        return (self.scorer.probabilities(hq, lq) + self.scorer.probabilities(hq.flip(-1), lq.flip(-1))) / 2

def video_scores(run: Path) -> pd.DataFrame:
    "One row per test video of `run`: its label and its score without (`plain`) and with the flip (`flip`)"
    member = load_members([run/"last.pth"])[0]
    records = [r for r in scan_dataset(member.cfg).records if r.split == "test"]
    def scores(scorer):
        clips = score_clips(scorer, member.cfg, records, CLIPS, None, torch.device("cpu"))
        return clips.groupby(["video", "label"]).prob.mean()
    return pd.DataFrame({"plain": scores(member.scorer), "flip": scores(Mirrored(member.scorer))}).reset_index()

def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("runs", nargs="+", type=Path, help="run folders of bench_realpixel.py (dfdetect models)")
    runs = p.parse_args().runs
    scores = {run.name: video_scores(run) for run in runs}
    auc = lambda df: {way: roc_auc_score(df.label, df[way]) for way in ("plain", "flip")}
    table = pd.DataFrame({name: auc(df) for name, df in scores.items()}).T
    table.loc["mean of the runs"] = table.mean()
    table.loc["the runs as one ensemble"] = auc(pd.concat(scores.values()).groupby(["video", "label"]).mean().reset_index())
    print(table.round(3).to_markdown())

if __name__ == "__main__": main()
