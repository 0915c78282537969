#!/usr/bin/env python3
"""Side-by-side run of the fitted path's maximum-likelihood fit: scipy vs ibits.

For each law s*ncx2(df, nc) and sample size S, draws S samples with numpy (seeded), then
  * fits them with scipy.stats.ncx2.fit(x, floc=0) -- the paper's code -- timing one call, and
  * fits the same samples (written to a text file with 17 significant digits) with ibits'
    `fit_ncx2` through the `fit_timing` example (best of --repeat runs, one process),
and prints a Markdown table with both maximised log-likelihoods (each evaluated by scipy's own
ncx2.logpdf, and ibits' by ibits too), both times and the ratio. Both run one after the other
on the same machine, in one invocation of this script.

Usage:
  cargo build --release -p ibits-stats --example fit_timing
  python3 benches/scipy_fit.py [--binary target/release/examples/fit_timing] [--sizes 100 10000]
"""
import argparse
import json
import os
import platform
import subprocess
import tempfile
import time

import numpy as np
import scipy
from scipy.stats import ncx2

LAWS = [(5.0, 3.0, 1.0), (100.0, 50.0, 0.01), (1000.0, 300.0, 1e-3), (20.0, 200.0, 1.0)]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--binary", default=os.path.join(
        os.environ.get("CARGO_TARGET_DIR", "target"), "release", "examples", "fit_timing"))
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 10000])
    parser.add_argument("--seed", type=int, default=12345)
    parser.add_argument("--repeat", type=int, default=3, help="ibits fits per file (best time)")
    args = parser.parse_args()

    rng = np.random.default_rng(args.seed)
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        jobs = []
        for df, nc, scale in LAWS:
            for size in args.sizes:
                x = ncx2.rvs(df, nc, scale=scale, size=size, random_state=rng)
                path = os.path.join(tmp, f"df{df}_nc{nc}_s{scale}_n{size}.txt")
                with open(path, "w") as f:
                    f.write("\n".join(f"{v:.17g}" for v in x) + "\n")
                start = time.perf_counter()
                fdf, fnc, _, fscale = ncx2.fit(x, floc=0)
                seconds = time.perf_counter() - start
                loglik = float(np.sum(ncx2.logpdf(x, fdf, fnc, 0, fscale)))
                jobs.append((df, nc, scale, size, x, path, (fdf, fnc, fscale, loglik, seconds)))
        out = subprocess.run([args.binary, "--repeat", str(args.repeat)] + [j[5] for j in jobs],
                             check=True, capture_output=True, text=True).stdout
        ours = [json.loads(line) for line in out.splitlines() if line.strip()]
    for job, mine in zip(jobs, ours):
        df, nc, scale, size, x, _, (fdf, fnc, fscale, loglik, seconds) = job
        ours_by_scipy = float(np.sum(ncx2.logpdf(x, mine["df"], mine["nc"], 0, mine["scale"])))
        rows.append((df, nc, scale, size, fdf, fnc, fscale, loglik, mine, ours_by_scipy, seconds))

    print(f"scipy {scipy.__version__}, numpy {np.__version__}, Python {platform.python_version()}, "
          f"{platform.machine()}, {os.cpu_count()} logical CPUs; seed {args.seed}\n")
    print("| law (df, nc, s) | S | scipy fit (df, nc, s) | scipy log-lik | ibits fit (df, nc, s) "
          "| ibits log-lik (by scipy / by ibits) | ibits - scipy | scipy time | ibits time | speed-up |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for df, nc, scale, size, fdf, fnc, fscale, loglik, mine, ours_by_scipy, seconds in rows:
        print(f"| ({df:g}, {nc:g}, {scale:g}) | {size} | ({fdf:.4g}, {fnc:.4g}, {fscale:.4g}) | {loglik:.4f} "
              f"| ({mine['df']:.4g}, {mine['nc']:.4g}, {mine['scale']:.4g}) "
              f"| {ours_by_scipy:.4f} / {mine['log_likelihood']:.4f} | {ours_by_scipy - loglik:+.4f} "
              f"| {seconds * 1e3:.1f} ms | {mine['seconds'] * 1e3:.2f} ms | {seconds / mine['seconds']:.0f}x |")


if __name__ == "__main__":
    main()
