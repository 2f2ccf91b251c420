"""CPU scoring speed: the whole `dfdetect_infer` command against the plain seed reading, the model forward alone, and
what bf16 does to the scores of the trained demo model.

1. Whole command, process wall time: `dfdetect_infer --checkpoint CK --video-dir FOLDER` (the shipped defaults; and
   with `--set evaluation.precision=fp32`) and `benchmarks/reference_infer.py CK FOLDER` (PIL per frame, float
   normalisation on the CPU, fp32 eager model under `no_grad`, one clip at a time), and with `--before PATH` the
   `dfdetect_infer` of an earlier checkout, interleaved in every repeat. CK holds the seed's default model
   (EfficientNet-B4 HQ 224 px + B0 LQ 112 px, T=10, stride 3, ConvLSTM 256->128, attention fusion; random weights
   with the BatchNorm statistics of the frames it scores, as a trained model has them, so that its activations
   are at a trained model's scale and cost what a trained model's do); FOLDER is a synthetic 224 px video of
   `--frames` JPEG frames; 8 clips (`evaluation.clips_per_video`).
2. Forward pass of one clip (in this process): the plain model in fp32 eager mode, `inference_model` in fp32 and
   in bf16 autocast (where the CPU has native bf16), and the ONNX export under onnxruntime (when installed).
3. Precision: the demo (`dfdetect_train`, configs/demo.yaml) is trained in a temporary folder and its held-out test
   videos scored in fp32 and in bf16: the largest clip probability difference and the AUC-ROC of each.

    python benchmarks/bench_infer.py [--repeats 5] [--frames 300] [--no-demo] [--before /path/to/old/checkout]
                                     [--out benchmarks/results_evaluation.md]
"""
import argparse, os, platform, statistics, subprocess, sys, tempfile, time
from pathlib import Path
import torch
from dfdetect.config import Config
from dfdetect.checkpoints import load_model, save_checkpoint
from dfdetect.data import make_loader, prepare_batch
from dfdetect.devices import keep_heap_memory, native_bf16
from dfdetect.model import build_model, calibrate_norms, inference_model
from dfdetect.scan import scan_video
from dfdetect.synthetic import make_synthetic_dataset
from dfdetect.scoring import OnnxScorer, load_members, score_ensemble, select_videos

HERE = Path(__file__).resolve().parent


def console_script(name: str) -> str:
    "The installed console script `name` of this interpreter (not a version manager's shim, which adds its own start-up)"
    beside = Path(sys.executable).parent/name
    return str(beside) if beside.is_file() else name


def cpu_description() -> str:
    info = Path("/proc/cpuinfo").read_text() if Path("/proc/cpuinfo").exists() else ""
    name = next((l.split(":", 1)[1].strip() for l in info.splitlines() if l.startswith("model name")), platform.processor())
    flags = set(next((l.split(":", 1)[1].split() for l in info.splitlines() if l.startswith("flags")), []))
    shown = [f for f in ("avx2", "avx512f", "avx512_bf16", "amx_bf16", "amx_tile", "avx512_vnni") if f in flags]
    return f"{name}, {os.cpu_count()} cores, flags {' '.join(shown) or 'none of avx2/avx512/amx'}; native bf16: {native_bf16()}"


def timed(cmd: list) -> tuple:
    "(wall seconds, stdout) of a command; fails loudly if it fails"
    start = time.perf_counter()
    out = subprocess.run(cmd, capture_output=True, text=True)
    wall = time.perf_counter() - start
    if out.returncode: sys.exit(f"{' '.join(map(str, cmd))} failed:\n{out.stderr}")
    return wall, out.stdout


def ratios(times: dict) -> list:
    "`(name, times, reference / this)` of each side: the median of the per-repeat ratios to the `reference` side"
    return [(name, ts, statistics.median(r / t for r, t in zip(times["reference"], ts))) for name, ts in times.items()]


def face_clips(cfg: Config, folder: Path, clips: int) -> tuple:
    "`(hq, lq)`: `clips` evenly spaced uint8 clips of the frame folder, as scoring cuts them"
    record = scan_video(folder.name, 0, folder)[0]
    batch = next(iter(make_loader([record], cfg, train=False, clips_per_video=clips, batch_size=clips, num_workers=0)))
    return batch["hq"], batch["lq"]


