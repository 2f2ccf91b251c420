"""The real-pixel experiment: dfdetect's recipe beside a plain per-frame classifier, on real face swaps of unseen people.

Builds `real_pixel_set` of `benchmarks/realfaces.py` (real videos of 17 people from photos and carphone, and face swaps among
them; train and test people disjoint; with `--more-people` 19 more train people, in the folder `--root/more_people`).
Each recipe (the fakes it learns from: the train people's labelled swaps, pseudo-fakes made from their real videos
alone, or both) is trained by every model, once per seed. A recipe ending in ", sides reversed" is its second fold:
the 7 test people train and the 10 train people are the test.

- `dfdetect`: `dfdetect_train`'s code with the shipped CPU config of the recipe: `configs/supervised_cpu.yaml` for
  labelled swaps alone, `configs/pseudo_fakes_cpu.yaml` where pseudo-fakes train; `dfdetect, previous recipe` and its
  variants: `pseudo_fakes_cpu.yaml` (the recipe of the first six rounds) with some keys changed; `dfdetect, seventh
  round's recipe`: `supervised_cpu.yaml` whatever the recipe;
- `frame baseline`: a plain per-frame classifier (`plain_classifier.py`): the same EfficientNet-Lite0 ImageNet
  weights, the same crops, frames and pseudo-fakes (dfdetect's data layer with T=1), a linear head, AdamW with a cosine
  schedule, a fixed number of steps on all train-side videos and the last weights: no validation, no selection.

Both see the same number of frames (`steps x batch x T`). Reported: the video AUC on the test people's real and
swapped videos (the mean of 8 evenly spaced clips' probabilities), its 95% interval with the test people drawn with
replacement (a set of a few people resolves no finer), the share of (real video, its swapped twin) pairs in which the
fake scores higher, and each dfdetect run minus the frame baseline of the same recipe and seed with the interval of
that difference (both models scored on each draw of people).

    python benchmarks/bench_realpixel.py --root /tmp/rp [--models ...] [--recipes ...] [--seeds 0 1] [--people N] [--more-people]

Results are appended to `--root/results.csv` (a run found there with the same settings is not repeated: its `settings`
column is a digest of the config and the model's overrides) and the table is printed as Markdown.
"""
import argparse, platform, re, time
from pathlib import Path
import numpy as np, pandas as pd, torch
from sklearn.metrics import roc_auc_score
from dfdetect.config import load_config
from dfdetect.metrics import auc_interval
from dfdetect.data import ClipDataset, collate_clips, prepare_batch, pseudo_fake_maker
from dfdetect.scan import scan_dataset
from dfdetect.scoring import report_test
from dfdetect.split import records_for_split
from plain_classifier import plain_classifier, plain_logits, plain_optimizer, plain_step
from realfaces import MORE_PEOPLE, TRAIN_PEOPLE, real_pixel_set, settings_digest
from dfdetect.training import EpochSampler, train

REPO = Path(__file__).resolve().parents[1]
SUPERVISED, PSEUDO_FAKES = REPO/"configs/supervised_cpu.yaml", REPO/"configs/pseudo_fakes_cpu.yaml"
RECIPES = {"supervised": ["data.pseudo_fakes=none"], "bi": ["data.pseudo_fakes=bi"], "sbi": ["data.pseudo_fakes=sbi"],
           "mix": ["data.pseudo_fakes=mix"],
           "supervised+bi": ["data.pseudo_fakes=bi", "data.pseudo_fakes_with_fakes=true"]}  # labelled swaps and blends
