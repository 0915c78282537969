#!/usr/bin/env python3
"""Straightforward numpy/scipy implementation of the exact GP inductive-bias computation.

This is the baseline of docs/benchmarks.md ("GP") and the float64 independent check of
tests/reference/gp/. It implements the same closed form as ibits (DESIGN.md section 2a) the
obvious way:

    K_XX, K_XT, K_TT            RBF kernel, amplitude * exp(-||x - y||^2 / (2 bandwidth^2))
    L L^T = K_XX + delta I      scipy.linalg.cholesky
    V = L^-1 K_XT               scipy.linalg.solve_triangular
    mu = V^T L^-1 Y,  Sigma = K_TT - V^T V  (symmetrised)
    Sigma = U diag(l) U^T       numpy.linalg.eigh (full eigenvectors)
    B = U^T (mu - Y_T)
    e ~ sum_j (l_j/(N k)) chi'^2_k(d_j),   c_j = sum_c B_jc^2 / (N k)
    K'(t) = eps                 scipy.optimize.brentq on t < 0
    ln P[e <= eps]              Lugannani-Rice with Daniels' second-order term, in log space

Usage:
    python3 benches/numpy_gp.py --n-train 2000 --n-test 2000 [--bandwidth median|VALUE]
        [--target-rel 0.5] [--repeat 3] [--threads 2] [--json]

MNIST is read from data/mnist (first n training / first N test images, pixels / 255), as
ibits does by default. Thread count: set before numpy is imported (OPENBLAS_NUM_THREADS etc.).
"""

import argparse
import gzip
import json
import math
import os
import sys
import time


def _set_threads(argv):
    for i, a in enumerate(argv):
        if a == "--threads" and i + 1 < len(argv):
            for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
                os.environ[var] = argv[i + 1]


_set_threads(sys.argv)

import numpy as np  # noqa: E402
import scipy.linalg  # noqa: E402
import scipy.optimize  # noqa: E402
import scipy.special  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
LN2 = math.log(2.0)


def read_idx(path):
    with gzip.open(path, "rb") as f:
        data = f.read()
    ndim = data[3]
    dims = [int.from_bytes(data[4 + 4 * i: 8 + 4 * i], "big") for i in range(ndim)]
    arr = np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * ndim)
    return arr.reshape(dims)


def load_mnist(n_train, n_test):
    d = os.path.join(ROOT, "data", "mnist")
    xtr = read_idx(os.path.join(d, "train-images-idx3-ubyte.gz"))[:n_train].reshape(n_train, -1) / 255.0
    ytr = read_idx(os.path.join(d, "train-labels-idx1-ubyte.gz"))[:n_train]
    xte = read_idx(os.path.join(d, "t10k-images-idx3-ubyte.gz"))[:n_test].reshape(n_test, -1) / 255.0
    yte = read_idx(os.path.join(d, "t10k-labels-idx1-ubyte.gz"))[:n_test]
    return xtr, np.eye(10)[ytr], xte, np.eye(10)[yte]


def median_distance(x, max_points=1000):
    """Median of ||x_i - x_j|| over pairs i < j of the first max_points rows (numpy median)."""
    h = x[:max_points]
    sq = np.sum(h * h, axis=1)
    d2 = sq[:, None] + sq[None, :] - 2.0 * h @ h.T
    iu = np.triu_indices(h.shape[0], 1)
    return float(np.median(np.sqrt(np.maximum(d2[iu], 0.0))))


def rbf(a, b, bandwidth, amplitude):
    sa = np.sum(a * a, axis=1)
    sb = np.sum(b * b, axis=1)
    d2 = np.maximum(sa[:, None] + sb[None, :] - 2.0 * a @ b.T, 0.0)
    return amplitude * np.exp(-d2 / (2.0 * bandwidth * bandwidth))


def posterior_spectrum(K_XX, K_XT, K_TT, Y, Y_T, jitter):
    """Eigenvalues l (clipped at 0) and B = U^T (mu - Y_T) of the GP posterior on the test set."""
    n = K_XX.shape[0]
    L = scipy.linalg.cholesky(K_XX + jitter * np.eye(n), lower=True, check_finite=False)
    V = scipy.linalg.solve_triangular(L, K_XT, lower=True, check_finite=False)
    alpha = scipy.linalg.solve_triangular(L, Y, lower=True, check_finite=False)
    mu = V.T @ alpha
    Sigma = K_TT - V.T @ V
    Sigma = 0.5 * (Sigma + Sigma.T)
    l, U = np.linalg.eigh(Sigma)
    B = U.T @ (mu - Y_T)
    return np.maximum(l, 0.0), B


def law_terms(l, B):
    """(w_j, m, c_j) of e = sum_j w_j chi'^2_m(c_j / w_j), zero weights moved to the offset."""
    N, k = B.shape
    w = l / (N * k)
    c = np.sum(B * B, axis=1) / (N * k)
    keep = w > max(1e-300, 1e-15 * w.max())
    return w[keep], float(k), c[keep], float(np.sum(c[~keep]))


