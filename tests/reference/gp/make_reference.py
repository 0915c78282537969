#!/usr/bin/env python3
"""Reference values for the exact GP path of ibits (crates/ibits/tests/gp_reference.rs).

Two independent computations of the same posterior and law, on small cases:

1. 50-digit arithmetic (mpmath 1.3): kernel, Cholesky of K_XX + delta I, mu, Sigma, its
   eigendecomposition (mp.eigsy), B = U^T (mu - Y_T), and ln P[e <= eps] by Ruben's series
   (all terms positive, summed until the truncation bound is below 1e-30 of the sum). For the
   isotropic case, the closed form: e = (a/(N k)) chi'^2_{N k}(||Y_T||^2 / a), whose CDF is the
   Poisson mixture of central chi-squared CDFs.
2. float64 numpy/scipy (benches/numpy_gp.py): Cholesky, eigh, second-order Lugannani-Rice
   saddlepoint by root-finding.

Run from the repository root:  python3 tests/reference/gp/make_reference.py
Writes tests/reference/gp/gp_reference.json. Inputs are stored exactly (float repr).
"""

import json
import math
import os
import sys

import mpmath as mp
import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
sys.path.insert(0, os.path.join(ROOT, "benches"))
import numpy_gp  # noqa: E402

mp.mp.dps = 50
LN2 = mp.log(2)


def mp_rbf(a, b, bandwidth, amplitude):
    bw2 = 2 * mp.mpf(bandwidth) ** 2
    return mp.matrix([[mp.mpf(amplitude) * mp.exp(-sum((mp.mpf(p) - mp.mpf(q)) ** 2 for p, q in zip(x, y)) / bw2)
                       for y in b] for x in a])


def mp_relu_e(q11, q22, q12):
    s = mp.sqrt(q11 * q22)
    rho = max(min(q12 / s, mp.mpf(1)), mp.mpf(-1))
    th = mp.acos(rho)
    return s / (2 * mp.pi) * (mp.sin(th) + (mp.pi - th) * mp.cos(th))


def mp_nngp_relu(a, b, depth, sw, sb):
    sw2, sb2 = mp.mpf(sw) ** 2, mp.mpf(sb) ** 2
    d = len(a[0])

    def q0(x, y):
        return sb2 + sw2 * sum(mp.mpf(p) * mp.mpf(q) for p, q in zip(x, y)) / d

    out = mp.matrix(len(a), len(b))
    for i, x in enumerate(a):
        for j, y in enumerate(b):
            qxx, qyy, qxy = q0(x, x), q0(y, y), q0(x, y)
            for _ in range(depth):
                qxy = sb2 + sw2 * mp_relu_e(qxx, qyy, qxy)
                qxx = sb2 + sw2 * qxx / 2
                qyy = sb2 + sw2 * qyy / 2
            out[i, j] = qxy
    return out


def mp_spectrum(K_XX, K_XT, K_TT, Y, Y_T, jitter):
    n = K_XX.rows
    A = K_XX + mp.mpf(jitter) * mp.eye(n)
    L = mp.cholesky(A)
    V = L ** -1 * K_XT
    alpha = L ** -1 * Y
    mu = V.T * alpha
    Sigma = K_TT - V.T * V
    Sigma = (Sigma + Sigma.T) / 2
    E, Q = mp.eigsy(Sigma)
    print("  eigenvalues of Sigma: min", mp.nstr(min(E), 5), "max", mp.nstr(max(E), 5), flush=True)
    B = Q.T * (mu - Y_T)
    return [E[i] for i in range(E.rows)], B


def mp_law(l, B):
    N, k = B.rows, B.cols
    w = [li / (N * k) for li in l]
    d = [sum(B[j, c] ** 2 for c in range(k)) / l[j] for j in range(N)]
    return w, [k] * N, d


def mp_lower_gamma_reg(a, x):
    """Regularized lower incomplete gamma P(a, x): series for x < a + 1, else 1 - Q."""
    a, x = mp.mpf(a), mp.mpf(x)
    if x < a + 1:
        term = mp.mpf(1) / a
        total = term
        n = 1
        while True:
            term *= x / (a + n)
            total += term
            if term < total * mp.mpf(10) ** (-mp.mp.dps - 5):
                break
            n += 1
        return mp.exp(a * mp.log(x) - x - mp.loggamma(a)) * total
    return 1 - mp.gammainc(a, x, mp.inf, regularized=True)