REVERSED = ", sides reversed"  # a recipe's second fold: the test people train, the train people are the test
RECIPES.update({recipe + REVERSED: overrides for recipe, overrides in list(RECIPES.items())})
BASELINES = {  # name -> overrides of the recipe's shipped config for the frame baseline's data (both share its keys)
    "frame baseline": [],
    "frame baseline, dfdetect's train split": [],
    "frame baseline, loose crops": ["data.center_crop=1.0"],
    "frame baseline, 160 px": ["data.hq_size=160", "data.lq_size=80"],
    "frame baseline, 100 steps": ["training.epochs=5"],
    "frame baseline, 200 steps": ["training.epochs=10"],
    "frame baseline, 600 steps": ["training.epochs=30"],
    "frame baseline, warp_share 0.3": ["data.warp_share=0.3"],
    "frame baseline, warp_share 0.3, a third of the steps": ["data.warp_share=0.3", "training.epochs=10"],
}
PREVIOUS_RECIPE = ["training.epochs=15", "optimization.scheduler=plateau", "data.pseudo_fake_pairs=false"]  # the
# keys of configs/pseudo_fakes_cpu.yaml that the fifteenth round changed, as they were before it
PREVIOUS_VARIANTS = {name: PREVIOUS_RECIPE + overrides for name, overrides in {  # name -> overrides of the recipe of
    # the rounds before the seventh: configs/pseudo_fakes_cpu.yaml with PREVIOUS_RECIPE (stream dropout with HQ
    # scoring, the 128-64-32 head with dropout, 300 steps with the plateau schedule, the gradient clipped at 1.0)
    "dfdetect, previous recipe": [],
    "dfdetect, val_split 0.2": ["data.val_split=0.2"],
    "dfdetect, val_split 0.1": ["data.val_split=0.1"],
    "dfdetect, T=4 clips, head lr 10x, val_split 0.2": ["data.sequence_length=4", "training.batch_size=4",
                                                        "optimization.head_lr_scale=10", "data.val_split=0.2"],
    "dfdetect, ConvLSTM on T=4 clips": ["model.temporal=convlstm", "data.sequence_length=4", "training.batch_size=4"],
    "dfdetect, cosine schedule": ["optimization.scheduler=cosine"],
    "dfdetect, linear head": ["model.classifier_hidden=[]", "model.dropout=[]"],
    "dfdetect, loose crops": ["data.center_crop=1.0"],
    "dfdetect, 160 px": ["data.hq_size=160", "data.lq_size=80"],
    "dfdetect, grey_share 0.3": ["data.grey_share=0.3"],
    "dfdetect, 100 steps": ["training.epochs=5"],
    "dfdetect, 200 steps": ["training.epochs=10"],
    "dfdetect, previous recipe, 600 steps": ["training.epochs=30"],
    "dfdetect, 600 steps, cosine schedule": ["training.epochs=30", "optimization.scheduler=cosine"],
    "dfdetect, 600 steps, cosine schedule, pairs": ["training.epochs=30", "optimization.scheduler=cosine",
                                                    "data.pseudo_fake_pairs=true"],
    "dfdetect, 600 steps, cosine schedule, no gradient clipping": ["training.epochs=30", "optimization.scheduler=cosine",
                                                                   "optimization.grad_clip=null"],
    "dfdetect, 600 steps, cosine schedule, HQ stream alone in training, no gradient clipping": [
        "training.epochs=30", "optimization.scheduler=cosine", "model.train_streams=hq", "optimization.grad_clip=null"],
    "dfdetect, both streams, no stream dropout": ["model.stream_dropout=0", "model.eval_streams=both"],
    "dfdetect, stream dropout 0.5, both streams scoring": ["model.eval_streams=both"],
}.items()}
DFDETECT = {"dfdetect": [], "dfdetect, 600 steps": ["training.epochs=30"],  # name -> overrides of the shipped config
            "dfdetect, colour cast 0.2": ["data.colour_cast=0.2"],
            "dfdetect, fp32": ["training.use_amp=false", "evaluation.precision=fp32"],  # as the baseline, with native bf16
            "dfdetect, no frozen blocks": ["model.freeze_blocks=0"],  # the shipped blends config before the 18th round
            "dfdetect, 11 frozen blocks": ["model.freeze_blocks=11"],  # Lite0's blocks up to the end of stride 16
            "dfdetect, warp_share 0.3": ["data.warp_share=0.3"],
            "dfdetect, warp_share 0.6": ["data.warp_share=0.6"],
            "dfdetect, warp bend 0.03": ["data.warp_bend=0.03"],  # with the shipped warp_share
            "dfdetect, a third of the steps": ["training.epochs=10"]}  # 200 steps: three runs cost one shipped run
