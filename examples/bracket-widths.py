#!/usr/bin/env python3
"""Widths of the certified brackets of the exact bits over sweep directories (docs/validation.md,
"Certified brackets on the reproduction study").

    python3 examples/bracket-widths.py paper/tasks paper/uci paper/dimension ...

Reads every DIR/results.jsonl, keeps the GP cells (exact bits present) with N >= 200 test
points, and prints: how many targets are certified, the distribution of the bracket width
upper - lower (bits) and of the width relative to the bits, and the cells where the width
exceeds max(0.5 bits, 1% of the bits) (the issue's target), with their route-relevant fields.
"""
import json
import math
import sys
from pathlib import Path


def quantiles(values, qs=(0.5, 0.9, 0.99, 1.0)):
    v = sorted(values)
    if not v:
        return {}
    return {q: v[min(len(v) - 1, int(math.ceil(q * len(v))) - 1)] for q in qs}


def main(dirs):
    rows = []
    for d in dirs:
        path = Path(d) / "results.jsonl"
        if not path.is_file():
            print(f"{path}: missing", file=sys.stderr)
            continue
        for line in path.read_text().splitlines():
            rec = json.loads(line)["record"]
            if rec.get("test_n", 0) < 200:
                continue
            label = rec.get("space_label") or rec.get("space")
            for e in rec["estimates"]:
                if e.get("exact_bits") is None:
                    continue
                rows.append((Path(d).name, rec["task"], label, rec["n"], rec["test_n"], e))
    certified = [r for r in rows if r[5].get("exact_upper_bits") is not None]
    print(f"GP targets with N >= 200: {len(rows)}; certified (finite upper end): {len(certified)}")
    widths = [r[5]["exact_upper_bits"] - r[5]["exact_lower_bits"] for r in certified]
    rel = [w / max(r[5]["exact_bits"], 1e-300) for w, r in zip(widths, certified)]
    for name, values in (("width (bits)", widths), ("width / bits", rel)):
        q = quantiles(values)
        print(f"{name:14s} " + "  ".join(f"q{int(k * 100)} {v:.3g}" for k, v in q.items()))
    over = [
        (w, r) for w, r in zip(widths, certified) if w > max(0.5, 0.01 * r[5]["exact_bits"])
    ]
    print(f"over max(0.5 bits, 1% of the bits): {len(over)}")
    for w, r in sorted(over, key=lambda t: -t[0])[:20]:
        e = r[5]
        print(f"  {r[0]:14s} {r[1]:28s} {r[2]:28s} n={r[3]:<5} N={r[4]:<5} eps={e['eps']:.4g} "
              f"bits={e['exact_bits']:.5g} [{e['exact_lower_bits']:.5g}, {e['exact_upper_bits']:.5g}] "
              f"method={e.get('exact_method')}")
    uncertified = [r for r in rows if r[5].get("exact_upper_bits") is None]
    for r in uncertified[:20]:
        e = r[5]
        print(f"  not certified: {r[0]} {r[1]} {r[2]} n={r[3]} N={r[4]} eps={e['eps']:.4g} "
              f"bits={e['exact_bits']:.5g}")


if __name__ == "__main__":
    main(sys.argv[1:])
