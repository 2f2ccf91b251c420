"""Cost of the detector: parameters, GMACs per clip, and forward (CPU) or training-step (CUDA) time.

Each configuration is timed side by side, in the same run and alternating the two, with a plain implementation of the
same model with the same weights: the ConvLSTM as written in the paper (one convolution over [x, h] at every step)
instead of dfdetect's (the input convolution once for all frames, only the hidden one in the loop), in contiguous
memory (no channels-last). Both sides run in fp32, or both under autocast with --amp. On CUDA the peak memory of a
training step is measured for each side alone on the GPU. The machine is shared and noisy: compare the ratios. Usage:

    python benchmarks/bench_model.py [--repeats 5] [--batch 1]                      # CPU forward, eval mode
    python benchmarks/bench_model.py --device cuda --amp --batch 12 [--repeats 10]  # CUDA training step, AMP
    ... [--set model.gradient_checkpointing=true]                                   # any config key
"""
import argparse, copy, os, platform, statistics, time
from functools import partial
import torch
import torch.nn.functional as F
from torch import nn
from dfdetect.config import load_config
from dfdetect.model import ConvLSTMLayer, build_model, model_summary

CONFIGS = {  # key: (description, overrides of the defaults: B4 224 px + B0 112 px, T=10, ConvLSTM [256, 128])
    "default": ("defaults (frame_diff, no projection)", []),
    "projected": ("frame_diff + projection to 256", ["model.convlstm_input_channels=256"]),
    "seed": ("seed architecture (no frame_diff, no projection)", ["model.frame_diff=false"]),
    "seed-projected": ("no frame_diff + projection to 256", ["model.frame_diff=false", "model.convlstm_input_channels=256"]),
}

