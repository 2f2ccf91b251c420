"Assemble BENCHMARKS.md from benchmarks/results_*.md: `python tools/make_benchmarks.py` from the repository root"
from pathlib import Path
import re
root = Path(__file__).resolve().parent.parent
order = ['gpu', 'extraction', 'landmarks', 'realpixel', 'loader', 'synthetic', 'model', 'training', 'evaluation', 'videos']
head = """# Benchmarks

Performance of dfdetect, measured by the scripts in `benchmarks/`. Each section gives the machine, the command,
the figures and a reference measured side by side in the same run. The development machines (2 cores, no GPU:
AMD EPYC in the earlier sections, an Intel Xeon with AMX in "CPU scoring") were at times shared with other jobs;
each section names its machine and says how loaded it was. Read the medians and the ratios to the reference. No GPU machine has been lent to this project yet; GPU figures (AMP step time, peak
memory at batch 12, T=10, inference s/video, loader clips/s) are still to be measured with
`bash benchmarks/gpu_check.sh` (one script, at most 8 minutes, writes `benchmarks/results_gpu.md`).

"""
parts = [head]
for name in order:
    p = root/'benchmarks'/f'results_{name}.md'
    if not p.exists(): continue
    text = p.read_text()
    text = re.sub(r'^(#+) ', lambda m: '#' + m.group(1) + ' ', text, flags=re.M)  # demote headings
    parts.append(text.strip() + '\n\n')
(root/'BENCHMARKS.md').write_text(''.join(parts).rstrip() + '\n')
print('ok', [n for n in order if (root/'benchmarks'/f'results_{n}.md').exists()])
