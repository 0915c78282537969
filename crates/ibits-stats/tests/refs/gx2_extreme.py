"""80-digit references for crates/ibits-stats/tests/gx2_extreme.rs (issue 13).

Closed forms (Johnson, Kotz & Balakrishnan 1995, vol. 2, eq. 29.1 and ch. 18):
- one degree of freedom, X = (Z + sqrt(lam))^2:
    F(x)     = Phi(sqrt(x) - sqrt(lam)) - Phi(-sqrt(x) - sqrt(lam))
    1 - F(x) = Phi(sqrt(lam) - sqrt(x)) + Phi(-sqrt(x) - sqrt(lam))
- two degrees of freedom, central, weight w: F(x) = 1 - exp(-x/(2w));
- tiny nu and lam: F(x) = sum_j Pois(j; lam/2) P(nu/2 + j, x/2) (the Poisson mixture, summed
  to convergence).
Every argument is the f64 value the test uses (mpf of the float), so rounding of the inputs is
part of the reference. Run: python3 gx2_extreme.py
"""
from mpmath import mp, mpf, ncdf, log, sqrt, exp, expm1, gammainc

mp.dps = 80


def df1(lam, x):
    lam, x = mpf(lam), mpf(x)
    a, b = sqrt(x) - sqrt(lam), -sqrt(x) - sqrt(lam)
    lower = ncdf(a) - ncdf(b)
    upper = ncdf(-a) + ncdf(b)
    return log(lower), log(upper)


def fmt(v):
    return mp.nstr(v, 20, min_fixed=1, max_fixed=0)


print("# df 1, nc 1, far above the mean: (x, ln(1 - F))")
for x in [1e40, 1e50, 1e100, 1e300, 1e308]:
    print(x, fmt(df1(1.0, x)[1]))

print("# df 1, nc 1e300 at x 1e299 (and nc 1e200 at 1e199): ln F")
print(fmt(df1(1e300, 1e299)[0]))
print(fmt(df1(1e200, 1e199)[0]))

print("# df 1 near the mean: (nc, x, ln F, ln(1 - F))")
for nc in [5e12, 1e13, 3e13, 1e16, 1e17]:
    sd = (2.0 + 4.0 * nc) ** 0.5
    for x in [nc, nc - sd, nc + sd]:
        lo, up = df1(nc, x)
        print(repr(nc), repr(x), fmt(lo), fmt(up))

print("# central chi-squared with 2 dof, weight 1e-300 and 1e300: (w, x, ln F)")
for w, x in [(1e-300, 3e-300), (1e300, 5e299), (1e300, 1e-300), (1e-300, 1e-290)]:
    y = mpf(x) / mpf(w)
    print(w, x, fmt(log(-expm1(-y / 2))))

print("# nu = nc = 1e-300 at x = 1: ln(1 - F)")
a, mu, y = mpf(1e-300) / 2, mpf(1e-300) / 2, mpf(1) / 2
sf = mpf(0)
weight = exp(-mu)
for j in range(0, 40):
    sf += weight * gammainc(a + j, y, mp.inf, regularized=True)
    weight *= mu / (j + 1)
print(fmt(log(sf)))