SEVENTH_ROUND = {  # name -> overrides of configs/supervised_cpu.yaml (the seventh round's recipe) for any recipe
    "dfdetect, seventh round's recipe": [],
    "dfdetect, seventh round's recipe, 600 steps": ["training.epochs=30"],
}
MODELS = {**BASELINES, **DFDETECT, **PREVIOUS_VARIANTS, **SEVENTH_ROUND}
CLIPS_PER_TEST_VIDEO = 8

def pairs_file(faces: Path, out: Path, recipe: str, people: int = None) -> Path:
    """The pairs CSV of a run: the test people's videos and those of the first `people` train people (None: all); the
    two sides changed places for a `REVERSED` recipe"""
    pairs = faces/("pairs_supervised.csv" if recipe.startswith("supervised") else "pairs_real_only.csv")
    if people is None and not recipe.endswith(REVERSED): return pairs
    df = pd.read_csv(faces/"pairs_supervised.csv", keep_default_na=False)
    if recipe.endswith(REVERSED): df["split"] = df.split.map({"": "test", "test": ""})
    if not recipe.startswith("supervised"): df = df[(df.label == "real") | (df.split == "test")]  # no labelled fakes
    if people is not None:
        kept = set([*TRAIN_PEOPLE, *MORE_PEOPLE][:people])
        df = df[(df.split == "test") | df.identity.map(lambda ids: set(re.split(r"[\s;,]+", ids.strip())) <= kept)]
    out.mkdir(parents=True, exist_ok=True)
    df.to_csv(out/"pairs.csv", index=False)
    return out/"pairs.csv"

def config_file(model: str, recipe: str) -> Path:
    "The YAML that `model` starts from in `recipe`: the shipped CPU config of the recipe unless the model names one"
    if model in PREVIOUS_VARIANTS: return PSEUDO_FAKES
    if model in SEVENTH_ROUND: return SUPERVISED
    return SUPERVISED if RECIPES[recipe] == ["data.pseudo_fakes=none"] else PSEUDO_FAKES

def config(faces: Path, out: Path, model: str, recipe: str, seed: int, overrides=(), people: int = None):
    pairs = pairs_file(faces, out, recipe, people)
    keys = [f"data.real_path={faces/'real'}", f"data.fake_path={faces/'fake'}", f"data.training_pairs={pairs}",
            f"seed={seed}", f"paths.best_model={out/'best.pth'}", f"paths.last_model={out/'last.pth'}",
            f"paths.training_log={out/'log.csv'}", f"paths.split_file={out/'split.csv'}", f"paths.results_dir={out/'results'}",
            f"evaluation.clips_per_video={CLIPS_PER_TEST_VIDEO}"]
    return load_config(config_file(model, recipe), keys + RECIPES[recipe] + MODELS[model] + list(overrides))

def frames_seen(cfg) -> int:
    "Training frames of a dfdetect run with `cfg`: its budget"
    t = cfg.training
    return t.epochs * t.steps_per_epoch * t.batch_size * cfg.data.sequence_length

def run_dfdetect(faces: Path, out: Path, model: str, recipe: str, seed: int, people: int = None) -> pd.DataFrame:
    "Train with dfdetect's code; the test videos' scores (`predictions.csv` of the best checkpoint)"
    cfg = config(faces, out, model, recipe, seed, people=people)
    train(cfg, quiet=True, overwrite=True)
    report_test(cfg, torch.device("cpu"))  # as dfdetect_train does after training
    return pd.read_csv(out/"results"/"predictions.csv")[["video", "label", "score"]]

