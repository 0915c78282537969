#!/usr/bin/env python3
"""50-digit reference values for the MLP kernels near correlation 1
(crates/ibits-kernels/tests/mlp_precision.rs).

Each input pair is two f64 vectors (x, y), stored as shortest round-trip decimals: diagonals
(y = x), near-duplicates (y = x + delta * ||x|| / sqrt(d) * e, e ~ N(0, I), rounded to f64,
delta = 1e-6 and 1e-8), near-antipodal pairs (y = -x + ...) and generic pairs, for the ReLU
NNGP, the ReLU NTK and the erf NNGP at depths 1-3 and four (sigma_w, sigma_b). A second table
holds single layer expectations (relu_expectation, relu_derivative_expectation,
erf_expectation) at correlations within 1e-15..1e-8 of +-1 and erf variances up to 1e12.
The f64 inputs are converted exactly to mpmath numbers and the closed-form recursions are
evaluated at 110 significant digits (the values are stored with 25):

    q^0(x, y) = sb^2 + sw^2 <x, y> / d
    relu: E = sqrt(q11 q22) / (2 pi) (sin(theta) + (pi - theta) cos(theta)),
          E' = (pi - theta) / (2 pi),  theta = arccos(q12 / sqrt(q11 q22))
    erf:  E = (2 / pi) arcsin(2 q12 / sqrt((1 + 2 q11) (1 + 2 q22)))
    q^l = sb^2 + sw^2 E(q^{l-1});  Theta^0 = q^0;  Theta^l = q^l + sw^2 E'(q^{l-1}) Theta^{l-1}

(Cho & Saul 2009; Williams 1997; Arora et al. 2019, eq. (4)-(5); the conventions of
crates/ibits-kernels/src/mlp.rs.) arccos next to rho = 1 keeps only half the digits of 1 - rho
(at rho rounded to 1 - 1e-110, theta ~ 1e-55), so 110 digits leave more than 50 correct ones. As
a check, every diagonal value is compared, to 1e-50, with the closed form at angle 0
(q_{l+1} = sw^2 q_l / 2 + sb^2 for ReLU, Theta_{l+1} = q_{l+1} + sw^2 Theta_l / 2).

Run (needs mpmath):  python3 crates/ibits-kernels/tests/refs/make_mlp_precision_refs.py
It rewrites crates/ibits-kernels/tests/refs/mlp_precision_refs.json next to this script.
"""

import json
import math
import os
import random

import mpmath as mp

mp.mp.dps = 110


def layer_expectations(act, q11, q22, q12):
    g = mp.sqrt(q11 * q22)
    if act == "relu":
        rho = max(min(q12 / g, mp.mpf(1)), mp.mpf(-1))
        theta = mp.acos(rho)
        e = g / (2 * mp.pi) * (mp.sin(theta) + (mp.pi - theta) * mp.cos(theta))
        return e, (mp.pi - theta) / (2 * mp.pi)
    return 2 / mp.pi * mp.asin(2 * q12 / mp.sqrt((1 + 2 * q11) * (1 + 2 * q22))), None


def kernel(name, x, y, depth, sw, sb):
    act = "erf" if name == "nngp-erf" else "relu"
    d = len(x)
    xs, ys = [mp.mpf(v) for v in x], [mp.mpf(v) for v in y]
    w2, b2 = mp.mpf(sw) ** 2, mp.mpf(sb) ** 2

    def cov(a, b):
        return b2 + w2 * mp.fsum(p * q for p, q in zip(a, b)) / d

    q11, q22, q12 = cov(xs, xs), cov(ys, ys), cov(xs, ys)
    ntk = q12
    for _ in range(depth):
        e12, edot = layer_expectations(act, q11, q22, q12)
        e11, _ = layer_expectations(act, q11, q11, q11)
        e22, _ = layer_expectations(act, q22, q22, q22)
        q11, q22, q12 = b2 + w2 * e11, b2 + w2 * e22, b2 + w2 * e12
        if edot is not None:
            ntk = q12 + w2 * edot * ntk
    return ntk if name == "ntk-relu" else q12