def mp_ruben_log_cdf(w, m, d, x, rel=mp.mpf("1e-30"), max_terms=20000):
    """ln P[sum_j w_j chi'^2_{m_j}(d_j) <= x] by Ruben's series (Ruben 1962; Davies 1980 and
    the gx2 toolbox of Das & Geisler 2021 give the same coefficients), beta = 0.90625 min w."""
    beta = mp.mpf("0.90625") * min(w)
    M = sum(m)
    a0 = mp.exp(-sum(d) / 2) * mp.fprod([(beta / wj) ** (mj / mp.mpf(2)) for wj, mj in zip(w, m)])
    ratio = [1 - beta / wj for wj in w]
    powers = [mp.mpf(1) for _ in w]          # (1 - beta/w_j)^(j-1)
    dw = [dj / wj for wj, dj in zip(w, d)]
    a = [a0]
    g = [None]
    half_x = x / (2 * beta)
    total = a0 * mp_lower_gamma_reg(mp.mpf(M) / 2, half_x)
    acc = a0
    for j in range(1, max_terms):
        gj = beta * j * mp.fsum(p * q for p, q in zip(dw, powers))
        powers = [p * r for p, r in zip(powers, ratio)]
        gj += mp.fsum(mj * p for mj, p in zip(m, powers))
        g.append(gj)
        aj = mp.fsum(g[r] * a[j - r] for r in range(1, j + 1)) / (2 * j)
        a.append(aj)
        acc += aj
        F = mp_lower_gamma_reg(mp.mpf(M) / 2 + j, half_x)
        total += aj * F
        if F * (1 - acc) < rel * total:
            return mp.log(total), j + 1
    raise RuntimeError("Ruben's series did not converge")


def mp_ncx2_log_cdf(dof, nc, x):
    """ln P[chi'^2_dof(nc) <= x], Poisson mixture, 50 digits."""
    total = mp.mpf(0)
    i = 0
    half = mp.mpf(nc) / 2
    while True:
        term = mp.exp(-half + i * mp.log(half) - mp.loggamma(i + 1)) \
            * mp_lower_gamma_reg(mp.mpf(dof) / 2 + i, mp.mpf(x) / 2)
        total += term
        if i > half and term < mp.mpf("1e-40") * total:
            return mp.log(total)
        i += 1


def to_mp(a):
    return mp.matrix([[mp.mpf(float(v)) for v in row] for row in a])


def rounded(x):
    return float(x)


def case_data(seed, n, N, d, k, scale=1.0):
    rs = np.random.RandomState(seed)
    X = rs.randn(n, d) * scale
    XT = rs.randn(N, d) * scale
    Y = np.eye(k)[rs.randint(0, k, n)]
    YT = np.eye(k)[rs.randint(0, k, N)]
    return X, Y, XT, YT


def np_nngp_relu(a, b, depth, sw, sb):
    """float64 numpy ReLU NNGP (arc-cosine recursion), for the numpy pipeline."""
    d = a.shape[1]
    q = sb ** 2 + sw ** 2 * (a @ b.T) / d
    qa = sb ** 2 + sw ** 2 * np.sum(a * a, axis=1) / d
    qb = sb ** 2 + sw ** 2 * np.sum(b * b, axis=1) / d
    for _ in range(depth):
        s = np.sqrt(np.outer(qa, qb))
        rho = np.clip(q / s, -1.0, 1.0)
        th = np.arccos(rho)
        q = sb ** 2 + sw ** 2 * s / (2 * np.pi) * (np.sin(th) + (np.pi - th) * rho)
        qa = sb ** 2 + sw ** 2 * qa / 2
        qb = sb ** 2 + sw ** 2 * qb / 2
    return q