def run_frame_baseline(faces: Path, out: Path, model: str, recipe: str, seed: int, frames: int, people: int = None,
                       split: bool = False, batch: int = 16) -> pd.DataFrame:
    """A plain per-frame classifier trained for `frames` frames on all train-side videos (`split`: on the train videos
    of dfdetect's split only); the test videos' scores"""
    cfg = config(faces, out, model, recipe, seed, ["data.sequence_length=1"], people)
    torch.manual_seed(seed)
    records = scan_dataset(cfg).records
    train_recs, test_recs = [r for r in records if r.split != "test"], [r for r in records if r.split == "test"]
    if split: train_recs = records_for_split(cfg, "train")
    pseudo, n_pseudo = pseudo_fake_maker(train_recs, cfg)
    data = ClipDataset(train_recs, cfg.data, train=True, seed=seed, pseudo_fakes=pseudo, n_pseudo=n_pseudo)
    labels = torch.tensor(data.labels, dtype=torch.float32)
    steps = frames // batch
    order = iter(EpochSampler(len(data), seed, length=steps * batch))
    model = plain_classifier()
    opt, schedule = plain_optimizer(model, steps)
    pos_weight = (labels == 0).sum() / (labels == 1).sum()
    model.train()
    for step in range(steps):  # each frame its own window and augmentation, seeded by its place in the run
        items = [data[(next(order), (seed, 0, step * batch + k))] for k in range(batch)]
        x, y = prepare_batch(collate_clips(items), "cpu")[0][:, 0], torch.stack([it["label"] for it in items])
        plain_step(model, opt, schedule, x, y, pos_weight)
    model.eval()
    test = ClipDataset(test_recs, cfg.data, train=False, clips_per_video=CLIPS_PER_TEST_VIDEO)
    rows = []
    with torch.no_grad():
        for k in range(len(test_recs)):
            items = [test[k * CLIPS_PER_TEST_VIDEO + c] for c in range(CLIPS_PER_TEST_VIDEO)]
            probs = torch.sigmoid(plain_logits(model, prepare_batch(collate_clips(items), "cpu")[0][:, 0]))
            rows.append(dict(video=test_recs[k].video, label=test_recs[k].label, score=float(probs.mean())))
    return pd.DataFrame(rows)

def pairs_ranked(scores: pd.DataFrame) -> float:
    "Share of the (real video, its face-swapped twin) pairs in which the fake scores higher: the ranking within a person"
    s = scores.set_index("video").score
    twins = [(f"{v.split('_')[0]}_{v.split('_')[-1]}", v) for v in s.index if v.count("_") == 2]
    return sum(s[fake] > s[real] for real, fake in twins if real in s) / len(twins)

def run_folder(root: Path, model: str, recipe: str, seed: int, people: int = None) -> Path:
    "Where a run keeps its checkpoints and `scores.csv` (`people` None: all train people)"
    name = f"{model}_{recipe}".replace(",", "").replace(" ", "_")
    return root/"runs"/(f"{name}_seed{seed}" + (f"_people{people}" if people else ""))

def people_resampled(scores: pd.DataFrame, other: pd.DataFrame = None) -> tuple:
    """95% interval of the video AUC of `scores` (minus that of `other`, the same test videos scored by another model)
    over the test people drawn with replacement (`dfdetect.metrics.auc_interval`): each person's real videos and
    their swapped twins together"""
    person = scores.video.str.split("_").str[0]  # a swap is named after the person whose real video it is made from
    other = None if other is None else other.set_index("video").score.loc[scores.video].to_numpy()
    return auc_interval(scores.label, scores.score, person, other)

