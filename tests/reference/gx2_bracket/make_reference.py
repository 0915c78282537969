#!/usr/bin/env python3
"""High-precision reference values of ln P[S <= x] for random generalized chi-squared laws.

S = sum_j w_j * chi'^2_{m_j}(d_j) (offset 0), d_j the total non-centrality. The laws and the
targets x come from a deterministic generator (below) that the Rust test
crates/ibits-stats/tests/gx2_bracket.rs reimplements bit for bit, so the terms of the large
laws are not stored: only the generator parameters, x and the reference.

Generator (documented in cases.json "generator" too)
----------------------------------------------------
splitmix64 (Steele, Lea & Flood 2014), all arithmetic mod 2^64:
    state += 0x9E3779B97F4A7C15
    z = state
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9
    z = (z ^ (z >> 27)) * 0x94D049BB133111EB
    return z ^ (z >> 31)
uniform u = (z >> 11) * 2^-53 in [0, 1) (exact in f64).
Law i starts from state = SEED_BASE + i and draws, in this order (f64 arithmetic, exp is the
C library's exp; LN10, LN_N_MAX, LN_N_LARGE_MIN, LN_RATIO_SPAN are the f64 literals below):
    u_class, u_n, u_spread, u_zero, u_x
    class  = "small" if u_class < 0.25, "large" if u_class < 0.37, else "loguniform"
    n      = small:      1 + floor(3 u_n)
             large:      floor(exp(LN_N_LARGE_MIN + u_n * LN10))          (2000 .. 20000)
             loguniform: floor(exp(u_n * LN_N_MAX))                        (1 .. 20000)
             then clamped to [1, 20000]
    spread = 12 u_spread            (decades)
    p_zero = u_zero                 (probability that a term is central)
    then for each term j = 0..n-1, five draws u_w, u_m1, u_m2, u_d1, u_d2:
        w_j = exp(-(spread * u_w) * LN10)                 (in (10^-spread, 1])
        m_j = 1 + floor(10 u_m2)       if u_m1 < 0.75     (integers 1..10)
              0.5 + floor(10 u_m2)     otherwise          (0.5, 1.5, ..., 9.5)
        d_j = 0                         if u_d1 < p_zero
              exp((-3 + 9 u_d2) * LN10) otherwise         (1e-3 .. 1e6, log-uniform)
    mean  = sum_j w_j * (m_j + d_j)  (summed in order j = 0, 1, ...)
    ratio = exp(-6 * LN10 + u_x * LN_RATIO_SPAN)            (x/mean in [1e-6, 2))
    x     = mean * ratio

Reference
---------
Laplace inversion through (or near) the saddlepoint, on a parabolic contour:
    P[S <= x] = (1/2 pi i) int_Gamma e^{K(s) - s x} / (-s) ds,    Gamma left of 0 (t < 0)
    P[S >  x] = (1/2 pi i) int_Gamma e^{K(s) - s x} /   s  ds,    0 < t < 1/(2 max w)
with K(s) = sum_j [-(m_j/2) ln(1 - 2 w_j s) + w_j d_j s / (1 - 2 w_j s)] (principal log) and
Gamma: s(u) = t + i u / sigma + kappa u^2 / sigma^2, u in R, where t solves K'(t) = x (moved to
-1/sd resp. +min(1/sd, 1/(8 max w)) when the saddle is closer than that to the pole at 0),
sigma^2 = K''(t), kappa = K'''(t) / (6 K''(t)) (the curvature of the steepest-descent path).
Along Gamma, e^{-s x} decays like a Gaussian in u, the integrand is analytic in a strip, and
P = e^{K(t) - t x} (h/pi) [Im G(0)/2 + sum_{k>=1} Im G(kh)],  G(u) = e^{phi(s(u)) - phi(t)} s'(u)/(-/+ s(u)),
the trapezoidal rule, whose error falls like exp(-2 pi a / h): h is halved until two successive
sums agree to 1e-27 relative, and the error estimate of the last sum is (difference)^2 * 10
(the error of a geometric-rate rule squares when h halves) plus the ball radius. The sum is
truncated where |G| < 1e-75 |sum| over 8 consecutive nodes. Arithmetic: python-flint arb/acb
balls at 280 bits (so rounding errors are tracked rigorously); terms are grouped by weight into
blocks of ratio <= 1.2, each summed by its Taylor series about its centre weight when that
converges fast (|delta q| <= 0.15, truncation < 1e-75 absolute), else term by term.
For x > mean the upper tail Q is computed and ln P = log1p(-Q) (no cancellation).

Cross-checks (small laws): one-term laws with d <= 2000: the Poisson mixture of regularized
incomplete gamma functions in mpmath (mp.dps = 60); laws with 1..3 terms: the same integral in
mpmath (mp.dps = 60) on a contour of curvature kappa/2 with tanh-sinh quadrature (mpmath.quad).

Usage: python3 make_reference.py [--cases N] [--workers 2]
Writes cases.partial.jsonl (resumable) and cases.json next to this script.
"""