def take_batchnorm_statistics(model, cfg: Config, folder: Path, clips=4):
    """`model` with the BatchNorm statistics of `clips` clips of the frames it will score, as a trained model has them.
    A model built without pretrained weights has those of noise frames (`calibrate_norms`), with which B4's activations
    on face frames grow to 1e8 through its blocks, where SiLU's exponential falls into the CPU's slow path for
    denormal numbers: 15-20% of a clip that no trained model pays"""
    hq, lq = prepare_batch(dict(zip(("hq", "lq"), face_clips(cfg, folder, clips))), "cpu")
    for stream, frames in ((model.hq_stream, hq), (model.lq_stream, lq)):
        calibrate_norms(stream.net, frames=frames.flatten(0, 1))
    return model


def setup(tmp: Path, frames: int) -> tuple:
    "A checkpoint of the seed's default model with its BatchNorm statistics taken from the face frames, and the frames"
    torch.manual_seed(0)
    cfg = Config()
    cfg.model.pretrained = False
    root = make_synthetic_dataset(tmp/"data", n_videos=2, n_frames=frames, frame_size=224, seed=0, test_fraction=0)
    folder = next((root/"real").iterdir())
    model = take_batchnorm_statistics(build_model(cfg.model), cfg, folder)
    ck = save_checkpoint(dict(model=model.state_dict(), config=cfg.to_dict(), epoch=0, threshold={}), tmp/"seed.pth")
    return ck, folder


INFER_COMMAND = ("import sys; sys.path.insert(0, sys.argv.pop(1)); "
                 "from dfdetect.evaluation import dfdetect_infer; dfdetect_infer.main()")

def whole_command(ck, folder, repeats, before=None) -> dict:
    sides = {"reference": [sys.executable, HERE/"reference_infer.py", ck, folder],
             "dfdetect_infer (defaults)": [console_script("dfdetect_infer"), "--checkpoint", ck, "--video-dir", folder, "--device", "cpu", "--quiet"]}
    sides["dfdetect_infer, evaluation.precision=fp32"] = sides["dfdetect_infer (defaults)"] + ["--set", "evaluation.precision=fp32"]
    if before:
        sides["dfdetect_infer before (defaults)"] = ([sys.executable, "-c", INFER_COMMAND, str(Path(before).resolve())]
                                                     + sides["dfdetect_infer (defaults)"][1:])
    for cmd in sides.values(): timed(cmd)  # warm-up: files in the page cache
    times = {name: [] for name in sides}
    for _ in range(repeats):
        for name, cmd in sides.items(): times[name].append(timed(cmd)[0])
    return times


def forward_times(ck, folder, repeats) -> dict:
    "Seconds per clip of the forward pass of a clip of the face frames, after one warm-up call"
    keep_heap_memory()
    model, cfg, _ = load_model(ck)
    u8 = face_clips(cfg, folder, 1)
    hq, lq = prepare_batch(dict(hq=u8[0], lq=u8[1]), "cpu")
    fast = inference_model(model)
    runs = {"plain model, fp32 eager (`inference_mode`)": (model, None), "`inference_model`, fp32": (fast, None)}
    if native_bf16():  # emulated: many times slower; as `load_members` makes it, the weights stored in bf16
        runs["`inference_model`, bf16 autocast"] = (inference_model(model, dtype=torch.bfloat16), torch.bfloat16)
    out = {}
    for name, (m, dtype) in runs.items():
        with torch.inference_mode(), torch.autocast("cpu", dtype=dtype or torch.float32, enabled=dtype is not None):
            m(hq, lq)
            out[name] = []
            for _ in range(repeats):
                start = time.perf_counter(); m(hq, lq); out[name].append(time.perf_counter() - start)
    try:
        from dfdetect.deploy import export_onnx
        onnx = OnnxScorer(export_onnx(ck, Path(ck).with_suffix(".onnx")))
        onnx.probabilities(*u8)
        out["ONNX export, onnxruntime fp32"] = []
        for _ in range(repeats):
            start = time.perf_counter(); onnx.probabilities(*u8); out["ONNX export, onnxruntime fp32"].append(time.perf_counter() - start)
    except ImportError: pass
    return out


