"""Reference values for law/sankaran.rs.

1. z(x) and z^2/2 from the paper's own code, FieteLab/Exact-Inductive-Bias utils.py,
   inductive_bias_alt (reproduced verbatim below; numpy float64).
2. The exact ncx2 CDF at points in the bulk, mpmath 1.3 at 50 digits (Poisson mixture of
   regularized lower incomplete gammas).
"""
import numpy as np
import mpmath as mp

mp.mp.dps = 50


def inductive_bias_alt(error, df, nc, loc, scale):
    # verbatim from the paper's utils.py, except that it also returns z
    error = error / scale
    h = 1 - 2 / 3 * (df + nc) * (df + 3 * nc) / (df + 2 * nc) ** 2
    p = (df + 2 * nc) / (df + nc) ** 2
    m = (h - 1) * (1 - 3 * h)
    z_score = ((error / (df + nc)) ** h
               - (1 + h * p * (h - 1 - 0.5 * (2 - h) * m * p))) / (h * np.sqrt(2 * p) * (1 + 0.5 * m * p))
    return z_score, z_score ** 2 / 2


def ncx2_cdf(x, nu, lam):
    x, nu, lam = mp.mpf(x), mp.mpf(nu), mp.mpf(lam)
    total, j = mp.mpf(0), 0
    while True:
        w = mp.exp(-lam / 2 + j * mp.log(lam / 2) - mp.loggamma(j + 1)) if lam > 0 else (1 if j == 0 else 0)
        term = w * mp.gammainc(nu / 2 + j, 0, x / 2, regularized=True)
        total += term
        if j > lam and term < mp.mpf("1e-40") * total:
            return total
        j += 1


for df, nc, scale, x in [(10.0, 5.0, 1.0, 2.0), (200.0, 100.0, 1.0, 5.0), (1000.0, 500.0, 1.0, 240.0),
                         (400.0, 50.0, 2.0, 0.2), (5.0, 0.0, 1.0, 0.01), (1000.0, 300.0, 1e-3, 0.5)]:
    z, nats = inductive_bias_alt(np.float64(x), np.float64(df), np.float64(nc), 0, np.float64(scale))
    print(f"({df!r}, {nc!r}, {scale!r}, {x!r}, {z!r}),  # z^2/2 = {nats!r}")

for df, nc in [(10.0, 5.0), (100.0, 50.0)]:
    mean, sd = df + nc, float(np.sqrt(2 * (df + 2 * nc)))
    for x in [mean, mean - sd]:
        print(f"({df!r}, {nc!r}, {x!r}, {mp.nstr(ncx2_cdf(x, df, nc), 17)}),")
