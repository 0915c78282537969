#!/usr/bin/env python3
"""Reference values for ibits-stats' special functions and the non-central chi-squared law.

Everything is computed with mpmath at 50 significant digits (mp.dps = 50) from the float64
inputs exactly as the Rust tests pass them, and written with 20 significant digits:

  special.json  ln Γ(x), ln P(a, x), ln Q(a, x) (mpmath.gammainc, regularized), ln Φ(z)
  ncx2.json     ln F and ln(1 - F) of the non-central chi-squared χ'²(df, nc) at x

The ncx2 values are Poisson mixtures of mpmath's regularized incomplete gammas,

  F(x)     = Σ_j Pois(j; nc/2) P(df/2 + j, x/2)
  1 - F(x) = Σ_j Pois(j; nc/2) Q(df/2 + j, x/2)

each summed separately with positive terms only (see mixture_log) until the terms fall below
1e-50 of the sum; the script checks F + (1 - F) = 1 to 1e-40, then keeps the smaller tail as summed
and writes the larger one as ln(1 - smaller). Independent cross-checks, printed
and asserted here:
  * the lower-tail series F = Σ_m e^(-y) y^(a+m) / Γ(a+m+1) · P[Pois(nc/2) ≤ m] (elementary
    terms only, no incomplete gamma) where it converges in reasonable time,
  * mpmath.quad of the density 0.5 e^(-(x+λ)/2) (x/λ)^(ν/4-1/2) I_(ν/2-1)(√(λx)) for a few points,
  * closed forms: χ²₂ has F = 1 - e^(-x/2); for one degree of freedom X = (Z + √λ)², so
    F = Φ(√x - √λ) - Φ(-√x - √λ).

Run:  python3 tests/reference/ncx2/make_reference.py   (about a minute; mpmath 1.3)
"""
import json
import os
import sys

from mpmath import mp, mpf, gammainc, loggamma, log, exp, log1p, expm1, ncdf, quad, besseli, sqrt, inf

mp.dps = 50
HERE = os.path.dirname(os.path.abspath(__file__))


def s20(v):
    return mp.nstr(v, 20, min_fixed=1, max_fixed=0) if v != 0 else "0"


def fmt(v):
    if v == -inf:
        return "-inf"
    if v == inf:
        return "inf"
    return mp.nstr(v, 20)


# ---------------------------------------------------------------- special functions
def p_series(a, x):
    """P(a, x) = x^a e^(-x) / Γ(a+1) Σ_n x^n / ((a+1)...(a+n)), positive terms (x ≲ a)."""
    a, x = mpf(a), mpf(x)
    term, total, n = mpf(1), mpf(1), 0
    while True:
        n += 1
        term *= x / (a + n)
        total += term
        if term < total * mpf("1e-55") and a + n > x:
            break
    return exp(a * log(x) - x - loggamma(a + 1)) * total


def q_quad(a, x):
    """Q(a, x) = x^a e^(-x) / Γ(a) ∫_0^∞ (1+s)^(a-1) e^(-x s) ds by tanh-sinh quadrature (x > a)."""
    a, x = mpf(a), mpf(x)
    w = min(1 / (x - a + 1), 1 / sqrt(a))
    integral = quad(lambda s: exp((a - 1) * log1p(s) - x * s), [0, w, 3 * w, 10 * w, 30 * w, 100 * w, inf])
    return exp(a * log(x) - x - loggamma(a)) * integral


def gamma_pq(a, x):
    """(P, Q) at 50 digits: mpmath.gammainc, or where its hypergeometric evaluation does not
    converge (a large, x near a), the power series for P (x <= a) or quadrature for Q (x > a)."""
    try:
        p = gammainc(mpf(a), 0, mpf(x), regularized=True)
        q = gammainc(mpf(a), mpf(x), inf, regularized=True)
    except Exception:  # mpmath NoConvergence
        if x <= a:
            p = p_series(a, x)
            q = 1 - p
        else:
            q = q_quad(a, x)
            p = 1 - q
    return p, q


def ln_pq(a, x):
    """(ln P, ln Q); the larger one is ln(1 - smaller) so that a tiny tail is not lost."""
    p, q = gamma_pq(a, x)
    ln_p = log(p) if p < 0.5 else log1p(-q)
    ln_q = log(q) if q < 0.5 else log1p(-p)
    return ln_p, ln_q