def cumulants(t, w, m, c, offset):
    """K(t), K'(t), ..., K''''(t) of the generalized chi-squared law."""
    a = 1.0 - 2.0 * w * t
    K0 = offset * t + np.sum(-0.5 * m * np.log(a) + c * t / a)
    K1 = offset + np.sum(m * w / a + c / a ** 2)
    K2 = np.sum(2.0 * m * w ** 2 / a ** 2 + 4.0 * c * w / a ** 3)
    K3 = np.sum(8.0 * m * w ** 3 / a ** 3 + 24.0 * c * w ** 2 / a ** 4)
    K4 = np.sum(48.0 * m * w ** 4 / a ** 4 + 192.0 * c * w ** 3 / a ** 5)
    return K0, K1, K2, K3, K4


def saddlepoint_log_cdf(w, m, c, offset, eps):
    """ln P[e <= eps] (eps below the mean) by second-order Lugannani-Rice, in log space."""
    f = lambda t: cumulants(t, w, m, c, offset)[1] - eps  # noqa: E731
    lo = -1.0
    while f(lo) > 0.0:
        lo *= 4.0
    t = scipy.optimize.brentq(f, lo, 0.0, xtol=1e-300, rtol=4 * np.finfo(float).eps, maxiter=1000)
    K0, _, K2, K3, K4 = cumulants(t, w, m, c, offset)
    what = -math.sqrt(max(2.0 * (t * eps - K0), 0.0))
    uhat = t * math.sqrt(K2)
    l3, l4 = K3 / K2 ** 1.5, K4 / K2 ** 2
    bracket = 1.0 / what - 1.0 / uhat - ((l4 / 8 - 5 * l3 ** 2 / 24) / uhat - l3 / (2 * uhat ** 2)
                                         - 1.0 / uhat ** 3 + 1.0 / what ** 3)
    log_phi = -0.5 * what * what - 0.5 * math.log(2 * math.pi)
    mills = math.exp(float(scipy.special.log_ndtr(what)) - log_phi)
    return log_phi + math.log(mills + bracket), t


def bits_from_spectrum(l, B, eps_list):
    w, m, c, offset = law_terms(l, B)
    out = []
    for eps in eps_list:
        ln_p, _ = saddlepoint_log_cdf(w, m, c, offset, eps)
        out.append(-ln_p / LN2)
    return out


def mean_error(l, B):
    N, k = B.shape
    return float((k * np.sum(l) + np.sum(B * B)) / (N * k))


def run(n_train, n_test, bandwidth, amplitude, target_rel, jitter_rel):
    t0 = time.perf_counter()
    xtr, ytr, xte, yte = load_mnist(n_train, n_test)
    t_load = time.perf_counter() - t0
    t0 = time.perf_counter()
    bw = median_distance(xtr) if bandwidth == "median" else float(bandwidth)
    K_XX = rbf(xtr, xtr, bw, amplitude)
    K_XT = rbf(xtr, xte, bw, amplitude)
    K_TT = rbf(xte, xte, bw, amplitude)
    t_kernel = time.perf_counter() - t0
    t1 = time.perf_counter()
    jitter = jitter_rel * float(np.mean(np.diag(K_XX)))
    l, B = posterior_spectrum(K_XX, K_XT, K_TT, ytr, yte, jitter)
    t_post = time.perf_counter() - t1
    t2 = time.perf_counter()
    me = mean_error(l, B)
    eps = [r * me for r in target_rel]
    bits = bits_from_spectrum(l, B, eps)
    t_law = time.perf_counter() - t2
    return {
        "n_train": n_train, "n_test": n_test, "bandwidth": bw, "amplitude": amplitude,
        "jitter": jitter, "mean_error": me, "targets_rel": target_rel, "eps": eps,
        "saddlepoint_bits": bits, "unit": "bits",
        "seconds": {"load": t_load, "kernel": t_kernel, "posterior_and_eigh": t_post,
                    "saddlepoint": t_law, "total_without_load": t_kernel + t_post + t_law},
    }


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--n-train", type=int, default=2000)
    p.add_argument("--n-test", type=int, default=2000)
    p.add_argument("--bandwidth", default="median")
    p.add_argument("--amplitude", type=float, default=1.0)
    p.add_argument("--target-rel", default="0.5")
    p.add_argument("--jitter-rel", type=float, default=1e-10)
    p.add_argument("--repeat", type=int, default=1)
    p.add_argument("--threads", type=int, default=None)
    p.add_argument("--json", action="store_true")
    a = p.parse_args()
    rel = [float(v) for v in a.target_rel.split(",")]
    runs = [run(a.n_train, a.n_test, a.bandwidth, a.amplitude, rel, a.jitter_rel) for _ in range(a.repeat)]
    best = min(runs, key=lambda r: r["seconds"]["total_without_load"])
    best["repeats"] = [r["seconds"]["total_without_load"] for r in runs]
    if a.json:
        print(json.dumps(best, indent=2))
    else:
        s = best["seconds"]
        print(f"numpy/scipy GP exact path, MNIST n = {a.n_train}, N = {a.n_test}, bandwidth {best['bandwidth']:.6g}")
        print(f"  mean error {best['mean_error']:.6g}")
        for r, e, b in zip(rel, best["eps"], best["saddlepoint_bits"]):
            print(f"  eps = {r} x mean = {e:.6g}: {b:.6f} bits (saddlepoint)")
        print(f"  time: kernel {s['kernel']:.3f} s, cholesky+eigh {s['posterior_and_eigh']:.3f} s, "
              f"saddlepoint {s['saddlepoint']:.3f} s, total {s['total_without_load']:.3f} s "
              f"(best of {a.repeat})")


if __name__ == "__main__":
    main()
