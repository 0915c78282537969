"""References for crates/ibits/src/bound.rs: the ICML 2023 inductive-bias-complexity bound
(Boopathy, Liu, Hwang, Ge, Mohammedsaleh & Fiete, "Model-agnostic Measure of Generalization
Difficulty", ICML 2023, arXiv:2305.01034) evaluated with mpmath at 50 digits, for the paper's four
image-classification presets and a few off-preset points.

The formula (symbols as in bound.rs):
    M  = 2 pi R / delta
    K  = (sqrt((m - 1)^2 + 4 M^2) - (m - 1)) / 2
    E  = C(m + K, m) + C(m + K - 1, m)            (binomials through Gamma, K real)
    dim_theta   = 2 D P E
    dim_theta_q = dim_theta - n D
    ln W = 1/2 ln(m/6) + (ln 2 + (m+1)/2 ln pi + ln P - ln Gamma((m+1)/2)) / m + ln R - ln(n) / m
    L_f  = K sqrt(D) / R
    bits = dim_theta_q * log2(B sqrt(D) sqrt(P) L_f W / eps)

Run: python3 bound_refs.py   (mpmath 1.3.0)
"""
import mpmath as mp

mp.mp.dps = 50


def bound(n, m, R, delta, eps, P, D, B=1):
    n, m, R, delta, eps, P, D, B = map(mp.mpf, (n, m, R, delta, eps, P, D, B))
    M = 2 * mp.pi * R / delta
    K = (mp.sqrt((m - 1) ** 2 + 4 * M * M) - (m - 1)) / 2
    E = mp.binomial(m + K, m) + mp.binomial(m + K - 1, m)
    dim_theta = 2 * D * P * E
    dim_q = dim_theta - n * D
    lnW = (mp.log(m / 6) / 2
           + (mp.log(2) + (m + 1) / 2 * mp.log(mp.pi) + mp.log(P) - mp.loggamma((m + 1) / 2)) / m
           + mp.log(R) - mp.log(n) / m)
    Lf = K * mp.sqrt(D) / R
    per_dim = mp.log(B * mp.sqrt(D) * mp.sqrt(P) * Lf / eps, 2) + lnW / mp.log(2)
    return dim_q * per_dim, K, E, dim_q, per_dim


# (name, n, R, m, classes, delta, eps): the constants of the authors' code
# (FieteLab/inductive-bias-complexity, task_difficulty.py).
PRESETS = [
    ("mnist", 60000, "17.179045827183984", 14, 10, "2.3987084824335305", "0.001"),
    ("svhn", 73257, "53.86932485133339", 19, 10, "1.5766998174969105", "0.01"),
    ("cifar10", 50000, "54.9156786783691", 27, 10, "2.7506414616587023", "0.01"),
    ("imagenet", 1280901, "943.5923", 48, 1000, "65", "0.1"),
]

if __name__ == "__main__":
    for name, n, R, m, c, delta, eps in PRESETS:
        bits, K, E, dq, per = bound(n, m, R, delta, eps, c, c - 1)
        print(name, mp.nstr(bits, 20), "K", mp.nstr(K, 20), "E", mp.nstr(E, 20),
              "dim_q", mp.nstr(dq, 20), "per_dim", mp.nstr(per, 20))
    # Off-preset points: a large bound, a small task, and a bound beyond f64 (log10 > 308).
    for args in [(1000, 100, 10, 0.01, 0.01, 10, 9), (100, 3, 2.0, 0.5, 0.05, 2, 1),
                 (1000, 200, 100, 0.01, 0.01, 10, 9)]:
        bits = bound(*args)[0]
        print(args, mp.nstr(bits, 20), "log10", mp.nstr(mp.log10(bits), 20))
    # MNIST with m doubled, and with delta halved (log10 bits).
    _, n, R, m, c, delta, eps = PRESETS[0]
    print("mnist m=28", mp.nstr(mp.log10(bound(n, 28, R, delta, eps, c, c - 1)[0]), 20))
    print("mnist delta/2",
          mp.nstr(mp.log10(bound(n, m, R, mp.mpf(delta) / 2, eps, c, c - 1)[0]), 20))
