"""The real-pixel experiment: detectors trained from real videos alone, scored on real face swaps of other people.

Builds `dfdetect.testing.real_pixel_set` (real videos of 16 people from photos and carphone, and face swaps among
them; train and test people disjoint), then trains `configs/sbi_cpu.yaml` once per recipe and seed on the train
people's real videos only (their swaps only for the supervised ceiling), and reports the video-level AUC on the test
people's real and swapped videos (`results_dir/metrics.json` of the run's `report_test`), and the share of the
test people's (real video, face-swapped twin) pairs in which the fake scores higher. The demo model (trained on
synthetic faces by `configs/demo.yaml`) is scored on the same test videos with `dfdetect_infer --test-pairs`.

    python benchmarks/bench_realpixel.py --root /tmp/realpixel [--recipes mix sbi ...] [--seeds 0 1 2]

Each run takes about 5 minutes on 2 CPU cores with AMX; results are appended to `--root/results.csv` (a run found
there is not repeated) and the table is printed as Markdown.
"""
import argparse, json, platform, subprocess, sys, time
from pathlib import Path
import pandas as pd
import torch
from dfdetect.config import load_config
from dfdetect.testing import real_pixel_set
from dfdetect.scoring import report_test
from dfdetect.training import train

REPO = Path(__file__).resolve().parents[1]
RECIPES = {  # name -> overrides of configs/sbi_cpu.yaml (the pairs CSV is set per recipe below)
    "mix (SBI + BI)": ["data.pseudo_fakes=mix"],
    "sbi": ["data.pseudo_fakes=sbi"],
    "bi": ["data.pseudo_fakes=bi"],
    "mix, parameters per frame": ["data.pseudo_fakes=mix", "blending.consistent=false"],
    "supervised: train people's swaps as fakes (ceiling)": ["data.pseudo_fakes=none"],
}
SHORT = {"mix (SBI + BI)": "mix", "sbi": "sbi", "bi": "bi", "mix, parameters per frame": "mix_per_frame",
         "supervised: train people's swaps as fakes (ceiling)": "supervised", "demo (synthetic faces)": "demo"}

def run_dir(root: Path, recipe: str, seed: int) -> Path: return root/"runs"/f"{SHORT[recipe]}_seed{seed}"

def results_dir(root: Path, recipe: str, seed: int) -> Path:
    return run_dir(root, recipe, seed)/("test" if recipe.startswith("demo") else "results")

def train_recipe(faces: Path, root: Path, recipe: str, seed: int) -> dict:
    "Train one recipe with one seed; its test metrics and minutes"
    out = run_dir(root, recipe, seed)
    pairs = faces/("pairs_supervised.csv" if recipe.startswith("supervised") else "pairs_real_only.csv")
    keys = [f"data.real_path={faces/'real'}", f"data.fake_path={faces/'fake'}", f"data.training_pairs={pairs}",
            f"seed={seed}", f"paths.best_model={out/'best.pth'}", f"paths.last_model={out/'last.pth'}",
            f"paths.training_log={out/'log.csv'}", f"paths.split_file={out/'split.csv'}", f"paths.results_dir={out/'results'}"]
    cfg = load_config(REPO/"configs/sbi_cpu.yaml", keys + RECIPES[recipe])
    start = time.time()
    if not (out/"best.pth").is_file(): train(cfg, quiet=True, overwrite=True)  # a finished run is scored again only
    minutes = (time.time() - start) / 60
    report_test(cfg, torch.device("cpu"))  # as dfdetect_train does after training
    return dict(epochs=len(pd.read_csv(out/"log.csv")), minutes=minutes, **test_metrics(results_dir(root, recipe, seed)))

def demo_model(faces: Path, root: Path, seed: int) -> dict:
    "Train the demo (synthetic faces) and score the test people's videos with it"
    out = run_dir(root, "demo (synthetic faces)", seed)
    out.mkdir(parents=True, exist_ok=True)
    start = time.time()
    subprocess.run(["dfdetect_train", "--config", str(REPO/"configs/demo.yaml"), "--quiet", "--set", f"seed={seed}"],
                   cwd=out, check=True, capture_output=True)
    subprocess.run(["dfdetect_infer", "--checkpoint", "checkpoints/demo/best_model.pth", "--test-pairs",
                    str(faces/"pairs_real_only.csv"), "--real-path", str(faces/"real"), "--fake-path", str(faces/"fake"),
                    "--output-dir", "test", "--no-plots", "--quiet"], cwd=out, check=True, capture_output=True)
    return dict(epochs=None, minutes=(time.time() - start) / 60, **test_metrics(results_dir(root, "demo (synthetic faces)", seed)))

def test_metrics(folder: Path) -> dict:
    "Video AUC, accuracy and the number of test videos from a results folder's metrics.json"
    m = json.loads((folder/"metrics.json").read_text())
    return dict(auc=m["auc_roc"], accuracy=m["accuracy"], videos=m["counts"]["videos"])

def pairs_ranked(folder: Path) -> float:
    "Share of the (real video, its face-swapped twin) pairs in which the fake scores higher: the ranking within a person"
    preds = pd.read_csv(folder/"predictions.csv").set_index("video").score
    twins = [(f"{v.split('_')[0]}_{v.split('_')[-1]}", v) for v in preds.index if v.count("_") == 2]
    return sum(preds[fake] > preds[real] for real, fake in twins if real in preds) / len(twins)

def table(results: pd.DataFrame) -> str:
    "Markdown: one row per recipe, its AUC per seed, their mean, and the minutes per run"
    rows = []
    for recipe, g in results.groupby("recipe", sort=False):
        rows.append(dict(recipe=recipe, **{"video AUC per seed": " / ".join(f"{a:.3f}" for a in g.auc)},
                         **{"mean AUC": f"{g.auc.mean():.3f}", "fake above its real twin": f"{g.pairs.mean():.2f}"},
                         epochs=" / ".join(str(int(e)) if pd.notna(e) else "-" for e in g.epochs), minutes=f"{g.minutes.median():.1f}"))
    return pd.DataFrame(rows).to_markdown(index=False)

def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--root", default="/tmp/realpixel")
    p.add_argument("--recipes", nargs="+", default=list(SHORT), choices=list(SHORT), metavar="RECIPE")
    p.add_argument("--seeds", nargs="+", type=int, default=[0, 1])
    args = p.parse_args()
    root = Path(args.root)
    faces = real_pixel_set(root)
    store = root/"results.csv"
    results = pd.read_csv(store) if store.is_file() else pd.DataFrame(columns=["recipe", "seed"])
    for recipe in args.recipes:
        for seed in args.seeds:
            if ((results.recipe == recipe) & (results.seed == seed)).any(): continue
            row = demo_model(faces, root, seed) if recipe.startswith("demo") else train_recipe(faces, root, recipe, seed)
            results = pd.concat([results, pd.DataFrame([dict(recipe=recipe, seed=seed, **row)])], ignore_index=True)
            results.to_csv(store, index=False)
            print(f"{recipe}, seed {seed}: video AUC {row['auc']:.3f} ({row['minutes']:.1f} min)", flush=True)
    results["pairs"] = [pairs_ranked(results_dir(root, r, s)) for r, s in zip(results.recipe, results.seed)]
    print(f"\nMachine: {platform.machine()}, {torch.get_num_threads()} threads, torch {torch.__version__}\n")
    print(table(results[results.recipe.isin(args.recipes)]))

if __name__ == "__main__": main()