import argparse
import datetime
import json
import math
import multiprocessing as mp_
import os
import platform
import sys
import time

import mpmath
import numpy as np
from flint import acb, arb, ctx

HERE = os.path.dirname(os.path.abspath(__file__))
PARTIAL = os.path.join(HERE, "cases.partial.jsonl")
OUTPUT = os.path.join(HERE, "cases.json")

SEED_BASE = 0x69626974735F6778  # "ibits_gx"
MASK = (1 << 64) - 1
LN10 = 2.302585092994046
LN_N_MAX = 9.903487552536127  # ln(20000)
LN_N_LARGE_MIN = 7.600902459542082  # ln(2000)
LN_RATIO_SPAN = 14.508657738524219  # ln(2e6)
N_MAX = 20000
PREC = 280
DIGITS = 50


class SplitMix64:
    def __init__(self, seed):
        self.state = seed & MASK

    def next_u64(self):
        self.state = (self.state + 0x9E3779B97F4A7C15) & MASK
        z = self.state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
        return z ^ (z >> 31)

    def uniform(self):
        return (self.next_u64() >> 11) * (1.0 / 9007199254740992.0)


def generate(index):
    """The law and target of case `index`, exactly as the Rust test rebuilds them."""
    seed = (SEED_BASE + index) & MASK
    rng = SplitMix64(seed)
    u_class, u_n, u_spread, u_zero, u_x = (rng.uniform() for _ in range(5))
    if u_class < 0.25:
        cls, n = "small", 1 + math.floor(3.0 * u_n)
    elif u_class < 0.37:
        cls, n = "large", math.floor(math.exp(LN_N_LARGE_MIN + u_n * LN10))
    else:
        cls, n = "loguniform", math.floor(math.exp(u_n * LN_N_MAX))
    n = max(1, min(N_MAX, n))
    spread = 12.0 * u_spread
    p_zero = u_zero
    w, m, d = [], [], []
    for _ in range(n):
        u_w, u_m1, u_m2, u_d1, u_d2 = (rng.uniform() for _ in range(5))
        w.append(math.exp(-(spread * u_w) * LN10))
        k = math.floor(10.0 * u_m2)
        m.append(1.0 + k if u_m1 < 0.75 else 0.5 + k)
        d.append(0.0 if u_d1 < p_zero else math.exp((-3.0 + 9.0 * u_d2) * LN10))
    mean = 0.0
    for wj, mj, dj in zip(w, m, d):
        mean += wj * (mj + dj)
    ratio = math.exp(-6.0 * LN10 + u_x * LN_RATIO_SPAN)
    x = mean * ratio
    params = dict(seed=seed, cls=cls, n=n, spread=spread, p_zero=p_zero, u_x=u_x, ratio=ratio)
    return params, np.array(w), np.array(m), np.array(d), mean, x


# ---------------------------------------------------------------------------------------------
# f64 saddlepoint and path
# ---------------------------------------------------------------------------------------------


def kder(w, m, c, t):
    a = 1.0 - 2.0 * w * t
    k1 = np.sum(m * w / a + c / a**2)
    k2 = np.sum(2.0 * m * w**2 / a**2 + 4.0 * c * w / a**3)
    k3 = np.sum(8.0 * m * w**3 / a**3 + 24.0 * c * w**2 / a**4)
    return k1, k2, k3


