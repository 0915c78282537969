#!/usr/bin/env bash
# Reproduction study (docs/results.md), part 5: the `ibits models` and `ibits bound` runs.
#
#   examples/paper-models.sh [OUT]        # default OUT = paper; run from the repository root
#
# Writes OUT/models/*.txt (bits that model classes provide relative to a hypothesis space:
# claim 2) and OUT/bound/*.txt and *.json (the ICML 2023 upper bound, from the paper's constants
# and measured on the study's tasks), and the wall time of each command to OUT/times.tsv.
# Set IBITS to the binary (default target/release/ibits). Fashion-MNIST must be in
# data/fashion-mnist/ (see examples/paper-tasks.toml); without it those runs fail and the
# others go on.
set -u
OUT=${1:-paper}
IBITS=${IBITS:-target/release/ibits}
mkdir -p "$OUT/models" "$OUT/bound"
run() { # run NAME FILE ARGS...: time one command, keep its output
  local name=$1 file=$2; shift 2
  local t0 t1
  t0=$(date +%s.%N)
  "$IBITS" "$@" >"$file" 2>&1 || echo "warning: $name exited with $?" >&2
  t1=$(date +%s.%N)
  printf '%s\t%.1f\t%s\n' "$name" "$(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }')" "ibits $*" >>"$OUT/times.tsv"
}

# Claim 2: bits provided by model classes (ridge, k-NN, GP means, MLPs) relative to a broad GP
# space (RBF, median bandwidth) and to the NNGP of a depth-2 ReLU MLP (sigma_w = sqrt 2,
# sigma_b = 0.1: the kernel defaults); stratified n training and N test rows (seed 0);
# S = 2000 posterior samples, seed 0.
MLP="--mlp-widths 64,256,1024 --mlp-depths 1,2 --mlp-networks 3 --epochs 30 --batch-size 64 --lr 0.001 --precision f32"
for task in mnist idx:data/fashion-mnist; do
  tag=${task##*/}
  run "models-$tag-rbf" "$OUT/models/$tag-rbf.txt" models --task "$task" --subset stratified --n-train 1000 --n-test 1000 \
    --kernel rbf --bandwidth median --samples 2000 --bootstrap 200 --seed 0 $MLP
  run "models-$tag-nngp" "$OUT/models/$tag-nngp.txt" models --task "$task" --subset stratified --n-train 1000 --n-test 1000 \
    --kernel nngp-relu --depth 2 --samples 2000 --bootstrap 200 --seed 0 $MLP
done
run "models-digits-rbf" "$OUT/models/digits-rbf.txt" models --task digits --subset stratified --n-train 1000 --n-test 500 \
  --kernel rbf --bandwidth median --samples 2000 --bootstrap 200 --seed 0 $MLP
run "models-digits-nngp" "$OUT/models/digits-nngp.txt" models --task digits --subset stratified --n-train 1000 --n-test 500 \
  --kernel nngp-relu --depth 2 --samples 2000 --bootstrap 200 --seed 0 $MLP
run "models-breast-cancer-rbf" "$OUT/models/breast-cancer-rbf.txt" models --task breast-cancer --subset stratified --n-train 300 --n-test 200 \
  --kernel rbf --bandwidth median --samples 2000 --bootstrap 200 --seed 0 \
  --mlp-widths 64,256 --mlp-depths 1,2 --mlp-networks 3 --epochs 100 --batch-size 32 --lr 0.001
# Relative to trained networks themselves (space A: 100 trained 784-256-256-10 MLPs, PyTorch
# initialisation; space B: their NNGP), MNIST n = 1000, N = 1000.
run "models-mnist-mlp" "$OUT/models/mnist-mlp.txt" models --task mnist --subset stratified --n-train 1000 --n-test 1000 \
  --space mlp --width 256 --depth 2 --epochs 20 --batch-size 64 --samples 100 --bootstrap 200 --seed 0 --no-advice \
  --precision f32 --mlp-widths 64,256 --mlp-depths 1,2

# The ICML 2023 bound: the paper's four presets, then measured on the study's tasks (whole
# training split, and n = 1000 as in the direct estimates), eps = 0.01 (an error rate).
for preset in mnist svhn cifar10 imagenet; do
  run "bound-preset-$preset" "$OUT/bound/preset-$preset.txt" bound --preset "$preset"
done
for task in mnist idx:data/fashion-mnist digits breast-cancer vehicle wine-quality-red; do
  tag=${task##*/}
  run "bound-$tag" "$OUT/bound/$tag.json" bound --task "$task" --eps 0.01 --json
done
for task in mnist idx:data/fashion-mnist digits; do
  tag=${task##*/}
  run "bound-$tag-n1000" "$OUT/bound/$tag-n1000.json" bound --task "$task" --subset stratified --n-train 1000 --eps 0.01 --json
done
for m in 1 2 4 8 16 32; do
  run "bound-synthetic-m$m" "$OUT/bound/synthetic-m$m.json" bound --task synthetic --intrinsic-dim "$m" \
    --ambient-dim 64 --outputs 2 --n-train 1000 --eps 0.01 --json
done
