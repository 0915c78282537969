"""References for fit/paper.rs: where does scipy's ncx2.logcdf return -inf (so that the paper's
code falls back to Sankaran)?

1. A table of hand-picked points on both sides of the switch (printed for the Rust test).
2. A check of the rule in fit/paper.rs (first term of Boost's series below 2^-1074 for nc > 0;
   Cephes' igam prefactor below e^-709.78 for nc = 0) against scipy on 3,000 random
   (df, nc, x) and 2,000 central points near the switch; prints the number of disagreements
   (0 and 0 with scipy 1.17.1).
"""
import numpy as np
import mpmath as mp
from scipy.stats import ncx2
from scipy.special import gammaln

mp.mp.dps = 30
LN_MIN = np.log(2.0 ** -1074)


def ln_p(a, x):
    return float(mp.log(mp.gammainc(a, 0, x, regularized=True)))


LN_MAX = np.log(np.finfo(float).max)


def underflows(x, df, nc):
    if nc == 0:  # scipy uses chdtr (Cephes igam): prefactor y^a e^-y / Gamma(a) below e^-MAXLOG
        a, y = df / 2, x / 2
        return abs(a - y) > 0.4 * a and a * np.log(y) - y - gammaln(a) < -LN_MAX
    return first_term_ln(x, df, nc) < LN_MIN


def first_term_ln(x, df, nc):
    if x > df + nc:
        return 0.0
    if nc < 200:
        return (df / 2) * np.log(x / 2) - x / 2 - gammaln(df / 2 + 1) - nc / 2
    k = np.floor(nc / 2 + 0.5)
    return k * np.log(nc / 2) - nc / 2 - gammaln(k + 1) + ln_p(df / 2 + k, x / 2)


for df, nc, x in [(200.0, 100.0, 5.0), (1000.0, 500.0, 240.0), (1000.0, 500.0, 150.0), (400.0, 50.0, 2.0),
                  (400.0, 50.0, 0.1), (10.0, 5.0, 2.0), (1000.0, 1000.0, 300.0), (1000.0, 1000.0, 700.0),
                  (400.0, 50.0, 30.0), (400.0, 0.0, 4.0), (400.0, 0.0, 4.25), (400.0, 0.0, 20.0),
                  (50.0, 300.0, 10.0)]:
    print(f"({df!r}, {nc!r}, {x!r}, {str(bool(np.isinf(ncx2.logcdf(x, df, nc)))).lower()}),")

rng = np.random.default_rng(0)
bad = 0
for _ in range(3000):
    df = 10 ** rng.uniform(-0.5, 4)
    nc = 10 ** rng.uniform(-1, 4) if rng.uniform() < 0.9 else 0.0
    x = (df + nc) * 10 ** rng.uniform(-3, 0)
    bad += bool(np.isinf(ncx2.logcdf(x, df, nc))) != underflows(x, df, nc)
print("disagreements:", bad, "of 3000 random points")
# the central switch, densely: 2,000 points across it
bad = 0
for _ in range(2000):
    df = 10 ** rng.uniform(1, 4)
    a = df / 2
    # x/2 near the root of a ln y - y - lnGamma(a) = -MAXLOG, found by bisection in log y
    lo, hi = -700.0, np.log(a)
    for _ in range(200):
        mid = (lo + hi) / 2
        if a * mid - np.exp(mid) - gammaln(a) < -LN_MAX:
            lo = mid
        else:
            hi = mid
    x = 2 * np.exp(lo) * np.exp(rng.uniform(-0.01, 0.01))
    bad += bool(np.isinf(ncx2.logcdf(x, df, 0.0))) != underflows(x, df, 0.0)
print("disagreements:", bad, "of 2000 points near the central switch")
