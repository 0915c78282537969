#!/usr/bin/env bash
# Screenshots of the report of examples/quick.toml, for docs/reports.md ("Before and after").
#
#   examples/report-screenshots.sh            # writes docs/img/reports/after/
#   examples/report-screenshots.sh before     # writes docs/img/reports/before/
#   IBITS=/path/to/ibits examples/report-screenshots.sh before   # use that binary, no build
#
# Builds the release binary, runs `ibits sweep examples/quick.toml` in a temporary folder,
# writes the report as Markdown (charts as PNG) and as HTML, and renders with headless
# Chromium: one chart of every kind (re-encoded at its own size, which keeps each PNG small)
# and two views of the HTML page (its top, and the comparisons section). Needs Chromium:
# on Debian `apt-get install -y chromium` (done here when missing and running as root).
# Not part of `cargo test`: it needs a browser and takes about a minute.
set -euo pipefail

name="${1:-after}"
case "$name" in
  */* | .* | "") echo "usage: $0 [before|after|NAME]" >&2; exit 2 ;;
esac
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
dest="$root/docs/img/reports/$name"

browser=""
for candidate in chromium chromium-browser google-chrome; do
  if command -v "$candidate" >/dev/null 2>&1; then browser="$candidate"; break; fi
done
if [ -z "$browser" ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    apt-get install -y chromium >/dev/null
    browser=chromium
  else
    echo "needs Chromium (Debian: apt-get install -y chromium)" >&2
    exit 1
  fi
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

if [ -n "${IBITS:-}" ]; then
  ibits="$IBITS"
else
  (cd "$root" && cargo build --release -p ibits-cli)
  ibits="$root/target/release/ibits"
fi
"$ibits" sweep "$root/examples/quick.toml" --out "$work/quick" >"$work/sweep.log" 2>&1
"$ibits" report "$work/quick" --out "$work/md" >/dev/null
"$ibits" report "$work/quick" --format html --out "$work/html" >/dev/null

# shot OUT.png WIDTH HEIGHT URL [chromium flags...]: a screenshot of the first WIDTH x HEIGHT
# CSS pixels of the page.
shot() {
  local out="$1" width="$2" height="$3" url="$4"
  shift 4
  local profile
  profile="$(mktemp -d)"
  "$browser" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync \
    --user-data-dir="$profile" --hide-scrollbars --virtual-time-budget=5000 \
    --window-size="$width,$height" --screenshot="$out" "$@" "$url" >"$work/chromium.log" 2>&1 || {
    cat "$work/chromium.log" >&2
    rm -rf "$profile"
    return 1
  }
  rm -rf "$profile"
  [ -s "$out" ] || { echo "no screenshot $out" >&2; return 1; }
}

# png_size FILE: "WIDTH HEIGHT" from the PNG header.
png_size() {
  od -An -tu1 -j16 -N8 "$1" | awk '{print $1*16777216+$2*65536+$3*256+$4, $5*16777216+$6*65536+$7*256+$8}'
}

rm -rf "$dest"
mkdir -p "$dest"

# One chart of every kind. hist-cell-0003 (depth-2 NNGP, m = 2, n = 100) and bits-vs-n-02 are
# the charts the reports issue named; bits-vs-eps-cell-0005 (NTK, m = 2, n = 100) has a
# counting marker.
for stem in hist-cell-0003 bits-vs-eps-cell-0005 compare-01 bits-vs-n-02 bits-vs-dim-01; do
  png="$work/md/plots/$stem.png"
  [ -f "$png" ] || { echo "the report has no $stem.png" >&2; exit 1; }
  read -r width height < <(png_size "$png")
  printf '<html><body style="margin:0"><img src="%s" style="display:block;width:%spx;height:%spx"></body></html>\n' \
    "file://$png" "$width" "$height" >"$work/$stem.html"
  shot "$dest/$stem.png" "$width" "$height" "file://$work/$stem.html"
done

# The HTML page: its top (title, summary table, first histogram) and the page from the
# comparisons heading on (headless screenshots do not scroll, so that view is a copy of the
# page without what comes before the heading), rendered at 0.6 scale.
page="$work/html/report.html"
awk '{print} /<body>/{exit}' "$page" >"$work/page-comparisons.html"
awk 'found || /<h2>Comparisons/{found=1; print}' "$page" >>"$work/page-comparisons.html"
shot "$dest/page-top.png" 1280 1700 "file://$page" --force-device-scale-factor=0.6
shot "$dest/page-comparisons.png" 1280 1700 "file://$work/page-comparisons.html" \
  --force-device-scale-factor=0.6

ls -l "$dest"
du -sh "$dest"
