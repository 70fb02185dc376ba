#!/usr/bin/env bash
# The GPU CI recipe of docs/gpu-ci.md, end to end, in a scratch folder:
#   1. a trusted run, promoted to a baseline (what you commit under baselines/)
#   2. a pull request's run of the same config
#   3. the gate: current vs baseline, exit 0 pass / 1 regression / 2 inconclusive
# Default config: the tiny generated models on CPU (configs/examples/gpu-ci-tiny.yaml); on a GPU runner
# pass configs/gpu-ci.yaml. WORK=<dir> keeps the results somewhere you choose.
set -euo pipefail
cd "$(dirname "$0")/.."
config="${1:-configs/examples/gpu-ci-tiny.yaml}"
work="${WORK:-$(mktemp -d)}"
vlmbench() { node bin/vlmbench.js "$@"; }

echo "== 1. trusted run and baseline ($config)"
vlmbench run "$config" --run-id trusted --out "$work/results"
vlmbench baseline promote "$work/results/trusted" --to "$work/baselines/gpu-ci"

echo "== 2. the pull request's run"
vlmbench run "$config" --run-id pr --out "$work/results"

echo "== 3. gate"
vlmbench gate --baseline "$work/baselines/gpu-ci" --current "$work/results/pr" --policy configs/gate.yaml
echo "recipe passed: baseline $work/baselines/gpu-ci, report $work/results/pr/report.html"