def ln_ndtr(z):
    z = mpf(z)
    if z <= 0:
        return log(ncdf(z))
    return log1p(-ncdf(-z))


def special():
    out = {"ln_gamma": [], "gamma_inc": [], "ln_ndtr": []}
    for x in [1e-300, 1e-8, 1e-3, 0.25, 0.5, 0.999, 1.0001, 1.5, 1.9999, 2.5, 3.0, 7.25,
              9.999999, 10.0, 30.5, 1000.5, 1e5, 1e15, 1e300]:
        out["ln_gamma"].append([x, fmt(loggamma(mpf(x)))])
    shapes = [0.5, 0.7, 1.0, 2.5, 10.0, 30.0, 100.0, 1000.0, 1e4, 1e5, 1e6]
    ratios = [1e-300, 1e-6, 0.01, 0.5, 0.9, 0.99, 1.0, 1.01, 1.1, 2.0, 10.0]
    for a in shapes:
        for r in ratios:
            x = float(a * r)
            if x == 0.0:
                continue
            ln_p, ln_q = ln_pq(a, x)
            out["gamma_inc"].append([a, x, fmt(ln_p), fmt(ln_q)])
    # extra small arguments for small shapes, and x near a + 1 (the branch switch)
    for a, x in [(0.5, 1e-10), (0.5, 1.49), (0.5, 1.51), (0.7, 1.2), (0.9, 1.7), (0.05, 0.2),
                 (2.0, 2.999), (2.0, 3.001), (50.0, 51.0), (1e4, 10001.0), (3e5, 3e5 + 700.0)]:
        ln_p, ln_q = ln_pq(a, x)
        out["gamma_inc"].append([a, x, fmt(ln_p), fmt(ln_q)])
    for z in [-1e5, -1e4, -1000.0, -38.5, -20.0, -8.0, -3.0, -1.7320508, -1.5, -0.5, -1e-8, 0.0,
              1e-8, 0.3, 1.0, 1.75, 3.0, 8.0, 20.0, 38.0]:
        out["ln_ndtr"].append([z, fmt(ln_ndtr(z))])
    return out


# ---------------------------------------------------------------- ncx2
def ln_pois(j, mu):
    if mu == 0:
        return mpf(0) if j == 0 else -inf
    return j * log(mu) - mu - loggamma(j + 1)


def ln_kernel(b, y):
    """ln(y^b e^(-y) / Γ(b+1))."""
    return b * log(y) - y - loggamma(b + 1)


def mixture_log(a, mu, y, upper):
    """ln Σ_j Pois(j; mu) P(a+j, y) (or Q when upper).

    The largest term is found by ternary search over directly evaluated terms. For P the index
    range is then extended upward (for Q downward) by doubling steps of direct evaluations until
    the term there is below 1e-50 of the largest, and the sum is accumulated from that end with
    the exact recurrences P(b) = P(b+1) + k(b), Q(b+1) = Q(b) + k(b), k(b) = y^b e^(-y)/Γ(b+1)
    (positive additions only, at 50 digits), until the terms fall below 1e-50 of the sum. The
    recurrence is checked against a direct evaluation at the largest term and at the far end.
    """
    def direct(j):
        ln_p, ln_q = ln_pq(a + j, y)
        return ln_q if upper else ln_p

    def term(j):
        return ln_pois(j, mu) + direct(j)

    if mu == 0:
        return term(0)
    lo, hi = 0, int(mu + 40 * sqrt(mu) + 40 + (2 * sqrt(mu * y) if upper else 0))
    cache = {}

    def t(j):
        if j not in cache:
            cache[j] = term(j)
        return cache[j]

    while hi - lo > 2:
        m1 = lo + (hi - lo) // 3
        m2 = hi - (hi - lo) // 3
        if t(m1) < t(m2):
            lo = m1
        else:
            hi = m2
    mode = max(range(lo, hi + 1), key=t)
    top = t(mode)
    cut = log(mpf("1e-50"))
    # far end: upward for P (recurrence runs down), downward for Q (recurrence runs up)
    step = 1
    end = mode
    while True:
        cand = mode + step if not upper else max(mode - step, 0)
        if t(cand) - top < cut or (upper and cand == 0):
            end = cand
            break
        step *= 2
    direction = -1 if not upper else 1
    j = end
    ln_g = direct(j)
    total = exp(ln_pois(j, mu) + ln_g - top)
    while True:
        if not upper:
            if j == 0:
                break
            ln_g = ln_g + log1p(exp(ln_kernel(a + j - 1, y) - ln_g))
            j -= 1
        else:
            ln_g = ln_g + log1p(exp(ln_kernel(a + j, y) - ln_g))
            j += 1
        rel = exp(ln_pois(j, mu) + ln_g - top)
        total += rel
        if j == mode:
            assert abs(ln_g - direct(j)) < mpf("1e-40") * max(1, abs(ln_g)), (a, mu, y, j)
        if (direction < 0 and j < mode or direction > 0 and j > mode) and rel < mpf("1e-50") * total:
            break
    assert abs(ln_g - direct(j)) < mpf("1e-40") * max(1, abs(ln_g)), (a, mu, y, j)
    return top + log(total)