def path_parameters(w, m, d, mean, x):
    c = w * d
    upper = x > mean
    wmax = w.max()
    sd = math.sqrt(kder(w, m, c, 0.0)[1])
    if not upper:
        lo, hi = -1.0, 0.0
        while kder(w, m, c, lo)[0] > x:
            hi = lo
            lo *= 2.0
        for _ in range(200):
            mid = 0.5 * (lo + hi)
            if kder(w, m, c, mid)[0] > x:
                hi = mid
            else:
                lo = mid
            if hi - lo <= 1e-15 * abs(lo):
                break
        t = min(0.5 * (lo + hi), -1.0 / sd)
    else:
        lo, hi = 0.0, 0.5 / wmax
        for _ in range(200):
            mid = 0.5 * (lo + hi)
            if kder(w, m, c, mid)[0] < x:
                lo = mid
            else:
                hi = mid
            if hi - lo <= 1e-15 * hi:
                break
        t = max(0.5 * (lo + hi), min(1.0 / sd, 0.125 / wmax))
    _, k2, k3 = kder(w, m, c, t)
    return bool(upper), float(t), float(math.sqrt(k2)), float(k3 / (6.0 * k2))


# ---------------------------------------------------------------------------------------------
# phi(s) = K(s) - s x in arb, with block Taylor expansions
# ---------------------------------------------------------------------------------------------

KMAX = 100
BLOCK_RATIO = 1.2
BLOCK_MIN = 24
TRUNC_ABS = 1e-75


class Phi:
    def __init__(self, w, m, d, x):
        order = np.argsort(w, kind="stable")
        w, m, d = w[order], m[order], d[order]
        self.x = arb(float(x))
        self.direct = []  # (2w, m/2, c)
        self.blocks = []
        i, n = 0, len(w)
        while i < n:
            j = i
            while j < n and w[j] <= BLOCK_RATIO * w[i]:
                j += 1
            if j - i < BLOCK_MIN:
                for k in range(i, j):
                    self.direct.append(self._term(w[k], m[k], d[k]))
            else:
                self.blocks.append(self._block(w[i:j], m[i:j], d[i:j]))
            i = j

    @staticmethod
    def _term(w, m, d):
        return (arb(2.0 * float(w)), arb(0.5 * float(m)), arb(float(w)) * arb(float(d)))

    def _block(self, w, m, d):
        wlo, whi = arb(float(w[0])), arb(float(w[-1]))
        w0 = (wlo + whi) / 2
        delta = (whi - wlo) / 2
        a = [arb(0)] * (KMAX + 1)
        cc = [arb(0)] * (KMAX + 1)
        terms = []
        for wj, mj, dj in zip(w, m, d):
            term = self._term(wj, mj, dj)
            terms.append(term)
            e = (arb(float(wj)) - w0) / delta if delta != 0 else arb(0)
            p = arb(1)
            mh, c = term[1], term[2]
            for k in range(KMAX + 1):
                a[k] += mh * p
                cc[k] += c * p
                p *= e
        return dict(
            tw0=2 * w0,
            delta=delta,
            fdelta=float(delta.mid()),
            a=a,
            c=cc,
            a0=float(a[0].mid()),
            c0=float(cc[0].mid()),
            terms=terms,
        )

    def __call__(self, s):
        one = acb(1)
        lsum = acb(0)  # sum m/2 log(1 - 2 w s)
        csum = acb(0)  # sum c / (1 - 2 w s)
        extra = acb(0)
        for tw, mh, c in self.direct:
            z = one - tw * s
            lsum += mh * z.log()
            csum += c / z
        for b in self.blocks:
            big_l = one - b["tw0"] * s
            q = 2 * s / big_l
            fq = float(abs(q).mid())
            rho = b["fdelta"] * fq
            ok = rho <= 0.15
            if ok:
                scale = b["a0"] + float(abs(s / big_l).mid()) * b["c0"]
                if rho == 0.0:
                    kk = 0
                else:
                    kk = math.ceil(math.log(TRUNC_ABS / max(scale, 1e-300)) / math.log(rho))
                ok = kk <= KMAX
            if not ok:
                for tw, mh, c in b["terms"]:
                    z = one - tw * s
                    lsum += mh * z.log()
                    csum += c / z
                continue
            kk = max(kk, 1)
            dq = b["delta"] * q
            pw = acb(1)
            ser_a = acb(0)
            ser_c = b["c"][0] * pw
            for k in range(1, kk + 1):
                pw = pw * dq
                ser_a += b["a"][k] * pw / k
                ser_c += b["c"][k] * pw
            lsum += b["a"][0] * big_l.log()
            extra += ser_a  # -(m/2) log(1 - delta q) = (m/2) sum (delta q)^k / k
            csum += ser_c / big_l
        return -lsum + extra + s * csum - s * self.x