def diagonal_closed_form(name, x, depth, sw, sb):
    w2, b2 = mp.mpf(sw) ** 2, mp.mpf(sb) ** 2
    q = b2 + w2 * mp.fsum(mp.mpf(v) ** 2 for v in x) / len(x)
    ntk = q
    for _ in range(depth):
        if name == "nngp-erf":
            q = b2 + w2 * 2 / mp.pi * mp.asin(2 * q / (1 + 2 * q))
        else:
            q = b2 + w2 * q / 2
            ntk = q + w2 * ntk / 2
    return ntk if name == "ntk-relu" else q


def main():
    rng = random.Random(13)
    pairs = []
    for d in (3, 17):
        x = [rng.gauss(0.0, 1.0) for _ in range(d)]
        norm = math.sqrt(sum(v * v for v in x))
        e = [rng.gauss(0.0, 1.0) for _ in range(d)]
        z = [rng.gauss(0.0, 1.0) for _ in range(d)]
        pairs.append(("diagonal", x, list(x)))
        for delta in (1e-6, 1e-8):
            pairs.append((f"near-duplicate {delta:g}",
                          x, [a + delta * norm / math.sqrt(d) * b for a, b in zip(x, e)]))
        pairs.append(("near-antipodal 1e-6",
                      x, [-a + 1e-6 * norm / math.sqrt(d) * b for a, b in zip(x, e)]))
        pairs.append(("generic", x, z))
    # More diagonals (rounding of rho near 1 depends on the value): other dims and scales.
    for d, scale in ((1, 1.0), (4, 1e-3), (9, 1.0), (30, 1e3)):
        x = [scale * rng.gauss(0.0, 1.0) for _ in range(d)]
        pairs.append(("diagonal", x, list(x)))
    cases = []
    for name in ("nngp-relu", "ntk-relu", "nngp-erf"):
        for depth in (1, 2, 3):
            for sw, sb in ((1.0, 0.0), (1.4, 0.1), (2.0, 1.5), (100.0, 0.5)):
                for index, (label, a, b) in enumerate(pairs):
                    value = kernel(name, a, b, depth, sw, sb)
                    if label == "diagonal":
                        closed = diagonal_closed_form(name, a, depth, sw, sb)
                        assert abs(value - closed) <= mp.mpf(10) ** -50 * abs(closed)
                    cases.append([name, depth, repr(sw), repr(sb), index,
                                  mp.nstr(value, 25, min_fixed=1, max_fixed=0)])
    # Single layers at correlations next to +-1 and at large erf variances (arcsine argument
    # next to 1): (function, q11, q22, q12, value) with f64 arguments.
    layers = []
    for q in (1e-3, 0.7, 42.0):
        for eps in (0.0, 1e-15, 1e-12, 1e-8):
            for sign in (1.0, -1.0):
                q12 = sign * q * (1.0 - eps)
                for fn in ("relu", "relu-derivative"):
                    layers.append((fn, q, q, q12))
        layers.append(("relu", q, 1.3 * q, 0.999999999 * math.sqrt(1.3) * q))
    for q in (1.0, 1e4, 1e8, 1e12):
        for eps in (0.0, 1e-12, 1e-6):
            layers.append(("erf", q, q, q * (1.0 - eps)))
        layers.append(("erf", q, 2.0 * q, 1.4142 * q))
    layer_rows = []
    for fn, q11, q22, q12 in layers:
        a, b, c = mp.mpf(q11), mp.mpf(q22), mp.mpf(q12)
        e, edot = layer_expectations("erf" if fn == "erf" else "relu", a, b, c)
        value = edot if fn == "relu-derivative" else e
        layer_rows.append([fn, repr(q11), repr(q22), repr(q12),
                           mp.nstr(value, 25, min_fixed=1, max_fixed=0)])
    out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "mlp_precision_refs.json")
    with open(out, "w") as f:
        f.write('{"generator": "make_mlp_precision_refs.py",\n "pairs": [\n')
        f.write(",\n".join(json.dumps({"label": label, "x": [repr(v) for v in a],
                                        "y": [repr(v) for v in b]})
                            for label, a, b in pairs))
        f.write('],\n "cases (kernel, depth, sigma_w, sigma_b, pair, value)": [\n')
        f.write(",\n".join(json.dumps(c) for c in cases))
        f.write('],\n "layers (function, q11, q22, q12, value)": [\n')
        f.write(",\n".join(json.dumps(r) for r in layer_rows))
        f.write("]}\n")
    print(f"wrote {len(cases)} cases over {len(pairs)} input pairs to {out}")


if __name__ == "__main__":
    main()