def small_x_series_log(a, mu, y):
    """ln F = ln Σ_m e^(-y) y^(a+m)/Γ(a+m+1) · P[Pois(mu) ≤ m]: elementary terms only."""
    total = mpf(0)
    pois_cdf = mpf(0)
    m = 0
    ln_y = log(y)
    prev = None
    while True:
        pois_cdf += exp(ln_pois(m, mu))
        ln_term = (a + m) * ln_y - y - loggamma(a + m + 1) + log(pois_cdf)
        if prev is not None and total != 0 and ln_term < log(total) - 110 and ln_term < prev:
            break
        total += exp(ln_term) if total == 0 else exp(ln_term)
        prev = ln_term
        m += 1
        if m > 200000:
            raise RuntimeError("small-x series did not converge")
    return log(total)


def ncx2_pdf(x, df, nc):
    x, df, nc = mpf(x), mpf(df), mpf(nc)
    if nc == 0:
        a = df / 2
        return exp((a - 1) * log(x / 2) - x / 2 - loggamma(a)) / 2
    return mpf(1) / 2 * exp(-(x + nc) / 2) * (x / nc) ** (df / 4 - mpf(1) / 2) * besseli(df / 2 - 1, sqrt(nc * x))


# (df, nc, x): DESIGN.md §8 first (nats, then bits), then a spread over df 1..1e5, nc 0..1e5,
# ln F from about -1e-3 down to -1e6, the central case, and upper-tail points for ln(1 - F).
POINTS = [
    (10, 5, 2), (100, 20, 50), (1000, 200, 500), (1000, 1000, 300), (10000, 2000, 5000),
    (10000, 2000, 2000),
    (200, 100, 5), (1000, 500, 240), (1000, 500, 150), (400, 50, 2), (400, 50, 0.1),
    # central
    (1, 0, 1e-10), (1, 0, 3.84), (2, 0, 1e-3), (2, 0, 1000.0), (7.5, 0, 1.0), (1e5, 0, 5e4),
    (1e5, 0, 1e5), (1e5, 0, 1.2e5), (1, 0, 100.0),
    # small df, moderate nc
    (1, 1, 1e-6), (1, 5, 0.5), (3, 0.5, 1e-200), (2, 1e-8, 1.0), (5, 1, 30.0), (7.5, 0.3, 12.0),
    (20, 10, 60.0), (4, 100, 500.0), (10, 5, 100.0),
    # large nc
    (1, 1e5, 9e4), (1, 1e5, 1e5), (1, 1e5, 1e3), (1, 1e5, 1.05e5), (1, 1e4, 5e3),
    (50, 1e4, 20.0), (1e3, 1e5, 9.5e4),
    # large df
    (50, 10, 1e-300), (1e5, 1e5, 1e3), (1e5, 1e5, 20.0), (1e5, 1e3, 1e-4), (1e5, 1e5, 1e-4),
    (1e5, 50, 1e5), (1e5, 1e5, 1.9e5), (1e5, 1e5, 2.1e5), (1e5, 1e5, 2.5e5), (3e4, 7e3, 3.6e4),
    # upper tail
    (1000, 200, 2000.0), (1e4, 1e4, 3e4), (100, 20, 400.0), (1, 0.5, 150.0), (1e4, 300, 1.2e4),
    # more mid-range shapes
    (2.5, 3e4, 2.9e4), (60, 0.01, 1e-3), (15, 7, 0.25),
]