# ---------------------------------------------------------------------------------------------
# The trapezoidal rule on the parabola
# ---------------------------------------------------------------------------------------------


def reference(w, m, d, mean, x):
    ctx.prec = PREC
    upper, t, sigma, kappa = path_parameters(w, m, d, mean, x)
    phi = Phi(w, m, d, x)
    ta = arb(t)
    sig = arb(sigma)
    kap = arb(kappa)
    phi_t = phi(acb(ta)).real
    sign = 1 if upper else -1  # integrand e^phi / (sign * s)
    cache = {}

    def im_g(u):
        # u = k * 2^-j exactly (dyadic): cache on the float
        if u in cache:
            return cache[u]
        ua = arb(u)
        s = acb(ta + kap * ua * ua / (sig * sig), ua / sig)
        ds = acb(2 * kap * ua / (sig * sig), 1 / sig)
        g = (phi(s) - phi_t).exp() * ds / (sign * s)
        cache[u] = (g.imag, float(abs(g).mid()))
        return cache[u]

    def trapezoid(h):
        total = im_g(0.0)[0] / 2
        small = 0
        k = 1
        ref = abs(float(total.mid()))
        while True:
            v, mag = im_g(k * h)
            total += v
            ref = max(ref, abs(float(total.mid())))
            if mag < 1e-75 * ref:
                small += 1
                if small >= 8:
                    break
            else:
                small = 0
            k += 1
            if k * h > 400.0:
                raise RuntimeError("no decay")
        return total * arb(h), k

    h = 0.5
    prev, _ = trapezoid(h)
    while True:
        h /= 2
        cur, nodes = trapezoid(h)
        diff = abs(float((cur - prev).mid()))
        rel = diff / abs(float(cur.mid()))
        if rel < 1e-27 or h < 1.0 / 1024:
            break
        prev = cur
    quad_err = 10.0 * rel * rel
    if float(cur.mid()) <= 0:
        raise RuntimeError("non-positive integral")
    ln_tail = phi_t + (cur / arb.pi()).log()
    if upper:
        q = ln_tail.exp()
        ln_p = (-q).log1p()
        # relative error of ln P ~ relative error of Q
        rel_err = quad_err + float((q.rad() / q.mid()) if q.mid() != 0 else 0.0)
    else:
        ln_p = ln_tail
        rel_err = quad_err / abs(float(ln_p.mid())) + float(ln_p.rad() / abs(ln_p.mid()))
    info = dict(
        tail="upper" if upper else "lower",
        t=repr(t),
        sigma=repr(sigma),
        kappa=repr(kappa),
        h=h,
        nodes=len(cache),
        quad_rel_diff=rel,
        blocks=len(phi.blocks),
        direct_terms=len(phi.direct),
    )
    return ln_p, rel_err, info


# ---------------------------------------------------------------------------------------------
# Cross-checks in mpmath
# ---------------------------------------------------------------------------------------------


