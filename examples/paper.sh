#!/usr/bin/env bash
# Regenerate every table and figure of the reproduction study (docs/results.md).
#
#   cargo build --release -p ibits-cli
#   examples/paper.sh [OUT]               # default OUT = paper; run from the repository root
#
# Runs the five sweeps (paper-tasks, paper-uci, paper-dimension, paper-dimension-seeds,
# paper-architectures), their reports (OUT/<part>/report/report.md and plots/), and
# examples/paper-models.sh (model classes and the 2023 bound). Wall time per command goes to
# OUT/times.tsv; the whole run took 10 min 9 s on a shared 2-core machine. Then
# `python3 examples/paper-tables.py OUT` prints every table of docs/results.md.
# Re-running resumes the sweeps (finished cells are skipped) and re-runs the models and bounds.
# Fashion-MNIST must be in data/fashion-mnist/ (see examples/paper-tasks.toml).
set -u
OUT=${1:-paper}
export IBITS=${IBITS:-target/release/ibits}
mkdir -p "$OUT"
: >"$OUT/times.tsv"
for part in tasks uci dimension dimension-seeds architectures; do
  t0=$(date +%s.%N)
  "$IBITS" sweep "examples/paper-$part.toml" --out "$OUT/$part" || echo "warning: sweep $part exited with $?" >&2
  "$IBITS" report "$OUT/$part" >/dev/null || echo "warning: report $part exited with $?" >&2
  t1=$(date +%s.%N)
  printf '%s\t%.1f\t%s\n' "sweep-$part" "$(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }')" "ibits sweep examples/paper-$part.toml --out $OUT/$part && ibits report $OUT/$part" >>"$OUT/times.tsv"
done
"$(dirname "$0")/paper-models.sh" "$OUT"
awk -F'\t' '{ s += $2 } END { printf "total\t%.1f\n", s }' "$OUT/times.tsv" >>"$OUT/times.tsv"
cat "$OUT/times.tsv"
