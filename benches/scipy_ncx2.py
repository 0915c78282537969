#!/usr/bin/env python3
"""Baseline for crates/ibits-stats/benches/ncx2.rs: scipy.stats.ncx2.logcdf on the same points.

Prints scipy's value next to the 50-digit reference of tests/reference/ncx2/ncx2.json (where the
point is there) and the time per call, and marks where scipy returns -inf.

Run:  pip install scipy numpy ; python3 benches/scipy_ncx2.py
"""
import json
import os
import platform
import timeit

import numpy as np
import scipy
from scipy.stats import ncx2

# (df, nc, x) — keep in sync with POINTS in crates/ibits-stats/benches/ncx2.rs.
POINTS = [
    (10.0, 5.0, 2.0), (100.0, 20.0, 50.0), (1000.0, 200.0, 500.0), (1000.0, 1000.0, 300.0),
    (10000.0, 2000.0, 5000.0), (10000.0, 2000.0, 2000.0),
    (200.0, 100.0, 5.0), (1000.0, 500.0, 240.0), (1000.0, 500.0, 150.0), (400.0, 50.0, 2.0),
    (400.0, 50.0, 0.1),
    (1.0, 1e5, 1e5), (1e4, 1e4, 3e4), (1e5, 1e5, 1e-4),
]

HERE = os.path.dirname(os.path.abspath(__file__))
REF = os.path.join(HERE, "..", "tests", "reference", "ncx2", "ncx2.json")


def main():
    with open(REF) as fh:
        ref = {(p["df"], p["nc"], p["x"]): float(p["log_cdf"]) for p in json.load(fh)["points"]}
    print(f"scipy {scipy.__version__}, numpy {np.__version__}, Python {platform.python_version()}, "
          f"{platform.machine()}")
    print(f"{'df':>8} {'nc':>8} {'x':>8} {'scipy ln F':>24} {'reference ln F':>24} {'us/call':>9}")
    total = 0.0
    for df, nc, x in POINTS:
        value = float(ncx2.logcdf(x, df, nc))
        timer = timeit.Timer(lambda: ncx2.logcdf(x, df, nc))
        loops, _ = timer.autorange()
        best = min(timer.repeat(repeat=5, number=loops)) / loops
        total += best
        want = ref.get((df, nc, x))
        flag = "  <- scipy -inf" if value == -np.inf else ""
        want_text = f"{want:24.16g}" if want is not None else f"{'':>24}"
        print(f"{df:8g} {nc:8g} {x:8g} {value:24.16g} {want_text} {best * 1e6:9.1f}{flag}")
    print(f"sum over {len(POINTS)} points: {total * 1e6:.1f} us")


if __name__ == "__main__":
    main()
