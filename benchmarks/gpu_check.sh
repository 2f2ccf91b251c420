#!/usr/bin/env bash
# The GPU check (see benchmarks/gpu_check.py): at most 8 minutes on one GPU, one markdown file.
#   bash benchmarks/gpu_check.sh [--device cuda] [--out benchmarks/results_gpu.md]
#   bash benchmarks/gpu_check.sh --device cpu --dry-run --out /tmp/gpu_check.md     # checks the script on a CPU
set -euo pipefail
cd "$(dirname "$0")/.."
exec timeout 480 python benchmarks/gpu_check.py "$@"
