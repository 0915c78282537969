#!/usr/bin/env python3
"""ibits.law.ncx2_logcdf (the Python package) against scipy.stats.ncx2.logcdf on the same
10^6 points, in one run: the ratio of times, and the agreement where scipy is finite and
accurate (docs/benchmarks.md, "Python: ncx2_logcdf on 10^6 points").

Run:  pip install ./python scipy ; python3 benches/python_ncx2.py [points] [threads]
"""
import os
import platform
import sys
import time

N = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
if len(sys.argv) > 2:
    os.environ["RAYON_NUM_THREADS"] = sys.argv[2]

import numpy as np  # noqa: E402
import scipy  # noqa: E402
from scipy import stats  # noqa: E402

import ibits  # noqa: E402


def best_of(f, repeats=3):
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        out = f()
        times.append(time.perf_counter() - start)
    return min(times), out


def main():
    rng = np.random.default_rng(0)
    # Points spread over the regimes a test-error law meets: df 0.1..1e4, nc 0 (a fifth) or
    # 0.01..1e4, x from 1e-3 to 10x the mean.
    df = 10 ** rng.uniform(-1, 4, N)
    nc = np.where(rng.random(N) < 0.2, 0.0, 10 ** rng.uniform(-2, 4, N))
    x = (df + nc) * 10 ** rng.uniform(-3, 1, N)
    print(f"ibits {ibits.__version__}, scipy {scipy.__version__}, numpy {np.__version__}, "
          f"Python {platform.python_version()}, {platform.machine()}, {os.cpu_count()} cores, "
          f"RAYON_NUM_THREADS={os.environ.get('RAYON_NUM_THREADS', 'unset')}")
    t_ibits, ours = best_of(lambda: ibits.law.ncx2_logcdf(x, df, nc))
    with np.errstate(all="ignore"):
        t_scipy, theirs = best_of(lambda: stats.ncx2.logcdf(x, df, nc))
    finite = np.isfinite(theirs)
    # scipy's CDF is accurate where it is neither tiny (its series loses digits below ~1e-20)
    # nor within rounding of 1 (ln F ~ -1e-16 carries no digits).
    accurate = finite & (theirs > -40) & (theirs < -1e-8)
    rel = np.abs(ours[accurate] - theirs[accurate]) / np.abs(theirs[accurate])
    print(f"points                      {N}")
    print(f"ibits  ncx2_logcdf          {t_ibits:.3f} s  ({N / t_ibits / 1e6:.2f} M points/s)")
    print(f"scipy  ncx2.logcdf          {t_scipy:.3f} s  ({N / t_scipy / 1e6:.2f} M points/s)")
    print(f"time ratio scipy / ibits    {t_scipy / t_ibits:.1f}x")
    print(f"scipy -inf or nan           {np.count_nonzero(~finite)} points; ibits finite there: "
          f"{np.count_nonzero(np.isfinite(ours[~finite]))}")
    print(f"compared (-40 < ln F < -1e-8 in scipy)  {np.count_nonzero(accurate)} points")
    print(f"relative difference         median {np.median(rel):.1e}, 99.9% {np.quantile(rel, 0.999):.1e}, "
          f"max {rel.max():.1e}")


if __name__ == "__main__":
    main()
