"""How much each stream decides: the test videos of `bench_realpixel.py`'s dfdetect runs scored by the trained model as
it is (both streams fused), by each stream alone (the fusion given that stream's embedding twice, as stream dropout
trains it: with attention fusion, exactly that embedding), and the mean attention weight of the HQ stream.

    python benchmarks/probe_streams.py /tmp/rp/runs/dfdetect_supervised_seed0 /tmp/rp/runs/dfdetect_bi_seed0

Prints the video AUC of each way of scoring, and the HQ stream's mean weight, for each run (its `best.pth`).
"""
import argparse
from pathlib import Path
import pandas as pd, torch
from sklearn.metrics import roc_auc_score
from dfdetect.checkpoints import load_model
from dfdetect.data import ClipDataset, collate_clips, prepare_batch
from dfdetect.scan import scan_dataset

CLIPS = 8  # as bench_realpixel.py scores

def stream_scores(run: Path) -> pd.DataFrame:
    "One row per test video: the mean probability of its clips fused, with HQ alone, with LQ alone; the mean HQ weight"
    model, cfg, _ = load_model(run/"best.pth")
    records = [r for r in scan_dataset(cfg).records if r.split == "test"]
    clips, rows = ClipDataset(records, cfg.data, train=False, clips_per_video=CLIPS), []
    def probability(e_hq, e_lq): return torch.sigmoid(model.classifier(model.fusion(e_hq, e_lq)[0])[:, 0]).mean().item()
    with torch.inference_mode():
        for k, rec in enumerate(records):
            hq, lq = prepare_batch(collate_clips([clips[k * CLIPS + c] for c in range(CLIPS)]), "cpu")
            e_hq, e_lq = model.hq_temporal(model.hq_stream(hq)), model.lq_temporal(model.lq_stream(lq))
            rows.append(dict(run=run.name, label=rec.label, fused=probability(e_hq, e_lq), hq_alone=probability(e_hq, e_hq),
                             lq_alone=probability(e_lq, e_lq), hq_weight=model.fusion(e_hq, e_lq)[1][:, 0].mean().item()))
    return pd.DataFrame(rows)

def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("runs", nargs="+", type=Path, help="run folders of bench_realpixel.py (dfdetect models)")
    scores = pd.concat([stream_scores(run) for run in p.parse_args().runs])
    auc = lambda col: scores.groupby("run", sort=False).apply(lambda g: roc_auc_score(g.label, g[col]))
    table = pd.DataFrame({"video AUC, fused": auc("fused"), "HQ alone": auc("hq_alone"), "LQ alone": auc("lq_alone"),
                          "HQ weight (mean)": scores.groupby("run", sort=False).hq_weight.mean()})
    print(table.round(3).to_markdown())

if __name__ == "__main__": main()