def ncx2():
    rows = []
    for df, nc, x in POINTS:
        a, mu, y = mpf(df) / 2, mpf(nc) / 2, mpf(x) / 2
        ln_f = mixture_log(a, mu, y, upper=False)
        ln_s = mixture_log(a, mu, y, upper=True)
        closure = exp(ln_f) + exp(ln_s) - 1
        assert abs(closure) < mpf("1e-40"), (df, nc, x, closure)
        # Keep the smaller tail as summed; the larger one is ln(1 - smaller), because the direct
        # sum of the larger one is only good to about 1e-45 absolute (Poisson truncation).
        if ln_f < ln_s:
            ln_s = log1p(-exp(ln_f))
        else:
            ln_f = log1p(-exp(ln_s))
        rows.append({"df": df, "nc": nc, "x": x, "log_cdf": fmt(ln_f), "log_sf": fmt(ln_s)})
        print(f"df={df:g} nc={nc:g} x={x:g}: ln F = {mp.nstr(ln_f, 17)}, ln(1-F) = {mp.nstr(ln_s, 17)}",
              file=sys.stderr)
        # cross-check 1: small-x series (elementary terms) where x is below the mean and small
        if x < df + nc and x <= 5000:
            alt = small_x_series_log(a, mu, y)
            rel = abs((alt - ln_f) / ln_f)
            assert rel < mpf("1e-30"), (df, nc, x, alt, ln_f)
            print(f"    small-x series agrees: rel diff {mp.nstr(rel, 3)}", file=sys.stderr)
        # cross-check 3: one degree of freedom, X = (Z + √λ)²: F = Φ(√x - √λ) - Φ(-√x - √λ)
        if df == 1:
            r, d = sqrt(mpf(x)), sqrt(mpf(nc))
            lower = ncdf(r - d) - ncdf(-r - d)
            upper = ncdf(-r + d) + ncdf(-r - d)  # 1 - F without cancellation
            small, ln_small = (lower, ln_f) if ln_f < ln_s else (upper, ln_s)
            assert abs((log(small) - ln_small) / ln_small) < mpf("1e-40"), (df, nc, x)
            print("    one-dof normal form agrees", file=sys.stderr)
        # cross-check 2: closed form for two degrees of freedom
        if df == 2 and nc == 0:
            closed = log1p(-exp(-y)) if y > 1 else log(-expm1(-y))
            assert abs((closed - ln_f) / ln_f) < mpf("1e-40")
            assert abs((-y - ln_s) / ln_s) < mpf("1e-40")
            print("    chi2_2 closed form agrees", file=sys.stderr)
    # cross-check 3: quadrature of the density for a few moderate points
    for df, nc, x in [(10, 5, 2), (100, 20, 50), (7.5, 0.3, 12.0), (1, 5, 0.5)]:
        f = quad(lambda t: ncx2_pdf(t, df, nc), [0, x / 4, x / 2, x])
        ref = next(r for r in rows if (r["df"], r["nc"], r["x"]) == (df, nc, x))
        rel = abs((log(f) - mpf(ref["log_cdf"])) / log(f))
        assert rel < mpf("1e-18"), (df, nc, x, rel)
        print(f"quadrature agrees at {(df, nc, x)}: rel diff {mp.nstr(rel, 3)}", file=sys.stderr)
    return rows


def main():
    special_values = special()
    ncx2_points = ncx2()
    with open(os.path.join(HERE, "special.json"), "w") as fh:
        json.dump(special_values, fh, indent=1)
        fh.write("\n")
    with open(os.path.join(HERE, "ncx2.json"), "w") as fh:
        json.dump({"source": "mpmath 1.3, mp.dps = 50, tests/reference/ncx2/make_reference.py",
                   "points": ncx2_points}, fh, indent=1)
        fh.write("\n")


if __name__ == "__main__":
    main()