def one_run(faces: Path, root: Path, model: str, recipe: str, seed: int, people: int = None) -> dict:
    out = run_folder(root, model, recipe, seed, people)
    start = time.time()
    budget = frames_seen(config(faces, out, model, recipe, seed))  # a baseline's training keys change it too
    scores = (run_frame_baseline(faces, out, model, recipe, seed, budget, people, split="split" in model)
              if model in BASELINES else run_dfdetect(faces, out, model, recipe, seed, people))
    out.mkdir(parents=True, exist_ok=True)
    scores.to_csv(out/"scores.csv", index=False)
    return dict(auc=roc_auc_score(scores.label, scores.score), pairs=pairs_ranked(scores), videos=len(scores),
                minutes=(time.time() - start) / 60)

def run_scores(root: Path, row, people: int = None) -> pd.DataFrame | None:
    "The test scores of a results row, if its run folder still holds those of that run (same AUC), else None"
    path = run_folder(root, row.model, row.recipe, row.seed, people)/"scores.csv"
    if not path.is_file(): return None
    scores = pd.read_csv(path)
    return scores if np.isclose(roc_auc_score(scores.label, scores.score), row.auc) else None

def span(interval, fmt=".3f") -> str:
    "An interval as 'low to high'; '-' for None (too few test people to draw from)"
    return "-" if interval is None else " to ".join(format(end, fmt) for end in interval)

def table(results: pd.DataFrame, root: Path, people: int = None) -> str:
    """Markdown: one row per recipe and model: the AUC per seed with its 95% interval over the test people (where the
    run's scores are kept), their mean and spread, the twin ranking, minutes"""
    rows = []
    for (recipe, model), g in results.groupby(["recipe", "model"], sort=False):
        kept = [run_scores(root, r, people) for r in g.itertuples()]
        intervals = [span(people_resampled(s)) if s is not None else "-" for s in kept]
        rows.append({"recipe": recipe, "model": model, "video AUC per seed": " / ".join(f"{a:.3f}" for a in g.auc),
                     "95% interval, people resampled": " / ".join(intervals),
                     "mean": f"{g.auc.mean():.3f}", "spread (max-min)": f"{np.ptp(g.auc):.3f}" if len(g) > 1 else "-",
                     "fake above its real twin": f"{g.pairs.mean():.2f}", "minutes (median)": f"{g.minutes.median():.1f}"})
    return pd.DataFrame(rows).to_markdown(index=False, disable_numparse=True)

def against_baseline(results: pd.DataFrame, root: Path, people: int = None) -> str:
    """Markdown: each dfdetect run minus each frame baseline of `results` with the same recipe and seed, on the same
    test videos, with the 95% interval of the difference over the test people (paired: both models scored on each draw)"""
    rows = []
    is_baseline = results.model.isin(list(BASELINES))
    for r in results[~is_baseline].itertuples():
        for base in results[is_baseline & (results.recipe == r.recipe) & (results.seed == r.seed)].itertuples():
            scores, base_scores = run_scores(root, r, people), run_scores(root, base, people)
            if scores is None or base_scores is None: continue
            rows.append({"recipe": r.recipe, "model": r.model, "seed": r.seed, "AUC": f"{r.auc:.3f}",
                         "frame baseline": f"{base.model}: {base.auc:.3f}", "difference": f"{r.auc - base.auc:+.3f}",
                         "95% interval of the difference": span(people_resampled(scores, base_scores), "+.3f")})
    return pd.DataFrame(rows).to_markdown(index=False, disable_numparse=True) if rows else ""

def ensembles(results: pd.DataFrame, root: Path, size: int = 3, people: int = None) -> str:
    """Markdown: for each recipe and model, each `size` seeds in turn (0-2, 3-5, ...) as one ensemble, scored as
    `training.seeds` scores (each video by the mean of the runs' scores: the same mean of clip probabilities): its
    video AUC with the 95% interval over the test people, beside the runs' mean AUC"""
    rows = []
    for (recipe, model), g in results.sort_values("seed").groupby(["recipe", "model"], sort=False):
        for start in range(0, len(g) - size + 1, size):
            runs = g.iloc[start:start + size]
            kept = [run_scores(root, r, people) for r in runs.itertuples()]
            if any(s is None for s in kept): continue
            mean = kept[0][["video", "label"]].assign(
                score=np.mean([s.set_index("video").score.loc[kept[0].video].to_numpy() for s in kept], 0))
            rows.append({"recipe": recipe, "model": model, "seeds": ", ".join(map(str, runs.seed)),
                         "the runs' mean AUC": f"{runs.auc.mean():.3f}",
                         "ensemble's AUC": f"{roc_auc_score(mean.label, mean.score):.3f}",
                         "95% interval, people resampled": span(people_resampled(mean))})
    return pd.DataFrame(rows).to_markdown(index=False, disable_numparse=True) if rows else ""