def demo_precision(tmp: Path) -> str:
    "Train the demo and compare its held-out test scores in fp32 and bf16"
    from sklearn.metrics import roc_auc_score
    subprocess.run(["dfdetect_train", "--config", str(Path.cwd()/"configs/demo.yaml"), "--quiet"], cwd=tmp, check=True, capture_output=True)
    here, tables = Path.cwd(), {}
    os.chdir(tmp)  # the demo config's paths are relative
    try:
        for p in ("fp32", "bf16"):
            members = load_members(["checkpoints/demo/best_model.pth"], [f"evaluation.precision={p}"])
            selection = select_videos([members[0].cfg])
            records, which = selection.records, selection.evaluated_set
            tables[p] = score_ensemble(members, records, torch.device("cpu"))
    finally: os.chdir(here)
    def auc(t):
        v = t.groupby("video").agg(label=("label", "first"), prob=("prob", "mean"))
        return roc_auc_score(v.label, v.prob)
    diff = (tables["bf16"].prob - tables["fp32"].prob).abs()
    return (f"Trained demo model (`configs/demo.yaml`), its {len(records)} held-out {which} videos, "
            f"{len(diff)} clips: largest clip probability difference bf16 - fp32 **{diff.max():.2e}** (median {diff.median():.1e}); "
            f"video AUC-ROC {auc(tables['fp32']):.4f} in fp32, {auc(tables['bf16']):.4f} in bf16 "
            f"(difference {auc(tables['bf16']) - auc(tables['fp32']):+.4f}).")


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--frames", type=int, default=300, help="frames of the scored video (Celeb-DF videos have 300-500)")
    p.add_argument("--repeats", type=int, default=5, help="timed repeats of each side (after one warm-up)")
    p.add_argument("--no-demo", action="store_true", help="skip training the demo for the precision figures")
    p.add_argument("--before", help="a checkout of an earlier dfdetect, whose dfdetect_infer is timed beside this one")
    p.add_argument("--out", help="also write the results as markdown to this file")
    args = p.parse_args()
    load_before = os.getloadavg()
    with tempfile.TemporaryDirectory() as tmp:
        ck, folder = setup(Path(tmp), args.frames)
        times = whole_command(ck, folder, args.repeats, args.before)
        forward = forward_times(ck, folder, args.repeats)
        precision = "" if args.no_demo else demo_precision(Path(tmp))
    load_after = os.getloadavg()
    lines = ["# CPU scoring (`benchmarks/bench_infer.py`)", "",
             f"Machine: {cpu_description()}; torch {torch.__version__} with {torch.get_num_threads()} threads, Python "
             f"{platform.python_version()}. Load average (1/5/15 min) before {' '.join(f'{x:.2f}' for x in load_before)}, "
             f"after {' '.join(f'{x:.2f}' for x in load_after)}.", "",
             f"Command: `python benchmarks/bench_infer.py --frames {args.frames} --repeats {args.repeats}"
             + (" --no-demo" if args.no_demo else "") + (" --before BEFORE" if args.before else "") + "`", "",
             f"## The whole command: process wall time, 8 clips of one {args.frames}-frame 224 px video, seed's default model", "",
             "| command | median s | all repeats (s) | reference / this (median of the per-repeat ratios) |", "|---|---|---|---|"]
    lines += [f"| {name} | {statistics.median(ts):.2f} | {', '.join(f'{t:.2f}' for t in ts)} | {ratio:.2f}x |"
              for name, ts, ratio in ratios(times)]
    lines += ["", "## The forward pass of one clip (B=1, T=10, 224 + 112 px), in one process", "",
              "| model | median s | all repeats (s) | plain fp32 / this |", "|---|---|---|---|"]
    plain = statistics.median(next(iter(forward.values())))
    for name, ts in forward.items():
        lines.append(f"| {name} | {statistics.median(ts):.3f} | {', '.join(f'{t:.3f}' for t in ts)} | {plain / statistics.median(ts):.2f}x |")
    if precision: lines += ["", "## What bf16 does to the scores", "", precision]
    text = "\n".join(lines) + "\n"
    print(text)
    if args.out: Path(args.out).write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
