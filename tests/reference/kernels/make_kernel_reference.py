#!/usr/bin/env python3
"""Reference values for the infinite-width kernels of ibits-kernels
(crates/ibits-kernels/tests/kernel_reference.rs).

Every layer expectation E[phi(u) phi(v)] (and E[phi'(u) phi'(v)] for the NTK) is computed by
numerical integration at 30 digits, NOT from the arc-cosine / arcsine closed forms:

    u = sqrt(q11) z1,  v = sqrt(q22) (rho z1 + sqrt(1 - rho^2) z2),  z1, z2 ~ N(0, 1)

The inner Gaussian integral over z2 uses elementary one-dimensional identities
(E[relu(c + b z)] = c Phi(c/b) + b phi(c/b); E[erf(c + b z)] = erf(c / sqrt(1 + 2 b^2));
P[c + b z > 0] = Phi(c/b)), the outer one mpmath.quad with a breakpoint at z1 = 0.

Network convention (neural-tangents' stax.serial(*[Dense(W_std=sw, b_std=sb), Act] * L,
Dense(W_std=sw, b_std=sb)), "ntk" parameterization):
    q^0 = sb^2 + sw^2 <x, y> / d;  q^l = sb^2 + sw^2 E[phi(u) phi(v)];  Theta^0 = q^0;
    Theta^l = q^l + sw^2 E[phi'(u) phi'(v)] Theta^{l-1}.

Run: python3 tests/reference/kernels/make_kernel_reference.py  (writes kernel_reference.json)
"""

import json
import os

import mpmath as mp

mp.mp.dps = 30


def inner_relu(c, b):
    if b == 0:
        return max(c, 0)
    return c * mp.ncdf(c / b) + b * mp.npdf(c / b)


def inner_step(c, b):
    return mp.ncdf(c / b) if b > 0 else (1 if c > 0 else 0)


def inner_erf(c, b):
    return mp.erf(c / mp.sqrt(1 + 2 * b * b))


def expectation(kind, q11, q22, q12):
    s1, s2 = mp.sqrt(q11), mp.sqrt(q22)
    rho = q12 / (s1 * s2)
    rho = max(min(rho, mp.mpf(1)), mp.mpf(-1))
    b = s2 * mp.sqrt(1 - rho * rho)
    if kind == "relu":
        f = lambda z: max(s1 * z, 0) * inner_relu(s2 * rho * z, b) * mp.npdf(z)  # noqa: E731
    elif kind == "step":
        f = lambda z: (1 if z > 0 else 0) * inner_step(s2 * rho * z, b) * mp.npdf(z)  # noqa: E731
    else:
        f = lambda z: mp.erf(s1 * z) * inner_erf(s2 * rho * z, b) * mp.npdf(z)  # noqa: E731
    return mp.quad(f, [-mp.inf, 0, mp.inf])


def recursion(act, x, y, depth, sw, sb, ntk):
    d = len(x)
    sw2, sb2 = mp.mpf(sw) ** 2, mp.mpf(sb) ** 2
    dot = lambda a, c: mp.fsum(mp.mpf(p) * mp.mpf(q) for p, q in zip(a, c)) / d  # noqa: E731
    qxx, qyy, qxy = sb2 + sw2 * dot(x, x), sb2 + sw2 * dot(y, y), sb2 + sw2 * dot(x, y)
    theta = qxy
    for _ in range(depth):
        e = expectation(act, qxx, qyy, qxy)
        ed = expectation("step", qxx, qyy, qxy) if ntk else None
        exx = expectation(act, qxx, qxx, qxx)
        eyy = expectation(act, qyy, qyy, qyy)
        qxy = sb2 + sw2 * e
        if ntk:
            theta = qxy + sw2 * ed * theta
        qxx, qyy = sb2 + sw2 * exx, sb2 + sw2 * eyy
    return theta if ntk else qxy


PAIRS = [
    ([0.3, -1.2, 0.5], [0.8, 0.1, -0.4]),
    ([1.0, 2.0, 3.0], [1.0, 2.0, 3.0]),
    ([1.5, 0.0, -0.5], [-1.4, 0.2, 0.6]),
]

CASES = [
    ("nngp-relu", "relu", 1, 1.4, 0.1, False),
    ("nngp-relu", "relu", 3, 1.4, 0.1, False),
    ("nngp-erf", "erf", 2, 1.0, 0.2, False),
    ("ntk-relu", "relu", 2, 1.4, 0.1, True),
    ("ntk-relu", "relu", 3, 1.0, 0.0, True),
]


def main():
    rows = []
    for kernel, act, depth, sw, sb, ntk in CASES:
        for x, y in PAIRS:
            v = recursion(act, x, y, depth, sw, sb, ntk)
            rows.append({"kernel": kernel, "depth": depth, "sigma_w": sw, "sigma_b": sb,
                         "x": x, "y": y, "value": float(v), "value_str": mp.nstr(v, 25)})
            print(kernel, depth, x, y, mp.nstr(v, 20), flush=True)
    out = {"generated_by": "tests/reference/kernels/make_kernel_reference.py (mpmath 1.3, 30 digits, "
                           "numerical integration of each layer expectation)", "rows": rows}
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "kernel_reference.json")
    with open(path, "w") as f:
        json.dump(out, f, indent=1)


if __name__ == "__main__":
    main()