def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--root", default="/tmp/realpixel")
    p.add_argument("--models", nargs="+", default=["frame baseline", "dfdetect"], choices=list(MODELS), metavar="MODEL")
    p.add_argument("--recipes", nargs="+", default=list(RECIPES), choices=list(RECIPES), metavar="RECIPE")
    p.add_argument("--seeds", nargs="+", type=int, default=[0, 1])
    p.add_argument("--people", type=int, help="train on the first N train people's videos (default: all)")
    p.add_argument("--more-people", action="store_true", help=f"add {len(MORE_PEOPLE)} train people (the set in --root/more_people)")
    args = p.parse_args()
    all_people = len(TRAIN_PEOPLE) + args.more_people * len(MORE_PEOPLE)
    args.people = args.people or all_people
    if not 1 < args.people <= all_people: p.error(f"--people {args.people}: the set has 2 to {all_people} train people")
    if args.people != all_people and any(r.endswith(REVERSED) for r in args.recipes):
        p.error(f"--people counts the train people, who are the test people of a recipe ending in '{REVERSED}'")
    root = Path(args.root)/("more_people" if args.more_people else "")
    faces = real_pixel_set(root, more_people=args.more_people)
    store = root/"results.csv"
    results = pd.read_csv(store) if store.is_file() else pd.DataFrame(columns=["recipe", "model", "seed", "people"])
    results = results.assign(settings=results.get("settings"))  # a results.csv from before the digests: measured again
    digests = {(model, recipe): settings_digest(config_file(model, recipe), MODELS[model])
               for model in args.models for recipe in args.recipes}  # the runs asked for
    people = None if args.people == all_people else args.people
    for seed in args.seeds:
        for recipe in args.recipes:
            for model in args.models:
                done = (results.recipe == recipe) & (results.model == model) & (results.seed == seed)
                done &= results.settings == digests[model, recipe]
                if (done & (results.people == args.people)).any(): continue
                row = one_run(faces, root, model, recipe, seed, people)
                row = dict(recipe=recipe, model=model, seed=seed, people=args.people, settings=digests[model, recipe], **row)
                results = pd.concat([results, pd.DataFrame([row])], ignore_index=True)
                results.to_csv(store, index=False)
                print(f"{recipe}, {model}, seed {seed}, {args.people} people: video AUC {row['auc']:.3f} ({row['minutes']:.1f} min)", flush=True)
    print(f"\nMachine: {platform.machine()}, {torch.get_num_threads()} threads, torch {torch.__version__}\n")
    chosen = results[results.recipe.isin(args.recipes) & results.model.isin(args.models) & (results.people == args.people)
                     & (results.settings == [digests.get(key) for key in zip(results.model, results.recipe)])]
    order = {**{r: i for i, r in enumerate(RECIPES)}, **{m: i for i, m in enumerate(MODELS)}}
    chosen = chosen.sort_values(["recipe", "model"], key=lambda c: c.map(order))
    print(table(chosen, root, people))
    paired = against_baseline(chosen, root, people)
    if paired: print(f"\nAgainst the frame baseline of the same recipe and seed:\n\n{paired}")
    joined = ensembles(chosen, root, people=people)
    if joined: print(f"\nEnsembles of three seeds (training.seeds):\n\n{joined}")

if __name__ == "__main__": main()