class StepByStepConvLSTMLayer(nn.Module):
    "The reference ConvLSTM layer: one convolution over [x, h] at every step, with a `ConvLSTMLayer`'s weights"
    def __init__(self, layer: ConvLSTMLayer):
        super().__init__()
        self.hidden, self.bias = layer.hidden, layer.input_conv.bias
        self.weight = nn.Parameter(torch.cat([layer.input_conv.weight, layer.hidden_conv.weight], 1).detach())

    def forward(self, x):
        B, T, _, H, W = x.shape
        h = c = x.new_zeros(B, self.hidden, H, W)
        hs = []
        for t in range(T):
            gates = F.conv2d(torch.cat([x[:, t], h], 1), self.weight, self.bias, padding=self.weight.shape[-1] // 2)
            i, f, o, g = gates.chunk(4, 1)
            c = torch.sigmoid(f) * c + torch.sigmoid(i) * torch.tanh(g)
            h = torch.sigmoid(o) * torch.tanh(c)
            hs.append(h)
        return torch.stack(hs, 1)

def reference_model(model):
    "A copy of `model` with step-by-step ConvLSTM layers, contiguous memory format"
    ref = copy.deepcopy(model).to(memory_format=torch.contiguous_format)
    for stream in (ref.hq_stream, ref.lq_stream): stream.channels_last = False
    for temporal in (ref.hq_temporal, ref.lq_temporal):
        temporal.convlstm.layers = nn.ModuleList(StepByStepConvLSTMLayer(l) for l in temporal.convlstm.layers)
    return ref

def settle_norms(model, hq, lq):
    "Set BatchNorm running statistics to those of one batch: a fresh model's eval-mode activations would vanish"
    norms = [m for m in model.modules() if isinstance(m, nn.modules.batchnorm._BatchNorm)]
    momenta = [m.momentum for m in norms]
    for m in norms: m.reset_running_stats(); m.momentum = None  # cumulative average of the one batch
    with torch.no_grad(): model.train()(hq, lq)
    for m, momentum in zip(norms, momenta): m.momentum = momentum
    return model.eval()

def clips(cfg, batch, device):
    d = cfg.data
    g = torch.Generator().manual_seed(0)
    hq = torch.randn(batch, d.sequence_length, 3, d.hq_size, d.hq_size, generator=g)
    lq = torch.randn(batch, d.sequence_length, 3, d.lq_size, d.lq_size, generator=g)
    return hq.to(device), lq.to(device)

def sync(device):
    if device.type == "cuda": torch.cuda.synchronize(device)

def seconds(f, device):
    "Seconds that `f()` takes on `device`"
    sync(device); start = time.perf_counter()
    f()
    sync(device)
    return time.perf_counter() - start

def forward(model, hq, lq):
    with torch.inference_mode(): model(hq, lq)

def trainer(model, device, amp_dtype):
    "A function doing one training step of `model` (forward, BCE loss, backward, Adam step) on a batch"
    model.train()
    optimizer = torch.optim.Adam(model.parameters(), 1e-4)
    scaler = torch.amp.GradScaler(device.type, enabled=amp_dtype == torch.float16)
    def step(hq, lq):
        labels = (torch.arange(len(hq), device=device) % 2).float()
        with torch.autocast(device.type, dtype=amp_dtype, enabled=amp_dtype is not None):
            loss = F.binary_cross_entropy_with_logits(model(hq, lq).float(), labels)
        optimizer.zero_grad(set_to_none=True)
        scaler.scale(loss).backward()
        scaler.step(optimizer); scaler.update()
    return step

def peak_training_gib(model, hq, lq, device, amp_dtype):
    "Peak GPU memory of a training step with only `model` (and its optimizer state) on the GPU"
    step = trainer(model.to(device), device, amp_dtype)
    step(hq, lq)  # allocates the optimizer state
    torch.cuda.reset_peak_memory_stats(device)
    step(hq, lq)
    peak = torch.cuda.max_memory_allocated(device) / 2**30
    del step
    model.zero_grad(set_to_none=True); model.cpu(); torch.cuda.empty_cache()
    return peak

def bench(name, overrides, args, device, amp_dtype):
    cfg = load_config(None, ["model.pretrained=false", *overrides, *args.set])
    summary = model_summary(cfg)
    torch.manual_seed(0)
    hq, lq = clips(cfg, args.batch, device)
    ours = settle_norms(build_model(cfg.model).to(device), hq, lq).cpu()
    sides = dict(ours=ours, reference=reference_model(ours))
    peaks = {k: peak_training_gib(m, hq, lq, device, amp_dtype) for k, m in sides.items()} if device.type == "cuda" else {}
    for m in sides.values(): m.to(device).eval()
    with torch.inference_mode(): diff = (ours(hq, lq) - sides["reference"](hq, lq)).abs().max().item()
    runs = {k: trainer(m, device, amp_dtype) if args.train else partial(forward, m) for k, m in sides.items()}
    times = {k: [] for k in sides}
    for r in range(args.repeats + 1):  # the first round warms up and is not counted
        for side, run in runs.items():
            s = seconds(lambda: run(hq, lq), device)
            if r: times[side].append(s)
    t, t_ref = statistics.median(times["ours"]) / args.batch, statistics.median(times["reference"]) / args.batch
    total = summary.loc["total"]
    row = (f"| {name} | {total.params / 1e6:.1f} M | {total.gmac:.2f} | {summary.gmac['HQ temporal']:.2f} | "
           f"{1000 * t:.0f} ms | {1000 * t_ref:.0f} ms | {t_ref / t:.2f}x |")
    if peaks: row += f" {peaks['ours']:.1f} GiB | {peaks['reference']:.1f} GiB |"
    print(row + f" <!-- max |logit difference| {diff:.1e} -->", flush=True)

if __name__ == "__main__":
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--repeats", type=int, default=5, help="timed rounds per side (median reported)")
    p.add_argument("--batch", type=int, default=1, help="clips per forward pass or training step")
    p.add_argument("--device", default="cpu", help="cpu or cuda")
    p.add_argument("--threads", type=int, default=1,
                   help="CPU threads (1: on a shared machine more threads make timings erratic)")
    p.add_argument("--amp", action="store_true", help="autocast (bf16 where supported, else fp16 with a grad scaler)")
    p.add_argument("--train", action="store_true", help="time training steps instead of forward passes (default on cuda)")
    p.add_argument("--only", nargs="+", choices=list(CONFIGS), help="run only these configurations")
    p.add_argument("--set", nargs="+", action="extend", default=[], help="config overrides for every configuration")
    args = p.parse_args()
    torch.set_num_threads(args.threads)
    device = torch.device(args.device)
    args.train = args.train or device.type == "cuda"
    amp_dtype = None
    if args.amp: amp_dtype = torch.bfloat16 if device.type == "cpu" or torch.cuda.is_bf16_supported() else torch.float16
    gpu = f", {torch.cuda.get_device_name(device)}" if device.type == "cuda" else ""
    print(f"machine: {platform.platform()}, {os.cpu_count()} CPUs ({platform.processor() or platform.machine()}){gpu}, "
          f"torch {torch.__version__}, {torch.get_num_threads()} threads, load average {os.getloadavg()[0]:.1f} at start")
    print(f"{'training step' if args.train else 'eval forward'} on {device}, batch {args.batch}, "
          f"{'AMP ' + str(amp_dtype) if amp_dtype else 'fp32'}, {args.repeats} timed rounds per side, "
          f"overrides {args.set or 'none'}\n")
    header = "| configuration | params | GMAC/clip | of which HQ temporal | ours per clip | reference per clip | speed-up |"
    if device.type == "cuda": header += " peak training memory, ours | reference |"
    print(header + "\n" + "|---" * (header.count("|") - 1) + "|")
    for key in args.only or CONFIGS: bench(*CONFIGS[key], args, device, amp_dtype)
    print(f"\nload average {os.getloadavg()[0]:.1f} at the end")