def cross_poisson_mixture(w, m, d, x, upper):
    """One term: P = sum_k Pois(k; d/2) P[chi2_{m+2k} <= x/w]; ln P (or ln(1 - Q))."""
    mpmath.mp.dps = 60
    w, m, d, x = mpmath.mpf(float(w)), mpmath.mpf(float(m)), mpmath.mpf(float(d)), mpmath.mpf(x)
    lam = d / 2
    z = x / (2 * w)
    total = mpmath.mpf(0)
    k = 0
    kmin = int(lam) + 50
    while True:
        logpois = -lam + (k * mpmath.log(lam) if k else 0) - mpmath.loggamma(k + 1)
        if upper:
            g = mpmath.gammainc(m / 2 + k, z, mpmath.inf, regularized=True)
        else:
            g = mpmath.gammainc(m / 2 + k, 0, z, regularized=True)
        term = mpmath.exp(logpois) * g
        total += term
        if lam == 0:
            break
        if k > kmin and term < total * mpmath.mpf(10) ** -62:
            break
        k += 1
    return mpmath.log1p(-total) if upper else mpmath.log(total)


def cross_mpmath_contour(w, m, d, x, upper, t, sigma, kappa):
    """The same inversion in mpmath, on the parabola of curvature kappa/2, with mpmath.quad."""
    mpmath.mp.dps = 60
    W = [mpmath.mpf(float(v)) for v in w]
    M = [mpmath.mpf(float(v)) for v in m]
    C = [mpmath.mpf(float(a)) * mpmath.mpf(float(b)) for a, b in zip(w, d)]
    X = mpmath.mpf(x)
    T, S, KA = mpmath.mpf(t), mpmath.mpf(sigma), mpmath.mpf(kappa) / 2

    def phi(s):
        r = -s * X
        for wj, mj, cj in zip(W, M, C):
            z = 1 - 2 * wj * s
            r += -mj / 2 * mpmath.log(z) + cj * s / z
        return r

    phi_t = mpmath.re(phi(mpmath.mpc(T, 0)))
    sign = 1 if upper else -1

    def f(u):
        s = mpmath.mpc(T + KA * u * u / (S * S), u / S)
        ds = mpmath.mpc(2 * KA * u / (S * S), 1 / S)
        return mpmath.im(mpmath.exp(phi(s) - phi_t) * ds / (sign * s))

    pts = [0, 0.5, 1, 2, 4, 8, 16, 32, 64]
    val, err = mpmath.quad(f, pts, error=True, maxdegree=10)
    tail = phi_t + mpmath.log(val / mpmath.pi)
    return (mpmath.log1p(-mpmath.exp(tail)) if upper else tail), err / val


# ---------------------------------------------------------------------------------------------


def fmt(v, digits=DIGITS):
    """arb or mpf -> decimal string with `digits` significant digits."""
    if isinstance(v, arb):
        return v.mid().str(digits, radius=False)
    return mpmath.nstr(v, digits, min_fixed=1, max_fixed=0)