def general_case(name, kernel, X, Y, XT, YT, targets_rel, jitter_rel=1e-10, ruben=True):
    if kernel["name"] == "rbf":
        kf = lambda a, b: mp_rbf(a.tolist(), b.tolist(), kernel["bandwidth"], kernel["amplitude"])  # noqa: E731
    else:
        kf = lambda a, b: mp_nngp_relu(a.tolist(), b.tolist(), kernel["depth"], kernel["sigma_w"], kernel["sigma_b"])  # noqa: E731
    K_XX, K_XT, K_TT = kf(X, X), kf(X, XT), kf(XT, XT)
    n = X.shape[0]
    mean_diag = sum(K_XX[i, i] for i in range(n)) / n
    jitter = mp.mpf(jitter_rel) * mean_diag
    l, B = mp_spectrum(K_XX, K_XT, K_TT, to_mp(Y), to_mp(YT), jitter)
    N, k = B.rows, B.cols
    b2 = sum(B[j, c] ** 2 for j in range(N) for c in range(k))
    mean_error = (k * sum(l) + b2) / (N * k)
    pm_error = b2 / (N * k)
    w, m, dnc = mp_law(l, B)
    eps = [mp.mpf(r) * mean_error for r in targets_rel]
    want_ruben = ruben
    ruben = []
    for e in eps if want_ruben else []:
        lp, terms = mp_ruben_log_cdf(w, m, dnc, e)
        ruben.append((-lp / LN2, terms))
    # float64 numpy pipeline on the same inputs
    if kernel["name"] == "rbf":
        f64k = lambda a, b: numpy_gp.rbf(a, b, kernel["bandwidth"], kernel["amplitude"])  # noqa: E731
    else:
        f64k = lambda a, b: np_nngp_relu(a, b, kernel["depth"], kernel["sigma_w"], kernel["sigma_b"])  # noqa: E731
    lf, Bf = numpy_gp.posterior_spectrum(f64k(X, X), f64k(X, XT), f64k(XT, XT), Y, YT, float(jitter))
    np_bits = numpy_gp.bits_from_spectrum(lf, Bf, [float(e) for e in eps])
    return {
        "name": name, "kernel": kernel, "jitter_rel": jitter_rel,
        "x_train": X.tolist(), "y_train": Y.tolist(), "x_test": XT.tolist(), "y_test": YT.tolist(),
        "targets_rel": targets_rel, "eps": [rounded(e) for e in eps],
        "mean_error": rounded(mean_error), "posterior_mean_error": rounded(pm_error),
        "eigenvalues": [rounded(v) for v in l],
        "ruben_bits_mp50": [rounded(b) for b, _ in ruben] if want_ruben else None,
        "ruben_terms": [t for _, t in ruben] if want_ruben else None,
        "numpy_saddlepoint_bits": np_bits,
    }


def isotropic_case():
    # Test points 1000 apart from each other and from the training points: K_TX = 0 and
    # K_TT = a I exactly in f64, so mu = 0, Sigma = a I and e = (a/(N k)) chi'^2_{N k}(||Y_T||^2/a).
    rs = np.random.RandomState(5)
    n, N, d, k, amp = 10, 12, 3, 2, 0.7
    X = rs.randn(n, d)
    XT = np.zeros((N, d))
    for i in range(N):
        XT[i, i % d] = 1000.0 * (i + 1)
    Y = np.eye(k)[rs.randint(0, k, n)]
    YT = rs.randn(N, k)
    dof = N * k
    nc = mp.fsum(mp.mpf(float(v)) ** 2 for v in YT.ravel()) / mp.mpf(amp)
    scale = mp.mpf(amp) / dof
    mean_error = scale * (dof + nc)
    rel = [0.9, 0.5, 0.1, 0.01]
    eps = [mp.mpf(r) * mean_error for r in rel]
    bits = [-mp_ncx2_log_cdf(dof, nc, e / scale) / LN2 for e in eps]
    return {
        "name": "isotropic", "kernel": {"name": "rbf", "bandwidth": 1.0, "amplitude": amp},
        "jitter_rel": 1e-10,
        "x_train": X.tolist(), "y_train": Y.tolist(), "x_test": XT.tolist(), "y_test": YT.tolist(),
        "targets_rel": rel, "eps": [rounded(e) for e in eps], "dof": dof, "noncentrality": rounded(nc),
        "scale": rounded(scale), "mean_error": rounded(mean_error), "closed_form_bits_mp50": [rounded(b) for b in bits],
    }


def main():
    cases = []
    X, Y, XT, YT = case_data(1, 24, 16, 3, 3)
    cases.append(general_case("rbf_small", {"name": "rbf", "bandwidth": 0.3, "amplitude": 1.3}, X, Y, XT, YT,
                              [0.9, 0.6, 0.3]))
    cases.append(general_case("rbf_spread", {"name": "rbf", "bandwidth": 0.8, "amplitude": 1.3}, X, Y, XT, YT,
                              [0.9, 0.5, 0.1], ruben=False))
    X, Y, XT, YT = case_data(2, 20, 12, 4, 2)
    cases.append(general_case("nngp_relu_small", {"name": "nngp-relu", "depth": 2, "sigma_w": 1.4, "sigma_b": 0.1},
                              X, Y, XT, YT, [0.9, 0.5, 0.1], ruben=False))
    cases.append(isotropic_case())
    out = {"generated_by": "tests/reference/gp/make_reference.py (mpmath 1.3 at 50 digits; numpy "
                           + np.__version__ + ")", "unit": "bits", "cases": cases}
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "gp_reference.json")
    with open(path, "w") as f:
        json.dump(out, f, indent=1)
    for c in cases:
        print(c["name"], c.get("ruben_bits_mp50") or c.get("closed_form_bits_mp50"), c.get("ruben_terms"),
              c.get("numpy_saddlepoint_bits"))


if __name__ == "__main__":
    main()
