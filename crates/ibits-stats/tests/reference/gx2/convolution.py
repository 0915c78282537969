"""Independent reference values for the generalized chi-squared law (crates/ibits-stats/src/law/gx2).

Two-term laws e = w1 X1 + w2 X2, X_i ~ chi'^2_{m_i}(d_i) independent. The CDF is computed by
numerical convolution at 40 significant digits with mpmath 1.3:

    F(x) = integral_0^x f1(s) F2(x - s) ds

with f1 the density and F2 the CDF of the scaled non-central chi-squared terms, each a Poisson
mixture of central chi-squared laws summed until the terms fall below 1e-45 of the sum:

    f_i(s) = sum_j Pois(j; d_i/2) * g_{m_i + 2j}(s / w_i) / w_i     (g_k: chi^2_k density)
    F_i(s) = sum_j Pois(j; d_i/2) * P(m_i/2 + j, s / (2 w_i))       (P: regularized lower gamma)

mp.quad (tanh-sinh) handles the s^(m1/2 - 1) endpoint singularity; the integral is split at the
interior point x/2 and checked against a second evaluation with the roles of the terms swapped
(F(x) = integral f2(s) F1(x - s) ds); the larger relative difference of the two is printed as
`agree` (below 1e-21 for every case; the stored output is convolution.out). This uses neither Ruben's series nor a saddlepoint:
it is independent of everything in src/law/gx2.

It also prints the cumulant generating function and its derivatives K^(r)(t), r = 0..4, from
mpmath's numerical differentiation of K(t) = sum_i [-(m_i/2) ln(1 - 2 w_i t) + w_i d_i t/(1 - 2 w_i t)]
(written directly from the definition E[exp(t e)] of each term).

Run: python3 convolution.py   (about a minute); paste the output into tests/gx2_reference.rs.
"""
import mpmath as mp

mp.mp.dps = 40
TAIL = mp.mpf(10) ** -45


def poisson_mixture(d, term):
    """sum_j Pois(j; d/2) term(j), outward from j = 0 until negligible."""
    if d == 0:
        return term(0)
    lam = mp.mpf(d) / 2
    total = mp.mpf(0)
    j = 0
    while True:
        weight = mp.exp(-lam + j * mp.log(lam) - mp.loggamma(j + 1))
        value = weight * term(j)
        total += value
        if j > lam and value < TAIL * total:
            return total
        j += 1


def density(s, w, m, d):
    s = mp.mpf(s)
    if s <= 0:
        return mp.mpf(0)
    u = s / w

    def g(j):
        k = mp.mpf(m) + 2 * j
        return mp.exp((k / 2 - 1) * mp.log(u) - u / 2 - (k / 2) * mp.log(2) - mp.loggamma(k / 2)) / w

    return poisson_mixture(d, g)


def cdf(s, w, m, d):
    s = mp.mpf(s)
    if s <= 0:
        return mp.mpf(0)
    return poisson_mixture(d, lambda j: mp.gammainc(mp.mpf(m) / 2 + j, 0, s / (2 * w), regularized=True))


def convolution(x, first, second):
    x = mp.mpf(x)
    f = lambda s: density(s, *first) * cdf(x - s, *second)
    return mp.quad(f, [0, x / 2, x])


def cgf(t, law):
    return sum(-mp.mpf(m) / 2 * mp.log(1 - 2 * w * t) + w * d * t / (1 - 2 * w * t) for (w, m, d) in law)


LAWS = [
    # (terms [(w, m, d)], x values)
    ([(mp.mpf(1), 1, mp.mpf("0.5")), (mp.mpf("0.3"), 2, mp.mpf(2))], ["1e-6", "0.01", "0.2", "1", "3", "8"]),
    ([(mp.mpf("0.7"), 3, mp.mpf("1.5")), (mp.mpf("0.2"), 5, mp.mpf(0))], ["1e-4", "0.05", "0.5", "2", "6"]),
]

for law, xs in LAWS:
    print("law", [(float(w), m, float(d)) for (w, m, d) in law])
    for x in xs:
        a = convolution(x, law[0], law[1])
        b = convolution(x, law[1], law[0])
        agree = abs(a - b) / a
        print("  x = %s  ln F = %s  agree = %s" % (x, mp.nstr(mp.log(a), 20), mp.nstr(agree, 3)))
    for t in ["-0.7", "0.3"]:
        t = mp.mpf(t)
        ders = [mp.diff(lambda s: cgf(s, law), t, r) for r in range(5)]
        print("  t = %s  K^(0..4) = %s" % (mp.nstr(t, 3), [mp.nstr(v, 20) for v in ders]))