def run_case(index):
    t0 = time.time()
    params, w, m, d, mean, x = generate(index)
    ln_p, rel_err, info = reference(w, m, d, mean, x)
    rec = dict(
        id=index,
        seed=params["seed"],
        cls=params["cls"],
        n_terms=params["n"],
        spread_decades=repr(params["spread"]),
        p_zero=repr(params["p_zero"]),
        u_x=repr(params["u_x"]),
        ratio=repr(params["ratio"]),
        mean="%.17e" % mean,
        x="%.17e" % x,
        ln_p=fmt(ln_p),
        ln_p_rel_err=float("%.3e" % max(rel_err, 1e-300)),
        **info,
    )
    if params["n"] <= 3:
        upper = x > mean
        checks = {}
        if params["n"] == 1 and d[0] <= 2000:
            v = cross_poisson_mixture(w[0], m[0], d[0], x, upper)
            checks["poisson_mixture"] = fmt(v, 50)
        v, e = cross_mpmath_contour(w, m, d, x, upper, float(info["t"]), float(info["sigma"]),
                                    float(info["kappa"]))
        checks["mpmath_contour"] = fmt(v, 50)
        checks["mpmath_contour_quad_rel_err"] = float("%.3e" % abs(e))
        ref = mpmath.mpf(fmt(ln_p, 60))
        mpmath.mp.dps = 60
        for key in ("poisson_mixture", "mpmath_contour"):
            if key in checks:
                other = mpmath.mpf(checks[key])
                checks[key + "_rel_diff"] = float("%.3e" % abs((other - ref) / ref))
        rec["cross_check"] = checks
    rec["seconds"] = round(time.time() - t0, 3)
    return rec


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--cases", type=int, default=1100)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--finalize-only", action="store_true")
    args = ap.parse_args()
    start = time.time()
    done = {}
    if os.path.exists(PARTIAL):
        with open(PARTIAL) as f:
            for line in f:
                line = line.strip()
                if line:
                    r = json.loads(line)
                    done[r["id"]] = r
    todo = [i for i in range(args.cases) if i not in done]
    # biggest first, so the pool does not end on one long case
    sizes = {i: generate_size(i) for i in todo}
    todo.sort(key=lambda i: -sizes[i])
    computed = bool(todo) and not args.finalize_only
    if computed:
        with mp_.Pool(args.workers) as pool, open(PARTIAL, "a") as out:
            for k, rec in enumerate(pool.imap_unordered(run_case, todo)):
                out.write(json.dumps(rec) + "\n")
                out.flush()
                done[rec["id"]] = rec
                if k % 25 == 0:
                    print(f"{len(done)}/{args.cases} {time.time() - start:.0f}s", flush=True)
    elapsed = time.time() - start
    cases = [slim(done[i]) for i in sorted(done) if i < args.cases]
    if not computed and os.path.exists(OUTPUT):
        # --finalize-only: keep the wall time of the run that computed the cases
        try:
            elapsed = json.load(open(OUTPUT))["metadata"]["wall_seconds_last_run"]
        except (KeyError, ValueError):
            pass
    meta = dict(
        description="Reference ln P[S <= x] for random generalized chi-squared laws "
        "S = sum_j w_j chi'^2_{m_j}(d_j), offset 0; see make_reference.py",
        generator=__doc__.split("Generator (documented in cases.json \"generator\" too)")[1]
        .split("Reference\n---------")[0]
        .strip(),
        method=__doc__.split("Reference\n---------")[1].split("Usage:")[0].strip(),
        seed_base=SEED_BASE,
        constants=dict(LN10=repr(LN10), LN_N_MAX=repr(LN_N_MAX),
                       LN_N_LARGE_MIN=repr(LN_N_LARGE_MIN), LN_RATIO_SPAN=repr(LN_RATIO_SPAN)),
        digits=DIGITS,
        working_precision_bits=PREC,
        python=sys.version.split()[0],
        mpmath=mpmath.__version__,
        python_flint=__import__("flint").__version__,
        numpy=np.__version__,
        machine=platform.machine(),
        date=datetime.date.today().isoformat(),
        workers=args.workers,
        wall_seconds_last_run=round(elapsed, 1),
        cpu_seconds_sum=round(sum(c["seconds"] for c in cases), 1),
        n_cases=len(cases),
    )
    with open(OUTPUT, "w") as f:
        json.dump(dict(metadata=meta, cases=cases), f, separators=(",", ":"))
        f.write("\n")
    print(f"wrote {len(cases)} cases in {elapsed:.0f}s", flush=True)


KEEP = ("id", "seed", "cls", "n_terms", "spread_decades", "p_zero", "ratio", "mean", "x", "ln_p",
        "ln_p_rel_err", "tail", "t", "nodes", "seconds", "cross_check")


def slim(rec):
    """The fields cases.json keeps (the path's sigma, kappa... are in the partial file only)."""
    return {k: rec[k] for k in KEEP if k in rec}


def generate_size(index):
    rng = SplitMix64((SEED_BASE + index) & MASK)
    u_class, u_n = rng.uniform(), rng.uniform()
    if u_class < 0.25:
        n = 1 + math.floor(3.0 * u_n)
    elif u_class < 0.37:
        n = math.floor(math.exp(LN_N_LARGE_MIN + u_n * LN10))
    else:
        n = math.floor(math.exp(u_n * LN_N_MAX))
    return max(1, min(N_MAX, n))


if __name__ == "__main__":
    main()
